"""`tether check`: the shared notes a change makes stale, for review and CI.

Compares a head (the working tree, what is staged, or a commit) with a base (a revision; by
default the merge base with the default branch, as the session-start hook finds it) from git
and the committed note files in `.tether/notes/` alone: no index is needed, and nothing is
written into the repository. Only the files the diff touches (at both revisions) and the files
holding what the affected links point at (once: they are the same on both sides) are parsed,
into a temporary database in the system's temporary folder (deleted at the end);
core/staleness.py then gives every affected link's status at each side, with the same
fingerprints and rules as `tether stale`.

A link is reported when its status at the head is worse than at the base: the change made it
stale, moved or orphaned (or suspect: listed apart, never failing). A note already in that state
at the base is not this change's doing (`tether stale` lists it). A note whose file the change
itself added or edited (updated, confirmed, archived) is reported as handled and never fails.
Only active notes are checked; private notes have no file, so they are never seen. Only the
note files the change edits or that name a touched file are parsed (no other can be affected);
one of them that cannot be read is reported and skipped.
"""

from __future__ import annotations

import dataclasses
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from tether.core.errors import TetherError
from tether.core.gitdiff import Changes, changed_lines, commit_of, git_index
from tether.core.model import STATUS_ORDER, LinkStatus, Note, Symbol
from tether.core.project import TETHER_DIR
from tether.core.sharing import NOTES_DIR, SUFFIX, FormatError, mentions, note_files, parse

FAILING = ("stale", "moved", "orphaned")  # what --fail-on may name; suspect never fails
NOTES_PREFIX = f"{TETHER_DIR}/{NOTES_DIR}/"


@dataclass(slots=True)
class Finding:
    note_id: str
    title: str
    note_path: str  # the note's file, .tether/notes/<id>.md
    note_line: int  # the line of the link in that file
    target: str  # what the link points at (symbol id or file path)
    status: str  # stale | moved | orphaned | suspect, at the head
    was: str  # the status at the base
    reason: str
    to: str | None  # where the code went, for moved links
    path: str  # where the change shows it: the code at the head, else the note's file
    line: int
    handled: bool = False  # the change itself edited the note's file


@dataclass(slots=True)
class CheckResult:
    base: str  # commit id
    head: str  # the --head revision, "staged" or "working tree"
    changed: list[str]  # code files the change touches
    notes: int  # note files at the head
    findings: list[Finding] = field(default_factory=list)
    base_rev: str = "HEAD"  # how the base was named: --base, HEAD, or "main..." (the merge base with main)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (note file, why)

    def fails(self, finding: Finding, fail_on: tuple[str, ...] = FAILING) -> bool:
        return finding.status in fail_on and not finding.handled

    def failing(self, fail_on: tuple[str, ...] = FAILING) -> list[Finding]:
        return [f for f in self.findings if self.fails(f, fail_on)]


def check(root: Path, base: str | None = None, head: str | None = None, staged: bool = False) -> CheckResult:
    """The notes the change from `base` to `head` (None: the working tree; `staged`: the index)
    makes stale, moved, orphaned or suspect. TetherError (exit 2) for bad revisions or a
    directory that is not a git working tree."""
    import pygit2

    from tether.core.hooks import branch_focus

    if head is not None and staged:
        raise TetherError("--head and --staged do not go together", exit_code=2)
    focus, _ = branch_focus(root)
    if focus is None:
        raise TetherError(f"{root}: this needs a git repository", exit_code=2)
    repo = pygit2.Repository(str(root))
    rev = (focus or "HEAD") if base is None else base
    if base is None and repo.head_is_unborn:  # no commit yet: nothing can have gone stale
        return CheckResult("", _head_label(head, staged), [], 0, base_rev=rev)
    changes = changed_lines(root, rev, head, staged)
    new = _Files(repo, root, commit_of(repo, head).tree if head is not None else None, staged)
    old = _Files(repo, root, repo[changes.base].tree, False)
    changed = sorted(p for p in {*changes.files, *changes.deleted} if not p.startswith(TETHER_DIR + "/"))
    edited_notes = {p for p in changes.files if p.startswith(NOTES_PREFIX)}
    result = CheckResult(changes.base, _head_label(head, staged), changed, 0, base_rev=rev)
    touched = set(changed)
    notes = _affected_notes(new, touched, edited_notes, result)
    if not notes:
        return result
    # Unchanged files are the same on both sides: parsed once; the changed ones once per side.
    linked = {_path(t) for n in notes for l in n.links for t in (l.target, *l.anchor.deps)}
    with tempfile.TemporaryDirectory(prefix="tether-check-") as tmp:
        from tether.core.store import Store

        store = Store(Path(tmp) / "check.duckdb")
        with store.write() as con:
            data = _load(store, con, Path(tmp), new, linked - touched)
            old_data = data | _load(store, con, Path(tmp), old, touched)
            before, old_syms = _statuses(store, con, notes, old_data)
            store.drop_files(con, sorted(touched))
            new_data = data | _load(store, con, Path(tmp), new, touched)
            after, new_syms = _statuses(store, con, notes, new_data)
    links = [(n, l) for n in notes for l in n.links]
    for (note, link), b, a in zip(links, before, after):
        if a.status == "fresh" or STATUS_ORDER.index(a.status) >= STATUS_ORDER.index(b.status):
            continue
        note_path = f"{NOTES_PREFIX}{note.id}{SUFFIX}"
        note_line = _link_line(new.read(note_path) or b"", link.target)
        path, line = _where(a, changes, old_syms, new_syms, new_data) or (note_path, note_line)
        result.findings.append(Finding(note.id, note.title, note_path, note_line, link.target, a.status, b.status,
                                       a.reason, a.to, path, line, note_path in edited_notes))
    result.findings.sort(key=lambda f: (STATUS_ORDER.index(f.status), f.path, f.line, f.note_id, f.target))
    return result


def _head_label(head: str | None, staged: bool) -> str:
    return head if head is not None else "staged" if staged else "working tree"


def _path(target: str) -> str:
    return target.split("::", 1)[0]


class _Files:
    """The files of one side of the change: a commit's tree, the index (`staged`), or the working tree."""

    def __init__(self, repo, root: Path, tree, staged: bool):
        self.repo, self.root, self.tree = repo, root, tree
        self.index = git_index(repo) if staged and tree is None else None

    def read(self, path: str) -> bytes | None:
        try:
            if self.tree is not None:
                entry = self.tree[path]
                return self.repo[entry.id].data if entry.type_str == "blob" else None
            if self.index is not None:
                return self.repo[self.index[path].id].data
            return (self.root / path).read_bytes()
        except (KeyError, OSError):
            return None

    def notes(self) -> dict[str, bytes | OSError]:
        """{note id: its file's bytes (or why it cannot be read)} of .tether/notes/."""
        out: dict[str, bytes | OSError] = {}
        if self.tree is not None or self.index is not None:
            entries = self._tree_notes() if self.tree is not None else (
                (e.path[len(NOTES_PREFIX):], e.id) for e in self.index if e.path.startswith(NOTES_PREFIX))
            for name, oid in entries:
                if name.endswith(SUFFIX) and "/" not in name and not name.startswith("."):
                    out[name[:-len(SUFFIX)]] = self.repo[oid].data
            return out
        for nid, (path, _) in note_files(self.root / NOTES_PREFIX).items():
            try:
                out[nid] = path.read_bytes()
            except OSError as e:
                out[nid] = e
        return out

    def _tree_notes(self):
        try:
            folder = self.tree[NOTES_PREFIX.rstrip("/")]
        except KeyError:
            return []
        return [(e.name, e.id) for e in folder if e.type_str == "blob"] if folder.type_str == "tree" else []


def _affected_notes(files: _Files, touched: set[str], edited: set[str], result: CheckResult) -> list[Note]:
    """The active notes at the head with a link whose status the change can alter (its target or
    a dependency in a touched file), with those links only. A note file is parsed only when the
    change edited it or it names a touched file: no other can be affected."""
    notes = []
    found = files.notes()
    result.notes = len(found)
    for nid, data in sorted(found.items()):
        where = f"{NOTES_PREFIX}{nid}{SUFFIX}"
        if isinstance(data, OSError):
            result.unreadable.append((where, f"cannot read: {data.strerror}"))
            continue
        if where not in edited and not any(mentions(data, p) for p in touched):
            continue
        try:
            note = parse(data, nid)
        except FormatError as e:
            result.unreadable.append((where, str(e)))
            continue
        links = [l for l in note.links if any(_path(t) in touched for t in (l.target, *l.anchor.deps))]
        if note.state == "active" and links:
            notes.append(dataclasses.replace(note, links=links))
    return notes


def _load(store, con, tmp: Path, files: _Files, paths: set[str]) -> dict[str, bytes]:
    """Parse `paths` as `files` has them into the temporary database; the bytes read."""
    from tether.core.index.run import git_blob_id, parse_file
    from tether.core.store import FileState, Staging

    staging = Staging(tmp)
    data: dict[str, bytes] = {}
    try:
        out = staging.writer()
        for path in sorted(paths):
            raw = files.read(path)
            if raw is None:
                continue
            data[path] = raw
            parsed, reason = parse_file(path, raw)
            out.add(parsed, path, FileState(len(raw), None, git_blob_id(raw)), reason)
        out.close()
        store.load_staged(con, staging)
    finally:
        staging.remove()
    return data


def _statuses(store, con, notes: list[Note], data: dict[str, bytes]):
    """The links' statuses in the temporary database as loaded, and the symbols they name
    (targets and where moved ones went)."""
    from tether.core.project import symbol_text
    from tether.core.staleness import statuses

    found = statuses(store, con, notes, lambda s: symbol_text(s, data[s.path]) if s.path in data else "")
    ids = {l.target for n in notes for l in n.links if l.kind == "symbol"} | {s.to for s in found if s.to}
    return found, store.symbols_by_ids(con, sorted(ids))


def _where(st: LinkStatus, changes: Changes, old_syms: dict[str, Symbol], new_syms: dict[str, Symbol],
           new_data: dict[str, bytes]) -> tuple[str, int] | None:
    """(path, line) at the head where the change shows the link's trouble; None: the code is gone
    from the head (the note's file is the place then)."""
    now = st.to or st.target
    if st.kind == "file":
        if now not in new_data:
            return None
        return now, _first_changed(changes.files.get(now), 1, max(1, new_data[now].count(b"\n")))
    if now in new_syms:
        s = new_syms[now]
        return s.path, _first_changed(changes.files.get(s.path), s.start_line, s.end_line)
    path = _path(st.target)
    if path not in new_data:
        return None
    was = old_syms.get(st.target)
    return path, _moved_line(changes.hunks.get(path, []), was.start_line if was else 1, was.end_line if was else 1)


def _first_changed(ranges: list[tuple[int, int]] | None, start: int, end: int) -> int:
    """The first changed line within [start, end], else `start`."""
    for a, b in ranges or ():
        if a <= end and b >= start:
            return max(a, start)
    return start


def _moved_line(hunks: list[tuple[int, int, int, int]], start: int, end: int) -> int:
    """Where base lines [start, end] went at the head: the first hunk that removed or changed them."""
    for old_start, old_lines, new_start, _ in hunks:
        if old_lines and old_start <= end and old_start + old_lines - 1 >= start:
            return max(new_start, 1)
    return max(hunks[0][2], 1) if hunks else 1


def _link_line(data: bytes, target: str) -> int:
    """The line of a note file that names the link `target` (1 when none does)."""
    for i, line in enumerate(data.decode("utf-8", "replace").split("\n"), 1):
        if line.startswith("target = "):
            try:
                if tomllib.loads(line).get("target") == target:
                    return i
            except tomllib.TOMLDecodeError:
                continue
    return 1


def resolve_fail_on(text: str) -> tuple[str, ...]:
    """--fail-on's comma-separated statuses ('' fails on nothing); TetherError (exit 2) for others."""
    names = tuple(dict.fromkeys(w.strip() for w in text.split(",") if w.strip()))
    bad = [w for w in names if w not in FAILING]
    if bad:
        raise TetherError(f"--fail-on: unknown status '{bad[0]}' (choose among: {','.join(FAILING)})", exit_code=2)
    return names

