"""Fingerprints are computed where needed: a first index without notes computes none; a link
computes them for its file and for the files of the callees and bases it depends on; an
incremental run for the files it parses again. Each value is checked against the extraction of
the committed bytes with fingerprints, and moves and renames after a pull are still found."""

from __future__ import annotations

import pygit2

from tests.helpers import commit
from tether.core.index.extract import extract
from tether.core.project import Project
from tether.core.sharing import export_notes

FILES = {
    "app/a.py": "from app.b import helper\n\n\ndef f(x):\n    return helper(x) + 1\n\n\n"
                "def g(y):\n    return y * 2\n",
    "app/b.py": "from app.c import other\n\n\ndef helper(x):\n    return x - other()\n",
    "app/c.py": "def other():\n    return 0\n",
    "app/d.py": "class Base:\n    def run(self):\n        return 1\n",
    "README.md": "# demo\n",
}


def rows(project: Project) -> tuple[dict, dict]:
    """({path: code_hash} of the files, {id: (code_hash, sig_hash, blind_hash)} of the symbols)."""
    with project.store.read() as con:
        files = dict(con.execute("SELECT path, code_hash FROM files").fetchall())
        symbols = {r[0]: r[1:] for r in con.execute("SELECT id, code_hash, sig_hash, blind_hash FROM symbols").fetchall()}
    return files, symbols


def expected(path: str, source: str) -> tuple[str, dict]:
    """The file's hash and its symbols' hashes, extracted with fingerprints."""
    r = extract(path, source.encode())
    return r.code_hash, {s.id: (s.code_hash, s.sig_hash, s.blind_hash) for s in r.symbols}


def fingerprinted(project: Project) -> set[str]:
    """The code files whose own hash and every symbol's are computed, each checked for its value."""
    files, symbols = rows(project)
    out = set()
    for path, code_hash in files.items():
        if path.endswith(".md") or code_hash is None:
            continue
        file_hash, sym = expected(path, (project.root / path).read_text())
        assert code_hash == file_hash, path
        assert {i: h for i, h in symbols.items() if i.startswith(path + "::")} == sym, path
        out.add(path)
    assert all(h == (None, None, None) for i, h in symbols.items() if i.split("::")[0] not in out)
    return out


def test_a_first_index_without_notes_computes_no_fingerprints(make_project):
    project, _ = make_project(FILES)
    project.index()
    files, symbols = rows(project)
    assert len(symbols) == 6 and all(h == (None, None, None) for h in symbols.values())
    assert {p for p, h in files.items() if h is not None} == {"README.md"}  # no grammar: words, always
    assert fingerprinted(project) == set()


def test_a_link_computes_them_for_its_file_and_its_dependencies_files(make_project):
    project, _ = make_project(FILES)
    project.index()
    note = project.add_note("f adds one to helper", symbols=["app/a.py::f"])
    assert fingerprinted(project) == {"app/a.py", "app/b.py"}  # f calls helper in b.py
    anchor = note.links[0].anchor
    _, a_syms = expected("app/a.py", FILES["app/a.py"])
    _, b_syms = expected("app/b.py", FILES["app/b.py"])
    assert (anchor.code_hash, anchor.sig_hash, anchor.blind_hash) == a_syms["app/a.py::f"]
    assert anchor.deps == {"app/b.py::helper": b_syms["app/b.py::helper"][0]}
    project.add_note("the d module", files=["app/d.py"])
    assert fingerprinted(project) == {"app/a.py", "app/b.py", "app/d.py"}
    commit(pygit2.Repository(str(project.root)), files={"README.md": "# demo, edited\n"})
    assert project.stale() == []  # an index run that writes: the links' files are filled there too
    assert fingerprinted(project) == {"app/a.py", "app/b.py", "app/d.py"}  # not what helper calls in c.py
    commit(pygit2.Repository(str(project.root)), files={"app/b.py": "def helper(x):\n    return x - 2\n"})
    assert [(s.target, s.status) for s in project.stale()] == [("app/a.py::f", "suspect")]


def test_a_link_made_after_an_unindexed_edit_anchors_the_indexed_code(make_project):
    """The file changed on disk since the index: its fingerprints come from the committed blob."""
    project, _ = make_project(FILES)
    project.index()
    (project.root / "app/a.py").write_text(FILES["app/a.py"].replace("y * 2", "y * 3"))
    note = project.add_note("g doubles", symbols=["app/a.py::g"])
    assert note.links[0].anchor.code_hash == expected("app/a.py", FILES["app/a.py"])[1]["app/a.py::g"][0]
    assert [(s.target, s.status, s.reason) for s in project.stale()] == \
        [("app/a.py::g", "stale", "body changed (signature unchanged)")]


def test_moves_and_renames_after_a_pull_are_found_also_by_a_full_index(make_project):
    project, repo = make_project(FILES)
    project.index()
    f = project.add_note("f adds one", symbols=["app/a.py::f"])
    g = project.add_note("g doubles", symbols=["app/a.py::g"])
    assert fingerprinted(project) == {"app/a.py", "app/b.py"}
    # f moves to c.py (never fingerprinted), g is renamed in place
    commit(repo, files={
        "app/a.py": "from app.b import helper\n\n\ndef twice(y):\n    return y * 2\n",
        "app/c.py": FILES["app/c.py"] + "\n\nfrom app.b import helper\n\n\ndef f(x):\n    return helper(x) + 1\n"})
    for full in (False, True):
        project.index(full=full)
        found = {s.note_id: (s.status, s.to) for s in project.views(project.all_notes()) for s in s.links}
        assert found == {f.id: ("moved", "app/c.py::f"), g.id: ("moved", "app/a.py::twice")}, full
        assert fingerprinted(project) == {"app/a.py", "app/b.py", "app/c.py"}, full


def test_notes_arriving_through_git_get_their_files_fingerprinted(make_project, tmp_path):
    project, repo = make_project(FILES)
    project.index()
    project.add_note("helper subtracts one", symbols=["app/b.py::helper"])
    project.add_note("the c module", files=["app/c.py"])
    export_notes(project, force=True)
    commit(repo, "notes")
    other = Project(pygit2.clone_repository(str(project.root), str(tmp_path / "clone")).workdir.rstrip("/"))
    other.index()  # imports the notes after indexing, without a fingerprint
    assert len(other.all_notes()) == 2
    assert fingerprinted(other) == {"app/b.py", "app/c.py"}
    assert other.stale(reindex=False) == []
