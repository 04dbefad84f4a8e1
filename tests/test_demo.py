"""The demo project: real git repositories built with pygit2, and the documented CHANGES checked
against tether's own extractor (Python files; TypeScript files by content only)."""

from __future__ import annotations

from pathlib import Path

import pygit2
import pytest

from tether.core import demo
from tether.core.errors import TetherError
from tether.core.index.extract import extract


def _tree_files(repo: pygit2.Repository, tree, prefix: str = "") -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for entry in tree:
        path = prefix + entry.name
        obj = repo[entry.id]
        if isinstance(obj, pygit2.Tree):
            out |= _tree_files(repo, obj, path + "/")
        else:
            out[path] = obj.data
    return out


def _disk_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(root).parts}


def _second_files() -> dict[str, str]:
    files = {**demo.FIRST, **demo.SECOND}
    return {p: t for p, t in files.items() if t is not None}


def _encoded(files: dict[str, str]) -> dict[str, bytes]:
    return {p: t.encode() for p, t in files.items()}


def test_build_commits_first_on_main(tmp_path):
    dest = demo.build(tmp_path / "shop")
    assert dest == tmp_path / "shop"
    repo = pygit2.Repository(str(dest))
    assert repo.head.name == "refs/heads/main"
    assert not repo.head_is_detached
    commit = repo.head.peel(pygit2.Commit)
    assert commit.parents == []
    assert commit.author.name == "Demo Dev" and commit.author.email == "dev@example.com"
    assert commit.committer.email == "dev@example.com"
    assert _tree_files(repo, commit.tree) == _encoded(demo.FIRST)
    assert _disk_files(dest) == _encoded(demo.FIRST)
    assert repo.status() == {}


def test_build_into_empty_existing_directory(tmp_path):
    demo.build(tmp_path)
    assert pygit2.Repository(str(tmp_path)).status() == {}


def test_apply_second_commits_on_top(tmp_path):
    dest = demo.build(tmp_path / "shop")
    repo = pygit2.Repository(str(dest))
    first = repo.head.target
    new_id = demo.apply_second(dest)
    repo = pygit2.Repository(str(dest))
    commit = repo.head.peel(pygit2.Commit)
    assert str(commit.id) == new_id
    assert repo.head.name == "refs/heads/main"
    assert [p.id for p in commit.parents] == [first]
    expected = _encoded(_second_files())
    assert _tree_files(repo, commit.tree) == expected
    assert _disk_files(dest) == expected
    for deleted in (p for p, t in demo.SECOND.items() if t is None):
        assert not (dest / deleted).exists()
    assert repo.status() == {}
    with pytest.raises(TetherError, match="already"):
        demo.apply_second(dest)


def test_commit_ids_are_deterministic(tmp_path):
    a, b = demo.build(tmp_path / "a"), demo.build(tmp_path / "b")
    ra, rb = pygit2.Repository(str(a)), pygit2.Repository(str(b))
    assert ra.head.target == rb.head.target
    assert demo.apply_second(a) == demo.apply_second(b)


def test_build_refuses_non_empty_or_file(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(TetherError, match="not empty") as err:
        demo.build(tmp_path)
    assert "\n" not in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
    with pytest.raises(TetherError, match="not a directory"):
        demo.build(tmp_path / "keep.txt")


def test_apply_second_needs_a_demo(tmp_path):
    with pytest.raises(TetherError, match="no demo repository"):
        demo.apply_second(tmp_path)


def test_default_location(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert demo.default_location() == tmp_path / "tether" / "demo"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert demo.default_location() == tmp_path / "home" / ".cache" / "tether" / "demo"


def test_project_shape():
    assert 10 <= sum(p.endswith((".py", ".ts")) for p in demo.FIRST) <= 16
    assert 300 <= sum(t.count("\n") for t in demo.FIRST.values()) <= 600
    assert set(demo.SECOND) - set(demo.FIRST) == set()  # the second commit adds no file
    for path, text in _second_files().items():
        if path.endswith(".py"):
            compile(text, path, "exec")  # the demo's Python is valid code


# --- The documented CHANGES, checked with the extractor --------------------------------------


def _symbols(files: dict[str, str]) -> dict[str, object]:
    out = {}
    for path, text in files.items():
        if path.endswith(".py"):
            result = extract(path, text.encode())
            assert result.syntax_errors == 0, path
            out |= {s.id: s for s in result.symbols}
    return out


FIRST_SYMS = _symbols(demo.FIRST)
SECOND_SYMS = _symbols(_second_files())


def _change(kind: str) -> tuple[str, str]:
    old, new = demo.CHANGES[kind].split(" -> ")
    return old, new


def test_changes_use_known_ids():
    for kind, entry in demo.CHANGES.items():
        old, new = entry.split(" -> ")
        if "::" in old:
            assert old in FIRST_SYMS, kind
            assert new == "deleted" or new in SECOND_SYMS, kind
            if new == "deleted":
                assert old not in SECOND_SYMS
        else:  # a file
            assert old in demo.FIRST, kind
            assert (new == "deleted") == (demo.SECOND.get(old, "") is None), kind


def test_body_changes_keep_the_signature():
    for kind in ("body changed", "body changed (caller of charge)", "body changed (caller of check_token)"):
        old, new = _change(kind)
        assert old == new
        a, b = FIRST_SYMS[old], SECOND_SYMS[new]
        assert a.sig_hash == b.sig_hash, kind
        assert a.code_hash != b.code_hash, kind


def test_signature_change():
    old, new = _change("signature changed")
    assert FIRST_SYMS[old].sig_hash != SECOND_SYMS[new].sig_hash
    assert SECOND_SYMS[new].signature == "def charge(amount: int, currency: str) -> str"


def test_function_rename_keeps_the_body():
    old, new = _change("function renamed")
    assert new not in FIRST_SYMS and old not in SECOND_SYMS
    assert FIRST_SYMS[old].blind_hash == SECOND_SYMS[new].blind_hash
    assert FIRST_SYMS[old].code_hash != SECOND_SYMS[new].code_hash


def test_function_move_is_unchanged():
    old, new = _change("function moved")
    assert old.split("::")[0] != new.split("::")[0]
    assert new not in FIRST_SYMS and old not in SECOND_SYMS
    assert FIRST_SYMS[old].code_hash == SECOND_SYMS[new].code_hash


def test_class_rename_keeps_its_methods():
    old, new = _change("class renamed")
    assert FIRST_SYMS[old].blind_hash == SECOND_SYMS[new].blind_hash
    methods = {k.removeprefix(old + "."): s for k, s in FIRST_SYMS.items() if k.startswith(old + ".")}
    assert len(methods) >= 2
    for name, sym in methods.items():
        assert old + "." + name not in SECOND_SYMS
        assert SECOND_SYMS[f"{new}.{name}"].code_hash == sym.code_hash


def test_deletions():
    old, _ = _change("function deleted")
    assert old not in SECOND_SYMS
    path, _ = _change("file deleted")
    assert demo.SECOND[path] is None
    assert not any(k.startswith(path + "::") for k in SECOND_SYMS)
    assert any(k.startswith(path + "::") for k in FIRST_SYMS)


def test_reformat_changes_no_symbol():
    path, _ = _change("file reformatted")
    before, after = demo.FIRST[path], demo.SECOND[path]
    assert before != after
    assert before.replace("'", '"').split() != after.replace("'", '"').split()  # not only spacing
    a, b = extract(path, before.encode()), extract(path, after.encode())
    assert [s.id for s in a.symbols] == [s.id for s in b.symbols]
    assert len(a.symbols) >= 5
    for x, y in zip(a.symbols, b.symbols):
        assert (x.code_hash, x.sig_hash) == (y.code_hash, y.sig_hash), x.id
    assert a.code_hash == b.code_hash


def test_changes_are_complete():
    """Every other Python symbol is untouched: same id, same code_hash."""
    touched_old, touched_new = set(), set()
    for entry in demo.CHANGES.values():
        old, new = entry.split(" -> ")
        if "::" not in old:
            if new == "deleted":
                touched_old |= {k for k in FIRST_SYMS if k.startswith(old + "::")}
            continue
        for prefix, into in ((old, touched_old), (new, touched_new)):
            into |= {k for k in (FIRST_SYMS if into is touched_old else SECOND_SYMS)
                     if k == prefix or k.startswith(prefix + ".")}
    untouched = set(FIRST_SYMS) - touched_old
    assert untouched == set(SECOND_SYMS) - touched_new
    assert len(untouched) > 2 * len(touched_old)  # most code stays as it was
    for k in untouched:
        assert FIRST_SYMS[k].code_hash == SECOND_SYMS[k].code_hash, k


def test_typescript_changes_by_content():
    checkout = demo.SECOND["web/src/components/Checkout.ts"]
    assert 'private currency = "EUR"' in checkout and "currency: this.currency" in checkout
    assert 'private currency' not in demo.FIRST["web/src/components/Checkout.ts"]
    for path in ("web/src/api.ts", "web/src/session.ts", "web/src/main.ts",
                 "web/src/components/Component.ts", "web/src/components/UserCard.ts"):
        assert path not in demo.SECOND
    assert "export class Client" in demo.FIRST["web/src/api.ts"]
    assert "extends Component" in demo.FIRST["web/src/components/UserCard.ts"]
