"""The commits that touched a symbol (or file) since a link's anchor commit, from git history."""

from __future__ import annotations

from pathlib import Path

MAX_WALK = 500


def _blob(tree, path: str):
    try:
        return tree[path]
    except KeyError:
        return None


def _hash_in(repo, blob, path: str, symbol_id: str | None) -> str | None:
    if blob is None:
        return None
    if symbol_id is None:
        return str(blob.id)
    from tether.core.index.extract import extract

    found = [s for s in extract(path, blob.data).symbols if s.id == symbol_id]
    return found[0].code_hash if found else None


def commits_touching(root: Path, path: str, symbol_id: str | None, since: str | None, limit: int = 20) -> list[dict]:
    """Newest first: commits after `since` whose change altered the symbol's fingerprint
    (or the file, when symbol_id is None). Empty outside git."""
    import pygit2

    try:
        repo = pygit2.Repository(str(root))
    except pygit2.GitError:
        return []
    if repo.head_is_unborn:
        return []
    out = []
    for i, commit in enumerate(repo.walk(repo.head.target, pygit2.enums.SortMode.TOPOLOGICAL)):
        if str(commit.id) == since or i >= MAX_WALK or len(out) >= limit:
            break
        now = _blob(commit.tree, path)
        before = _blob(commit.parents[0].tree, path) if commit.parents else None
        if (now.id if now else None) == (before.id if before else None):
            continue
        if _hash_in(repo, now, path, symbol_id) != _hash_in(repo, before, path, symbol_id):
            out.append({"id": str(commit.id), "summary": commit.message.strip().splitlines()[0] if commit.message.strip() else "",
                        "author": commit.author.name, "time": commit.commit_time})
    return out
