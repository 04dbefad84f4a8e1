"""Note operations, each one write transaction recorded in the append-only history.

Mixed into `Project`: every operation takes ids or names as a user types them, validates
them, and raises TetherError with one clear line before anything is written.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone

from tether.core.errors import NotFound, StoreBusy, TetherError
from tether.core.index.fill import fill
from tether.core.model import NOTE_MAX_CHARS, NOTE_TYPES, Anchor, Link, Note

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case
ID_LENGTH = 10
_FILE_ANCHOR_MAX = 200_000  # bytes of a linked file kept for diffs


def new_note_id() -> str:
    """10 random base32 characters (50 bits): unique across machines without coordination."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(ID_LENGTH))


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_text(text: str) -> str:
    text = text.strip("\n")
    if not text.strip():
        raise TetherError("note text is empty", exit_code=2)
    if len(text) > NOTE_MAX_CHARS:
        raise TetherError(f"note text is {len(text)} characters; the limit is {NOTE_MAX_CHARS}", exit_code=2)
    return text


def check_type(kind: str) -> str:
    if kind not in NOTE_TYPES:
        raise TetherError(f"unknown note type '{kind}' (one of: {', '.join(NOTE_TYPES)})", exit_code=2)
    return kind


def check_tags(tags) -> list[str]:
    """Tags, sorted and unique; an empty or blank one is refused."""
    if any(not t.strip() for t in tags):
        raise TetherError("empty tag", exit_code=2)
    return sorted({t.strip() for t in tags})


def match_note_id(store, con, raw: str) -> str:
    """The note id `raw` names: the id itself or a unique prefix of one; NotFound otherwise."""
    key = raw.strip().lower()
    ids = store.note_ids_like(con, key) if key else []
    if key in ids:
        return key
    if not ids:
        raise NotFound(f"unknown note '{raw.strip()}'")
    if len(ids) > 1:
        raise NotFound(f"ambiguous note id '{raw.strip()}': {', '.join(ids[:5])}", ids, ambiguous=True)
    return ids[0]


def snapshot(note: Note | None) -> str | None:
    return None if note is None else json.dumps(dataclasses.asdict(note), sort_keys=True)


def from_snapshot(data: str | None) -> Note | None:
    if data is None:
        return None
    d = json.loads(data)
    links = [Link(l["target"], l["kind"], Anchor(**l["anchor"]), l.get("moved_from")) for l in d.pop("links")]
    return Note(**d, links=links)


@dataclass(slots=True)
class Draft:
    """A note to add: symbols and files as a user names them."""

    text: str
    symbols: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    type: str = "insight"
    tags: list[str] = field(default_factory=list)
    source: str = "user"
    session: str | None = None
    private: bool = False
    origin: str | None = None  # where an imported note came from
    pinned: bool = False  # always on, whatever a capsule's focus


class NoteOps:
    """Operations on notes; `self` is a Project (store, root, config, resolve())."""

    # -- anchors -----------------------------------------------------------------------

    def _anchor_symbol(self, con, sym, deps: dict[str, str] | None = None, head: str | None = None) -> Link:
        """A link to `sym` anchored to its code now; `deps`/`head` when the caller has them (and
        has fingerprinted the files: _fingerprinted)."""
        if deps is None:
            sym = self._fingerprinted(con, [sym])[0]
            deps = self.store.dependencies(con, [sym.id]).get(sym.id, {})
        return Link(sym.id, "symbol", Anchor(sym.code_hash, sym.sig_hash, sym.blind_hash,
                                             self.source(sym), head or self._head(), deps))

    def _anchor_file(self, con, path: str) -> Link:
        """A link to a file, or to a directory holding indexed files (kind "dir": no fingerprint;
        it applies to everything below it and is orphaned only when the directory goes)."""
        fill(self.root, self.store, con, [], [path])
        row = self.store.file_row(con, path)
        if row is None and path.strip("/") not in ("", ".") and self.store.dirs_present(con, [path.strip("/")]):
            return Link(path.strip("/"), "dir", Anchor(None, None, None, "", self._head()))
        if row is None and self.config.is_secret(path):
            raise NotFound(f"'{path}' matches a secret pattern ([secrets] patterns): tether never reads or links it")
        if row is None:
            raise NotFound(f"unknown file '{path}' (not indexed; run tether index?)")
        try:
            text = "" if self.config.is_secret(path) else \
                (self.root / path).read_bytes()[:_FILE_ANCHOR_MAX].decode("utf-8", "replace")
        except OSError:
            text = ""
        return Link(path, "file", Anchor(row[1], None, None, text, self._head()))

    def _fingerprinted(self, con, symbols: list) -> list:
        """`symbols` as they are once their files, and their callees' and bases', have fingerprints."""
        if not fill(self.root, self.store, con, sorted({s.id for s in symbols})):
            return symbols
        again = self.store.symbols_by_ids(con, [s.id for s in symbols])
        return [again[s.id] for s in symbols]

    def _head(self) -> str | None:
        from tether.core.index.discover import head_commit

        return head_commit(self.root)

    def _normalise_path(self, path: str) -> str:
        p = (self.root / path).resolve()  # an absolute `path` replaces the root here
        try:
            return p.relative_to(self.root).as_posix()
        except ValueError:
            raise TetherError(f"{path}: outside the repository", exit_code=2) from None

    def _links_for(self, con, symbols: list[str], files: list[str]) -> list[Link]:
        return self._links_for_many(con, [(symbols, files)])[0]

    def _links_for_many(self, con, wanted: list[tuple[list[str], list[str]]]) -> list[list[Link]]:
        """For each (symbol names, file paths): its links, each name resolved (or NotFound)."""
        # Exact ids (what agents and imports pass) in one query; the rest one by one.
        exact = self.store.symbols_by_ids(con, sorted({n.strip() for names, _ in wanted for n in names}))
        resolved = [[exact.get(name.strip()) or self.resolve(name, con) for name in names] for names, _ in wanted]
        now = {s.id: s for s in self._fingerprinted(con, [s for syms in resolved for s in syms])}
        resolved = [[now[s.id] for s in syms] for syms in resolved]
        deps = self.store.dependencies(con, sorted(now))
        head = self._head()
        out = []
        for syms, (_, files) in zip(resolved, wanted):
            links: list[Link] = []
            for sym in syms:
                if all(l.target != sym.id for l in links):
                    links.append(self._anchor_symbol(con, sym, deps.get(sym.id, {}), head))
            for path in files:
                rel = self._normalise_path(path)
                if all(l.target != rel for l in links):
                    links.append(self._anchor_file(con, rel))
            out.append(links)
        return out

    # -- reading -----------------------------------------------------------------------

    def note(self, note_id: str, states=("active", "archived", "deleted")) -> Note:
        with self.store.read() as con:
            return self._get(con, note_id, states)

    def _get(self, con, note_id: str, states=("active", "archived", "deleted")) -> Note:
        ids = [match_note_id(self.store, con, note_id)]
        found = self.store.notes(con, ids, states)
        if not found:
            raise NotFound(f"note {ids[0]} is deleted (tether undo, or note restore, brings it back)")
        return found[0]

    def all_notes(self, states=("active",)) -> list[Note]:
        with self.store.read() as con:
            return self.store.notes(con, None, states)

    # -- writing -----------------------------------------------------------------------

    def _record_many(self, con, batch: int, changes: list[tuple[str, str, Note | None, Note | None]],
                     allow_secret: bool | set[str] = False) -> None:
        """Write (actor, op, before, after) changes, in order, with their history (after None: removed).

        Every note write passes here, so here is where secrets are kept out: a text that is new
        (and not scanned yet) or changed is scanned, and one holding what looks like a secret is
        refused (SecretInNote, nothing written) unless `allow_secret` (a person's override for a
        false positive: True, or the ids of the notes it covers). A note from before the scan, whose text this write leaves alone (an
        archive, a confirm), is only marked: a person must still be able to fix or drop it."""
        if not changes:
            return
        from tether.core.secret_scan import find_secrets, refuse

        new = [a for _, _, b, a in changes if a is not None and (a.text != b.text if b else a.secret is None)]
        allowed = [allow_secret is True or (allow_secret is not False and n.id in allow_secret) for n in new]
        for note, mark in zip(new, refuse([n.text for n in new], allowed, [n.id for n in new])):
            note.secret = mark
        old = [a for _, _, _, a in changes if a is not None and a.secret is None]
        for note, hit in zip(old, find_secrets([n.text for n in old])):
            note.secret = "" if hit is None else str(hit)
        stamp = now()
        self.store.put_notes(con, [after or (before.id, None) for _, _, before, after in changes])
        self.store.add_history(con, [(batch, stamp, actor, op, (after or before).id, snapshot(before), snapshot(after),
                                      None) for actor, op, before, after in changes])

    def add_note(self, text: str, symbols: list[str] = (), files: list[str] = (), type: str = "insight",
                 tags: list[str] = (), source: str = "user", session: str | None = None,
                 private: bool = False, origin: str | None = None, queue_if_busy: bool = False,
                 pinned: bool = False, allow_secret: bool = False) -> Note:
        return self.add_notes([Draft(text, list(symbols), list(files), type, list(tags), source, session,
                                     private, origin, pinned)], queue_if_busy=queue_if_busy, allow_secret=allow_secret)[0]

    def add_notes(self, drafts: list[Draft], queue_if_busy: bool = False, then=None, allow_secret: bool = False
                  ) -> list[Note | None]:
        """Add notes in one batch (one undo reverts them all). Everything is checked and every
        link resolved before anything is written. A draft whose `origin` some note already has
        is not added (None in its place): imports never add the same entry twice.

        `queue_if_busy` (a write from the agent's side: MCP, `note add`, hooks): when another
        process keeps the database for longer than `store.queue_after` seconds, the notes go to
        the journal (core/journal.py) and come back with state "queued" and no links yet; their
        ids are final, and whichever process writes next adds them with their links resolved.

        `then(con, batch)`: more work in the same transaction and batch, once the notes are
        written (the import's --move); it returns the notes it concerned, recorded as "move"."""
        checked = [(dataclasses.replace(d, tags=check_tags(d.tags)), check_text(d.text), check_type(d.type))
                   for d in drafts]
        ids = [new_note_id() for _ in drafts]
        from tether.core.secret_scan import refuse

        marks = refuse([text for _, text, _ in checked], [allow_secret] * len(checked))  # before anything is written
        stamp, head = now(), self._head()
        if not queue_if_busy:
            return self._add_checked(checked, ids, stamp, head, marks, then)
        try:
            with self.store.patience(self.config.queue_after):
                return self._add_checked(checked, ids, stamp, head, marks, then)
        except StoreBusy:
            pass
        from tether.core import journal

        queued = [Note(nid, text, kind, sorted(set(d.tags)), d.source, d.session, stamp, stamp, head, "queued",
                       d.private, [], d.origin, mark, d.pinned) for (d, text, kind), nid, mark in zip(checked, ids, marks)]
        try:
            journal.append(self.dir, [{**dataclasses.asdict(n), "symbols": d.symbols, "files": d.files}
                                      for n, (d, _, _) in zip(queued, checked)])
        except OSError as e:
            raise TetherError(f"the database is busy and the note could not be queued: {e}") from None
        return queued

    def _add_checked(self, checked, ids: list[str], stamp: str, head: str | None, marks: list[str], then=None
                     ) -> list[Note | None]:
        if not self.store.path.exists():
            self.index()
        out: list[Note | None] = []
        # One connection, resolving and writing in one transaction: a read-only connection would
        # keep other processes' writers out just the same, and each opening costs.
        with self.store.write() as con:
            if self.store.last_run(con) is None:
                never_indexed = True
            else:
                never_indexed = False
                out = self._write_new(con, checked, ids, stamp, head, marks, then)
        if never_indexed:
            self.index()
            with self.store.write() as con:
                out = self._write_new(con, checked, ids, stamp, head, marks, then)
        return out

    def _write_new(self, con, checked, ids: list[str], stamp: str, head: str | None, marks: list[str], then=None
                   ) -> list[Note | None]:
        links = self._links_for_many(con, [(d.symbols, d.files) for d, _, _ in checked])
        out: list[Note | None] = []
        origins = self.store.note_origins(con)
        for (d, text, kind), ls, nid, mark in zip(checked, links, ids, marks):
            if d.origin is not None and d.origin in origins:
                out.append(None)
                continue
            out.append(Note(nid, text, kind, sorted(set(d.tags)), d.source, d.session, stamp, stamp,
                            head, "active", d.private, ls, d.origin, mark, d.pinned))
            origins.add(d.origin)
        batch = self.store.next_batch(con)
        self._record_many(con, batch, [(n.source, "add", None, n) for n in out if n])
        if then is not None:
            self._record_many(con, batch, [("user", "move", n, n) for n in then(con, batch)])
        return out

    def apply_journal(self, con) -> tuple[set[str], list[dict]]:
        """Add the notes queued in the journal, inside the caller's transaction (Store.write runs
        this before its own work). Returns (entries done, entries rejected as malformed) for
        `journal.remove` once the transaction committed. Each entry is one undoable batch.

        A name that no longer resolves does not lose the note: it is added without that link,
        tagged `unlinked`, with a last line saying which names and their candidates."""
        from tether.core import journal
        from tether.core.secret_scan import ALLOWED

        entries = journal.read(self.dir)
        ids = [d["id"] for e in entries for d in e["drafts"] if isinstance(d, dict) and isinstance(d.get("id"), str)]
        known = self.store.known_note_ids(con, ids)
        origins = self.store.note_origins(con)
        done, rejected = set(), []
        for e in entries:
            done.add(e["entry"])
            if not all(journal.valid_draft(d) for d in e["drafts"]):
                rejected.append(e)
                continue
            added = []
            for d in e["drafts"]:
                if d["id"] in known or (d.get("origin") and d["origin"] in origins):
                    continue
                links, missing = self._links_lenient(con, d.get("symbols") or [], d.get("files") or [])
                text, tags = d["text"], set(d.get("tags") or [])
                if missing:
                    tags.add("unlinked")
                    remark = "\n\n(tether: not linked, as queued while the database was busy: " + "; ".join(missing) + ")"
                    text += remark[:max(0, NOTE_MAX_CHARS - len(text))]
                mark = None if missing else d.get("secret")  # with a remark added, scanned again
                note = Note(d["id"], text, d["type"], sorted(tags), d.get("source") or "agent", d.get("session"),
                            d["created_at"], now(), d.get("commit"), "active", bool(d.get("private")), links,
                            d.get("origin"), mark if isinstance(mark, str) else None, d.get("pinned") is True)
                added.append((note.source, "add", None, note))
                known.add(note.id)
                origins.add(note.origin)
            if added:  # scanned when queued; a person's override (its mark) holds here too
                allow = {d["id"] for d in e["drafts"] if d.get("secret") == ALLOWED}
                self._record_many(con, self.store.next_batch(con), added, allow)
        return done, rejected

    def _links_lenient(self, con, symbols: list[str], files: list[str]) -> tuple[list[Link], list[str]]:
        """Links for the names that resolve, and a line for each that does not."""
        links: list[Link] = []
        missing: list[str] = []
        for kind, names in (("symbol", symbols), ("file", files)):
            for name in names:
                try:
                    new = self._links_for(con, [name], []) if kind == "symbol" else self._links_for(con, [], [name])
                except TetherError as err:
                    missing.append(str(err))
                    continue
                links += [l for l in new if all(l.target != o.target for o in links)]
        return links, missing

    def _change(self, note_ids: list[str], op: str, change, actor: str = "user", allow_secret: bool = False
                ) -> list[Note]:
        """Apply `change(con, note) -> Note` to each note in one batch; returns the notes after."""
        if not note_ids:
            raise TetherError("no note id given", exit_code=2)
        out = []
        with self.store.write() as con:
            batch = self.store.next_batch(con)
            for nid in note_ids:
                before = self._get(con, nid)
                after = change(con, dataclasses.replace(before, links=[dataclasses.replace(l) for l in before.links]))
                if after is None or snapshot(after) != snapshot(before):
                    if after is not None:
                        after.updated_at = now()
                    self._record_many(con, batch, [(actor, op, before, after)], allow_secret)
                out.append(after or before)
        return out

    def edit_note(self, note_id: str, text: str | None = None, type: str | None = None,
                  tags: list[str] | None = None, private: bool | None = None, pinned: bool | None = None,
                  actor: str = "user", allow_secret: bool = False) -> Note:
        text = check_text(text) if text is not None else None
        type = check_type(type) if type is not None else None

        def change(con, n: Note) -> Note:
            n.text = text if text is not None else n.text
            n.type = type or n.type
            n.tags = check_tags(tags) if tags is not None else n.tags
            n.private = n.private if private is None else private
            n.pinned = n.pinned if pinned is None else pinned
            return n

        return self._change([note_id], "edit", change, actor, allow_secret)[0]

    def link_note(self, note_id: str, symbols: list[str] = (), files: list[str] = ()) -> Note:
        def change(con, n: Note) -> Note:
            for link in self._links_for(con, list(symbols), list(files)):
                if all(l.target != link.target for l in n.links):
                    n.links.append(link)
            return n

        return self._change([note_id], "link", change)[0]

    def unlink_note(self, note_id: str, target: str) -> Note:
        def change(con, n: Note) -> Note:
            keep = [l for l in n.links if not designates(l.target, target)]
            if len(keep) == len(n.links):
                raise NotFound(f"note {n.id} has no link to '{target}' (links: "
                               f"{', '.join(l.target for l in n.links) or 'none'})")
            if len(n.links) - len(keep) > 1:
                raise NotFound(f"'{target}' names several links of note {n.id}: "
                               + ", ".join(l.target for l in n.links if designates(l.target, target)))
            n.links = keep
            return n

        return self._change([note_id], "unlink", change)[0]

    def confirm_notes(self, note_ids: list[str], actor: str = "user") -> list[Note]:
        """The notes still hold: re-anchor every link to the code as it is now. A link whose code
        moved follows it; a link to code that is gone with nothing matching it is refused."""
        from tether.core.staleness import statuses

        def change(con, n: Note) -> Note:
            moves = {s.target: s.to for s in statuses(self.store, con, [n], self.source)}
            links: list[Link] = []
            for l in n.links:
                target = moves.get(l.target) or l.target
                if l.kind in ("file", "dir"):
                    try:
                        fresh = self._anchor_file(con, target)
                    except NotFound:
                        fresh = None
                else:
                    sym = self.store.symbol(con, target)
                    fresh = self._anchor_symbol(con, sym) if sym else None
                if fresh is None:
                    raise TetherError(f"note {n.id}: {l.target} is gone and nothing matches it; relink it "
                                      f"(tether note relink {n.id} SYMBOL --link {l.target}), unlink it or "
                                      "archive the note", exit_code=2)
                if all(x.target != fresh.target for x in links):
                    links.append(fresh)
            n.links = links
            return n

        return self._change(note_ids, "confirm", change, actor)

    def relink_note(self, note_id: str, old: str | None = None, new: str | None = None) -> Note:
        """Point a link elsewhere: to `new`, or to the suggestion staleness found for it."""
        from tether.core.staleness import statuses

        def change(con, n: Note) -> Note:
            candidates = [l for l in n.links if old is None or designates(l.target, old)]
            if old is not None and not candidates:
                raise NotFound(f"note {n.id} has no link to '{old}' (links: "
                               f"{', '.join(l.target for l in n.links) or 'none'})")
            if new is None:
                moves = {s.target: s.to for s in statuses(self.store, con, [n], self.source) if s.to}
                candidates = [l for l in candidates if l.target in moves]
                if not candidates:
                    raise TetherError(f"note {n.id}: no suggestion to take; give the symbol: "
                                      f"tether note relink {n.id} SYMBOL", exit_code=2)
            elif len(candidates) != 1:
                raise TetherError(f"note {n.id} has {len(candidates)} links; say which with --link "
                                  f"({', '.join(l.target for l in candidates)})", exit_code=2)
            for l in candidates:
                target = new or moves[l.target]
                sym = self.resolve(target, con)
                fresh = self._anchor_symbol(con, sym)
                fresh.moved_from = None
                n.links[n.links.index(l)] = fresh
            return n

        return self._change([note_id], "relink", change)[0]

    def set_state(self, note_ids: list[str], state: str, actor: str = "user") -> list[Note]:
        op = {"archived": "archive", "active": "restore", "deleted": "delete"}[state]

        def change(con, n: Note) -> Note:
            n.state = state
            return n

        return self._change(note_ids, op, change, actor)

    def purge_notes(self, note_ids: list[str]) -> list[Note]:
        return self._change(note_ids, "purge", lambda con, n: None)

    def undo(self) -> list[tuple[str, str]]:
        """Revert the latest batch not yet undone; returns (op, note id) of what was reverted."""
        if not self.store.path.exists():
            raise TetherError("nothing to undo")
        with self.store.write() as con:
            batch = self.store.last_undoable_batch(con)
            if batch is None:
                raise TetherError("nothing to undo")
            undo_batch, stamp = self.store.next_batch(con), now()
            entries = self.store.batch_entries(con, batch)
            edits = self.store.file_edits(con, batch)
            for rel, _, after_sha in edits:  # a file edited since: restoring it would lose those edits
                try:
                    current = (self.root / rel).read_bytes()
                except OSError:
                    current = None
                if current is None or hashlib.sha1(current).hexdigest() != after_sha:
                    raise TetherError(f"cannot undo: {rel} changed since tether rewrote it (batch {batch}); put it "
                                      "back as tether left it, or restore the entries by hand")
            self.store.put_notes(con, [from_snapshot(before) or (note_id, None)
                                       for _, _, note_id, before, _ in entries])
            self.store.add_history(con, [(undo_batch, stamp, "user", "undo", note_id, after, before, batch)
                                         for _, _, note_id, before, after in entries])
            for rel, before, _ in edits:  # last: a failure rolls the notes back too
                from tether.core.outputs.managed_block import atomic_write

                path = self.root / rel
                atomic_write(path, before, path.stat().st_mode & 0o7777)
        return [(op, note_id) for _, op, note_id, _, _ in entries] + [("edit", rel) for rel, _, _ in edits]

    def history(self, note_id: str | None = None, limit: int = 100) -> list[dict]:
        if not self.store.path.exists() and not note_id:
            return []
        with self.store.read() as con:
            if note_id:
                note_id = self._get(con, note_id).id
            rows = self.store.history(con, note_id, limit)
        return [{"seq": r[0], "batch": r[1], "at": r[2], "actor": r[3], "op": r[4], "note": r[5],
                 "before": json.loads(r[6]) if r[6] else None, "after": json.loads(r[7]) if r[7] else None,
                 "undoes": r[8]} for r in rows]


def designates(target: str, name: str) -> bool:
    """Does a user's `name` designate the link `target` (full id, or a dotted/path suffix)?"""
    return target == name or target.endswith("::" + name) or target.endswith("." + name) or target.endswith("/" + name)
