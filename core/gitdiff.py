"""Which lines changed: the working tree against HEAD (uncommitted edits, untracked files
included), or against a revision — for `tether capsule --diff [REV]`; for `tether check`, also
what is staged, or another commit, against a revision.

`REV` is anything git understands (`main`, `HEAD~3`, a commit id); `REV...` means the merge
base of REV and HEAD, the branch point (`--diff main...`). Line numbers are those of the
working tree (or of the staged files, or of the other commit), so they match the index after
an incremental `tether index`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tether.core.errors import TetherError


@dataclass(slots=True)
class Changes:
    # path -> changed line ranges of the working tree (1-based, inclusive); None: the whole file
    files: dict[str, list[tuple[int, int]] | None] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)  # files gone from the working tree
    base: str | None = None  # the commit compared against (None before the first commit)
    # path -> hunks (old start, old lines, new start, new lines): where a base line went
    hunks: dict[str, list[tuple[int, int, int, int]]] = field(default_factory=dict)


def changed_lines(root: Path, rev: str | None = None, head: str | None = None, staged: bool = False) -> Changes:
    """The working tree's changes against HEAD (rev None or "") or against `rev`; with `staged`,
    the staged files' instead of the working tree's; with `head`, that commit's."""
    import pygit2
    from pygit2.enums import DeltaStatus, DiffOption

    try:
        repo = pygit2.Repository(str(root))
    except pygit2.GitError:
        raise TetherError(f"{root}: this needs a git repository", exit_code=2) from None
    if repo.is_bare or repo.workdir is None:
        raise TetherError(f"{root}: this needs a git working tree", exit_code=2)
    out = Changes()
    if not rev and head is None and not staged and repo.head_is_unborn:  # no commit yet: everything is new
        for path, flags in sorted(repo.status(untracked_files="all").items()):
            if not flags & (pygit2.GIT_STATUS_WT_DELETED | pygit2.GIT_STATUS_IGNORED):
                out.files[path] = None
        return out
    other = commit_of(repo, head) if head is not None else None
    base = _base_commit(repo, rev or "HEAD", other)
    out.base = str(base.id)
    if other is not None:
        diff = repo.diff(base.tree, other.tree, context_lines=0)
    elif staged:
        diff = base.tree.diff_to_index(git_index(repo), context_lines=0)
    else:
        diff = _workdir_patches(repo, base.tree)
    for patch in diff:
        delta = patch.delta
        if delta.status == DeltaStatus.DELETED:
            out.deleted.append(delta.old_file.path)
            continue
        ranges = []
        out.hunks[delta.new_file.path] = [(h.old_start, h.old_lines, h.new_start, h.new_lines) for h in patch.hunks]
        for hunk in patch.hunks:
            if hunk.new_lines:
                ranges.append((hunk.new_start, hunk.new_start + hunk.new_lines - 1))
            else:  # lines only removed: the lines around the gap
                ranges.append((max(hunk.new_start, 1), hunk.new_start + 1))
        out.files[delta.new_file.path] = None if delta.is_binary else ranges
    out.deleted.sort()
    return out


def _workdir_patches(repo, tree) -> list:
    """The patches from `tree` to the working tree, untracked files included. Which files differ
    comes from git's index, as `git diff BASE` does it: the tree against the index (blob ids, no
    file read) and the index against the working tree (stat data; only files whose stat moved
    are read). A tree-to-working-tree diff reads and hashes every file of the tree instead."""
    import pygit2
    from pygit2.enums import DiffOption

    flags = DiffOption.INCLUDE_UNTRACKED | DiffOption.RECURSE_UNTRACKED_DIRS
    index = git_index(repo)
    paths = {d.new_file.path for d in tree.diff_to_index(index).deltas}
    paths |= {d.new_file.path for d in index.diff_to_workdir(flags=flags).deltas}
    patches = []
    for path in sorted(paths):
        old = tree[path].data if path in tree else None
        try:
            new = (Path(repo.workdir) / path).read_bytes()
        except (IsADirectoryError, FileNotFoundError, NotADirectoryError):
            new = None
        if old != new:
            patches.append(pygit2.Patch.create_from(old, new, path, path, context_lines=0))
    return patches


def git_index(repo):
    """git's index through pygit2; a file it cannot read is the user's to repair, said in one line."""
    import pygit2

    try:
        return repo.index
    except pygit2.GitError as e:
        raise TetherError(f"git's index file cannot be read ({e}): `git status` says more; "
                          "`rm .git/index && git reset` rebuilds it from HEAD") from None


def commit_of(repo, name: str):
    """The commit a revision names; TetherError (exit 2) when there is none."""
    import pygit2

    try:
        return repo.revparse_single(name).peel(pygit2.Commit)
    except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
        raise TetherError(f"unknown revision '{name}'", exit_code=2) from None


def _base_commit(repo, rev: str, head=None):
    """The commit `rev` names; for `REV...`, its merge base with `head` (a commit; default HEAD)."""
    branch_point = rev.endswith("...")
    name = rev[:-3] if branch_point else rev
    commit = commit_of(repo, name)
    if not branch_point:
        return commit
    if head is None and repo.head_is_unborn:
        raise TetherError(f"'{rev}': HEAD has no commit yet", exit_code=2)
    other = head.id if head is not None else repo.head.target
    base = repo.merge_base(commit.id, other)
    if base is None:
        raise TetherError(f"'{rev}': {name} and {'HEAD' if head is None else head.id} have no common ancestor",
                          exit_code=2)
    return repo[base]
