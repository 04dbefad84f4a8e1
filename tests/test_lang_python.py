"""Python fixture: exact symbol ids, kinds, parents and raw edges from extraction."""

from tests.helpers import extract_fixture

ROOT = "tests/fixtures/python"


def test_symbols_and_kinds():
    symbols, _ = extract_fixture(ROOT)
    assert symbols == {
        "pkg/db.py::Pool": "class",
        "pkg/db.py::Pool.__init__": "method",
        "pkg/db.py::Pool.acquire": "method",
        "pkg/db.py::Pool._take": "method",
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
    assert refs == {
        ("pkg/db.py::Pool.acquire", "calls", "_take", True),
        ("pkg/users.py", "imports", "logging", False),
        ("pkg/users.py", "imports", "pkg.db", False),
        ("pkg/users.py", "imports", ".", False),
        ("pkg/users.py::UserService", "inherits", "Base", False),
        ("pkg/users.py::UserService.__init__", "calls", "Pool", False),
        ("pkg/users.py::UserService.refresh", "calls", "acquire", False),
        ("pkg/users.py::UserService.refresh", "calls", "reset", True),
        ("pkg/users.py::UserService.reset", "calls", "helper", False),
        ("pkg/users.py::main", "calls", "info", False),
        ("pkg/users.py::main", "calls", "refresh", False),
        ("pkg/users.py::main", "calls", "UserService", False),
    }
