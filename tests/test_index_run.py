"""Index runs on real git repositories: incremental updates, what is skipped, bad inputs."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import commit, git_repo, write_files
from tether.core.errors import TetherError
from tether.core.project import Project

SRC = {
    "app/users.py": "from app.db import Pool\n\nclass UserService:\n    def refresh(self):\n        return Pool().get()\n",
    "app/db.py": "class Pool:\n    def get(self):\n        return 1\n",
    "README.md": "# demo\n",
}


def ids(project):
    return {s.id for s in project.symbols(limit=None)}


def test_cold_index_counts_and_edges(make_project):
    project, _ = make_project(SRC)
    report = project.index()
    assert (report.files, report.parsed, report.removed) == (3, 3, 0)
    assert ids(project) == {"app/users.py::UserService", "app/users.py::UserService.refresh",
                            "app/db.py::Pool", "app/db.py::Pool.get"}
    view = project.show("refresh")
    assert {(e.kind, e.dst) for e in view.callees} == {("calls", "app/db.py::Pool"), ("calls", "app/db.py::Pool.get")}
    assert report.symbols == 4
    assert report.edges == 4 + 3  # contains + two calls + the import
    assert report.commit is not None


def test_names_resolve_within_a_language_and_self_calls_through_base_classes(make_project):
    project, _ = make_project({
        "web/base.ts": "export function util() { return 1 }\nexport class Base {}\n",
        "app/models.py": "class Model:\n    def save(self):\n        return 1\n",
        "app/users.py": ("from app.models import Model\n\ndef py():\n    util()\n    return Base()\n\n"
                         "class User(Model):\n    def store(self):\n        self.util()\n        return self.save()\n"),
        "svc/s.go": "package svc\n\ntype S struct {\n\tBase\n}\n",
        "web/app.ts": "import { Base } from './base'\nclass App extends Base {}\nutil()\n",
    })
    project.index()
    callees = lambda name: {(e.kind, e.dst, e.resolved) for e in project.show(name).callees if e.kind != "contains"}
    # another language's definitions are never the target of a Python call or a Go embedding
    assert callees("app/users.py::py") == {("calls", "util", False), ("calls", "Base", False)}
    assert ("inherits", "Base", False) in callees("svc/s.go::S")
    # self.x(): the caller's class, then its bases; never a free function of the same name
    assert callees("app/users.py::User.store") == {("calls", "util", False), ("calls", "app/models.py::Model.save", True)}
    assert callees("app/users.py::User") == {("inherits", "app/models.py::Model", True)}
    assert callees("web/app.ts::App") == {("inherits", "web/base.ts::Base", True)}


def test_a_self_call_to_a_method_defined_twice_resolves_to_the_first_always(make_project):
    """Several members of the caller's class bearing the name: the first definition (by id), in a
    full index and after an incremental one alike (not whichever row the database meets first)."""
    twice = "    def f(self):\n        return {}\n\n"
    project, git = make_project({"c.py": "class C:\n" + "".join(twice.format(i) for i in range(4))
                                 + "    def g(self):\n        return self.f()\n"})
    project.index()
    callees = lambda: {e.dst for e in project.show("c.py::C.g").callees if e.kind == "calls"}  # noqa: E731
    assert callees() == {"c.py::C.f"}
    commit(git, "more", {"d.py": "class D:\n    def f(self):\n        return self.f()\n"})
    project.index()
    assert callees() == {"c.py::C.f"}


def test_a_call_through_an_import_alias_resolves(make_project):
    project, _ = make_project({
        "app/base.py": "def helper():\n    return 1\n",
        "app/other.py": "def helper():\n    return 2\n",
        "app/main.py": "from app.base import helper as h\n\ndef run():\n    return h()\n",
    })
    project.index()
    assert [(e.dst, e.resolved) for e in project.show("run").callees] == [("app/base.py::helper", True)]


def test_an_import_of_a_file_added_later_resolves_without_parsing_the_importer_again(make_project):
    project, repo = make_project({"app/__init__.py": "", "app/main.py": "from app.base import helper\n\n\n"
                                  "def run():\n    return helper()\n"})
    project.index()
    assert [(e.dst, e.resolved) for e in project.show("run").callees] == [("helper", False)]
    commit(repo, "add", {"app/base.py": "def helper():\n    return 1\n", "app/more.py": "import app.base\n"})
    assert project.index().parsed == 2  # the new files; main.py is unchanged
    assert [(e.dst, e.resolved) for e in project.show("run").callees] == [("app/base.py::helper", True)]
    with project.store.read() as con:  # imports of the file parsed (by a worker) and of the one not
        assert con.execute("SELECT path, dst FROM refs WHERE kind = 'imports' ORDER BY path").fetchall() == \
            [("app/main.py", "app/base.py"), ("app/more.py", "app/base.py")]
    commit(repo, "remove", {"app/base.py": None})
    project.index()
    assert [(e.dst, e.resolved) for e in project.show("run").callees] == [("helper", False)]


def test_incremental_across_commits(make_project):
    project, repo = make_project(SRC)
    project.index()
    assert project.index().parsed == 0  # nothing changed

    commit(repo, "edit", {"app/db.py": "class Pool:\n    def get(self):\n        return 2\n"})
    r = project.index()
    assert (r.parsed, r.removed) == (1, 0)

    commit(repo, "add", {"app/cache.py": "def warm():\n    pass\n"})
    r = project.index()
    assert r.parsed == 1 and "app/cache.py::warm" in ids(project)

    commit(repo, "delete", {"app/cache.py": None})
    r = project.index()
    assert (r.parsed, r.removed) == (0, 1) and "app/cache.py::warm" not in ids(project)

    os.rename(repo.workdir + "app/db.py", repo.workdir + "app/pool.py")
    commit(repo, "rename")
    r = project.index()
    assert (r.parsed, r.removed) == (1, 1)
    assert "app/pool.py::Pool.get" in ids(project) and "app/db.py::Pool.get" not in ids(project)
    # the import now points nowhere, the call falls back to the unique name
    assert {e.dst for e in project.show("refresh").callees} == {"app/pool.py::Pool", "app/pool.py::Pool.get"}


def test_uncommitted_and_untracked_files_count_ignored_do_not(make_project):
    project, repo = make_project({**SRC, ".gitignore": "secret/\n"})
    project.index()
    write_files(Path(repo.workdir), {
        "app/db.py": "class Pool:\n    def get(self):\n        return 3\n    def put(self):\n        pass\n",
        "app/new.py": "def fresh():\n    pass\n",
        "secret/hidden.py": "def hidden():\n    pass\n",
    })
    r = project.index()
    assert r.parsed == 2
    assert {"app/db.py::Pool.put", "app/new.py::fresh"} <= ids(project)
    assert not any(i.startswith("secret/") for i in ids(project))


def test_touch_without_change_parses_nothing(make_project):
    project, repo = make_project(SRC)
    project.index()
    p = Path(repo.workdir) / "app/db.py"
    os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns + 5_000_000_000))
    assert project.index().parsed == 0
    assert project.index().parsed == 0  # the new stat data was stored


def test_an_edit_with_its_mtime_put_back_is_seen(make_project):
    project, repo = make_project(SRC)
    project.index()
    p = Path(repo.workdir) / "app/db.py"
    before = p.stat()
    p.write_text(p.read_text().replace("return 1", "return 7"))  # same size
    os.utime(p, ns=(before.st_atime_ns, before.st_mtime_ns))  # as cp -p or touch -r leave it
    assert project.index().parsed == 1


def test_full_reparses_everything(make_project):
    project, _ = make_project(SRC)
    project.index()
    assert project.index(full=True).parsed == 3


def test_bad_files_are_skipped_and_reported(make_project):
    project, _ = make_project({
        **SRC,
        "bin/blob.py": b"\x00\x01\x02binary",
        "big.py": "x = 1\n" * 10,
        "latin.py": "s = 'caf\xe9'\n".encode("latin-1"),
        "broken.py": "def ok():\n    pass\n\ndef broken(:\n    pass\n",
        "web/app.min.js": "var a=1;" * 10,
        "web/bundle.js": "function f(){return 1}" * 2000,
        "node_modules/x/index.js": "function vendored() {}\n",
    })
    (project.root / "config").mkdir()
    write_files(project.root / ".tether", {"config.toml": "[index]\nmax_file_size = 50\n"})
    project = Project(project.root)
    os.symlink("app/db.py", project.root / "link.py")
    r = project.index()
    reasons = {s.path: s.reason for s in r.skipped}
    assert reasons["bin/blob.py"] == "binary"
    assert reasons["latin.py"].startswith("invalid UTF-8")
    assert reasons["link.py"] == "symlink"
    assert reasons["web/bundle.js"].startswith("larger than 50")
    assert reasons["web/app.min.js"] == reasons["node_modules/x/index.js"] == "excluded: vendored or generated"
    assert r.syntax_errors == ["broken.py"]
    assert "broken.py::ok" in ids(project)
    assert project.index().parsed == 0  # skipped files are not retried while unchanged


def test_minified_source_is_skipped(make_project):
    project, _ = make_project({"dist2/lib.js": "function a(){return 1};" * 2000})
    assert {s.path: s.reason for s in project.index().skipped} == {"dist2/lib.js": "minified"}


def test_other_languages_are_files_without_symbols(make_project):
    project, _ = make_project({"notes.txt": "hello\n", "main.zig": "pub fn main() void {}\n"})
    r = project.index()
    assert (r.files, r.symbols, r.skipped) == (2, 0, [])


def test_empty_repository_and_no_commits(tmp_path):
    root = tmp_path / "empty"
    root.mkdir()
    git_repo(root)
    project = Project(root)
    r = project.index()
    assert (r.files, r.symbols, r.commit) == (0, 0, None)
    write_files(root, {"a.py": "def a():\n    pass\n"})  # untracked, no commit yet
    assert project.index().parsed == 1
    assert ids(project) == {"a.py::a"}


def test_plain_directory_honours_gitignore(tmp_path):
    write_files(tmp_path, {"a.py": "def a():\n    pass\n", "build/gen.py": "def g():\n    pass\n",
                           "tmp/x.py": "def x():\n    pass\n", ".gitignore": "tmp/\n",
                           "sub/.gitignore": "*.py\n", "sub/s.py": "def s():\n    pass\n"})
    project = Project(tmp_path)
    project.index()
    assert ids(project) == {"a.py::a"}


def test_unwritable_location_is_a_clear_error(tmp_path):
    write_files(tmp_path, {"a.py": "def a():\n    pass\n", ".tether": "not a directory"})
    with pytest.raises(TetherError, match="cannot create"):
        Project(tmp_path).index()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through read-only permissions")
def test_read_only_directory(tmp_path):
    write_files(tmp_path, {"a.py": "def a():\n    pass\n"})
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(TetherError, match="cannot create"):
            Project(tmp_path).index()
    finally:
        tmp_path.chmod(0o755)


def _big_repo(root: Path, n: int, body: str) -> None:
    files = {f"pkg/m{i}.py": "".join(f"def f{j}(x):\n    return x + {j} {body}\n\n" for j in range(40))
             for i in range(n)}
    git_repo(root, files)


def test_kill_9_mid_index_keeps_the_previous_index(tmp_path):
    root = tmp_path / "r"
    root.mkdir()
    _big_repo(root, 300, "")
    project = Project(root)
    before = project.index().symbols
    write_files(root, {f"pkg/extra{i}.py": "def e():\n    pass\n" for i in range(50)})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for delay in (0.3, 0.6, 0.9, 1.2):
        proc = subprocess.Popen([sys.executable, "-m", "tether.core.cli", "--repo", str(root), "index", "--full"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        with project.store.read() as con:
            count = con.execute("SELECT count(*) FROM symbols").fetchone()[0]
        assert count in (before, before + 50)  # the old index or the new one, never half
    assert project.index().symbols == before + 50
    assert not list((root / ".tether").glob("index-*.tmp"))  # what killed runs staged is cleared


def test_ctrl_c_leaves_the_index_usable(tmp_path):
    import signal
    import time

    root = tmp_path / "r"
    root.mkdir()
    _big_repo(root, 200, "")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-m", "tether.core.cli", "--repo", str(root), "index"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list((root / ".tether").glob("index-*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.01)  # interrupt once the run is under way, not during start-up
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert "Traceback" not in err
    if proc.returncode != 0:
        assert proc.returncode == 130 and err.strip() == "tether: interrupted"
    assert Project(root).index().files == 200


def test_show_reads_an_edited_file_as_it_is_now(make_project):
    project, _ = make_project({"a.py": "def a():\n    return 1\n\ndef b():\n    return 2\n"})
    project.index()
    (project.root / "a.py").write_text("# a long new header comment line\n# another\n"
                                       "def a():\n    return 1\n\ndef b():\n    return 2\n")
    view = project.show("b")
    assert view.source == "def b():\n    return 2" and view.symbol.start_line == 6
    (project.root / "a.py").write_text("def a():\n    return 1\n")
    assert "no longer defines a.py::b: run tether index" in project.show("b").source


def test_a_name_defined_twice_in_a_file_is_ambiguous(make_project):
    from tether.core.errors import NotFound

    project, _ = make_project({"a.py": "def f():\n    return 1\n\ndef f():\n    return 2\n"})
    project.index()
    with pytest.raises(NotFound, match=r"ambiguous symbol 'f': a.py::f, a.py::f#2"):
        project.resolve("f")
    assert project.resolve("a.py::f").start_line == 1 and project.resolve("f#2").start_line == 4


def test_a_few_large_changed_files_are_parsed_on_every_core_with_the_rows_of_one_process(tmp_path, monkeypatch):
    """Fewer files than PARALLEL_MIN but more bytes than PARALLEL_MIN_BYTES (a kernel edit touches
    a few 200 KB files) go to the process pool; a few small files do not. Either way the rows
    are those of a run in one process."""
    from tether.core.index import run

    pools = []

    def recording_pool(*args, **kw):
        pools.append(kw["max_workers"])
        return real_pool(*args, **kw)

    real_pool = run.ProcessPoolExecutor
    monkeypatch.setattr(run, "ProcessPoolExecutor", recording_pool)
    body = "".join(f"def f{j}(x):\n    return g{j % 7}(x) + {j}  # {'.' * 40}\n\n" for j in range(1200))
    large = {f"pkg/m{i}.py": body + f"def g{i}(x):\n    return x\n" for i in range(3)}
    assert sum(len(t) for t in large.values()) > run.PARALLEL_MIN_BYTES

    def rows(files: dict, workers: int):
        root = tmp_path / f"repo-{len(pools)}-{workers}-{len(files['pkg/m0.py'])}"
        git_repo(root, files)
        (root / ".tether").mkdir()
        (root / ".tether/config.toml").write_text(f"[index]\nworkers = {workers}\n")
        project = Project(root)
        project.index()
        with project.store.read() as con:
            return [con.execute(f"SELECT * EXCLUDE (indexed_at, mtime_ns) FROM {t} ORDER BY ALL" if t == "files" else
                                f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in ("files", "symbols", "refs")]

    alone = rows(large, 1)
    assert pools == []
    assert rows(large, 2) == alone
    assert pools == [2]
    rows({p: "def g(x):\n    return x\n" for p in large}, 2)
    assert pools == [2], "three small files were sent to a process pool"
