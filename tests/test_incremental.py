"""Incremental runs give what a fresh full index gives: after each step of a seeded series of real
edits (new files in new and old directories, edits, renames, deletions, an ignored file, a changed
.gitignore, a commit, a symlink, an oversized file) and git commands that change what git tracks
(`git add`, `git add -f` of an ignored file, `git rm --cached`, `checkout`, `pull`), the
incremental index of the working tree and a full index of a copy of it have the same files,
symbols, edges and note statuses.

Seeded by TETHER_TEST_SEED (default: random, shown in any failure)."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

from tests.helpers import commit, git_repo
from tether.core.index.discover import Scan, discover, read_index
from tether.core.project import Project

SEED = int(os.environ.get("TETHER_TEST_SEED") or random.randrange(1 << 30))
_WHO = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com", "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com"}


def git(cwd: Path, *args: str) -> None:
    """Run git itself (what a person types), failing the test on an error."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **_WHO})
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"


def module(i: int, calls: int) -> str:
    """A module calling into another one: a function, an import, a base class there, a self-call
    resolved through that base class."""
    return (f"from pkg.m{calls} import f{calls}, C{calls}\n\n\n"
            f"def f{i}(x):\n    return f{calls}(x) + {i}\n\n\n"
            f"class C{i}(C{calls}):\n    def run(self):\n        return f{i}(1) + self.base{calls}()\n\n"
            f"    def base{i}(self):\n        return {i}\n")


def tables(project: Project) -> dict[str, list]:
    """The index as data: what a full and an incremental run must agree on (no times)."""
    with project.store.read() as con:
        return {
            "files": con.execute("SELECT path, language, blob_id, size, code_hash, symbols, syntax_errors, skipped "
                                 "FROM files ORDER BY path").fetchall(),
            "symbols": con.execute("SELECT * FROM symbols ORDER BY id").fetchall(),
            "refs": con.execute("SELECT * FROM refs ORDER BY ALL").fetchall(),
            "bindings": con.execute("SELECT * FROM bindings ORDER BY ALL").fetchall(),
        }


def statuses(project: Project) -> list:
    return sorted((s.note_id, s.target, s.status) for s in project.stale(reindex=False))


def full_copy(root: Path, tmp: Path) -> Project:
    """A copy of the working tree, its git data and its notes, indexed from nothing."""
    copy = tmp / "copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, symlinks=True)
    project = Project(copy)
    project.index(full=True)
    return project


def discovered(project: Project, incremental: bool):
    store, root = project.store, project.root
    with store.read() as con:
        known, reasons, scan = store.file_states(con), dict(store.skipped_files(con)), store.discovery_scan(con)
    found = discover(root, project.config, known, reasons, Scan(**scan)) if incremental else discover(root, project.config)
    return [(c.path, c.size) for c in found.files], [(s.path, s.reason) for s in found.skipped]


def test_incremental_runs_match_a_full_index_after_real_edits(tmp_path):
    rng = random.Random(SEED)
    root = tmp_path / "repo"
    root.mkdir()
    files = {f"pkg/m{i}.py": module(i, (i + 1) % 12) for i in range(12)}
    files |= {".gitignore": "*.log\nout/\n", "pkg/__init__.py": "", "README.md": "# demo\n"}
    repo = git_repo(root, files)
    upstream = tmp_path / "upstream"
    git(tmp_path, "clone", "-q", str(root), str(upstream))
    git(root, "checkout", "-q", "-b", "side")  # a branch that changes, adds, deletes and force-tracks files
    write_side = {"pkg/m1.py": module(1, 5), "pkg/side/s1.py": module(101, 3), "out/kept.py": module(102, 4)}
    for rel, text in write_side.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "pkg" / "m2.py").unlink()
    git(root, "add", "-A")
    git(root, "add", "-f", "out/kept.py")
    git(root, "commit", "-q", "-m", "side")
    git(root, "checkout", "-q", "main")
    project = Project(root)
    project.index()
    for i in range(0, 12, 3):
        project.add_note(f"note on f{i}", [f"pkg/m{i}.py::f{i}"])
        project.add_note(f"note on C{i}.run", [f"pkg/m{i}.py::C{i}.run"])
    serial = [12]

    def live() -> Path:
        files = sorted(p for p in (root / "pkg").rglob("*.py") if p.name != "__init__.py" and not p.is_symlink())
        if not files:
            new_module(root / "pkg")
            return live()
        return rng.choice(files)

    def fresh_name(stem: str, suffix: str = ".py") -> str:
        serial[0] += 1
        return f"{stem}{serial[0]}{suffix}"

    def new_module(folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / fresh_name("m")).write_text(module(serial[0], rng.randrange(12)))

    def edit() -> None:
        p = live()
        p.write_text(p.read_text().replace("+", "-", 1) + "\n\ndef extra():\n    pass\n")

    def rename() -> None:
        p = live()
        p.rename(p.with_name(fresh_name("renamed")))

    def later() -> None:
        (root / "later").mkdir(exist_ok=True)
        (root / "later" / fresh_name("a")).write_text("def a():\n    pass\n")

    def force_add() -> None:  # a file in an ignored folder, tracked all the same
        new_module(root / "out")
        git(root, "add", "-f", f"out/m{serial[0]}.py")

    def commit_all() -> None:
        git(root, "add", "-A")
        git(root, "commit", "-q", "--allow-empty", "-m", "work")

    def checkout() -> None:  # the other branch, after committing the work
        commit_all()
        branch = subprocess.run(["git", "branch", "--show-current"], cwd=root, capture_output=True, text=True)
        git(root, "checkout", "-q", "side" if branch.stdout.strip() == "main" else "main")

    def pull() -> None:  # someone else's commit: a new folder and a file more in an old one
        new_module(upstream / "up")
        new_module(upstream / "pkg")
        git(upstream, "add", "-A")
        git(upstream, "commit", "-q", "-m", "upstream work")
        commit_all()
        git(root, "pull", "-q", "--no-rebase", "--no-edit", str(upstream), "main")

    steps = {
        "edit": edit,
        "add in an old folder": lambda: new_module(root / "pkg"),
        "add in a new folder": lambda: new_module(root / "pkg" / fresh_name("sub", "") / "deeper"),
        "delete": lambda: live().unlink(),
        "rename": rename,
        "ignored file": lambda: (root / "pkg" / fresh_name("trace", ".log")).write_text("x = 1\n"),
        "ignored folder": lambda: new_module(root / "out"),
        "un-ignore": lambda: (root / ".gitignore").write_text("*.log\n"),
        "commit": lambda: commit(repo, "work in progress"),
        "symlink": lambda: os.symlink("m0.py", root / "pkg" / fresh_name("link")),
        "oversized": lambda: (root / "pkg" / "huge.py").write_text("x = 1\n" * 200_000),
        "a folder gets a file": later,
        "git add": lambda: git(root, "add", "-A"),
        "git add -f": force_add,
        "git rm --cached": lambda: git(root, "rm", "-r", "-q", "--cached", "--ignore-unmatch", "out"),
        "checkout": checkout,
        "pull": pull,
    }
    names = sorted(steps)
    order = rng.sample(names, len(names)) + [rng.choice(names) for _ in range(4)]  # every kind, in any order
    for step, name in enumerate(order):
        steps[name]()
        context = f"seed {SEED}, step {step}: {name}"
        assert discovered(project, True) == discovered(project, False), context
        project.index()
        full = full_copy(root, tmp_path)
        assert tables(project) == tables(full), context
        assert statuses(project) == statuses(full), context


def test_git_status_rewriting_the_index_keeps_the_quick_path(tmp_path, monkeypatch):
    """`git status` rewrites .git/index with fresh stat data: what it tracks is the same, so the
    next run still looks only where something moved (it does not ask git for its status)."""
    import time

    import pygit2

    root = tmp_path / "repo"
    root.mkdir()
    files = {f"pkg/deep/er/m{i}.py": module(i, (i + 1) % 30) for i in range(30)}
    files["a-much-longer-file-name-to-pad-the-entry-differently.py"] = "x = 1\n"
    repo = git_repo(root, files)
    project = Project(root)
    project.index()
    index_file = root / ".git" / "index"
    digest = read_index(index_file.read_bytes())[0]
    time.sleep(0.01)
    for rel in files:  # same content, new stat data: what `git status` refreshes
        os.utime(root / rel)
    index = repo.index
    index.read()
    for rel in files:
        index.add(rel)
    index.write()
    assert read_index(index_file.read_bytes())[0] == digest

    def no_status(self, *a, **k):
        raise AssertionError("asked git for its status")

    monkeypatch.setattr(pygit2.Repository, "status", no_status)
    assert project.index().parsed == 0
    monkeypatch.undo()
    (root / "new.py").write_text("def new():\n    pass\n")
    index.add("new.py")
    index.write()
    assert read_index(index_file.read_bytes())[0] != digest  # a path more: a change
    assert project.index().parsed == 1
