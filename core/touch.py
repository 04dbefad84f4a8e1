"""The notes on code the agent just touched (the PostToolUse hook, core/hooks.py).

After a Read: the notes linked to the symbols whose lines overlap the lines read, and to the
file itself. After an edit: the notes linked to the symbols whose code the edit changed, by
fingerprint — the index's `code_hash` is "before", the file parsed in memory now is "after"
(one file, with the indexer's own extraction; the index is only read) — so a formatting-only
edit changes nothing.

Where the file changed since the last index, everything is as the file is now: the symbols'
lines, and the links' statuses (a note's anchor against the symbol's fingerprint now).
"""

from __future__ import annotations

from dataclasses import dataclass

from tether.core.capsule import FRESHNESS, TYPE_WEIGHTS, CapsuleNote
from tether.core.model import Symbol
from tether.core.staleness import statuses, worst

FILE_RELEVANCE = 0.5  # a note on the whole file, against one on the very lines read


@dataclass(slots=True)
class Touched:
    path: str
    notes: list[CapsuleNote]  # most relevant first
    symbols: dict[str, Symbol]  # the file's symbols as it is now, by id (for headings)


@dataclass(slots=True)
class _FileNow:
    indexed: list[Symbol]
    now: list[Symbol]
    indexed_hash: str
    now_hash: str


def read_notes(project, con, path: str, data: bytes, first: int, last: int | None,
               skip: set[str]) -> Touched | None:
    """Notes on lines `first`..`last` (1-based, inclusive; None: to the end) of `path` (its bytes
    now: `data`) and on the file, but not those in `skip`. None: the file is not indexed."""
    state = _file_now(project, con, path, data)
    if state is None:
        return None
    hi = last if last is not None else max((s.end_line for s in state.now), default=first)
    relevance = {path: FILE_RELEVANCE}
    for s in state.now:
        overlap = min(hi, s.end_line) - max(first, s.start_line) + 1
        if overlap > 0:
            relevance[s.id] = overlap / (s.end_line - s.start_line + 1)
    return _pick(project, con, path, state, relevance, skip)


def edit_notes(project, con, path: str, data: bytes) -> Touched | None:
    """Notes on the symbols of `path` whose code differs between the index and the file now
    (changed or gone), and on the file when its code changed. None: the file is not indexed."""
    state = _file_now(project, con, path, data)
    if state is None:
        return None
    now = {s.id: s.code_hash for s in state.now}
    relevance = {s.id: 1.0 for s in state.indexed if now.get(s.id) != s.code_hash}
    if state.now_hash != state.indexed_hash:
        relevance[path] = FILE_RELEVANCE
    return _pick(project, con, path, state, relevance, set())


def _file_now(project, con, path: str, data: bytes) -> _FileNow | None:
    """The file's symbols as indexed and as it is now (parsed only when its bytes changed)."""
    from tether.core.index.run import parse_file, git_blob_id

    row = project.store.file_row(con, path)
    if row is None:
        return None
    indexed = project.store.file_symbols(con, path)
    if git_blob_id(data) == row[2]:
        return _FileNow(indexed, indexed, row[1], row[1])
    result, _ = parse_file(path, data)
    if result is None:  # now binary or unreadable as code: nothing of it stands
        return _FileNow(indexed, [], row[1], "")
    return _FileNow(indexed, result.symbols, row[1], result.code_hash)


def _pick(project, con, path: str, state: _FileNow, relevance: dict[str, float], skip: set[str]) -> Touched:
    """The notes linked to the nodes in `relevance`, scored type × freshness × relevance."""
    store = project.store
    ids = [i for i in store.notes_linked_to(con, sorted(relevance)) if i not in skip]
    from tether.core.claude_md_import import still_in_claude_md

    notes = project.without_secrets(store.notes(con, ids, ("active",)))
    loaded = still_in_claude_md(project, con, notes)  # Claude Code loads these itself: never twice
    notes = [n for n in notes if n.id not in loaded]
    now = {s.id: s for s in state.now}
    overlay = _AsNow(store, path, now, state.now_hash)
    by_note: dict[str, list] = {}
    for st in statuses(overlay, con, notes, project.source):
        by_note.setdefault(st.note_id, []).append(st)
    picked = []
    for n in notes:
        sts = by_note.get(n.id, [])
        best, group = 0.0, None
        for st in sts:
            r = relevance.get(st.target, 0.0) * FRESHNESS[st.status]
            if r > best:
                best, group = r, st.target
        if group is not None:
            picked.append(CapsuleNote(n, worst([s.status for s in sts]), sts,
                                      TYPE_WEIGHTS.get(n.type, 0.8) * best, group))
    picked.sort(key=lambda c: (-c.score, c.note.id))
    return Touched(path, picked, now)


class _AsNow:
    """The store, with one file's symbols and fingerprint as the file is now."""

    def __init__(self, store, path: str, now: dict[str, Symbol], file_hash: str):
        self._store, self._path, self._now, self._hash = store, path, now, file_hash

    def __getattr__(self, name):
        return getattr(self._store, name)

    def symbols_by_ids(self, con, ids):
        mine = {i for i in ids if i.split("::", 1)[0] == self._path}  # this file's: as it is now, no query
        found = self._store.symbols_by_ids(con, [i for i in ids if i not in mine])
        found.update((i, self._now[i]) for i in sorted(mine) if i in self._now)
        return found

    def symbols_matching(self, con, code_hashes, blind_hashes, names):
        found = [s for s in self._store.symbols_matching(con, code_hashes, blind_hashes, names) if s.path != self._path]
        return found + [s for s in self._now.values()
                        if s.code_hash in code_hashes or s.blind_hash in blind_hashes or s.name in names]

    def file_hashes(self, con, paths):
        found = self._store.file_hashes(con, paths)
        if self._path in found:
            found[self._path] = self._hash
        return found
