"""Shared test helpers: fixture extraction, real git repositories in tmp dirs."""

from __future__ import annotations

from pathlib import Path

from tether.core.index.extract import extract
from tether.core.index.languages import language_for, resolve_import


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


def fixture_imports(root: str | Path):
    """({(file, local name, source)} bound by imports, {(file, source): the file it resolves to})."""
    root = Path(root)
    files = {f.relative_to(root).as_posix(): f for f in root.rglob("*") if f.is_file()}
    bindings, resolved = set(), {}
    for rel, f in sorted(files.items()):
        if language_for(rel) is None:
            continue
        r = extract(rel, f.read_bytes())
        bindings |= {(rel, b.local, b.source) for b in r.bindings}
        resolved |= {(rel, x.target): resolve_import(x.target, rel, files) for x in r.refs if x.kind == "imports"}
    return bindings, resolved


def symbol_hashes(path: str, source: str, short: bool = False) -> dict[str, tuple[str, str]]:
    """{symbol id: (code_hash, sig_hash)} of `source` extracted as `path`; `short`: ids without the
    path, the file's own hash under "", and the source must parse without errors."""
    r = extract(path, source.encode())
    if not short:
        return {s.id: (s.code_hash, s.sig_hash) for s in r.symbols}
    assert r.syntax_errors == 0
    return {s.id.split("::")[1]: (s.code_hash, s.sig_hash) for s in r.symbols} | {"": (r.code_hash, "")}


def assert_only_symbol_changed(path: str, original: str, old: str, new: str, symbol: str, sig_changes: bool) -> None:
    """Replacing `old` by `new` in `original` (once) changes `symbol`'s code_hash and no other's,
    its sig_hash exactly when `sig_changes`, and the file's hash."""
    assert original.count(old) == 1
    before = symbol_hashes(path, original, short=True)
    after = symbol_hashes(path, original.replace(old, new), short=True)
    changed = {k for k in before if k and before[k][0] != after[k][0]}
    assert changed == {symbol}
    assert (before[symbol][1] != after[symbol][1]) == sig_changes
    assert before[""] != after[""]


SIG = ("Test", "test@example.com")


def write_files(root: Path, files: dict[str, str | bytes | None]) -> None:
    """Write (or delete, for None) files under root."""
    for rel, content in files.items():
        p = Path(root) / rel
        if content is None:
            p.unlink()
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, "utf-8")


def git_repo(root: Path, files: dict[str, str | bytes] | None = None, message: str = "initial"):
    """A real git repository at root, with `files` committed when given."""
    import pygit2

    repo = pygit2.init_repository(str(root), initial_head="main")
    if files:
        write_files(root, files)
        commit(repo, message)
    return repo


def commit(repo, message: str = "change", files: dict[str, str | bytes | None] | None = None) -> str:
    """Write `files` (None deletes), stage everything in the working tree, commit; the new commit id."""
    import pygit2

    if files:
        write_files(Path(repo.workdir), files)
    index = repo.index
    index.read()
    index.add_all()
    for rel, content in (files or {}).items():  # stat data can't tell a same-size rewrite in the same second
        if content is not None:
            index.add(rel)
    deleted = [p for p, f in repo.status().items() if f & pygit2.GIT_STATUS_WT_DELETED]
    if deleted:  # an empty list would match every path
        index.remove_all(deleted)
    index.write()
    tree = index.write_tree()
    sig = pygit2.Signature(*SIG)
    parents = [] if repo.head_is_unborn else [repo.head.target]
    return str(repo.create_commit("HEAD", sig, sig, message, tree, parents))


def children(pid: int) -> list[int]:
    """Live (not zombie) processes whose parent is `pid`, from /proc (Linux)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """Is process `pid` running (not gone, not a zombie)? From /proc (Linux)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
