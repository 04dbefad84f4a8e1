"""The DuckDB store: migrations, newer or corrupt files, locking between processes."""

import hashlib
import subprocess
import sys
import textwrap

import duckdb
import pytest

from tether.core.errors import StoreBusy, TetherError
from tether.core.store import Store, migrations


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_has_latest_schema(tmp_path):
    store = Store(tmp_path / "t.duckdb")
    with store.read() as con:
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert int(version) == len(migrations())
    assert {"files", "symbols", "refs", "bindings", "index_runs", "edges"} <= tables


def test_older_database_is_migrated(tmp_path):
    path = tmp_path / "t.duckdb"
    old = migrations()[:1]
    Store(path, scripts=old).create()
    with Store(path, scripts=old).write() as con:
        con.execute("INSERT INTO symbols (id, path, kind, name, language) VALUES ('a.py::f', 'a.py', 'function', 'f', 'python')")
    newer = old + ["CREATE TABLE extra (x INTEGER); ALTER TABLE symbols ADD COLUMN note VARCHAR;"]
    store = Store(path, scripts=newer)
    with store.read() as con:  # a reader migrates too
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "2"
        assert con.execute("SELECT id, note FROM symbols").fetchall() == [("a.py::f", None)]
        assert con.execute("SELECT count(*) FROM extra").fetchone()[0] == 0


def test_newer_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "t.duckdb"
    Store(path, scripts=migrations() + ["CREATE TABLE future (x INTEGER);"]).create()
    before = digest(path)
    with pytest.raises(TetherError, match="newer than this tether"):
        with Store(path).read():
            pass
    assert digest(path) == before


def test_corrupt_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "t.duckdb"
    path.write_bytes(b"this is not a database" * 1000)
    before = digest(path)
    with pytest.raises(TetherError, match="cannot open the database.*left untouched"):
        with Store(path).write():
            pass
    assert digest(path) == before


def test_foreign_duckdb_file_is_refused(tmp_path):
    path = tmp_path / "t.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE mine (x INTEGER)")
    con.close()
    with pytest.raises(TetherError, match="not a tether database"):
        with Store(path).read():
            pass


def test_foreign_meta_table_and_truncated_file_are_refused_and_untouched(tmp_path):
    foreign = tmp_path / "foreign.duckdb"
    con = duckdb.connect(str(foreign))
    con.execute("CREATE TABLE meta (a INTEGER)")
    con.close()
    good = tmp_path / "good.duckdb"
    with Store(good).write() as con:
        con.execute("INSERT INTO meta SELECT 'filler-' || i, repeat('x', 200) FROM range(20000) t(i)")
    truncated = tmp_path / "truncated.duckdb"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    for path in (foreign, truncated):
        before = digest(path)
        with pytest.raises(TetherError, match="left untouched"):
            with Store(path).write():
                pass
        assert digest(path) == before


def test_write_is_rolled_back_on_error(tmp_path):
    store = Store(tmp_path / "t.duckdb")
    with pytest.raises(ZeroDivisionError):
        with store.write() as con:
            con.execute("INSERT INTO files (path) VALUES ('x')")
            1 / 0
    with store.read() as con:
        assert con.execute("SELECT count(*) FROM files").fetchone()[0] == 0


def test_other_process_holding_the_file_gives_busy_then_frees(tmp_path):
    path = tmp_path / "t.duckdb"
    Store(path).create()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(path)!r})
        print("held", flush=True)
        time.sleep(1.5)
        con.close()
    """)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(StoreBusy, match="another process holds the database"):
        with Store(path, lock_timeout=0.3).read():
            pass
    with Store(path, lock_timeout=10).write() as con:  # retries with backoff until it is free
        con.execute("INSERT INTO files (path) VALUES ('y')")
    holder.wait()


def test_reads_in_a_reading_block_share_one_connection_that_writes_and_the_block_end_close(tmp_path):
    """reading(): one connection for the block's reads; a write in the block closes it (DuckDB
    refuses a writer beside it) and sees its own rows afterwards; when the block ends another
    process can write."""
    path = tmp_path / "t.duckdb"
    store = Store(path)
    store.create()
    with store.reading():
        with store.read() as first:
            assert first.execute("SELECT count(*) FROM files").fetchone()[0] == 0
        with store.read() as again:
            assert again is first
        with store.write() as con:
            con.execute("INSERT INTO files (path) VALUES ('x')")
        with pytest.raises(duckdb.ConnectionException):
            first.execute("SELECT 1")
        with store.read() as after:
            assert after.execute("SELECT count(*) FROM files").fetchone()[0] == 1
        with pytest.raises(StoreBusy):  # held by this block
            _write_elsewhere(path, 0.2)
    _write_elsewhere(path, 5)
    with store.read() as con:
        assert con.execute("SELECT count(*) FROM files").fetchone()[0] == 2


def _write_elsewhere(path, timeout: float) -> None:
    """Insert a file row from another process, raising StoreBusy when it cannot open the database."""
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        from pathlib import Path
        from tether.core.errors import StoreBusy
        from tether.core.store import Store
        try:
            with Store(Path({str(path)!r}), lock_timeout={timeout}).write() as con:
                con.execute("INSERT INTO files (path) VALUES ('y')")
        except StoreBusy:
            raise SystemExit(3)
    """)], capture_output=True, text=True)
    if proc.returncode == 3:
        raise StoreBusy("busy")
    assert proc.returncode == 0, proc.stderr


def test_symbol_search_ranks_matches_and_reads_special_characters_literally(tmp_path):
    """find_symbols: exact name, name in another case, substring, then the characters in order,
    shorter ids first; `_` and `%` in a pattern are characters, not wildcards."""
    from tether.core.project import Project

    (tmp_path / "m.py").write_text("def go(): pass\ndef GO(): pass\ndef going(): pass\ndef g_o(): pass\n"
                                   "def gxo(): pass\ndef og(): pass\nclass Job:\n    def go(self): pass\n")
    project = Project(tmp_path)
    project.index()
    ids = lambda pattern, limit=None: [s.id for s in project.symbols(pattern, limit=limit)]  # noqa: E731
    assert ids("go") == ["m.py::go", "m.py::Job.go", "m.py::GO", "m.py::going", "m.py::g_o", "m.py::gxo"]
    assert ids("go", limit=3) == ["m.py::go", "m.py::Job.go", "m.py::GO"]
    assert ids("Job.go") == ["m.py::Job.go"]
    assert ids("g_o") == ["m.py::g_o"]
    assert ids("g%o") == []


def test_lookups_by_symbol_id_find_symbols_in_a_file_whose_name_holds_colons(tmp_path):
    """Lookups by id read only the rows of the id's file: a file named `a::b.py` is still found."""
    from tether.core.project import Project

    (tmp_path / "a::b.py").write_text("def f():\n    return g()\n\n\ndef g():\n    return 1\n")
    project = Project(tmp_path)
    project.index()
    with project.store.read() as con:
        assert project.store.symbol(con, "a::b.py::f").name == "f"
        assert set(project.store.symbols_by_ids(con, ["a::b.py::f", "a::b.py::g"])) == {"a::b.py::f", "a::b.py::g"}
        assert project.store.existing_nodes(con, ["a::b.py::g", "a::b.py", "gone.py"]) == {"a::b.py::g", "a::b.py"}
        assert ("a::b.py::f", "a::b.py::g", "calls") in project.store.graph_edges(con, ["a::b.py::f"])
        assert project.store.dependencies(con, ["a::b.py::f"])["a::b.py::f"].keys() == {"a::b.py::g"}


def test_a_bounded_write_that_runs_out_of_memory_is_rolled_back_and_run_again_unbounded(tmp_path):
    store = Store(tmp_path / "t.duckdb")
    with store.write() as con:
        con.execute("CREATE TABLE log (attempt INTEGER)")
    limits = []

    def work(con):
        limits.append(con.execute("SELECT current_setting('memory_limit')").fetchone()[0])
        con.execute("INSERT INTO log VALUES (?)", [len(limits)])
        return con.execute("SELECT length(string_agg(repeat('x', 100), ',')) FROM range(200000)").fetchone()[0]

    assert store.write_bounded(work, "1MB") == 200000 * 101 - 1
    assert len(limits) == 2 and limits[0] != limits[1]  # bounded, then DuckDB's default
    with store.read() as con:
        assert con.execute("SELECT attempt FROM log").fetchall() == [(2,)]  # the first attempt left nothing
    assert store.write_bounded(lambda con: con.execute("SELECT 1").fetchone()[0], "1MB") == 1


def test_a_bounded_write_fails_on_other_errors_without_a_second_attempt(tmp_path):
    store = Store(tmp_path / "t.duckdb")
    calls = []

    def work(con):
        calls.append(1)
        con.execute("SELECT * FROM no_such_table")

    with pytest.raises(duckdb.CatalogException):
        store.write_bounded(work)
    assert calls == [1]
