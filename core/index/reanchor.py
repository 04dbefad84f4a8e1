"""Anchors made by an older fingerprint function, fingerprinted with today's (a schema migration).

A hash of an anchor equal to the indexed symbol's (or file's) hash meant "unchanged from the link
to the last index": the anchor takes that symbol's hash computed anew from the indexed content (the
file on disk when its git blob id is still the indexed one, else that blob from git's object
database), so it stays fresh exactly when the code still is. Otherwise (the code changed before
the last index, the symbol is gone, the indexed content is nowhere) the anchor's own source text
is parsed again; failing that (a truncated file text, a member whose text does not parse alone)
the old hash is kept, which reads as changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tether.core.index.extract import extract
from tether.core.index.fill import indexed_bytes
from tether.core.index.languages import language_for
from tether.core.model import Anchor, FileResult, Symbol


@dataclass
class Reanchor:
    root: Path | None
    blobs: dict[str, str | None]  # indexed files: path -> git blob id
    _files: dict[str, FileResult | None] = field(default_factory=dict)

    def indexed_file(self, path: str) -> FileResult | None:
        """The file as the index saw it, extracted again: from disk when unchanged since, else from
        git's object database when the blob is there; None otherwise."""
        if path not in self._files:
            self._files[path] = None
            data = indexed_bytes(self.root, path, self.blobs.get(path))
            if data is not None:
                from tether.core.index.run import parse_file

                self._files[path] = parse_file(path, data)[0]
        return self._files[path]

    def symbol(self, target: str, anchor: Anchor, indexed: Symbol | None) -> tuple[str, str, str]:
        """(code_hash, sig_hash, blind_hash) of a symbol anchor, fingerprinted anew."""
        now = None
        if indexed is not None and (f := self.indexed_file(indexed.path)) is not None:
            now = next((s for s in f.symbols if s.id == indexed.id), None)
        then = _from_text(target, anchor.text)
        old = (anchor.code_hash, anchor.sig_hash, anchor.blind_hash)
        current = (indexed.code_hash, indexed.sig_hash, indexed.blind_hash) if indexed else (None, None, None)
        new_now = (now.code_hash, now.sig_hash, now.blind_hash) if now else None
        new_then = (then.code_hash, then.sig_hash, then.blind_hash) if then else None
        return tuple(new_now[k] if new_now and old[k] == current[k] else new_then[k] if new_then else old[k]
                     for k in range(3))

    def file(self, path: str, anchor: Anchor, indexed_hash: str | None) -> str | None:
        """A file anchor's code_hash, fingerprinted anew."""
        f = self.indexed_file(path)
        if f is not None and anchor.code_hash == indexed_hash:
            return f.code_hash
        from tether.core.index.run import parse_file
        from tether.core.notes import _FILE_ANCHOR_MAX  # where a file anchor's text is cut: a cut one is not hashed

        data = anchor.text.encode()
        if anchor.text and len(data) < _FILE_ANCHOR_MAX:

            r = parse_file(path, data)[0]
            return r.code_hash if r is not None else anchor.code_hash
        return anchor.code_hash

    def dependency(self, dep: str, old_hash: str, indexed: Symbol | None) -> str:
        """A dependency's hash at link time, anew where it is still the indexed one."""
        if indexed is None or indexed.code_hash != old_hash:
            return old_hash
        f = self.indexed_file(indexed.path)
        now = next((s for s in f.symbols if s.id == dep), None) if f is not None else None
        return now.code_hash if now is not None else old_hash


def _from_text(target: str, text: str) -> Symbol | None:
    """The first top-level symbol of an anchor's text (the symbol's source, dedented), parsed as
    the target's file; None when it does not parse to one."""
    path = target.split("::", 1)[0]
    data = text.encode()
    spec = language_for(path, data)
    if spec is None or not text:
        return None
    try:
        r = extract(path, data, spec)
    except Exception:  # a grammar failure leaves the old hash
        return None
    if r.syntax_errors:
        return None
    return next((s for s in r.symbols if s.parent_id is None), None)
