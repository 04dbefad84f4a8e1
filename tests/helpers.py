"""Shared test helpers: fixture extraction, real git repositories in tmp dirs."""

from __future__ import annotations

from pathlib import Path

from tether.core.index.extract import extract
from tether.core.index.languages import language_for


def extract_fixture(root: str | Path):
    """Extract every supported file under `root`: ({symbol id: kind}, {(src, kind, target, self_call)})."""
    root = Path(root)
    symbols: dict[str, str] = {}
    refs: set[tuple[str, str, str, bool]] = set()
    for f in sorted(root.rglob("*")):
        rel = f.relative_to(root).as_posix()
        if f.is_file() and language_for(rel):
            r = extract(rel, f.read_bytes())
            symbols.update({s.id: s.kind for s in r.symbols})
            refs |= {(x.src, x.kind, x.target, x.self_call) for x in r.refs}
    return symbols, refs
