"""Fingerprints computed where needed: a first index leaves them out (they are most of its work),
an incremental run computes them for the files it parses again, and here the files a link needs
get theirs: the linked symbol's or file's, and those of the callees and bases its staleness
follows.

A file is fingerprinted as the index saw it: from disk while its git blob id is the indexed one,
else from git's object database; a file whose indexed content is nowhere stays without.
"""

from __future__ import annotations

from pathlib import Path


def fill(root: Path | None, store, con, symbol_ids: list[str] | None = None, paths: list[str] = ()) -> bool:
    """Fingerprint the files of `symbol_ids` (to be linked: and of their callees and bases) and
    `paths` that have none; `symbol_ids` None: those of every link and of the dependencies its
    anchor records. True when any file got fingerprints."""
    from tether.core.index.run import parse_file

    linking = symbol_ids is not None
    if not linking:
        symbol_ids, paths = store.linked_nodes(con)
    if not symbol_ids and not paths:
        return False
    files, symbols = [], []
    for path, blob in store.unfingerprinted(con, symbol_ids, list(paths), linking):
        data = indexed_bytes(root, path, blob)
        result = parse_file(path, data)[0] if data is not None else None
        if result is not None:
            files.append((path, result.code_hash))
            symbols += [(s.id, s.code_hash, s.sig_hash, s.blind_hash) for s in result.symbols]
    store.set_fingerprints(con, files, symbols)
    return bool(files)


def indexed_bytes(root: Path | None, path: str, blob: str | None) -> bytes | None:
    """The content of `path` whose git blob id is `blob`: the file on disk when it still is that,
    else the blob from git's object database; None when neither has it."""
    from tether.core.index.run import git_blob_id

    if root is None or not blob:
        return None
    try:
        data = (root / path).read_bytes()
        if git_blob_id(data) == blob:
            return data
    except OSError:
        pass
    try:
        import pygit2

        return pygit2.Repository(str(root))[blob].data
    except (pygit2.GitError, KeyError, ValueError):
        return None
