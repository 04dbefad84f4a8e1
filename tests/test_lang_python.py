"""Python fixture: exact symbol ids, kinds, parents and raw edges from extraction; imports as indexed."""

from pathlib import Path

import pytest

from tether.core.index.extract import extract
from tether.core.index.languages import PYTHON, resolve_import
from tether.core.index.languages.imports import python
from tests.helpers import extract_fixture

ROOT = "tests/fixtures/python"


def test_symbols_and_kinds():
    symbols, _ = extract_fixture(ROOT)
    assert symbols == {
        "pkg/__init__.py::version": "function",
        "pkg/db.py::Pool": "class",
        "pkg/db.py::Pool.__init__": "method",
        "pkg/db.py::Pool.acquire": "method",
        "pkg/db.py::Pool._take": "method",
        "pkg/jobs/queue.py::push": "function",
        "pkg/jobs/run.py::start": "function",
        "pkg/users.py::Base": "class",
        "pkg/users.py::UserService": "class",
        "pkg/users.py::UserService.__init__": "method",
        "pkg/users.py::UserService.name": "method",
        "pkg/users.py::UserService.name#2": "method",
        "pkg/users.py::UserService.refresh": "method",
        "pkg/users.py::UserService.reset": "method",
        "pkg/users.py::UserService.reset.helper": "function",
        "pkg/users.py::main": "function",
    }


def test_edges():
    _, refs = extract_fixture(ROOT)
    run = "pkg/jobs/run.py"
    assert refs == {
        ("pkg/db.py::Pool.acquire", "calls", "_take", True),
        ("pkg/users.py", "imports", "logging", False),
        ("pkg/users.py", "imports", "pkg.db.Pool", False),  # from m import n: an import of m.n
        ("pkg/users.py", "imports", ".db", False),
        ("pkg/users.py::UserService", "inherits", "Base", False),
        ("pkg/users.py::UserService.__init__", "calls", "Pool", False),
        ("pkg/users.py::UserService.refresh", "calls", "acquire", False),
        ("pkg/users.py::UserService.refresh", "calls", "reset", True),
        ("pkg/users.py::UserService.reset", "calls", "helper", False),
        ("pkg/users.py::main", "calls", "info", False),
        ("pkg/users.py::main", "calls", "refresh", False),
        ("pkg/users.py::main", "calls", "UserService", False),
        ("pkg/jobs/queue.py::push", "calls", "list", False),
        (run, "imports", "pkg.users", False),
        (run, "imports", "..users", False),
        (run, "imports", "..version", False),
        (run, "imports", "..db.Pool", False),
        (run, "imports", ".queue", False),
        (run, "imports", "pkg.db", False),
        (run, "imports", "pkg.version", False),
        (f"{run}::start", "calls", "push", False),
        (f"{run}::start", "calls", "DbPool", False),
        (f"{run}::start", "calls", "version", False),
        (f"{run}::start", "calls", "v", False),
    }


def _query(project, sql):
    with project.store.read() as con:
        return con.execute(sql).fetchall()


def test_import_resolution(make_project):
    """`from m import n` is an import of the submodule m/n.py when there is one, else of m (where n is
    defined), relative or absolute, also into a directory without __init__.py (pkg/jobs)."""
    files = {f.relative_to(ROOT).as_posix(): f.read_text() for f in Path(ROOT).rglob("*.py")}
    project, _ = make_project(files)
    project.index()
    run, users = "pkg/jobs/run.py", "pkg/users.py"
    refs = _query(project, "SELECT path, target, dst FROM refs WHERE kind = 'imports'")
    assert sorted(refs) == sorted([
        (run, "pkg.users", users),  # import pkg.users
        (run, "..users", users),  # from .. import users, version
        (run, "..version", "pkg/__init__.py"),
        (run, "..db.Pool", "pkg/db.py"),  # from ..db import Pool as DbPool
        (run, ".queue", "pkg/jobs/queue.py"),  # from . import queue
        (run, "pkg.db", "pkg/db.py"),  # from pkg import (db, version as v)
        (run, "pkg.version", "pkg/__init__.py"),
        (users, "logging", None),
        (users, "pkg.db.Pool", "pkg/db.py"),  # from pkg.db import Pool
        (users, ".db", "pkg/db.py"),  # from . import db as database
    ])
    bindings = _query(project, "SELECT path, local, source, target_path FROM bindings")
    assert sorted(bindings) == sorted([
        (run, "users", "..users", users),
        (run, "version", "..version", "pkg/__init__.py"),
        (run, "DbPool", "..db.Pool", "pkg/db.py"),
        (run, "queue", ".queue", "pkg/jobs/queue.py"),
        (run, "db", "pkg.db", "pkg/db.py"),
        (run, "v", "pkg.version", "pkg/__init__.py"),
        (users, "Pool", "pkg.db.Pool", "pkg/db.py"),
        (users, "database", ".db", "pkg/db.py"),
    ])
    # calls through the bindings: a name defined in the package's __init__.py, a submodule's function
    callees = {e.dst for e in project.show(f"{run}::start").callees if e.kind == "calls"}
    assert {"pkg/__init__.py::version", "pkg/jobs/queue.py::push"} <= callees


@pytest.mark.parametrize("source, importer, first, resolved", [
    ("a.b", "x.py", "a/b.py", "a/b.py"),
    ("a.b", "x.py", "a/b.py", "a.py"),  # `from a import b`, b defined in a.py
    ("a.b", "x.py", "a/b.py", "a/__init__.py"),
    (".b", "x.py", "b.py", "b.py"),  # relative, from a file at the root
    (".b", "x.py", "b.py", "__init__.py"),
    ("..b", "a/x.py", "b.py", "b.py"),
    ("..b", "x.py", None, None),  # above the repository root
    (".", "a/x.py", "a/__init__.py", "a/__init__.py"),
])
def test_python_candidates(source, importer, first, resolved):
    candidates = python(source, importer)
    assert (candidates[0] if candidates else None) == first
    assert resolve_import(source, importer, {importer, resolved} - {None}) == resolved


def test_from_imports_are_imports_of_each_name():
    src = ("from a import b, c as d  # x\n"
           "import a; from .import e\n"
           "from ._lazyimport import (  # noqa: X (why)\n    f,\n    g as h,  # (i)\n)\n"
           "from m import \\\n    n\r\n"
           "from a.b import *\n"
           "s = 'from a import z'\n")
    r = extract("p.py", src.encode(), PYTHON)
    assert [x.target for x in r.refs if x.kind == "imports"] == [
        "a.b", "a.c", "a", ".e", "._lazyimport.f", "._lazyimport.g", "m.n", "a.b"]
    assert sorted((b.local, b.source) for b in r.bindings) == [
        ("b", "a.b"), ("d", "a.c"), ("e", ".e"), ("f", "._lazyimport.f"), ("h", "._lazyimport.g"), ("n", "m.n")]
