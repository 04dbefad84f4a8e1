"""Notes shared through git: one text file per note under `.tether/notes/`.

`export_notes` writes every shared note (not private; active or archived) to
`.tether/notes/<id>.md`; `import_notes` merges those files back into the database by id.
One file per note means two people adding notes on two branches never touch the same
file, so git merges them without a conflict.

The file: TOML front matter between `+++` lines, the note text verbatim, then (when the
note has links) a `+++ links` line and the links as TOML:

    +++
    id = "3k9x2m7q1a"
    type = "gotcha"
    state = "active"
    tags = ["cache"]
    source = "agent"
    created = "2024-05-01T10:00:00Z"
    updated = "2024-05-02T11:00:00Z"
    commit = "9f2c..."
    +++
    Cache.get returns stale entries after reload(); call invalidate() first.

    +++ links
    [[links]]
    target = "src/cache.py::Cache.get"
    kind = "symbol"
    ...
    anchor_text = '''
    def get(self, key):
        return self._data.get(key)'''

    [links.deps]
    "src/cache.py::Cache._load" = "..."

Rendering is canonical (fixed key order, None omitted, deps sorted), so exporting twice
gives identical bytes and `parse(render(n)) == n` exactly, whatever the texts contain:
a string is written verbatim as a TOML literal block when it can be, else as an escaped
TOML string, and never produces a line that reads as a delimiter.

Merging uses the last synced version of each file as the base (kept in the database, in
`meta`, so a new database starts from scratch): a side that did not change since the base
yields to the other, whatever the time stamps. When both changed (a true conflict) the newer
`updated` wins and the conflict is reported; the loser is kept: a file that wins is one
undoable import, a local note that wins (or ties) leaves the file as it came, and export
does not overwrite it until the note is edited here (`import --theirs` takes the file's
version, `export --force` writes the local one). Without a base (never synced) the newer
`updated` wins and only a tie is a conflict. Private notes are local: import never touches
them, and making a shared note private (or deleting it) removes its file on the next export,
and again at the next `tether index` when git brings it back.

A file git removed (a teammate deleted the note, or a branch without it is checked out)
does not delete the local note; the note is kept and not written back until it changes
here, so switching branches never deletes or resurrects notes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from tether.core.model import NOTE_TYPES, Anchor, Link, Note
from tether.core.secret_scan import ALLOWED

NOTES_DIR = "notes"
SUFFIX = ".md"
ACTOR, OP = "git", "import"
ALL_STATES = ("active", "archived", "deleted")
SHARED_STATES = ("active", "archived")

_OPEN, _CLOSE, _LINKS = "+++\n", "\n+++\n", "\n+++ links\n"
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_NOTE_KEYS = ("id", "type", "state", "tags", "source", "session", "origin", "created", "updated", "commit", "secret",
              "pinned")
_LINK_KEYS = ("target", "kind", "moved_from", "commit", "code_hash", "sig_hash", "blind_hash", "anchor_text", "deps")


# -- results ------------------------------------------------------------------------------


@dataclass(slots=True)
class ExportResult:
    written: list[str] = field(default_factory=list)  # note ids
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    held: list[tuple[str, str, str]] = field(default_factory=list)  # (id, path, reason): file left as it is
    missing: list[tuple[str, str]] = field(default_factory=list)  # (id, path): git removed it; not written back
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): could not write or remove


@dataclass(slots=True)
class ImportResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # includes notes where the local version is newer
    conflicts: list[tuple[str, str, str]] = field(default_factory=list)  # (id, path, reason)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (id, path): file removed; kept locally
    unshared: list[str] = field(default_factory=list)  # files of notes private or deleted here: export removes them
    batch: int | None = None  # the history batch (undo reverts it), when anything changed

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


@dataclass(slots=True)
class SyncResult:
    imported: ImportResult | None = None  # None: no file changed since the last sync
    exported: ExportResult | None = None  # None: nothing changed locally, or auto_export is off


# -- the file format ----------------------------------------------------------------------


class FormatError(ValueError):
    pass


def render(note: Note) -> str:
    """The canonical text of a note's file (private is never written)."""
    front = [f"id = {_q(note.id)}", f"type = {_q(note.type)}", f"state = {_q(note.state)}",
             f"tags = [{', '.join(_q(t) for t in note.tags)}]", f"source = {_q(note.source)}"]
    allowed = ALLOWED if note.secret == ALLOWED else None  # a person's override travels with the note
    for key, value in (("session", note.session), ("origin", note.origin), ("created", note.created_at),
                       ("updated", note.updated_at), ("commit", note.commit), ("secret", allowed)):
        if value is not None:
            front.append(f"{key} = {_q(value)}")
    if note.pinned:
        front.append("pinned = true")
    out = _OPEN + "\n".join(front) + _CLOSE + note.text + "\n"
    if note.links or _LINKS in note.text + "\n":
        out += _LINKS + "\n".join(_render_link(l) for l in note.links)
    return out


def _render_link(link: Link) -> str:
    a = link.anchor
    lines = ["[[links]]", f"target = {_q(link.target)}", f"kind = {_q(link.kind)}"]
    for key, value in (("moved_from", link.moved_from), ("commit", a.commit), ("code_hash", a.code_hash),
                       ("sig_hash", a.sig_hash), ("blind_hash", a.blind_hash)):
        if value is not None:
            lines.append(f"{key} = {_q(value)}")
    if a.text:
        lines.append(f"anchor_text = {_block(a.text)}")
    if a.deps:
        lines += ["", "[links.deps]"] + [f"{_q(k)} = {_q(v)}" for k, v in sorted(a.deps.items())]
    return "\n".join(lines) + "\n"


_MUST_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')
_MUST_ESCAPE_IN_BLOCK = re.compile(r'[\x00-\x08\x0a-\x1f\x7f"\\]')  # a tab may stay as it is
_NOT_LITERAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]|'''|^\+\+\+", re.MULTILINE)


def _escape(ch: str) -> str:
    special = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
    return special.get(ch) or f"\\u{ord(ch):04X}"


def _q(s: str) -> str:
    """A one-line TOML basic string."""
    return '"' + _MUST_ESCAPE.sub(lambda m: _escape(m.group()), s) + '"'


def _block(s: str) -> str:
    """A TOML string for a text that may span lines: verbatim ('''...''') when it can be, else escaped;
    never a line starting with +++ (it would read as a delimiter)."""
    if "\n" not in s:
        return _q(s)
    if not s.endswith("'") and not _NOT_LITERAL.search(s):
        return "'''\n" + s + "'''"
    out = []
    for line in s.split("\n"):
        esc = _MUST_ESCAPE_IN_BLOCK.sub(lambda m: _escape(m.group()), line)
        out.append("\\u002B" + esc[1:] if line.startswith("+++") else esc)
    return '"""\n' + "\n".join(out) + '"""'


def mentions(data: bytes, path: str) -> bool:
    """Could the note file `data` link to `path` or to a symbol in it? (Targets and dependencies
    are written with _q: the path appears as _q spells it.)"""
    return _q(path)[1:-1].encode("utf-8") in data


def parse(data: bytes | str, expect_id: str | None = None) -> Note:
    """A note from its file; FormatError says what is wrong (one line)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise FormatError(f"not UTF-8 (byte {e.start})") from None
    try:
        return _parse(data, expect_id)
    except FormatError:
        lines = data.split("\n")
        if any(l.startswith("<<<<<<< ") for l in lines) and any(l.startswith(">>>>>>> ") for l in lines):
            raise FormatError("git merge conflict markers: finish the merge (keep one version of the file) "
                              "first") from None
        raise


def _parse(data: str, expect_id: str | None) -> Note:
    if data.startswith("+++\r\n"):  # checked out with CRLF line endings
        data = data.replace("\r\n", "\n")
    if not data.startswith(_OPEN):
        raise FormatError("does not start with a '+++' line")
    end = data.find(_CLOSE, len(_OPEN) - 1)
    if end < 0:
        raise FormatError("no '+++' line closing the front matter")
    front, rest = data[len(_OPEN):end + 1], data[end + len(_CLOSE):]
    cut = rest.rfind(_LINKS)
    body, links_text = (rest[:cut], rest[cut + len(_LINKS):]) if cut >= 0 else (rest, "")
    text = body[:-1] if body.endswith("\n") else body
    meta = _toml(front, "front matter")
    links = _toml(links_text, "links")

    _only(meta, _NOTE_KEYS, "front matter")
    _only(links, ("links",), "links")
    note_id = _str(meta, "id")
    if expect_id is not None and note_id != expect_id:
        raise FormatError(f"id '{note_id}' does not match the file name ({expect_id}{SUFFIX})")
    kind = _str(meta, "type")
    if kind not in NOTE_TYPES:
        raise FormatError(f"unknown type '{kind}' (one of: {', '.join(NOTE_TYPES)})")
    state = _str(meta, "state")
    if state not in ALL_STATES:
        raise FormatError(f"unknown state '{state}' (one of: {', '.join(ALL_STATES)})")
    tags = meta.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise FormatError("tags must be a list of strings")
    created, updated = _stamp(meta, "created"), _stamp(meta, "updated")
    if not text.strip():
        raise FormatError("the note text is empty")
    raw_links = links.get("links", [])
    if not isinstance(raw_links, list):
        raise FormatError("links must be [[links]] tables")
    pinned = meta.get("pinned", False)
    if not isinstance(pinned, bool):
        raise FormatError("pinned must be true or false")
    return Note(note_id, text, kind, list(tags), _str(meta, "source"), _str(meta, "session", None), created,
                updated, _str(meta, "commit", None), state, False,
                [_parse_link(l, i) for i, l in enumerate(raw_links, 1)], _str(meta, "origin", None),
                ALLOWED if _str(meta, "secret", None) == ALLOWED else None, pinned)


def _parse_link(d, i: int) -> Link:
    where = f"link {i}"
    if not isinstance(d, dict):
        raise FormatError(f"{where}: not a table")
    _only(d, _LINK_KEYS, where)
    kind = _str(d, "kind", where=where)
    if kind not in ("symbol", "file", "dir"):
        raise FormatError(f"{where}: kind must be 'symbol', 'file' or 'dir', not '{kind}'")
    deps = d.get("deps", {})
    if not isinstance(deps, dict) or not all(isinstance(v, str) for v in deps.values()):
        raise FormatError(f"{where}: deps must map ids to hashes (strings)")
    anchor = Anchor(_str(d, "code_hash", None, where), _str(d, "sig_hash", None, where),
                    _str(d, "blind_hash", None, where), _str(d, "anchor_text", "", where),
                    _str(d, "commit", None, where), dict(deps))
    return Link(_str(d, "target", where=where), kind, anchor, _str(d, "moved_from", None, where))


def _toml(text: str, where: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise FormatError(f"{where}: invalid TOML: {e}") from None


def _only(d: dict, keys: tuple[str, ...], where: str) -> None:
    extra = sorted(set(d) - set(keys))
    if extra:
        raise FormatError(f"{where}: unknown key '{extra[0]}' (known: {', '.join(keys)})")


_REQUIRED = object()


def _str(d: dict, key: str, default=_REQUIRED, where: str = "front matter"):
    if key not in d:
        if default is _REQUIRED:
            raise FormatError(f"{where}: '{key}' is missing")
        return default
    value = d[key]
    if not isinstance(value, str):
        raise FormatError(f"{where}: '{key}' must be a quoted string")
    return value


def _stamp(d: dict, key: str) -> str:
    value = _str(d, key)
    if not _STAMP.fullmatch(value):
        raise FormatError(f"front matter: '{key}' must look like 2024-05-01T10:00:00Z, not '{value}'")
    return value


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- sync state: the base of the three-way merge ---------------------------------------------


@dataclass(slots=True)
class _Rec:
    """A file as last written or read: its content hash, stat, and whether it is a held conflict."""

    sha: str
    stat: tuple[int, int, int]  # size, mtime_ns, inode: a file git rewrote differs in one of them
    conflict: str = ""  # held conflict: the `updated` of the local note kept; an edit here resolves it


@dataclass(slots=True)
class _State:
    seq: int = 0  # history seq at the last export: more history means local changes to export
    files: dict[str, _Rec] = field(default_factory=dict)

    def dump(self) -> str:
        return json.dumps({"version": _STATE_VERSION, "seq": self.seq,
                           "files": {k: [v.sha, list(v.stat), v.conflict] for k, v in sorted(self.files.items())}},
                          separators=(",", ":"))

    @classmethod
    def load(cls, raw: str | None) -> _State:
        if not raw:
            return cls()
        try:
            d = json.loads(raw)
            if d["version"] != _STATE_VERSION:
                return cls()
            return cls(int(d["seq"]), {k: _Rec(sha, tuple(stat), c) for k, (sha, stat, c) in d["files"].items()})
        except (ValueError, KeyError, TypeError):
            return cls()  # unreadable: start again from the files (nothing is lost, only re-compared)


_STATE_VERSION = 3


# -- files --------------------------------------------------------------------------------------


def notes_dir(project) -> Path:
    return project.dir / NOTES_DIR


def _rel(project, note_id: str) -> str:
    return f"{project.dir.name}/{NOTES_DIR}/{note_id}{SUFFIX}"  # project.dir is the root's .tether/


def note_files(folder: Path) -> dict[str, tuple[Path, tuple[int, int, int]]]:
    """{note id: (path, stat key)} of the note files (hidden and temporary files skipped)."""
    out = {}
    try:
        entries = list(os.scandir(folder))
    except OSError:  # no folder yet (or unreadable: nothing to import, and export reports its writes)
        return out
    for e in entries:
        if e.name.endswith(SUFFIX) and not e.name.startswith("."):
            try:
                if e.is_file(follow_symlinks=False):
                    out[e.name[:-len(SUFFIX)]] = (Path(e.path), _key(e.stat(follow_symlinks=False)))
            except OSError:
                continue  # removed meanwhile
    return out


def _key(st: os.stat_result) -> tuple[int, int, int]:
    return st.st_size, st.st_mtime_ns, st.st_ino


def _write_atomic(path: Path, data: bytes) -> os.stat_result:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")  # *.tmp: ignored by .tether/.gitignore
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path.stat()


def _shared(note: Note) -> bool:
    return not note.private and note.state in SHARED_STATES


# -- export ---------------------------------------------------------------------------------------


def export_notes(project, force: bool = False) -> ExportResult:
    """Write every shared note to .tether/notes/<id>.md; remove the files of notes deleted,
    purged or made private here. Only files whose content changed are rewritten.

    A file that changed since the last sync (not yet imported, unreadable), or holds the other
    side of a conflict, is left as it is and reported in `held`; `force` writes the local
    version of every note this database has over it.
    """
    folder = notes_dir(project)
    res = ExportResult()
    if not project.store.path.exists():
        return res
    with project.store.read() as con:
        state = _State.load(project.store.sync_state(con))
        seq = project.store.history_seq(con)
        notes = {n.id: n for n in project.store.notes(con, None, ALL_STATES)}
    listing = note_files(folder)
    recs: dict[str, _Rec | None] = {}  # what to record; None forgets the file
    clean = {n.id for n in project.without_secrets([n for n in notes.values() if _shared(n)])}

    def write(nid: str, path: Path, data: bytes) -> None:
        try:
            st = _write_atomic(path, data)
        except OSError as e:
            res.errors.append((_rel(project, nid), f"cannot write: {e.strerror}"))
            return
        res.written.append(nid)
        recs[nid] = _Rec(_sha(data), _key(st))

    for nid in sorted(n for n in notes if _shared(notes[n])):
        note, rel = notes[nid], _rel(project, nid)
        if nid not in clean:
            res.held.append((nid, rel, f"holds what looks like a secret ({note.secret}): not exported; edit the "
                                       "note (tether note list --secrets)"))
            continue
        try:
            data = render(note).encode("utf-8")
        except UnicodeEncodeError as e:
            res.errors.append((rel, f"cannot encode the note as UTF-8: {e.reason}"))
            continue
        sha, rec = _sha(data), state.files.get(nid)
        if nid not in listing:
            if rec is not None and rec.sha == sha and not force:
                res.missing.append((nid, rel))  # git removed it and it did not change here since
            else:
                write(nid, folder / (nid + SUFFIX), data)
            continue
        path, key = listing[nid]
        if rec is not None and not rec.conflict and rec.sha == sha and rec.stat == key:
            res.unchanged.append(nid)
            continue
        try:
            current = path.read_bytes()
        except OSError as e:
            res.errors.append((rel, f"cannot read: {e.strerror}"))
            continue
        if current == data:
            res.unchanged.append(nid)
            recs[nid] = _Rec(sha, key)
            continue
        ok, reason = _may_replace(note, current, rec, force)
        if ok:
            write(nid, path, data)
        else:
            res.held.append((nid, rel, reason))

    for nid in sorted(set(listing) - {n for n in notes if _shared(notes[n])}):
        path, rel, note, rec = listing[nid][0], _rel(project, nid), notes.get(nid), state.files.get(nid)
        if note is None and rec is None:
            res.held.append((nid, rel, "not imported yet (tether import)"))
            continue
        try:
            current = path.read_bytes()
        except OSError as e:
            res.errors.append((rel, f"cannot read: {e.strerror}"))
            continue
        ok, reason = _may_replace(note, current, rec, force and note is not None)
        if not ok:
            res.held.append((nid, rel, reason))
            continue
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as e:
            res.errors.append((rel, f"cannot remove: {e.strerror}"))
            continue
        res.removed.append(nid)
        recs[nid] = None

    for nid in state.files:  # forget files that are gone for notes no longer shared here
        if nid not in listing and not (nid in notes and _shared(notes[nid])):
            recs[nid] = None
    if recs or seq != state.seq:
        with project.store.write() as con:
            state = _State.load(project.store.sync_state(con))  # what an import may have recorded meanwhile
            for nid, rec in recs.items():
                if rec is None:
                    state.files.pop(nid, None)
                else:
                    state.files[nid] = rec
            state.seq = seq
            project.store.set_sync_state(con, state.dump())
    return res


def _may_replace(local: Note | None, current: bytes, rec: _Rec | None, force: bool) -> tuple[bool, str]:
    """May export overwrite (or remove) a file whose content differs from the local note?"""
    if force:
        return True, ""
    if rec is not None and rec.sha == _sha(current):
        if not rec.conflict or (local is not None and local.updated_at != rec.conflict):
            return True, ""  # as last synced, or the conflict was resolved by editing here: the local one wins
        return False, ("conflict: changed here and in the file since the last sync; tether import --theirs takes "
                       "the file's version, editing the note or tether export --force keeps this one")
    try:
        theirs = parse(current)
    except FormatError as e:
        return False, f"cannot be read ({e}); fix or delete the file, or tether export --force"
    if rec is None and local is not None and local.updated_at > theirs.updated_at:
        return True, ""  # never synced: the newer one wins
    return False, "changed since the last import (tether import)"


# -- import ---------------------------------------------------------------------------------------


def import_notes(project, theirs: bool = False) -> ImportResult:
    """Merge every file of .tether/notes/ into the database by id (one undoable batch).

    `theirs`: the files win over every local note that differs (resolves conflicts)."""
    return _import(project, None, theirs)


def _import(project, only: set[str] | None, theirs: bool) -> ImportResult:
    res = ImportResult()
    folder = notes_dir(project)
    listing = note_files(folder)
    if not listing and not project.store.path.exists():
        return res
    with project.store.write() as con:
        state = _State.load(project.store.sync_state(con))
        incoming: dict[str, tuple[Note, _Rec, str]] = {}
        for nid in sorted(listing):
            if only is not None and nid not in only:
                continue
            path, key = listing[nid]
            rel, rec = _rel(project, nid), state.files.get(nid)
            try:
                data = path.read_bytes()
            except OSError as e:
                res.errors.append((rel, f"cannot read: {e.strerror}"))
                continue
            sha = _sha(data)
            if rec is not None and rec.sha == sha and not rec.conflict and not theirs:
                state.files[nid] = _Rec(sha, key)  # as last synced: nothing new (maybe touched)
                res.unchanged.append(nid)
                continue
            try:
                incoming[nid] = (parse(data, nid), _Rec(sha, key), rel)
            except FormatError as e:
                res.errors.append((rel, str(e)))

        if incoming:  # a file holding what looks like a secret is refused, the rest imported
            from tether.core.secret_scan import find_secrets

            found = find_secrets([note.text for note, _, _ in incoming.values()])
            for nid, hit in zip(list(incoming), found):
                if hit is not None and incoming[nid][0].secret != ALLOWED:
                    res.errors.append((incoming.pop(nid)[2], f"not imported: holds what looks like a secret ({hit})"))
        gone = [nid for nid in state.files if nid not in listing] if only is None else []
        ids = list(incoming) + gone
        local = {n.id: n for n in project.store.notes(con, ids, ALL_STATES)} if ids else {}
        changes: list[tuple] = []  # written in one go below: one undoable batch
        for nid, (note, new_rec, rel) in incoming.items():
            mine, base = local.get(nid), state.files.get(nid)
            state.files[nid] = new_rec
            if mine is None:
                changes.append((ACTOR, OP, None, note))
                res.added.append(nid)
                continue
            if mine.private:  # private is local: the next export removes the file
                res.unchanged.append(nid)
                res.unshared.append(nid)
                continue
            ours = render(mine)
            won, reason = ("local", "") if ours == render(note) else _merge(mine, note, ours, base, new_rec.sha, theirs)
            if won == "file":
                changes.append((ACTOR, OP, mine, note))
                res.updated.append(nid)
            elif won == "hold":
                new_rec.conflict = mine.updated_at
            else:
                res.unchanged.append(nid)
            if reason:
                res.conflicts.append((nid, rel, reason))
            if not _shared(note if won == "file" else mine):
                res.unshared.append(nid)
        for nid in gone:
            mine, base = local.get(nid), state.files[nid]
            if mine is not None and _shared(mine) and _sha(render(mine).encode("utf-8")) == base.sha:
                res.missing.append((nid, _rel(project, nid)))  # kept: a branch without it, or deleted there
            elif mine is None or not _shared(mine):
                del state.files[nid]
        if changes:
            res.batch = project.store.next_batch(con)
            project._record_many(con, res.batch, changes,  # a person's override travels with the note
                                 {a.id for _, _, _, a in changes if a is not None and a.secret == ALLOWED})
            from tether.core.index.fill import fill

            linked = [l for _, _, _, a in changes if a is not None for l in a.links]  # their code, fingerprinted
            fill(project.root, project.store, con, sorted({l.target for l in linked if l.kind == "symbol"}
                                                          | {d for l in linked for d in l.anchor.deps}),
                 sorted({l.target for l in linked if l.kind == "file"}))
        project.store.set_sync_state(con, state.dump())
    return res


def _merge(mine: Note, note: Note, ours: str, base: _Rec | None, sha: str, theirs: bool) -> tuple[str, str]:
    """Three-way merge of a local note (rendered: `ours`) and a differing file (`note`, content hash
    `sha`) against the file as last synced: who wins, "file", "local" (the next export writes it)
    or "hold" (local, the file left as it is), and the conflict to report ("" when none)."""
    if theirs:
        return "file", ""
    if base is not None and not base.conflict and _sha(ours.encode("utf-8")) == base.sha:
        return "file", ""  # only the file changed since the last sync, whatever its time stamps
    if base is not None and base.conflict and sha == base.sha and mine.updated_at != base.conflict:
        return "local", ""  # the held conflict, resolved by editing the note here
    both = base is not None  # both changed since the last sync (the file, else it was skipped as unchanged)
    if note.updated_at > mine.updated_at:
        return "file", (f"changed here and in the file since the last sync; took the file's newer version "
                        f"({note.updated_at}); the local one ({mine.updated_at}) is in the history: tether undo "
                        "reverts this import" if both else "")
    if note.updated_at < mine.updated_at:
        if not both:
            return "local", ""
        return "hold", (f"changed here and in the file since the last sync; kept the local note, newer "
                        f"({mine.updated_at}); the file keeps the other version ({note.updated_at}) until the "
                        "note is edited here (tether import --theirs takes it)")
    return "hold", (f"changed here and in the file with the same time stamp ({note.updated_at}); kept the local "
                    "note, the file keeps the other version (tether import --theirs takes it)")


# -- automatic sync -------------------------------------------------------------------------------


def sync_after_index(project) -> SyncResult:
    """After `tether index`: import the note files that changed since the last sync (a pull,
    a checkout), then export when notes.auto_export is on and notes changed here or the import
    found files of notes not shared here (private or deleted: export removes them again).

    Cheap when nothing changed: one read of the database and a stat of each note file."""
    out = SyncResult()
    if not project.store.path.exists():
        return out
    with project.store.read() as con:
        state = _State.load(project.store.sync_state(con))
        seq = project.store.history_seq(con)
    changed = {nid for nid, (_, key) in note_files(notes_dir(project)).items()
               if (rec := state.files.get(nid)) is None or rec.stat != key}
    if changed:
        out.imported = _import(project, changed, False)
    imported = out.imported
    if project.config.auto_export and (seq != state.seq or (imported is not None and (imported.changed
                                                                                   or imported.unshared))):
        out.exported = export_notes(project)
    return out


def export_if_enabled(project) -> ExportResult | None:
    """After a note operation: export when notes.auto_export is on (the default)."""
    if not project.config.auto_export:
        return None
    return export_notes(project)
