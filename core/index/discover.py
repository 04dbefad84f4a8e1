"""Which files the index covers: what git tracks plus untracked files git does not ignore
(pygit2), or every file of a plain directory honouring its .gitignore files.

Only names and `stat` here; contents are read by the indexer, and only for changed files.

In a git repository, a run after the first does not ask git about every file. `Scan` keeps the
modification time of every directory the index looks into: adding, removing or renaming a file
moves its directory's time, so the next run lists only the directories whose time moved, stats
the files it already knows, and classifies only the paths it has not seen. Whatever decides which
paths are tracked or ignored (git's index and info/exclude, git's config, a .gitignore, tether's
own patterns) is part of `Scan.rules`: when any of it changes, the run starts over from git.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from hashlib import blake2b
from pathlib import Path

import pathspec

from tether.core.config import Config
from tether.core.model import Skipped
from tether.core.store import FileState


_OWN = (".git/", ".tether/")  # excluded without a word: not the project's files
_EXCLUDED = "excluded: vendored or generated"


@dataclass(slots=True)
class Candidate:
    path: str  # posix, relative to the root
    size: int
    mtime_ns: int


@dataclass(slots=True)
class Scan:
    """What the next run needs to look only where something moved."""
    rules: list  # what decides which paths are tracked or ignored: settings, stat data, digests
    dirs: dict[str, int]  # directory ("" for the root) -> modification time in ns
    index: list | None = None  # git's index file: [size, mtime_ns, tracked_digest of it]

    def to_json(self) -> dict:
        return {"rules": self.rules, "dirs": self.dirs, "index": self.index}


@dataclass(slots=True)
class Discovery:
    files: list[Candidate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    commit: str | None = None  # HEAD, when there is one
    scan: Scan | None = None  # in a git repository: for the next run


def discover(root: Path, config: Config, known: dict[str, FileState] | None = None,
             reasons: dict[str, str] | None = None, last: Scan | None = None) -> Discovery:
    """Every file of the project, classified. `known`, `reasons` and `last` are the previous
    run's file states, skip reasons and Scan: with them, only what moved is looked at again."""
    repo = _repo(root)
    if repo is None:
        found = Discovery()
        _classify(root, _walk(root), config, found)
        return found
    rules, index = _rules(repo, config, last)
    if known and last is not None and last.rules == rules:
        found = _rescan(root, repo, config, known, reasons or {}, last, index)
        if found is not None:
            return found
    import pygit2

    found = Discovery(commit=_head(repo))
    dirs: dict[str, int] = {}
    _walk_dirs(root, repo, "", dirs, None)  # before git lists files: what is added after moves a time seen here
    names = {entry.path for entry in repo.index}
    names |= {p for p, flags in repo.status(untracked_files="all").items() if flags & pygit2.GIT_STATUS_WT_NEW}
    _classify(root, names, config, found)
    found.scan = Scan(rules, dirs, index)
    return found


def _classify(root: Path, names, config: Config, found: Discovery) -> None:
    base = os.path.join(root, "")
    excluded = pathspec.GitIgnoreSpec.from_lines(config.exclude_patterns)
    included = pathspec.GitIgnoreSpec.from_lines(config.include) if config.include else None
    for rel in sorted(names):
        if excluded.match_file(rel) and not (included and included.match_file(rel)):
            if not rel.startswith(_OWN):
                found.skipped.append(Skipped(rel, "secret" if config.is_secret(rel) else _EXCLUDED))
            continue
        _admit(base, rel, config, found)


def _admit(base: str, rel: str, config: Config, found: Discovery) -> os.stat_result | None:
    """A path tether's patterns let in: indexed, or skipped for what its stat says. `base`: the
    root as a string ending in a separator (a Path per file costs more than the stat)."""
    try:
        st = os.lstat(base + rel)
    except OSError:
        return None  # deleted in the working tree
    if stat.S_ISLNK(st.st_mode):
        found.skipped.append(Skipped(rel, "symlink"))
    elif not stat.S_ISREG(st.st_mode):
        return None
    elif st.st_size > config.max_file_size:
        found.skipped.append(Skipped(rel, f"larger than {config.max_file_size} bytes"))
    else:
        # ctime too: an edit whose mtime was put back (cp -p, rsync -t, touch -r) still moves it
        found.files.append(Candidate(rel, st.st_size, max(st.st_mtime_ns, st.st_ctime_ns)))
    return st


def _rescan(root: Path, repo, config: Config, known: dict[str, FileState], reasons: dict[str, str],
            last: Scan, index_stamp: list) -> Discovery | None:
    """The previous run's files, stat'ed again, plus the paths found in directories whose time
    moved; None when an ignore file changed and only a full discovery can tell."""
    base = os.path.join(root, "")
    dirs = dict(last.dirs)
    new: list[str] = []
    for d, mtime in last.dirs.items():
        try:
            if os.lstat(base + d).st_mtime_ns == mtime:
                continue
        except OSError:
            del dirs[d]  # gone: its files are gone too
            continue
        _walk_dirs(root, repo, d, dirs, new, known=last.dirs)
    if any(_is_ignore_file(p) for p in new if p not in known):
        return None
    found = Discovery(commit=_head(repo), scan=Scan(last.rules, dirs, index_stamp))
    index = repo.index  # each access reads the index file again
    for rel in sorted(known):
        reason = reasons.get(rel)
        if reason == "secret" or reason == _EXCLUDED:
            if rel in index or os.path.lexists(base + rel):
                found.skipped.append(Skipped(rel, reason))
            continue
        st = _admit(base, rel, config, found)
        if _is_ignore_file(rel) and (st is None or (st.st_size, max(st.st_mtime_ns, st.st_ctime_ns))
                                     != (known[rel].size, known[rel].mtime_ns)):
            return None
    fresh = [p for p in new if p not in known and (p in index or not repo.path_is_ignored(p))]
    if fresh:
        _classify(root, fresh, config, found)
        found.files.sort(key=lambda c: c.path)
        found.skipped.sort(key=lambda s: s.path)
    return found


def _walk_dirs(root: Path, repo, top: str, dirs: dict[str, int], files: list[str] | None,
               known: dict[str, int] | None = None) -> None:
    """Record the time of `top` and of every directory below it that git does not ignore; with
    `files`, collect their files. Directories in `known` other than `top` are not entered (the
    caller looks at each of those itself)."""
    stack = [top]
    while stack:
        d = stack.pop()
        path = os.path.join(root, d)
        try:
            mtime = os.lstat(path).st_mtime_ns
            entries = list(os.scandir(path))
        except OSError:
            dirs.pop(d, None)
            continue
        dirs[d] = mtime
        prefix = f"{d}/" if d else ""
        for e in entries:
            rel = prefix + e.name
            if e.is_dir(follow_symlinks=False):
                if (rel in (".git", ".tether") or (known is not None and rel in known)
                        or os.path.lexists(os.path.join(e.path, ".git")) or repo.path_is_ignored(rel + "/")):
                    continue
                stack.append(rel)
            elif files is not None:
                files.append(rel)


def _is_ignore_file(rel: str) -> bool:
    return rel == ".gitignore" or rel.endswith("/.gitignore")


def _rules(repo, config: Config, last: Scan | None) -> tuple[list, list]:
    """Everything that decides which paths are tracked or ignored, as comparable data; and git's
    index file's stat with its digest, so that the next run reads it only when it was rewritten."""
    git = Path(repo.path)
    index = _index_stamp(git / "index", last.index if last is not None else None)
    paths = [git / "info" / "exclude", git / "config", Path.home() / ".gitconfig",
             Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "git" / "ignore"]
    try:
        paths.append(Path(os.path.expanduser(repo.config["core.excludesFile"])))
    except KeyError:
        pass
    rules: list = [list(config.exclude_patterns), list(config.include), config.max_file_size, index[2]]
    for p in paths:
        try:
            st = os.stat(p)
            rules.append([str(p), st.st_size, st.st_mtime_ns])
        except OSError:
            rules.append([str(p), None, None])
    return rules, index


def _index_stamp(path: Path, last: list | None) -> list:
    """[size, mtime_ns, digest of what the index tracks] of git's index file. Not its stat alone:
    `git status` rewrites the file with fresh stat data whenever it looks, and the tracked
    paths are what matters here."""
    try:
        st = os.stat(path)
    except OSError:
        return [None, None, None]
    if last is not None and last[:2] == [st.st_size, st.st_mtime_ns]:
        return last
    try:
        data = path.read_bytes()
    except OSError:
        return [None, None, None]
    return [st.st_size, st.st_mtime_ns, tracked_digest(data)]


def tracked_digest(data: bytes) -> str:
    """A digest of the entries of a git index file (version 2 or 3): their mode, blob id, flags
    and path, without the stat data git refreshes. Another version, or bytes that do not parse:
    a digest of the whole file (then any rewrite counts as a change)."""
    h = blake2b(digest_size=16)
    whole = blake2b(data, digest_size=16).hexdigest()
    if data[:4] != b"DIRC" or int.from_bytes(data[4:8], "big") not in (2, 3):
        return whole
    pos = 12
    try:
        for _ in range(int.from_bytes(data[8:12], "big")):
            head = 64 if data[pos + 60] & 0x40 else 62  # an extended flags word follows
            end = data.index(b"\0", pos + head)
            h.update(data[pos + 24:pos + 28] + data[pos + 40:pos + 62] + data[pos + head:end + 1])
            pos += (end - pos) // 8 * 8 + 8  # entries are padded with 1 to 8 NUL bytes
    except (ValueError, IndexError):
        return whole
    return h.hexdigest()


def _repo(root: Path):
    """The git repository whose working tree is `root`, else None."""
    import pygit2

    try:
        repo = pygit2.Repository(str(root))
    except pygit2.GitError:
        return None
    if repo.is_bare or repo.workdir is None or Path(repo.workdir).resolve() != root.resolve():
        return None
    return repo


def _head(repo) -> str | None:
    return None if repo.head_is_unborn else str(repo.head.target)


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
        return _head(pygit2.Repository(str(root)))
    except pygit2.GitError:
        return None
