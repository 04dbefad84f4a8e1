"""File discovery: tether's exclude globs compiled into one matcher decide as pathspec does, and a
run after `git add`, `checkout` or `git rm --cached` looks only at the paths that came into git's
index or left it (the full comparisons with a fresh index are in test_incremental.py)."""

from __future__ import annotations

import random

import pathspec

from tests.helpers import git_repo
from tether.core.config import DEFAULT_EXCLUDE, DEFAULT_SECRETS
from tether.core.index import discover as disc
from tether.core.index.discover import Patterns
from tether.core.project import Project
from tests.test_incremental import git, module

GLOBS = [*DEFAULT_EXCLUDE, *DEFAULT_SECRETS, "/docs/", "docs/*.md", "a/**/b", "!keep.py", "*.py", "!src/",
         "src/*.py", "!src/main.py", "gen_*", "\\#hash", "[abc]x.c", "deep/**", "**/logs", "out?/"]


def paths(rng: random.Random, n: int) -> list[str]:
    parts = ["docs", "src", "a", "b", "x", "deep", "logs", "out1", "node_modules", "vendor", "build", "keep.py",
             "main.py", "gen_x.c", "ax.c", "dx.c", "#hash", "README.md", "f.min.js", ".env.local", "id.pem", "m.py"]
    return ["/".join(rng.choice(parts) for _ in range(rng.randint(1, 5))) for _ in range(n)]


def test_patterns_decide_as_pathspec_does():
    """One regex for every glob, pathspec for the paths it might match: the same answer as
    pathspec alone, negations and directory globs included, for any subset of the globs."""
    rng = random.Random(7)
    for _ in range(40):
        globs = rng.sample(GLOBS, rng.randint(1, len(GLOBS)))
        rng.shuffle(globs)
        spec = pathspec.GitIgnoreSpec.from_lines(globs)
        ours = Patterns(globs)
        for p in paths(rng, 300):
            assert ours.match(p) == spec.match_file(p), (globs, p)


def test_no_globs_match_nothing():
    assert not Patterns([]).match("a.py")
    assert not Patterns(["# a comment", ""]).match("a.py")


def test_git_add_and_checkout_classify_only_the_paths_git_index_brought(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    root.mkdir()
    repo_files = {f"pkg/m{i}.py": module(i, (i + 1) % 20) for i in range(20)}
    git_repo(root, repo_files | {".gitignore": "out/\n"})
    git(root, "checkout", "-q", "-b", "side")
    (root / "pkg" / "side.py").write_text(module(50, 1))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "side")
    git(root, "checkout", "-q", "main")
    project = Project(root)
    project.index()
    seen: list[set[str]] = []
    real = disc._classify
    monkeypatch.setattr(disc, "_classify", lambda root, names, config, found: (seen.append(set(names)),
                                                                              real(root, names, config, found)))
    (root / "out").mkdir()
    (root / "out" / "forced.py").write_text(module(60, 2))  # in an ignored folder: git add -f tracks it
    git(root, "add", "-f", "out/forced.py")
    assert project.index().parsed == 1
    assert seen == [{"out/forced.py"}]
    seen.clear()
    git(root, "rm", "-q", "--cached", "out/forced.py")  # untracked again: ignored, so gone from the index
    project.index()
    assert seen == []
    with project.store.read() as con:
        assert "out/forced.py" not in project.store.file_states(con)
    git(root, "checkout", "-q", "side")
    assert project.index().parsed == 1
    assert seen == [{"pkg/side.py"}]


def test_a_split_index_is_not_taken_for_the_tracked_paths(tmp_path):
    """`git update-index --split-index` leaves most paths in a shared file: the index file's own
    entries are not what git tracks, so they are not used as such."""
    from tether.core.index.discover import read_index

    root = tmp_path / "repo"
    root.mkdir()
    git_repo(root, {f"m{i}.py": f"x = {i}\n" for i in range(10)})
    assert read_index((root / ".git" / "index").read_bytes())[1] == {f"m{i}.py" for i in range(10)}
    git(root, "update-index", "--split-index")
    (root / "new.py").write_text("y = 1\n")
    git(root, "add", "new.py")
    digest, tracked = read_index((root / ".git" / "index").read_bytes())
    assert tracked is None and digest


def test_an_unreadable_git_index_is_one_line_and_the_index_is_kept(tmp_path, capsys):
    """git's index file broken after the last run: `tether index` says so in one line (no
    traceback, exit 1), and the index it had is still there to read."""
    from tether.core.cli import main

    root = tmp_path / "repo"
    root.mkdir()
    git_repo(root, {"a.py": "def f():\n    return 1\n"})
    assert main(["--repo", str(root), "index"]) == 0
    (root / "b.py").write_text("def g():\n    return 2\n")
    git(root, "add", "b.py")  # git's index now lists other paths: tether reads it again
    (root / ".git" / "index").write_bytes(b"garbage")
    capsys.readouterr()
    assert main(["--repo", str(root), "index"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "git's index file cannot be read" in err and "Traceback" not in err
    assert [s.id for s in Project(root).symbols("f")] == ["a.py::f"]
