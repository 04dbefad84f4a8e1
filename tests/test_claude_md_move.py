"""`tether import-claude-md --move`: linked entries leave CLAUDE.md (atomic, every other byte
kept, one undo puts them back); a note whose text is still in a CLAUDE.md Claude Code loads is
never injected again by capsules and hooks."""

import json

import pytest

from tether.core.claude_md_import import apply_import, plan_import, remove_entries, split_entries
from tether.core.cli import main
from tether.core.errors import TetherError
from tether.core.hooks import run_hook
from tests.helpers import commit

CODE = {
    "api/users.py": "class UserService:\n    def refresh(self):\n        return 1\n\n    def load(self):\n        return 2\n",
    "api/billing.py": "def charge(amount):\n    return amount\n",
}
# CRLF endings, a byte order mark, no final newline: all must survive the move
CLAUDE = ("\ufeff# Project\r\n\r\n"
          "We use ruff for formatting.\r\n\r\n"
          "## Users\r\n\r\n"
          "- UserService has a threading issue with the connection pool — never call .refresh() in a\r\n"
          "  background task\r\n"
          "- Keep PRs small.\r\n"
          "- `charge()` takes cents:\r\n"
          "  ```py\r\n  charge(100)\r\n  ```\r\n\r\n"
          "## Style\r\n\r\n"
          "Tabs are never used.")
EXPECTED = ("\ufeff# Project\r\n\r\n"
            "We use ruff for formatting.\r\n\r\n"
            "## Users\r\n\r\n"
            "- Keep PRs small.\r\n\r\n"
            "## Style\r\n\r\n"
            "Tabs are never used.")


@pytest.fixture
def project(make_project):
    project, repo = make_project({**CODE, "CLAUDE.md": CLAUDE})
    return project, repo


def _context(stdout: str) -> str:
    return json.loads(stdout)["hookSpecificOutput"]["additionalContext"]


def test_move_takes_out_linked_entries_only_and_undo_puts_them_back(project, monkeypatch, capsys):
    project, _ = project
    path = project.root / "CLAUDE.md"
    original = path.read_bytes()
    path.chmod(0o640)
    monkeypatch.chdir(project.root)
    assert main(["import-claude-md", "--move", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would move 2 linked entries out of CLAUDE.md" in out and path.read_bytes() == original
    assert main(["import-claude-md", "--move", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts"]["moved"] == 2 and [m["line"] for m in data["moved"]] == [7, 10]
    assert path.read_bytes() == EXPECTED.encode("utf-8")
    assert path.stat().st_mode & 0o777 == 0o640
    notes = {n.origin: n for n in project.all_notes()}
    assert len(notes) == 5 and sum(1 for n in notes.values() if n.links) == 2
    # one undo: the notes and the file
    assert main(["undo"]) == 0
    assert path.read_bytes() == original and project.all_notes() == []


def test_move_later_takes_out_entries_imported_before(project):
    project, _ = project
    apply_import(project, plan_import(project))
    path = project.root / "CLAUDE.md"
    assert path.read_text("utf-8-sig").count("UserService") == 1
    plan = plan_import(project)
    assert apply_import(project, plan, move=True) == []  # nothing new, two taken out
    assert len(plan.moved) == 2 and path.read_bytes() == EXPECTED.encode("utf-8")
    project.undo()
    assert path.read_bytes() == CLAUDE.encode("utf-8") and len(project.all_notes()) == 5


def test_undo_refuses_when_the_file_changed_since(project):
    project, _ = project
    apply_import(project, plan_import(project), move=True)
    path = project.root / "CLAUDE.md"
    path.write_bytes(path.read_bytes() + b"\r\n- added by hand\r\n")
    with pytest.raises(TetherError, match="CLAUDE.md changed since tether rewrote it"):
        project.undo()
    assert len(project.all_notes()) == 5 and b"added by hand" in path.read_bytes()


def test_a_file_changed_after_the_plan_is_refused_and_nothing_written(project):
    project, _ = project
    plan = plan_import(project)
    path = project.root / "CLAUDE.md"
    path.write_bytes(path.read_bytes() + b"\r\n- late\r\n")
    with pytest.raises(TetherError, match="changed while it was being imported"):
        apply_import(project, plan, move=True)
    assert project.all_notes() == [] and path.read_bytes().endswith(b"- late\r\n")


def test_remove_entries_keeps_every_other_byte():
    text = "# T\n\npara one\nwrapped\n\npara two\n\n- a\n- b\n  - sub\n- c\n\n> quote\n"
    spans = {e.text.split("\n")[0]: (e.line, e.end) for e in split_entries(text)}
    assert remove_entries(text.encode(), [spans["para one wrapped"]]) == b"# T\n\npara two\n\n- a\n- b\n  - sub\n- c\n\n> quote\n"
    assert remove_entries(text.encode(), [spans["b"]]) == b"# T\n\npara one\nwrapped\n\npara two\n\n- a\n- c\n\n> quote\n"
    assert remove_entries(text.encode(), [spans["quote"]]) == b"# T\n\npara one\nwrapped\n\npara two\n\n- a\n- b\n  - sub\n- c\n\n"


def test_notes_still_in_claude_md_are_never_injected_twice(project):
    project, repo = project
    (project.dir).mkdir(exist_ok=True)
    apply_import(project, plan_import(project))  # copied, not moved: CLAUDE.md still holds them all
    commit(repo, "branch work", {"api/users.py": CODE["api/users.py"].replace("return 1", "return 3")})
    cap = project.capsule(symbols=["UserService.refresh"])
    assert cap.notes == [] and {o.reason for o in cap.omitted} == {"in CLAUDE.md"}
    assert "still in a CLAUDE.md Claude Code loads left out" in cap.markdown
    r = run_hook("session-start", json.dumps({"cwd": str(project.root)}))
    assert "UserService has a threading issue" not in _context(r.stdout)
    read = {"session_id": "r1", "cwd": str(project.root), "hook_event_name": "PostToolUse", "tool_name": "Read",
            "tool_input": {"file_path": str(project.root / "api/users.py")}, "tool_response": {}}
    assert run_hook("post-tool-use", json.dumps(read)).stdout == ""  # nor when the agent reads its code
    # moved: the linked note comes, the entries left in CLAUDE.md still do not
    apply_import(project, plan_import(project), move=True)
    text = _context(run_hook("session-start", json.dumps({"cwd": str(project.root)})).stdout)
    assert "UserService has a threading issue" in text and "Keep PRs small" not in text
    touched = json.loads(run_hook("post-tool-use", json.dumps({**read, "session_id": "r2"})).stdout)
    assert "UserService has a threading issue" in touched["hookSpecificOutput"]["additionalContext"]
    # a note whose text is in a nested CLAUDE.md (Claude Code loads it too) is left out as well
    nested = project.add_note("Billing amounts are integers in cents.", symbols=["charge"])
    commit(repo, "nested", {"api/CLAUDE.md": "- Billing amounts are integers in cents.\n"})
    project.index()
    assert nested.id not in {c.note.id for c in project.capsule(symbols=["charge"]).notes}
    # a copy Claude Code does not load (CLAUDE.md.bak) keeps nothing out
    kept = project.add_note("Refunds go through the ledger first.", symbols=["charge"])
    commit(repo, "backup", {"api/CLAUDE.md.bak": "- Refunds go through the ledger first.\n"})
    project.index()
    assert kept.id in {c.note.id for c in project.capsule(symbols=["charge"]).notes}
