"""Which files the index covers: what git tracks plus untracked files git does not ignore
(pygit2), or every file of a plain directory honouring its .gitignore files.

Only names and `stat` here; contents are read by the indexer, and only for changed files.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from tether.core.config import Config
from tether.core.model import Skipped


_OWN = (".git/", ".tether/")  # excluded without a word: not the project's files


@dataclass(slots=True)
class Candidate:
    path: str  # posix, relative to the root
    size: int
    mtime_ns: int


@dataclass(slots=True)
class Discovery:
    files: list[Candidate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    commit: str | None = None  # HEAD, when there is one


def discover(root: Path, config: Config) -> Discovery:
    found = Discovery()
    names = _git_files(root, found)
    if names is None:
        names = _walk(root)
    excluded = pathspec.GitIgnoreSpec.from_lines(config.exclude_patterns)
    included = pathspec.GitIgnoreSpec.from_lines(config.include) if config.include else None
    for rel in sorted(names):
        if excluded.match_file(rel) and not (included and included.match_file(rel)):
            if not rel.startswith(_OWN):
                found.skipped.append(Skipped(rel, "secret" if config.is_secret(rel) else "excluded: vendored or generated"))
            continue
        try:
            st = os.lstat(root / rel)
        except OSError:
            continue  # deleted in the working tree
        if stat.S_ISLNK(st.st_mode):
            found.skipped.append(Skipped(rel, "symlink"))
        elif not stat.S_ISREG(st.st_mode):
            continue
        elif st.st_size > config.max_file_size:
            found.skipped.append(Skipped(rel, f"larger than {config.max_file_size} bytes"))
        else:
            # ctime too: an edit whose mtime was put back (cp -p, rsync -t, touch -r) still moves it
            found.files.append(Candidate(rel, st.st_size, max(st.st_mtime_ns, st.st_ctime_ns)))
    return found


def _git_files(root: Path, found: Discovery) -> set[str] | None:
    import pygit2

    try:
        repo = pygit2.Repository(str(root))
    except pygit2.GitError:
        return None
    if repo.is_bare or repo.workdir is None or Path(repo.workdir).resolve() != root.resolve():
        return None
    if not repo.head_is_unborn:
        found.commit = str(repo.head.target)
    names = {entry.path for entry in repo.index}
    names |= {p for p, flags in repo.status(untracked_files="all").items() if flags & pygit2.GIT_STATUS_WT_NEW}
    return names


def _walk(root: Path) -> set[str]:
    names: set[str] = set()
    specs: list[tuple[str, pathspec.GitIgnoreSpec]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        prefix = "" if rel_dir == "." else rel_dir + "/"
        specs = [(p, s) for p, s in specs if prefix.startswith(p)]
        if ".gitignore" in filenames:
            try:
                lines = (Path(dirpath) / ".gitignore").read_text("utf-8", "replace").splitlines()
                specs.append((prefix, pathspec.GitIgnoreSpec.from_lines(lines)))
            except OSError:
                pass

        def ignored(rel: str) -> bool:
            return any(s.match_file(rel[len(p):]) for p, s in specs)

        dirnames[:] = sorted(d for d in dirnames if d != ".git" and not ignored(f"{prefix}{d}/"))
        names.update(f"{prefix}{f}" for f in filenames if not ignored(f"{prefix}{f}"))
    return names


def head_commit(root: Path) -> str | None:
    """HEAD's commit id, or None outside git or before the first commit."""
    import pygit2

    try:
        repo = pygit2.Repository(str(root))
    except pygit2.GitError:
        return None
    return None if repo.head_is_unborn else str(repo.head.target)
