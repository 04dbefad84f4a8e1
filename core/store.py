"""The only place with SQL: one DuckDB file per repository, opened briefly, migrated on open.

DuckDB admits one writing process at a time, and while it writes no other process can
open the file at all. So nothing keeps a connection: `read()` and `write()` open, work,
close, and retry with backoff while another process holds the file.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Callable, Iterator, Protocol, TypeVar

import duckdb

from tether.core.errors import StoreBusy, TetherError
import json

from tether.core.model import Anchor, Edge, FileResult, Link, Note, Symbol

SYMBOL_COLUMNS = ("id, kind, name, path, language, start_line, end_line, start_byte, end_byte, "
                  "signature, parent_id, code_hash, sig_hash, blind_hash")


# A script may start with `-- python: <Store method>`: that step runs first, in the same transaction.
_PYTHON_STEP = re.compile(r"^-- python: (\w+)$", re.MULTILINE)


def migrations() -> list[str]:
    """Schema scripts in order; the schema version is how many have been applied."""
    folder = resources.files("tether.core").joinpath("schema")
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".sql"))
    return [folder.joinpath(n).read_text("utf-8") for n in names]


class PendingWrites(Protocol):
    """Writes waiting for the database (the journal): `waiting()` must be cheap (asked before
    every write); `apply(con)` runs inside a transaction; `applied(token)` after it committed."""

    def waiting(self) -> bool: ...

    def apply(self, con) -> object: ...

    def applied(self, token: object) -> None: ...


# DuckDB's memory limit while an index run writes: by default DuckDB takes up to 80% of the
# machine's memory, and a kernel-sized run's bulk loads and joins grew past 2 GB; bounded, they
# spill to a file next to the database instead (tests/bench/bench_kernel.py: peak RSS). Lower,
# the kernel's largest name-resolution update slows down steeply (53 s at 400 MB, 33 s at 420).
INDEX_MEMORY = "420MB"
T = TypeVar("T")


def _is_lock_error(e: Exception) -> bool:
    msg = str(e)
    return "Conflicting lock" in msg or "Could not set lock" in msg or "database is locked" in msg


@dataclass(slots=True)
class FileState:
    size: int | None
    mtime_ns: int | None
    blob_id: str | None


NOTE_COLUMNS = ("id, text, type, tags, source, session, created_at, updated_at, commit, state, private, origin, secret, "
                "pinned")
LINK_COLUMNS = "note_id, target, kind, code_hash, sig_hash, blind_hash, anchor_text, commit, deps, moved_from, position"


def _insert_columns(con, table: str, columns: str, rows: list[tuple]) -> None:
    """INSERT many rows in one statement: one list per column, unnested side by side."""
    names = [c.strip() for c in columns.split(",")]
    select = ", ".join(f"unnest(${i + 1})" for i in range(len(names)))
    con.execute(f"INSERT INTO {table} ({columns}) SELECT {select}", [list(col) for col in zip(*rows)])


# The name an import binds under an alias (Python's `from m import f as g`: f), from bindings b.
_IMPORTED_NAME = "regexp_extract(b.source, '[A-Za-z_][A-Za-z_0-9]*$')"
# Languages whose names can refer to each other's definitions.
_FAMILIES = {lang: family for family in (("c", "cpp"), ("javascript", "tsx", "typescript")) for lang in family}


class NoteStore:
    """Notes, links and history: the SQL behind core/notes.py. Mixed into Store."""

    def put_notes(self, con, notes: list[Note | tuple[str, None]]) -> None:
        """Write notes with all their links, in order: a Note replaces the note with its id, an
        (id, None) removes it. Bulk statements: importing thousands of notes stays fast."""
        final: dict[str, Note | None] = {}
        for n in notes:
            if isinstance(n, Note):
                final[n.id] = n
            else:
                final[n[0]] = None
        ids = list(final)
        con.execute("DELETE FROM notes WHERE id IN (SELECT unnest($1))", [ids])
        con.execute("DELETE FROM links WHERE note_id IN (SELECT unnest($1))", [ids])
        kept = [n for n in final.values() if n is not None]
        if kept:
            _insert_columns(con, "notes", NOTE_COLUMNS, [
                (n.id, n.text, n.type, n.tags, n.source, n.session, n.created_at, n.updated_at, n.commit, n.state,
                 n.private, n.origin, n.secret, n.pinned) for n in kept])
        links = [(n.id, l.target, l.kind, l.anchor.code_hash, l.anchor.sig_hash, l.anchor.blind_hash, l.anchor.text,
                  l.anchor.commit, json.dumps(l.anchor.deps, sort_keys=True), l.moved_from, i)
                 for n in kept for i, l in enumerate(n.links)]
        if links:
            _insert_columns(con, "links", LINK_COLUMNS, links)

    def notes(self, con, ids: list[str] | None = None, states: tuple[str, ...] = ("active", "archived"),
              ) -> list[Note]:
        where = "state IN (SELECT unnest($states))"
        params: dict = {"states": list(states)}
        if ids is not None:
            where += " AND id IN (SELECT unnest($ids))"
            params["ids"] = ids
        rows = con.execute(f"SELECT {NOTE_COLUMNS} FROM notes WHERE {where} ORDER BY created_at, id",
                           params).fetchall()
        notes = {r[0]: Note(*r[:11], links=[], origin=r[11], secret=r[12], pinned=bool(r[13])) for r in rows}
        for n in notes.values():
            n.tags = list(n.tags or [])
        if notes:
            links = con.execute(f"SELECT {LINK_COLUMNS} FROM links WHERE note_id IN (SELECT unnest($1)) "
                                "ORDER BY note_id, position", [list(notes)]).fetchall()
            for nid, target, kind, ch, sh, bh, text, commit, deps, moved_from, _ in links:
                notes[nid].links.append(Link(target, kind, Anchor(ch, sh, bh, text or "", commit,
                                                                  json.loads(deps or "{}")), moved_from))
        return list(notes.values())

    def unscanned_notes(self, con) -> list[tuple[str, str]]:
        """(id, text) of the notes the secret scan has not seen (saved before it existed)."""
        return con.execute("SELECT id, text FROM notes WHERE secret IS NULL ORDER BY id").fetchall()

    def set_note_secrets(self, con, marks: dict[str, str]) -> None:
        """Record what the secret scan found in each note (not a change of the note: no history)."""
        if marks:
            con.execute("UPDATE notes SET secret = m.mark FROM (SELECT unnest($1) AS id, unnest($2) AS mark) m "
                        "WHERE notes.id = m.id", [list(marks), list(marks.values())])

    def note_ids_like(self, con, prefix: str) -> list[str]:
        return [r[0] for r in con.execute("SELECT id FROM notes WHERE starts_with(id, ?) ORDER BY id",
                                          [prefix]).fetchall()]

    def note_origins(self, con) -> set[str]:
        return {r[0] for r in con.execute("SELECT origin FROM notes WHERE origin IS NOT NULL").fetchall()}

    def known_note_ids(self, con, ids: list[str]) -> set[str]:
        """Which of `ids` the database has or ever had (a note purged since is still in history)."""
        if not ids:
            return set()
        return {r[0] for r in con.execute("SELECT id FROM notes WHERE id IN (SELECT unnest($1)) UNION "
                                          "SELECT note_id FROM history WHERE note_id IN (SELECT unnest($1))",
                                          [ids]).fetchall()}

    # -- history -----------------------------------------------------------------------

    def next_batch(self, con) -> int:
        return con.execute("SELECT coalesce(max(batch), 0) + 1 FROM history").fetchone()[0]

    def add_history(self, con, rows: list[tuple]) -> None:
        """Append (batch, at, actor, op, note_id, before, after, undoes) rows, numbered in order."""
        if rows:
            seq = con.execute("SELECT coalesce(max(seq), 0) FROM history").fetchone()[0]
            _insert_columns(con, "history", 'seq, batch, "at", actor, op, note_id, before, after, undoes',
                            [(seq + i, *r) for i, r in enumerate(rows, 1)])

    def last_undoable_batch(self, con) -> int | None:
        row = con.execute("""SELECT max(batch) FROM history WHERE op <> 'undo'
                             AND batch NOT IN (SELECT undoes FROM history WHERE undoes IS NOT NULL)""").fetchone()
        return row[0]

    def batch_entries(self, con, batch: int) -> list[tuple]:
        return con.execute("SELECT seq, op, note_id, before, after FROM history WHERE batch = ? ORDER BY seq DESC",
                           [batch]).fetchall()

    def history(self, con, note_id: str | None = None, limit: int = 100) -> list[tuple]:
        where, args = ("WHERE note_id = ?", [note_id]) if note_id else ("", [])
        return con.execute(f"SELECT seq, batch, \"at\", actor, op, note_id, before, after, undoes FROM history {where} "
                           f"ORDER BY seq DESC LIMIT {int(limit)}", args).fetchall()

    def add_file_edit(self, con, batch: int, path: str, before: bytes, after_sha: str) -> None:
        con.execute("INSERT INTO file_edits VALUES (?, ?, ?, ?)", [batch, path, before, after_sha])

    def file_edits(self, con, batch: int) -> list[tuple[str, bytes, str]]:
        """(path, bytes before, sha1 of the bytes written) of the files batch `batch` rewrote."""
        rows = con.execute("SELECT path, before, after_sha FROM file_edits WHERE batch = ? ORDER BY path",
                           [batch]).fetchall()
        return [(p, bytes(b), s) for p, b, s in rows]

    # -- sharing (core/sharing.py) ------------------------------------------------------

    def sync_state(self, con) -> str | None:
        row = con.execute("SELECT value FROM meta WHERE key = 'notes_sync'").fetchone()
        return row[0] if row else None

    def set_sync_state(self, con, value: str) -> None:
        con.execute("INSERT OR REPLACE INTO meta VALUES ('notes_sync', ?)", [value])

    def history_seq(self, con) -> int:
        return con.execute("SELECT coalesce(max(seq), 0) FROM history").fetchone()[0]

    # -- what links need --------------------------------------------------------------

    def file_row(self, con, path: str):
        return con.execute("SELECT path, code_hash, blob_id FROM files WHERE path = ? AND skipped IS NULL",
                           [path]).fetchone()

    def dependencies(self, con, symbol_ids: list[str]) -> dict[str, dict[str, str]]:
        """{symbol id: {resolved callee or base: its current code_hash}} for each of `symbol_ids`."""
        if not symbol_ids:
            return {}
        rows = con.execute("""SELECT DISTINCT r.src, s.id, s.code_hash FROM refs r JOIN symbols s ON s.id = r.dst
                              WHERE r.path IN (SELECT unnest($2)) AND r.src IN (SELECT unnest($1))
                                AND r.kind IN ('calls', 'inherits')
                                AND s.id <> r.src ORDER BY 1, 2""", [symbol_ids, _paths_of(symbol_ids)]).fetchall()
        out: dict[str, dict[str, str]] = {}
        for src, dep, code_hash in rows:
            out.setdefault(src, {})[dep] = code_hash
        return out

    def symbols_by_ids(self, con, ids: list[str]) -> dict[str, Symbol]:
        if not ids:
            return {}
        rows = con.execute(f"SELECT {SYMBOL_COLUMNS} FROM symbols WHERE path IN (SELECT unnest($2)) "
                           "AND id IN (SELECT unnest($1))", [ids, _paths_of(ids)]).fetchall()
        return {r[0]: Symbol(*r) for r in rows}

    def symbols_matching(self, con, code_hashes: list[str], blind_hashes: list[str], names: list[str]) -> list[Symbol]:
        """Candidates for a moved symbol: same fingerprint, same name-blind fingerprint, or same name."""
        rows = con.execute(f"""SELECT {SYMBOL_COLUMNS} FROM symbols WHERE code_hash IN (SELECT unnest($1))
                               OR blind_hash IN (SELECT unnest($2)) OR name IN (SELECT unnest($3))""",
                           [code_hashes, blind_hashes, names]).fetchall()
        return [Symbol(*r) for r in rows]

    def files_by_hash(self, con, hashes: list[str]) -> dict[str, list[str]]:
        rows = con.execute("SELECT code_hash, path FROM files WHERE code_hash IN (SELECT unnest($1)) ORDER BY path",
                           [hashes]).fetchall()
        out: dict[str, list[str]] = {}
        for h, p in rows:
            out.setdefault(h, []).append(p)
        return out

    def indexed_paths(self, con) -> set[str]:
        return {r[0] for r in con.execute("SELECT path FROM files WHERE skipped IS NULL").fetchall()}

    def dirs_present(self, con, dirs: list[str]) -> set[str]:
        """Which of `dirs` (paths without a final '/') hold at least one indexed file."""
        if not dirs:
            return set()
        rows = con.execute("""SELECT DISTINCT t.d FROM (SELECT unnest($1) AS d) t WHERE EXISTS (
                                SELECT 1 FROM files f WHERE f.skipped IS NULL AND starts_with(f.path, t.d || '/'))""",
                           [dirs]).fetchall()
        return {r[0] for r in rows}

    def file_hashes(self, con, paths: list[str]) -> dict[str, str]:
        rows = con.execute("SELECT path, code_hash FROM files WHERE path IN (SELECT unnest($1)) AND skipped IS NULL",
                           [paths]).fetchall()
        return dict(rows)


# Columns an index run stages per table, with their types for the bulk read.
_V, _I, _B = "VARCHAR", "INTEGER", "BIGINT"
STAGED = {
    "files": [("path", _V), ("language", _V), ("blob_id", _V), ("size", _B), ("mtime_ns", _B),
              ("code_hash", _V), ("symbols", _I), ("syntax_errors", _I), ("skipped", _V)],
    "symbols": [(c.strip(), _I if c.strip().endswith(("_line", "_byte")) else _V) for c in SYMBOL_COLUMNS.split(",")],
    "refs": [("path", _V), ("src", _V), ("kind", _V), ("target", _V), ("line", _I), ("self_call", "BOOLEAN"),
             ("dst", _V)],
    "bindings": [("path", _V), ("local", _V), ("source", _V), ("target_path", _V)],
}


def _alive(pid: str) -> bool:
    """Is there a process with this id (a staging folder's owner)? Unknown forms count as alive."""
    if not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


class Staging:
    """An index run's rows in tab-separated files, one set per writing process, loaded in one
    bulk read per table: workers write their own rows (nothing crosses processes but a summary),
    it is faster than passing Python lists to DuckDB, and memory stays flat."""

    def __init__(self, folder: Path):
        import shutil
        import tempfile

        for old in folder.glob("index-*.tmp"):  # left by a killed run: its process is gone
            try:
                if not _alive(old.name.split("-")[1]) or time.time() - old.stat().st_mtime > 3600:
                    shutil.rmtree(old, ignore_errors=True)
            except OSError:
                pass
        self.dir = Path(tempfile.mkdtemp(prefix=f"index-{os.getpid()}-", suffix=".tmp", dir=folder))

    def writer(self) -> StagingWriter:
        """A writer for this process (files named after its pid)."""
        return StagingWriter(self.dir)

    def files(self, table: str) -> list[str]:
        return sorted(str(p) for p in self.dir.glob(f"{table}-*.tsv") if p.stat().st_size)

    def remove(self) -> None:
        import shutil

        shutil.rmtree(self.dir, ignore_errors=True)


class StagingWriter:
    def __init__(self, folder: Path):
        import csv

        self._files = {t: open(folder / f"{t}-{os.getpid()}.tsv", "a", encoding="utf-8", newline="") for t in STAGED}
        self._writers = {t: csv.writer(f, delimiter="\t", lineterminator="\n") for t, f in self._files.items()}

    def add(self, r: FileResult | None, path: str, st: FileState, reason: str | None,
            imports: dict[str, str | None] | None = None) -> None:
        """Stage one file's rows; `imports`: the file each import source resolves to, when known."""
        w, imports = self._writers, imports or {}
        w["files"].writerow((path, r.language if r else None, st.blob_id, st.size, st.mtime_ns,
                             r.code_hash if r else None, len(r.symbols) if r else 0,
                             r.syntax_errors if r else 0, reason))
        if r is None:
            return
        w["symbols"].writerows((s.id, s.kind, s.name, s.path, s.language, s.start_line, s.end_line, s.start_byte,
                                s.end_byte, s.signature, s.parent_id, s.code_hash, s.sig_hash, s.blind_hash)
                               for s in r.symbols)
        w["refs"].writerows((path, x.src, x.kind, x.target, x.line, x.self_call,
                             imports.get(x.target) if x.kind == "imports" else None) for x in r.refs)
        w["bindings"].writerows((path, b.local, b.source, imports.get(b.source)) for b in r.bindings)

    def flush(self) -> None:
        for f in self._files.values():
            f.flush()

    def close(self) -> None:
        for f in self._files.values():
            f.close()


class Store(NoteStore):
    def __init__(self, path: Path, lock_timeout: float = 10.0, scripts: list[str] | None = None,
                 root: Path | None = None):
        self.path = path
        self.root = root  # the repository, for migrations that read its files (None: they read none)
        self.lock_timeout = lock_timeout
        self.scripts = scripts if scripts is not None else migrations()
        # Writes queued while the database was busy (core/journal.py), applied by whichever
        # process opens the database for writing next: set by Project.
        self.pending: PendingWrites | None = None
        self._patience = threading.local()  # a shorter wait, per thread (see patience())
        self._kept = threading.local()  # the connection reading() keeps, per thread

    @contextmanager
    def patience(self, seconds: float) -> Iterator[None]:
        """Wait at most `seconds` for the database inside the block, in this thread (an
        agent-side write that would rather be queued than keep the agent waiting)."""
        saved = getattr(self._patience, "seconds", None)
        self._patience.seconds = seconds if saved is None else min(saved, seconds)
        try:
            yield
        finally:
            self._patience.seconds = saved

    # -- connections -------------------------------------------------------------------

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        short = getattr(self._patience, "seconds", None)
        wait = self.lock_timeout if short is None else min(self.lock_timeout, short)
        deadline = time.monotonic() + wait
        delay = 0.01
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=read_only)
            except duckdb.Error as e:
                if not _is_lock_error(e):
                    raise TetherError(f"{self.path}: cannot open the database ({_first_line(e)}); "
                                      "it is left untouched") from None
                if time.monotonic() >= deadline:
                    raise StoreBusy(f"{self.path}: another process holds the database "
                                    f"(waited {wait:g}s)") from None
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.25)

    def _version(self, con) -> int:
        try:  # the common case, in one cheap query (every connection asks)
            row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.Error:
            row = None  # no meta table: a new file, or not tether's
        if row:
            return int(row[0])
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "meta" not in tables:
            if tables:
                raise TetherError(f"{self.path}: not a tether database; it is left untouched")
            return 0
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _checked(self, con) -> int:
        version = self._version(con)
        if version > len(self.scripts):
            con.close()
            raise TetherError(f"{self.path}: database schema v{version} is newer than this tether "
                              f"(v{len(self.scripts)}); upgrade tether")
        return version

    def _migrate(self, con, version: int) -> None:
        con.execute("BEGIN")
        if version == 0:
            con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        done: set[str] = set()  # a step asked for by several pending scripts runs once, at the first
        for script in self.scripts[version:]:
            for step in _PYTHON_STEP.findall(script):
                if step not in done:
                    done.add(step)
                    getattr(self, step)(con)
            con.execute(script)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(len(self.scripts))])
        con.execute("COMMIT")

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        if not read_only:
            self._release()  # reading()'s connection, if any: a writer needs the file to itself
        if read_only and not self.path.exists():
            self._open(False).close()
        con = self._connect(read_only)
        try:
            version = self._checked(con)
        except duckdb.Error as e:  # opened, but unreadable (truncated) or someone else's tables
            con.close()
            raise TetherError(f"{self.path}: not a readable tether database ({_first_line(e)}); "
                              "it is left untouched") from None
        if version < len(self.scripts):
            if read_only:
                con.close()
                self._open(False).close()
                return self._open(True)
            self._migrate(con, version)
        return con

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        kept = getattr(self._kept, "reading", None)
        if kept is not None:  # inside reading(): its connection
            if not kept:
                kept.append(self._open(read_only=True))
            yield kept[0]
            return
        con = self._open(read_only=True)
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Inside the block, this thread's reads share one read-only connection, opened at the
        first: a command that reads several times opens the database, and loads what its queries
        scan into DuckDB's cache, once. Other processes cannot write meanwhile, so a block is one
        command's reads, not a wait. A write in the block closes the connection first (DuckDB
        lets no connection stay open beside a writer); the next read opens it again."""
        if getattr(self._kept, "reading", None) is not None:
            yield
            return
        self._kept.reading = []
        try:
            yield
        finally:
            self._release()
            self._kept.reading = None

    def _release(self) -> None:
        kept = getattr(self._kept, "reading", None)
        while kept:
            kept.pop().close()

    @contextmanager
    def write(self, memory: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction: committed when the block ends, rolled back on any exception.
        `memory`: DuckDB's memory limit meanwhile (past it, it spills to disk)."""
        con = self._open(read_only=False)
        try:
            if memory:
                con.execute(f"SET memory_limit = '{memory}'")
            self._apply_pending(con)
            con.execute("BEGIN")
            yield con
            con.execute("COMMIT")
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass
            raise
        finally:
            con.close()

    def write_bounded(self, work: Callable[[duckdb.DuckDBPyConnection], T], memory: str = INDEX_MEMORY) -> T:
        """`work(con)` in one write transaction with DuckDB's memory bounded by `memory`; when
        DuckDB runs out even so (an operation that cannot spill), rolled back and run once more
        without the bound."""
        try:
            with self.write(memory) as con:
                return work(con)
        except duckdb.OutOfMemoryException:
            with self.write() as con:
                return work(con)

    def _apply_pending(self, con) -> None:
        """Apply queued writes in their own transaction, before the caller's: a queued write that
        fails to apply never costs the caller its own (it stays queued; one warning line)."""
        hook = self.pending
        if hook is None or not hook.waiting():
            return
        try:
            con.execute("BEGIN")
            done = hook.apply(con)
            con.execute("COMMIT")
        except Exception as e:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass
            import sys

            print(f"tether: warning: queued notes not applied yet ({_first_line(e)})", file=sys.stderr)
            return
        try:
            hook.applied(done)
        except OSError:
            pass  # left in the journal; applying it again skips what the database already has

    def create(self) -> None:
        self._open(False).close()

    def _refingerprint_anchors(self, con) -> None:
        """Schemas 7 and 8: every link's anchor (and its dependencies' hashes) by today's fingerprints."""
        from tether.core.index.reanchor import Reanchor

        rows = con.execute("SELECT note_id, position, target, kind, code_hash, sig_hash, blind_hash, anchor_text, "
                           "deps FROM links").fetchall()
        if not rows:
            return
        ids = sorted({r[2] for r in rows if r[3] == "symbol"} | {d for r in rows for d in json.loads(r[8] or "{}")})
        indexed = self.symbols_by_ids(con, ids)
        files = dict(con.execute("SELECT path, code_hash FROM files").fetchall())
        blobs = dict(con.execute("SELECT path, blob_id FROM files").fetchall())
        again = Reanchor(self.root, blobs)
        updates = []
        for note_id, position, target, kind, code, sig, blind, text, deps_json in rows:
            anchor = Anchor(code, sig, blind, text or "", None)
            if kind == "symbol":
                code, sig, blind = again.symbol(target, anchor, indexed.get(target))
            else:
                code = again.file(target, anchor, files.get(target))
            deps = {d: again.dependency(d, h, indexed.get(d)) for d, h in json.loads(deps_json or "{}").items()}
            updates.append((code, sig, blind, json.dumps(deps, sort_keys=True), note_id, position))
        con.executemany("UPDATE links SET code_hash = ?, sig_hash = ?, blind_hash = ?, deps = ? "
                        "WHERE note_id = ? AND position = ?", updates)

    # -- index -------------------------------------------------------------------------

    def file_states(self, con) -> dict[str, FileState]:
        rows = con.execute("SELECT path, size, mtime_ns, blob_id FROM files").fetchall()
        return {p: FileState(s, m, b) for p, s, m, b in rows}

    def drop_files(self, con, paths: list[str]) -> None:
        if not paths:
            return
        con.execute("CREATE OR REPLACE TEMP TABLE gone AS SELECT unnest($1) AS path", [paths])
        for table in ("files", "symbols", "refs", "bindings"):
            con.execute(f"DELETE FROM {table} WHERE path IN (SELECT path FROM gone)")

    def touch_files(self, con, states: dict[str, FileState]) -> None:
        """Content unchanged, only stat data moved (a checkout, a touch)."""
        if not states:
            return
        paths = list(states)
        con.execute(
            "UPDATE files SET size = t.size, mtime_ns = t.mtime_ns FROM "
            "(SELECT unnest($1) AS path, unnest($2) AS size, unnest($3) AS mtime_ns) t WHERE files.path = t.path",
            [paths, [states[p].size for p in paths], [states[p].mtime_ns for p in paths]],
        )

    # -- fingerprints where needed (core/index/fill.py) -----------------------------------

    def has_links(self, con) -> bool:
        return con.execute("SELECT EXISTS (SELECT 1 FROM links)").fetchone()[0]

    def linked_nodes(self, con) -> tuple[list[str], list[str]]:
        """(symbol ids, file paths) every link points at, with the dependencies its anchor records."""
        symbols, files = set(), set()
        for target, kind, deps in con.execute("SELECT target, kind, deps FROM links").fetchall():
            (symbols if kind == "symbol" else files).add(target)
            symbols.update(json.loads(deps or "{}"))
        return sorted(symbols), sorted(files)

    def unfingerprinted(self, con, symbol_ids: list[str], paths: list[str], callees: bool
                        ) -> list[tuple[str, str | None]]:
        """(path, blob id) of the parsed files without fingerprints among `paths` and the files
        defining `symbol_ids` (and, with `callees`, one of their resolved callees or bases)."""
        return con.execute("""
            WITH ids AS (SELECT unnest($1) AS id)
            SELECT path, blob_id FROM files WHERE code_hash IS NULL AND skipped IS NULL AND path IN (
                SELECT unnest($2) UNION ALL SELECT path FROM symbols WHERE id IN (SELECT id FROM ids)
                UNION ALL SELECT s.path FROM refs r JOIN symbols s ON s.id = r.dst
                 WHERE $3 AND r.src IN (SELECT id FROM ids) AND r.kind IN ('calls', 'inherits'))
            ORDER BY path""", [symbol_ids, paths, callees]).fetchall()

    def set_fingerprints(self, con, files: list[tuple[str, str]], symbols: list[tuple[str, str, str, str]]) -> None:
        """files: (path, code_hash); symbols: (id, code_hash, sig_hash, blind_hash)."""
        if files:
            con.execute("UPDATE files SET code_hash = t.h FROM (SELECT unnest($1) AS path, unnest($2) AS h) t "
                        "WHERE files.path = t.path", [list(c) for c in zip(*files)])
        if symbols:
            con.execute("UPDATE symbols SET code_hash = t.c, sig_hash = t.s, blind_hash = t.b FROM (SELECT "
                        "unnest($1) AS id, unnest($2) AS c, unnest($3) AS s, unnest($4) AS b) t "
                        "WHERE symbols.id = t.id", [list(c) for c in zip(*symbols)])

    def keep_fingerprints(self, con, paths: list[str]) -> None:
        """Before `paths` are dropped for a full run: their fingerprints, for restore_fingerprints."""
        con.execute("""CREATE OR REPLACE TEMP TABLE kept_files AS SELECT path, blob_id, code_hash FROM files
                       WHERE code_hash IS NOT NULL AND path IN (SELECT unnest($1))""", [paths])
        con.execute("""CREATE OR REPLACE TEMP TABLE kept_symbols AS SELECT id, path, code_hash, sig_hash,
                       blind_hash FROM symbols WHERE code_hash IS NOT NULL AND path IN (SELECT path FROM kept_files)""")

    def restore_fingerprints(self, con) -> None:
        """The kept fingerprints back on the rows of the files whose content is the same."""
        con.execute("""UPDATE files SET code_hash = k.code_hash FROM kept_files k
                       WHERE files.path = k.path AND files.blob_id = k.blob_id AND files.code_hash IS NULL""")
        con.execute("""UPDATE symbols SET code_hash = k.code_hash, sig_hash = k.sig_hash, blind_hash = k.blind_hash
                       FROM kept_symbols k JOIN kept_files kf ON kf.path = k.path
                       JOIN files f ON f.path = kf.path AND f.blob_id = kf.blob_id
                       WHERE symbols.id = k.id AND symbols.code_hash IS NULL""")
        con.execute("DROP TABLE kept_files")
        con.execute("DROP TABLE kept_symbols")

    def load_staged(self, con, staging: Staging) -> None:
        """Insert what an index run staged, one bulk read per table. Old rows must be dropped first."""
        for table, columns in STAGED.items():
            files = staging.files(table)
            if not files:
                continue
            names = ", ".join(c for c, _ in columns)
            types = ", ".join(f"'{c}': '{t}'" for c, t in columns)
            extra = ", current_timestamp" if table == "files" else ""
            cols = names + (", indexed_at" if table == "files" else "")
            con.execute(f"INSERT INTO {table} ({cols}) SELECT *{extra} FROM read_csv(?, delim = '\\t', quote = '\"', "
                        f"escape = '\"', header = false, columns = {{{types}}})", [files])

    def import_sources(self, con) -> list[tuple[str, str, str]]:
        """(path, source, table) of every import."""
        rows = con.execute("SELECT DISTINCT path, target, 'refs' FROM refs WHERE kind = 'imports'").fetchall()
        rows += con.execute("SELECT DISTINCT path, source, 'bindings' FROM bindings").fetchall()
        return rows

    def set_import_targets(self, con, resolved: list[tuple[str, str, str, str | None]]) -> set[str]:
        """resolved: (path, source, table, target path or None). Returns the paths whose bindings
        now point elsewhere: the names they import may resolve differently."""
        rebound: set[str] = set()
        for table, col, src_col in (("refs", "dst", "target"), ("bindings", "target_path", "source")):
            rows = [(p, s, t) for p, s, tb, t in resolved if tb == table]
            if not rows:
                continue
            extra = "AND refs.kind = 'imports'" if table == "refs" else ""
            # the list of paths as a filter of its own: only the row groups of those files are read
            changed = con.execute(
                f"UPDATE {table} SET {col} = t.target FROM (SELECT unnest($1) AS path, unnest($2) AS source, "
                f"unnest($3) AS target) t WHERE {table}.path = t.path AND {table}.{src_col} = t.source {extra} "
                f"AND {table}.path IN (SELECT unnest($4)) AND {table}.{col} IS DISTINCT FROM t.target "
                f"RETURNING {table}.path", [*(list(c) for c in zip(*rows)), sorted({r[0] for r in rows})]).fetchall()
            if table == "bindings":
                rebound.update(r[0] for r in changed)
        return rebound

    def symbol_keys(self, con, paths: list[str]) -> set[tuple[str, str]]:
        """(id, name) of the symbols defined in `paths`."""
        return set(con.execute("SELECT id, name FROM symbols WHERE path IN (SELECT unnest($1))", [paths]).fetchall())

    def resolve_names(self, con, names: set[str] | None = None, paths: list[str] = (),
                      vanished: set[str] = frozenset()) -> None:
        """Resolve calls and inherits to symbol ids. `self.x()` / `this.x()`: a member of the
        caller's class, else of one of its base classes, else nothing. Other names: the same file
        (a top-level definition first), names imported from a resolved file, then a name unique
        among the files of the same language (C with C++, JavaScript with TypeScript).

        `names` None: every ref. Otherwise only the refs whose answer can have changed: those of
        `paths` (parsed again, or importing from another file now), those to `names` (a symbol of
        that name appeared or vanished: what a name resolves to depends only on which symbols
        bear it), those resolved to a `vanished` id, and self-calls (their answer follows base
        classes elsewhere). The rest, resolved or not, keep what they have: in a large
        repository most refs stay unresolved (macros, other libraries), and looking at all of
        them again would cost what a full run costs. Those few refs are copied to a small temp
        table, resolved there, and written back in one statement: each step then reads the
        few, not the millions."""
        if names is None:
            con.execute("UPDATE refs SET dst = NULL WHERE kind <> 'imports'")
            self._resolve_in(con, "refs", "symbols", "files",
                             "(SELECT src, dst FROM refs WHERE kind = 'inherits' AND dst IS NOT NULL)")
            return
        # one select per condition: a union of three narrow scans beats one scan testing them all
        conds, args = ["self_call"], []
        for col, values in (("path", paths), ("target", names), ("dst", vanished)):
            if values:
                args.append(sorted(values))
                conds.append(f"{col} IN (SELECT unnest(${len(args)}))")
        con.execute("CREATE OR REPLACE TEMP TABLE todo AS SELECT *, NULL::VARCHAR AS dst FROM (" + " UNION ".join(
            f"SELECT rowid AS rid, path, src, kind, target, self_call FROM refs WHERE kind <> 'imports' AND {c}"
            for c in conds) + ")", args)
        # the symbols an answer can be: those bearing a name the refs look for (also through an
        # import's alias), and the callers of self-calls (for their class); in one scan
        con.execute(f"""CREATE OR REPLACE TEMP TABLE named AS SELECT id, name, path, parent_id, language FROM symbols
                        WHERE name IN (SELECT target FROM todo UNION SELECT {_IMPORTED_NAME} FROM bindings b
                                       WHERE b.path IN (SELECT path FROM todo))
                           OR id IN (SELECT src FROM todo WHERE self_call)""")
        con.execute("""CREATE OR REPLACE TEMP TABLE todo_files AS SELECT path, language FROM files
                       WHERE path IN (SELECT path FROM todo)""")
        # base classes: those resolved now, and those of the refs left as they were
        bases = """(SELECT src, dst FROM todo WHERE kind = 'inherits' AND dst IS NOT NULL UNION ALL
                    SELECT src, dst FROM refs WHERE kind = 'inherits' AND dst IS NOT NULL
                      AND src IN (SELECT parent_id FROM named) AND rowid NOT IN (SELECT rid FROM todo))"""
        self._resolve_in(con, "todo", "named", "todo_files", bases)
        con.execute("UPDATE refs SET dst = t.dst FROM todo t WHERE refs.rowid = t.rid")
        for temp in ("todo", "named", "todo_files"):
            con.execute(f"DROP TABLE {temp}")

    def _resolve_in(self, con, table: str, symbols: str, files: str, bases: str) -> None:
        """resolve_names's steps on `table` (refs, or a temp table of some of its rows, dst NULL
        where to resolve), with the (id, name, path, parent_id, language) of `symbols`, the
        (path, language) of `files` and the (src, dst) of `bases` (resolved inherits refs):
        all of each, or at least all those these refs can need."""
        plain = "r.dst IS NULL AND r.kind <> 'imports' AND NOT r.self_call"
        steps = [
            # self.x() / this.x(): a member of the caller's class (defined twice: the first)
            f"""UPDATE {table} SET dst = c.id FROM (
                 SELECT r.rowid AS rid, min(m.id) AS id FROM {table} r JOIN {symbols} caller ON caller.id = r.src
                   JOIN {symbols} m ON m.parent_id = caller.parent_id AND m.name = r.target
                 WHERE r.dst IS NULL AND r.self_call AND r.kind = 'calls' GROUP BY r.rowid) c
               WHERE {table}.rowid = c.rid""",
            # the same file: a top-level definition first, then any unique one
            f"""UPDATE {table} SET dst = c.id FROM (
                 SELECT r.rowid AS rid, min(s.id) AS id FROM {table} r JOIN {symbols} s
                   ON s.path = r.path AND s.name = r.target AND s.parent_id IS NULL
                 WHERE {plain} GROUP BY r.rowid HAVING count(*) = 1) c
               WHERE {table}.rowid = c.rid""",
            f"""UPDATE {table} SET dst = c.id FROM (
                 SELECT r.rowid AS rid, min(s.id) AS id FROM {table} r JOIN {symbols} s
                   ON s.path = r.path AND s.name = r.target AND s.id <> r.src
                 WHERE {plain} GROUP BY r.rowid HAVING count(*) = 1) c
               WHERE {table}.rowid = c.rid""",
            # a name imported from a file that defines it, also under an alias (Python's
            # `from m import f as g` binds g to the source m.f)
            f"""UPDATE {table} SET dst = c.id FROM (
                 SELECT rid, min(id) AS id FROM (
                   SELECT r.rowid AS rid, s.id FROM {table} r
                     JOIN bindings b ON b.path = r.path AND b.local = r.target AND b.target_path IS NOT NULL
                     JOIN {symbols} s ON s.path = b.target_path AND s.name = r.target AND s.parent_id IS NULL
                   WHERE {plain}
                   UNION
                   SELECT r.rowid, s.id FROM {table} r
                     JOIN bindings b ON b.path = r.path AND b.local = r.target AND b.target_path IS NOT NULL
                     JOIN {symbols} s ON s.path = b.target_path AND s.parent_id IS NULL
                       AND s.name = {_IMPORTED_NAME}
                   WHERE {plain}) GROUP BY rid HAVING count(*) = 1) c
               WHERE {table}.rowid = c.rid""",
        ]
        for sql in steps:
            con.execute(sql)
        # a name defined once among the files of the same language family
        langs = [r[0] for r in con.execute(f"SELECT DISTINCT language FROM {files} WHERE language IS NOT NULL").fetchall()]
        for family in sorted({_FAMILIES.get(l, (l,)) for l in langs}):
            # the unique names first, in a table of their own: joined in the same statement, a
            # kernel-sized update did not fit DuckDB's memory bound (Store.write_bounded)
            con.execute(f"""CREATE OR REPLACE TEMP TABLE unique_names AS
                              SELECT name, min(id) AS id FROM {symbols} WHERE language IN (SELECT unnest($1))
                                AND name IN (SELECT target FROM {table} r WHERE {plain})
                              GROUP BY name HAVING count(*) = 1""", [list(family)])
            con.execute(f"""UPDATE {table} SET dst = u.id FROM unique_names u
                            WHERE {plain.replace("r.", f"{table}.")} AND u.name = {table}.target
                              AND {table}.path IN (SELECT path FROM {files} WHERE language IN (SELECT unnest($1)))""",
                        [list(family)])
        con.execute("DROP TABLE IF EXISTS unique_names")
        # self.x() / this.x() not in the caller's class: a member of a base class (bases resolved above)
        con.execute(f"""UPDATE {table} SET dst = c.id FROM (
                 SELECT r.rowid AS rid, min(m.id) AS id FROM {table} r JOIN {symbols} caller ON caller.id = r.src
                   JOIN {bases} base ON base.src = caller.parent_id
                   JOIN {symbols} m ON m.parent_id = base.dst AND m.name = r.target
                 WHERE r.dst IS NULL AND r.self_call AND r.kind = 'calls'
                 GROUP BY r.rowid HAVING count(*) = 1) c
               WHERE {table}.rowid = c.rid""")

    def add_run(self, con, commit: str | None, seconds: float, files: int, parsed: int, removed: int,
                skipped: int) -> tuple[int, int]:
        symbols, edges = con.execute(
            "SELECT (SELECT count(*) FROM symbols), (SELECT count(*) FROM edges)").fetchone()
        con.execute("INSERT INTO index_runs VALUES (current_timestamp, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [commit, seconds, files, parsed, removed, symbols, edges, skipped])
        return symbols, edges

    def totals(self, con) -> tuple[int, int, int]:
        return con.execute("SELECT (SELECT count(*) FROM files), (SELECT count(*) FROM symbols), "
                           "(SELECT count(*) FROM edges)").fetchone()

    def language_counts(self, con) -> dict[str, int]:
        rows = con.execute("SELECT coalesce(language, 'other'), count(*) FROM files WHERE skipped IS NULL "
                           "GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
        return dict(rows)

    # -- terminal UI (tui/): a lazily loaded symbol tree --------------------------------

    def file_list(self, con) -> list[tuple[str, str | None, int]]:
        """(path, language, number of symbols) of every indexed file, by path."""
        return con.execute("SELECT path, language, symbols FROM files WHERE skipped IS NULL ORDER BY path").fetchall()

    def file_symbols(self, con, path: str) -> list[Symbol]:
        """The symbols defined in one file, in source order."""
        rows = con.execute(f"SELECT {SYMBOL_COLUMNS} FROM symbols WHERE path = ? ORDER BY start_byte, id",
                           [path]).fetchall()
        return [Symbol(*r) for r in rows]

    def find_files(self, con, pattern: str, limit: int = 10) -> list[str]:
        """Indexed file paths containing `pattern`'s characters in order; substrings first, shorter first."""
        rows = con.execute(
            "SELECT path FROM files WHERE skipped IS NULL AND path ILIKE $fuzzy ESCAPE '\\' "
            "ORDER BY (path ILIKE '%' || $pl || '%' ESCAPE '\\') DESC, length(path), path LIMIT $limit",
            {"fuzzy": "%" + "%".join(_like_escape(c) for c in pattern) + "%", "pl": _like_escape(pattern),
             "limit": int(limit)}).fetchall()
        return [r[0] for r in rows]

    def discovery_scan(self, con) -> dict | None:
        """The last run's directory scan (core/index/discover.py's Scan, as JSON)."""
        row = con.execute("SELECT value FROM meta WHERE key = 'discovery_scan'").fetchone()
        return json.loads(row[0]) if row else None

    def set_discovery_scan(self, con, scan: dict) -> None:
        con.execute("INSERT OR REPLACE INTO meta VALUES ('discovery_scan', ?)", [json.dumps(scan)])

    def skipped_files(self, con) -> list[tuple[str, str]]:
        return con.execute("SELECT path, skipped FROM files WHERE skipped IS NOT NULL ORDER BY path").fetchall()

    def last_run(self, con):
        return con.execute("SELECT started_at, commit FROM index_runs ORDER BY started_at DESC LIMIT 1").fetchone()

    # -- symbols -----------------------------------------------------------------------

    def symbol(self, con, symbol_id: str) -> Symbol | None:
        row = con.execute(f"SELECT {SYMBOL_COLUMNS} FROM symbols WHERE path = ANY(?) AND id = ?",
                          [_paths_of([symbol_id]), symbol_id]).fetchone()
        return Symbol(*row) if row else None

    def find_symbols(self, con, pattern: str | None = None, kind: str | None = None, path: str | None = None,
                     limit: int | None = None) -> list[Symbol]:
        """Symbols whose id matches `pattern`: exact id, then exact name, dotted suffix, name in
        another case, substring, then the characters in order (fuzzy); shorter ids first.
        With a pattern, the matches are ranked from their ids and names alone, and only the rows
        kept are read whole (by row id): the other columns of thousands of matches cost more."""
        where, params = ["TRUE"], {}
        if kind:
            where.append("kind = $kind")
            params["kind"] = kind
        if path:
            where.append("(path = $path OR starts_with(path, $dir))")
            params |= {"path": path.rstrip("/"), "dir": path.rstrip("/") + "/"}
        if not pattern:
            sql = f"SELECT {SYMBOL_COLUMNS} FROM symbols WHERE {' AND '.join(where)} ORDER BY length(id), id"
            if limit:
                sql += f" LIMIT {int(limit)}"
            return [Symbol(*r) for r in con.execute(sql, params).fetchall()]
        special = any(c in pattern for c in "%_\\")  # ILIKE with ESCAPE is slower: only when needed
        where.append("id ILIKE $fuzzy" + (" ESCAPE '\\'" if special else ""))
        params["fuzzy"] = "%" + "%".join(_like_escape(c) if special else c for c in pattern) + "%"
        params |= {"p": pattern, "low": pattern.lower()}
        rank = """CASE WHEN id = $p THEN 0 WHEN name = $p THEN 1
                       WHEN ends_with(id, '::' || $p) OR ends_with(id, '.' || $p) THEN 2
                       WHEN lower(name) = $low THEN 3 WHEN contains(lower(id), $low) THEN 4 ELSE 5 END"""
        rows = [r[0] for r in con.execute(f"SELECT rowid FROM symbols WHERE {' AND '.join(where)} "
                                          f"ORDER BY {rank}, length(id), id" + (f" LIMIT {int(limit)}" if limit else ""),
                                          params).fetchall()]
        by_row = {r[0]: r[1:] for r in con.execute(f"SELECT rowid, {SYMBOL_COLUMNS} FROM symbols WHERE rowid = ANY($1)",
                                                   [rows]).fetchall()}
        return [Symbol(*by_row[r]) for r in rows]

    def resolve_candidates(self, con, name: str) -> list[Symbol]:
        """Symbols a short name can mean: the exact id, a dotted suffix of the nesting
        (`refresh`, `UserService.refresh`), or a path suffix (`users.py::UserService.refresh`);
        a name defined twice in a file (`f`, `f#2`) means both."""
        rows = con.execute(
            f"""SELECT {SYMBOL_COLUMNS} FROM (SELECT *, regexp_replace(id, '#[0-9]+$', '') AS base FROM symbols)
                WHERE id = $n OR base = $n
                   OR ends_with(id, '::' || $n) OR ends_with(id, '.' || $n)
                   OR ends_with(base, '::' || $n) OR ends_with(base, '.' || $n)
                   OR (contains($n, '::') AND (ends_with(id, '/' || $n) OR ends_with(base, '/' || $n)))
                ORDER BY (id = $n) DESC, id""", {"n": name}).fetchall()
        return [Symbol(*r) for r in rows]

    def neighbours(self, con, symbol_id: str, incoming: bool) -> list[Edge]:
        """Edges into (callers, subclasses) or out of (callees, bases) a symbol, without contains."""
        col, other = ("dst", "src") if incoming else ("src", "dst")
        rows = con.execute(
            f"SELECT src, kind, dst, resolved, line FROM edges WHERE {col} = ? AND kind <> 'contains' "
            f"ORDER BY {other}, line", [symbol_id]).fetchall()
        return [Edge(*r) for r in rows]


    # -- capsule (core/capsule.py) -------------------------------------------------------

    def capsule_links(self, con) -> list[tuple[str, bool, bool, str | None, str | None]]:
        """(note id, private, pinned, link target, link kind) of every active note, one row per link;
        target and kind are None for a project-wide note. Ordered by note id, then link position."""
        return con.execute("""SELECT n.id, n.private, coalesce(n.pinned, false), l.target, l.kind FROM notes n
                              LEFT JOIN links l ON l.note_id = n.id WHERE n.state = 'active'
                              ORDER BY n.id, l.position""").fetchall()

    def active_note_texts(self, con) -> list[tuple[str, str]]:
        return con.execute("SELECT id, text FROM notes WHERE state = 'active' ORDER BY id").fetchall()

    def notes_linked_to(self, con, targets: list[str]) -> list[str]:
        """Ids of the active notes with a link to one of `targets` (symbol ids or file paths)."""
        if not targets:
            return []
        return [r[0] for r in con.execute("""SELECT DISTINCT n.id FROM notes n JOIN links l ON l.note_id = n.id
                                             WHERE n.state = 'active' AND l.target IN (SELECT unnest($1))
                                             ORDER BY n.id""", [targets]).fetchall()]

    def existing_nodes(self, con, nodes: list[str]) -> set[str]:
        """Which of `nodes` (symbol ids or file paths) the index has now."""
        if not nodes:
            return set()
        rows = con.execute("""SELECT id FROM symbols WHERE path = ANY($2) AND id = ANY($1)
                              UNION SELECT path FROM files WHERE skipped IS NULL AND path = ANY($1)""",
                           [nodes, _paths_of(nodes)]).fetchall()
        return {r[0] for r in rows}

    def graph_edges(self, con, nodes: list[str]) -> list[tuple[str, str, str]]:
        """Every resolved edge touching `nodes` (symbol ids or file paths), in either direction:
        (src, dst, kind), contains (parent or file -> symbol) included, sorted, without duplicates.
        Edges out of a node, and the nesting, are read only in the nodes' files (rows are stored
        file by file, so the other row groups are skipped); edges into one, from anywhere."""
        if not nodes:
            return []
        paths = _paths_of(nodes)
        if len(nodes) <= 2:  # one or two nodes: a list filter per scan is fastest
            sql = """SELECT DISTINCT * FROM (
                SELECT src, dst, kind FROM refs WHERE path = ANY($2) AND src = ANY($1) AND dst IS NOT NULL AND dst <> src
                UNION ALL SELECT src, dst, kind FROM refs WHERE dst = ANY($1) AND dst <> src
                UNION ALL SELECT coalesce(parent_id, path), id, 'contains' FROM symbols WHERE path = ANY($2)
                  AND (id = ANY($1) OR parent_id = ANY($1) OR (parent_id IS NULL AND path = ANY($1))))
                ORDER BY 1, 2, 3"""
        else:  # more: one hashed semi-join per table
            sql = """WITH f AS (SELECT DISTINCT unnest($1) AS n), p AS (SELECT unnest($2) AS path)
                SELECT DISTINCT * FROM (
                SELECT src, dst, kind FROM refs WHERE path IN (SELECT path FROM p) AND src IN (SELECT n FROM f)
                   AND dst IS NOT NULL AND dst <> src
                UNION ALL SELECT src, dst, kind FROM refs WHERE dst IN (SELECT n FROM f) AND dst <> src
                UNION ALL SELECT coalesce(parent_id, path), id, 'contains' FROM symbols WHERE path IN (SELECT path FROM p)
                   AND (id IN (SELECT n FROM f) OR coalesce(parent_id, path) IN (SELECT n FROM f)))
                ORDER BY 1, 2, 3"""
        return con.execute(sql, [nodes, paths]).fetchall()

    def in_degrees(self, con, nodes: list[str]) -> dict[str, int]:
        """How many resolved references (calls, inherits, imports) point at each of `nodes`."""
        if not nodes:
            return {}
        rows = con.execute("SELECT dst, count(*) FROM refs WHERE dst = ANY($1) AND src <> dst GROUP BY dst",
                           [nodes]).fetchall()
        return dict(rows)

    def symbols_named(self, con, names: list[str]) -> list[tuple[str, str]]:
        """(lower-case name, id) of symbols whose name is one of `names` in any case."""
        if not names:
            return []
        return con.execute("SELECT lower(name), id FROM symbols WHERE lower(name) = ANY($1) ORDER BY id",
                           [[n.lower() for n in names]]).fetchall()

    def files_named(self, con, names: list[str]) -> list[tuple[str, str]]:
        """(name, path) of indexed files a name designates: the path, a path suffix after a '/',
        the file name, or the file name without its extension."""
        if not names:
            return []
        return con.execute("""
            SELECT t.name, f.path FROM files f, (SELECT unnest($1) AS name) t
             WHERE f.skipped IS NULL AND (f.path = t.name OR ends_with(f.path, '/' || t.name)
                   OR regexp_replace(f.path, '^.*/', '') = t.name
                   OR regexp_replace(regexp_replace(f.path, '^.*/', ''), '\\.[^.]*$', '') = t.name)
             ORDER BY t.name, f.path""", [names]).fetchall()

    def files_called(self, con, name: str) -> list[str]:
        """Indexed files whose file name is `name`, at any depth."""
        return [r[0] for r in con.execute(
            "SELECT path FROM files WHERE skipped IS NULL AND (path = $1 OR ends_with(path, '/' || $1)) ORDER BY path",
            [name]).fetchall()]

    def files_under(self, con, path: str) -> list[str]:
        """Indexed files at `path` or under it (a directory); '' or '.' is the whole repository."""
        path = path.strip("/")
        if path in ("", "."):
            return [r[0] for r in con.execute("SELECT path FROM files WHERE skipped IS NULL ORDER BY path").fetchall()]
        return [r[0] for r in con.execute(
            "SELECT path FROM files WHERE skipped IS NULL AND (path = $1 OR starts_with(path, $1 || '/')) ORDER BY path",
            [path]).fetchall()]

    def symbol_ids_in(self, con, paths: list[str], limit: int) -> list[str]:
        """Ids of the symbols defined in `paths`, at most `limit` (by id)."""
        if not paths:
            return []
        return [r[0] for r in con.execute(
            f"SELECT id FROM symbols WHERE path = ANY($1) ORDER BY id LIMIT {int(limit)}", [paths]).fetchall()]

    def symbols_touching(self, con, ranges: list[tuple[str, int, int]]) -> list[tuple[str, str | None, str]]:
        """(id, parent_id, path) of the symbols whose lines intersect one of `ranges`
        (path, first line, last line; 1-based, inclusive)."""
        if not ranges:
            return []
        paths, starts, ends = (list(c) for c in zip(*ranges))
        return con.execute("""
            SELECT DISTINCT s.id, s.parent_id, s.path FROM symbols s,
                   (SELECT unnest($1) AS path, unnest($2) AS lo, unnest($3) AS hi) r
             WHERE s.path = r.path AND s.start_line <= r.hi AND s.end_line >= r.lo
             ORDER BY s.id""", [paths, starts, ends]).fetchall()


def _first_line(e: Exception) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__


def _paths_of(ids: list[str]) -> list[str]:
    """The files symbol ids (`path::name`) can be in: a filter on `path` lets DuckDB skip the row
    groups of every other file (rows are stored file by file), where one on `id` alone reads them
    all. Every text before a `::`, and the whole id (a file path is a node too): a path may hold
    `::` itself."""
    out = set(ids)
    for i in ids:
        at = i.find("::")
        while at > 0:
            out.add(i[:at])
            at = i.find("::", at + 2)
    return sorted(out)


def _like_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
