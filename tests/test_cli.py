"""The command line: output, JSON shapes, exit codes, one-line errors."""

import json
import os
import subprocess
import sys

import pytest

from tether.core.cli import main
from tests.helpers import git_repo

FILES = {
    "app/users.py": "class UserService:\n    def refresh(self):\n        return helper()\n\n\ndef helper():\n    return 1\n",
    "app/admin.py": "class Admin:\n    def refresh(self):\n        pass\n",
}


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    root.mkdir()
    git_repo(root, FILES)
    (root / "app" / "deep").mkdir()
    monkeypatch.chdir(root / "app" / "deep")  # commands find the repository from a subdirectory
    return root


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_then_index_json(repo, capsys):
    code, out, _ = run(capsys, "init")
    assert code == 0 and "initialised" in out
    assert (repo / ".tether" / ".gitignore").read_text().count("tether.duckdb") >= 1
    code, out, _ = run(capsys, "index", "--json")
    data = json.loads(out)
    assert code == 0
    assert {k: data[k] for k in ("files", "parsed", "removed", "symbols")} == {"files": 2, "parsed": 2, "removed": 0, "symbols": 5}
    assert set(data) == {"files", "parsed", "removed", "symbols", "edges", "seconds", "commit", "full", "skipped",
                         "syntax_errors", "notes"}
    assert data["notes"] == {"imported": None, "exported": None}


def test_symbols_best_match_first_and_filters(repo, capsys):
    code, out, _ = run(capsys, "symbols", "refresh", "--json")
    found = [s["id"] for s in json.loads(out)]
    assert code == 0 and found[:2] == ["app/admin.py::Admin.refresh", "app/users.py::UserService.refresh"]
    code, out, _ = run(capsys, "symbols", "--kind", "class", "--file", "app/users.py", "--json")
    assert [s["id"] for s in json.loads(out)] == ["app/users.py::UserService"]
    code, out, _ = run(capsys, "symbols", "usrv")  # fuzzy: the characters in order
    assert "app/users.py::UserService" in out


def test_show_text_and_json(repo, capsys):
    code, out, _ = run(capsys, "show", "UserService.refresh")
    assert code == 0
    assert "app/users.py:2-3" in out and "def refresh(self):" in out and "app/users.py::helper" in out
    code, out, _ = run(capsys, "show", "helper", "--json")
    data = json.loads(out)
    assert data["id"] == "app/users.py::helper" and data["signature"] == "def helper()"
    assert [c["src"] for c in data["callers"]] == ["app/users.py::UserService.refresh"]


def test_ambiguous_and_unknown_names_exit_2_with_candidates(repo, capsys):
    code, out, err = run(capsys, "show", "refresh")
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert "ambiguous symbol 'refresh'" in err and "app/admin.py::Admin.refresh" in err
    code, _, err = run(capsys, "show", "refrsh")
    assert code == 2 and "unknown symbol 'refrsh'; did you mean:" in err and err.count("\n") == 1


def test_bad_arguments_are_one_line(repo, capsys):
    for limit in ("many", "-1", "0"):
        code, _, err = run(capsys, "symbols", "--limit", limit)
        assert code == 2 and err.count("\n") == 1 and "at least 1" in err
    code, _, err = run(capsys, "--repo", str(repo / "nope"), "index")
    assert code == 1 and "not a directory" in err


def test_whole_process_no_traceback_on_bad_config(repo):
    (repo / ".tether").mkdir(exist_ok=True)
    (repo / ".tether" / "config.toml").write_text("[index]\nmax_file_sise = 3\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    p = subprocess.run([sys.executable, "-m", "tether.core.cli", "--repo", str(repo), "index"],
                       capture_output=True, text=True, env=env)
    assert p.returncode == 1
    assert p.stderr.strip().endswith("unknown key index.max_file_sise (known: max_file_size, exclude, include, workers)")
    assert "Traceback" not in p.stderr and p.stderr.count("\n") == 1
