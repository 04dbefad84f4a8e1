"""Which files the index covers: what git tracks plus untracked files git does not ignore
(pygit2), or every file of a plain directory honouring its .gitignore files.

Only names and `stat` here; contents are read by the indexer, and only for changed files.

In a git repository, a run after the first does not ask git about every file. `Scan` keeps the
modification time of every directory the index looks into: adding, removing or renaming a file
moves its directory's time, so the next run lists only the directories whose time moved, stats
the files it already knows, and classifies only the paths it has not seen. Whatever decides which
paths are ignored (git's info/exclude, git's config, a .gitignore, tether's own patterns) is part
of `Scan.rules`: when any of it changes, the run starts over from git. What git tracks changes
more often (`git add`, `checkout`, `pull`): then the run reads git's index file and looks only at
the paths that came into it or may have left it.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from hashlib import blake2b
from pathlib import Path

import pathspec

from tether.core.config import Config
from tether.core.gitdiff import git_index
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
    rules: list  # what decides which paths are ignored: settings, stat data
    dirs: dict[str, int]  # directory ("" for the root) -> modification time in ns
    index: list | None = None  # git's index file: [size, mtime_ns, digest of what it tracks]

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
    rules, index, tracked = _rules(repo, config, last)
    if known and last is not None and last.rules == rules:
        moved = last.index is None or index[2] != last.index[2]  # git tracks other paths (or modes, blobs)
        if moved and tracked is None:
            tracked = _tracked(repo)
        found = _rescan(root, repo, config, known, reasons or {}, last, index, tracked, moved)
        if found is not None:
            return found
    found = Discovery(commit=_head(repo))
    dirs: dict[str, int] = {}
    walked: list[str] = []
    _walk_dirs(root, repo, "", dirs, walked)
    names = tracked if tracked is not None else _tracked(repo)
    names |= {p for p in walked if p not in names and not repo.path_is_ignored(p)}
    _classify(root, names, config, found)
    found.scan = Scan(rules, dirs, index)
    return found


class Patterns:
    """gitignore-style globs compiled once into one regular expression: a path none of them can
    match (nearly every path) costs one search; the rare one that can is decided by pathspec,
    which knows which of several matching globs wins (negations, directory globs)."""

    def __init__(self, lines):
        self.spec = pathspec.GitIgnoreSpec.from_lines(lines)
        floating, anchored = [], []
        for p in self.spec.patterns:
            if p.include is None or p.regex is None:
                continue
            rx = p.regex.pattern.replace("(?P<ps_d>", "(?:")  # one regex cannot repeat a group name
            if rx.startswith(_ANY_DIR):
                floating.append(rx[len(_ANY_DIR):])
            else:
                anchored.append(f"(?:{rx})")
        if floating:  # at the start or after any '/': searched once instead of backtracking per glob
            anchored.append("(?:^|/)(?:" + "|".join(floating) + ")")
        self._any = re.compile("|".join(anchored)) if anchored else None

    def match(self, path: str) -> bool:
        return self._any is not None and self._any.search(path) is not None and self.spec.match_file(path)


_ANY_DIR = "^(?:.+/)?"  # how pathspec starts the regex of a glob without a '/' before its end


@lru_cache(maxsize=8)
def _patterns(lines: tuple[str, ...]) -> Patterns:
    return Patterns(lines)


def _classify(root: Path, names, config: Config, found: Discovery) -> None:
    base = os.path.join(root, "")
    excluded = _patterns(tuple(config.exclude_patterns))
    included = _patterns(tuple(config.include)) if config.include else None
    for rel in sorted(names):
        if excluded.match(rel) and not (included and included.match(rel)):
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
            last: Scan, index_stamp: list, tracked: set[str] | None, moved: bool) -> Discovery | None:
    """The previous run's files, stat'ed again, plus the paths found in directories whose time
    moved; None when an ignore file changed and only a full discovery can tell. `tracked`: what
    git tracks now, when its index file was read (else None); `moved`: whether that changed
    since the last run."""
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
    index = tracked

    def tracks(rel: str) -> bool:  # git's index through pygit2 only when asked (it reads the whole file)
        nonlocal index
        if index is None:
            index = git_index(repo)
        return rel in index

    gone: set[str] = set()
    if moved:  # git tracks other paths now: those that came in are new here; one that left may be ignored
        fresh = tracked - known.keys()
        gone = {p for p in known.keys() - tracked if repo.path_is_ignored(p)}
    for rel in sorted(known):
        if rel in gone:
            continue
        reason = reasons.get(rel)
        if reason == "secret" or reason == _EXCLUDED:
            if os.path.lexists(base + rel) or tracks(rel):
                found.skipped.append(Skipped(rel, reason))
            continue
        st = _admit(base, rel, config, found)
        if _is_ignore_file(rel) and (st is None or (st.st_size, max(st.st_mtime_ns, st.st_ctime_ns))
                                     != (known[rel].size, known[rel].mtime_ns)):
            return None
    found_new = {p for p in new if p not in known and (tracks(p) or not repo.path_is_ignored(p))}
    if moved:
        found_new |= fresh
    if found_new:
        _classify(root, found_new, config, found)
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


def _rules(repo, config: Config, last: Scan | None) -> tuple[list, list, set[str] | None]:
    """Everything that decides which paths are ignored, as comparable data; git's index file's
    stat with the digest of what it tracks, read again only when the file was rewritten; and
    then the paths it tracks (else None)."""
    git = Path(repo.path)
    index, tracked = _index_stamp(git / "index", last.index if last is not None else None)
    paths = [git / "info" / "exclude", git / "config", Path.home() / ".gitconfig",
             Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "git" / "ignore"]
    try:
        paths.append(Path(os.path.expanduser(repo.config["core.excludesFile"])))
    except KeyError:
        pass
    rules: list = [list(config.exclude_patterns), list(config.include), config.max_file_size]
    for p in paths:
        try:
            st = os.stat(p)
            rules.append([str(p), st.st_size, st.st_mtime_ns])
        except OSError:
            rules.append([str(p), None, None])
    return rules, index, tracked


def _index_stamp(path: Path, last: list | None) -> tuple[list, set[str] | None]:
    """[size, mtime_ns, digest of what the index tracks] of git's index file, and the paths it
    tracks when the file was read (None when its stat is as `last`, or its format is not one
    read here). Not its stat alone: `git status` rewrites the file with fresh stat data whenever
    it looks, and the tracked paths are what matters here."""
    try:
        st = os.stat(path)
    except OSError:
        return [None, None, None], set()
    if last is not None and last[:2] == [st.st_size, st.st_mtime_ns]:
        return last, None
    try:
        data = path.read_bytes()
    except OSError:
        return [None, None, None], set()
    digest, tracked = read_index(data)
    return [st.st_size, st.st_mtime_ns, digest], tracked


def _tracked(repo) -> set[str]:
    """The paths git's index tracks: read from the file here (pygit2 entry by entry costs more)."""
    try:
        tracked = read_index((Path(repo.path) / "index").read_bytes())[1]
    except OSError:
        return set()
    return tracked if tracked is not None else {e.path for e in git_index(repo)}


def read_index(data: bytes) -> tuple[str, set[str] | None]:
    """A digest of the entries of a git index file (version 2 or 3): their mode, blob id, flags
    and path, without the stat data git refreshes; and their paths (None for a split or sparse
    index, which lists only some). Another version, or bytes that do not parse: a digest of the
    whole file (then any rewrite counts as a change) and None."""
    h = blake2b(digest_size=16)
    whole = blake2b(data, digest_size=16).hexdigest()
    if data[:4] != b"DIRC" or int.from_bytes(data[4:8], "big") not in (2, 3):
        return whole, None
    pos = 12
    paths = []
    try:
        for _ in range(int.from_bytes(data[8:12], "big")):
            head = 64 if data[pos + 60] & 0x40 else 62  # an extended flags word follows
            end = data.index(b"\0", pos + head)
            h.update(data[pos + 24:pos + 28] + data[pos + 40:pos + 62] + data[pos + head:end + 1])
            paths.append(data[pos + head:end])
            pos += (end - pos) // 8 * 8 + 8  # entries are padded with 1 to 8 NUL bytes
        while pos + 8 <= len(data) - 20:  # extensions, then the file's checksum
            if data[pos:pos + 4] in (b"link", b"sdir"):  # a split or sparse index: not every path is here
                return h.hexdigest(), None
            pos += 8 + int.from_bytes(data[pos + 4:pos + 8], "big")
    except (ValueError, IndexError):
        return whole, None
    return h.hexdigest(), set(b"\0".join(paths).decode("utf-8", "surrogateescape").split("\0")) if paths else set()


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
