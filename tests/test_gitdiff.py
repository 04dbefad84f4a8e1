"""gitdiff.changed_lines finds which files differ through git's index (as `git diff BASE` does),
and must say what libgit2's own tree-to-working-tree diff says, which reads every file: staged
and unstaged edits, an edit staged then undone, untracked files in new folders, deletions,
binary files."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import commit, git_repo
from tether.core.gitdiff import changed_lines


def oracle(root: Path, rev: str) -> tuple[dict, list]:
    import pygit2
    from pygit2.enums import DeltaStatus, DiffOption

    repo = pygit2.Repository(str(root))
    flags = DiffOption.INCLUDE_UNTRACKED | DiffOption.RECURSE_UNTRACKED_DIRS | DiffOption.SHOW_UNTRACKED_CONTENT
    files, deleted = {}, []
    for patch in repo.revparse_single(rev).peel(pygit2.Commit).tree.diff_to_workdir(flags=flags, context_lines=0):
        d = patch.delta
        if d.status == DeltaStatus.DELETED:
            deleted.append(d.old_file.path)
            continue
        files[d.new_file.path] = None if d.is_binary else [
            (h.new_start, h.new_start + h.new_lines - 1) if h.new_lines else (max(h.new_start, 1), h.new_start + 1)
            for h in patch.hunks]
    return files, sorted(deleted)


def test_changed_lines_match_a_full_tree_to_working_tree_diff(tmp_path):
    root = tmp_path / "r"
    root.mkdir()
    lines = "".join(f"line {i}\n" for i in range(40))
    repo = git_repo(root, {"a.py": lines, "b.py": lines, "c.py": lines, "gone.py": "x\n", "img.bin": b"\0\1\2"})
    commit(repo, "second", {"a.py": lines.replace("line 5\n", "line five\n")})
    (root / "a.py").write_text(lines.replace("line 30\n", ""))  # unstaged, on top of a commit
    (root / "b.py").write_text(lines.replace("line 3\n", "line three\n"))
    index = repo.index
    index.add("b.py")  # staged
    index.write()
    (root / "b.py").write_text(lines.replace("line 3\n", "line three\n") + "tail\n")  # and more, unstaged
    (root / "c.py").write_text(lines + "x\n")
    index.add("c.py")
    index.write()
    (root / "c.py").write_text(lines)  # staged, then undone in the working tree
    (root / "gone.py").unlink()
    (root / "new" / "deep").mkdir(parents=True)
    (root / "new" / "deep" / "n.py").write_text("def n():\n    pass\n")
    (root / "img.bin").write_bytes(b"\0\1\2\3")
    for rev in ("HEAD", "HEAD~1"):
        got = changed_lines(root, rev)
        assert (got.files, got.deleted) == oracle(root, rev), rev
    assert set(changed_lines(root, "HEAD~1").files) == {"a.py", "b.py", "img.bin", "new/deep/n.py"}
