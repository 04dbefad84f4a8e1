"""Is a note still true to the code? Each link's anchor against the current index:

fresh     the symbol's code_hash is unchanged (formatting never counts)
stale     the code changed: the signature, or only the body
moved     the id is gone but the same code lives under another id (renamed, moved to another
          file, its class renamed), found by fingerprint, name-blind fingerprint, then by name
          and text similarity (moved and changed)
orphaned  gone, and nothing matches (for a directory link: no indexed file is left below it;
          a directory link is never stale, whatever changes inside)
suspect   unchanged, but a direct dependency (callee, base) changed since the anchor
"""

from __future__ import annotations

import difflib

from tether.core.model import STATUS_ORDER, Link, LinkStatus, Note, Symbol

SIMILAR = 0.6  # difflib ratio above which a same-named symbol is taken as the moved one
SEVERITY = {"orphaned": "high", "stale": "high", "moved": "medium", "suspect": "low", "fresh": "none"}


def worst(statuses: list[str]) -> str:
    return min(statuses, key=STATUS_ORDER.index) if statuses else "fresh"


def statuses(store, con, notes: list[Note], read_source=None) -> list[LinkStatus]:
    """The status of every link of `notes`, in note then link order."""
    sym_ids = [l.target for n in notes for l in n.links if l.kind == "symbol"]
    dep_ids = [d for n in notes for l in n.links for d in l.anchor.deps]
    current = store.symbols_by_ids(con, sorted(set(sym_ids + dep_ids)))
    gone = [l for n in notes for l in n.links if l.kind == "symbol" and l.target not in current]
    candidates = _candidates(store, con, gone)
    file_hashes = store.file_hashes(con, [l.target for n in notes for l in n.links if l.kind == "file"])
    gone_files = [l.anchor.code_hash for n in notes for l in n.links
                  if l.kind == "file" and l.target not in file_hashes and l.anchor.code_hash]
    files_by_hash = store.files_by_hash(con, gone_files) if gone_files else {}
    dirs = store.dirs_present(con, sorted({l.target for n in notes for l in n.links if l.kind == "dir"}))
    out = []
    for n in notes:
        for l in n.links:
            if l.kind == "dir":  # never stale for what changed inside: only gone or not
                status, to, reason = ("fresh", None, "") if l.target in dirs else \
                    ("orphaned", None, "the directory is gone")
            elif l.kind == "file":
                status, to, reason = _file_status(l, file_hashes, files_by_hash)
            else:
                status, to, reason = _symbol_status(l, current, candidates, read_source)
            out.append(LinkStatus(n.id, l.target, l.kind, status, to, reason, SEVERITY[status]))
    return out


def _file_status(l: Link, hashes: dict[str, str], by_hash: dict[str, list[str]]):
    if l.target in hashes:
        if hashes[l.target] == l.anchor.code_hash:
            return "fresh", None, ""
        return "stale", None, "the file's code changed"
    same = by_hash.get(l.anchor.code_hash, [])
    if len(same) == 1:
        return "moved", same[0], f"file moved to {same[0]}"
    return "orphaned", None, "the file is gone"


def _symbol_status(l: Link, current: dict[str, Symbol], candidates: list[Symbol], read_source):
    a = l.anchor
    sym = current.get(l.target)
    if sym is not None:
        if sym.code_hash != a.code_hash:
            what = "signature changed" if sym.sig_hash != a.sig_hash else "body changed (signature unchanged)"
            if l.moved_from:
                return "stale", None, f"moved from {l.moved_from}, then its {what}"
            return "stale", None, what
        if l.moved_from:
            return "moved", l.target, f"moved from {l.moved_from} (followed automatically; confirm to acknowledge)"
        changed = [d for d, h in sorted(a.deps.items()) if d not in current or current[d].code_hash != h]
        if changed:
            gone = [d for d in changed if d not in current]
            what = ", ".join(changed[:3]) + (f" +{len(changed) - 3}" if len(changed) > 3 else "")
            verb = "changed or went away" if gone else "changed"
            return "suspect", None, f"a dependency {verb}: {what}"
        return "fresh", None, ""
    match, how = find_move(l, candidates, read_source)
    if match is None:
        return "orphaned", None, "the symbol is gone and nothing matches it"
    return "moved", match.id, how


def _candidates(store, con, gone: list[Link]) -> list[Symbol]:
    if not gone:
        return []
    names = sorted({_name_of(l.target) for l in gone})
    return store.symbols_matching(con, sorted({l.anchor.code_hash for l in gone if l.anchor.code_hash}),
                                  sorted({l.anchor.blind_hash for l in gone if l.anchor.blind_hash}), names)


def _name_of(symbol_id: str) -> str:
    return symbol_id.split("::", 1)[-1].split("#")[0].rsplit(".", 1)[-1]


def find_move(l: Link, candidates: list[Symbol], read_source) -> tuple[Symbol | None, str]:
    """The symbol a vanished link's code now lives in, and how it was recognised."""
    a, name = l.anchor, _name_of(l.target)
    path = l.target.split("::", 1)[0]

    def best(found: list[Symbol]) -> Symbol | None:
        # Many trivial bodies share a fingerprint: prefer the same name, then the same file.
        for narrow in (lambda s: s.name == name and s.path == path, lambda s: s.name == name,
                       lambda s: s.path == path, lambda s: True):
            pick = [s for s in found if narrow(s)]
            if len(pick) == 1:
                return pick[0]
            if pick:
                return None
        return None

    exact = best([s for s in candidates if s.code_hash == a.code_hash])
    if exact is not None:
        return exact, _moved_how(l.target, exact)
    renamed = best([s for s in candidates if a.blind_hash and s.blind_hash == a.blind_hash])
    if renamed is not None:
        return renamed, _moved_how(l.target, renamed)
    if read_source is not None and a.text:
        scored = sorted(((difflib.SequenceMatcher(None, a.text, read_source(s)).ratio(), s.id, s)
                         for s in candidates if s.name == name), reverse=True)
        if scored and scored[0][0] >= SIMILAR:
            return scored[0][2], f"moved to {scored[0][2].id} and changed ({scored[0][0]:.0%} similar)"
    return None, ""


def _moved_how(old: str, new: Symbol) -> str:
    old_path = old.split("::", 1)[0]
    verb = "moved to" if new.path != old_path else "renamed to"
    return f"{verb} {new.id}"


def exact_moves(store, con, notes: list[Note]) -> list[tuple[str, str, str]]:
    """(note id, old id, new id) for links whose code moved unchanged: what auto_relink follows."""
    current = store.symbols_by_ids(con, sorted({l.target for n in notes for l in n.links if l.kind == "symbol"}))
    gone = [(n.id, l) for n in notes for l in n.links if l.kind == "symbol" and l.target not in current]
    if not gone:
        return []
    candidates = _candidates(store, con, [l for _, l in gone])
    out = []
    for note_id, l in gone:
        exact = [s for s in candidates if s.code_hash == l.anchor.code_hash]
        match, _ = find_move(l, exact, None)
        if match is not None:
            out.append((note_id, l.target, match.id))
    return out


def diff(anchor_text: str, current_text: str, old_label: str, new_label: str) -> str:
    """A unified diff from the anchored source to the current one."""
    return "".join(difflib.unified_diff([l + "\n" for l in anchor_text.splitlines()],
                                        [l + "\n" for l in current_text.splitlines()], old_label, new_label, n=2))
