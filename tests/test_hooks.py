"""Claude Code hooks: JSON in on stdin, Claude Code's JSON out, within 10,000 characters, and a
failure never blocks the agent (exit 0, nothing on stdout, one line on stderr)."""

import json
import os
import subprocess
import sys

import pytest

from tests.helpers import commit
from tests.test_journal import hold_database, impatient
from tether.core.hooks import HOOK_LIMIT, branch_focus, run_hook

FILES = {
    "app/users.py": "class UserService:\n    def refresh(self):\n        return 1\n\n    def reset(self):\n"
                    "        return 2\n",
    "app/admin.py": "class Admin:\n    def audit(self):\n        pass\n",
    "app/billing.py": "def charge(amount):\n    return amount\n",
}
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}


@pytest.fixture
def repo(make_project):
    project, git = make_project(FILES)
    project.init()
    return project, git


def hook(name, payload, repo_root=None, stdin=None):
    """Run `tether hook NAME` as Claude Code does: (exit code, stdout, stderr)."""
    args = [sys.executable, "-m", "tether.core.cli", "hook", name]
    p = subprocess.run(args, input=stdin if stdin is not None else json.dumps(payload), capture_output=True,
                       text=True, env=ENV, cwd=repo_root)
    return p.returncode, p.stdout, p.stderr


def context(stdout: str, event: str) -> str:
    data = json.loads(stdout)
    assert list(data) == ["hookSpecificOutput"] and data["hookSpecificOutput"]["hookEventName"] == event
    return data["hookSpecificOutput"]["additionalContext"]


def branch(git, name):
    git.branches.local.create(name, git.head.peel())
    git.checkout(f"refs/heads/{name}")


def test_session_start_gives_the_branch_capsule_and_triage(repo):
    project, git = repo
    about_refresh = project.add_note("refresh must hold the pool lock", symbols=["UserService.refresh"],
                                     type="gotcha").id
    about_billing = project.add_note("charge rounds half-even", symbols=["charge"], type="decision").id
    branch(git, "feature")
    commit(git, "touch refresh", {"app/users.py": FILES["app/users.py"].replace("return 1", "return 10")})
    payload = {"session_id": "s1", "cwd": str(project.root / "app"), "hook_event_name": "SessionStart",
               "source": "startup"}
    code, out, err = hook("session-start", payload)
    assert (code, err) == (0, "")
    text = context(out, "SessionStart")
    assert text.startswith("tether notes for this session (branch feature: changes against main, plus "
                           "uncommitted ones).\n\n## Notes from tether")
    assert "refresh must hold the pool lock" in text and about_refresh in text
    assert about_billing not in text  # not about this branch's changes
    assert "1 tether note waits for triage" in text and "`tether` (terminal UI) or `tether stale`" in text
    assert "save_observation" in text and len(out) <= HOOK_LIMIT
    shown = json.loads((project.dir / "sessions" / "s1.json").read_text())["notes"]
    assert shown == [about_refresh]


def test_session_start_on_a_quiet_branch_gives_the_project(repo):
    project, git = repo
    n = project.add_note("we never call the payment API from tests", type="convention").id
    r = run_hook("session-start", json.dumps({"session_id": "s2", "cwd": str(project.root)}))
    assert r.error is None
    text = context(r.stdout, "SessionStart")
    assert text.startswith("tether notes for this session (no changes on this branch yet: the project's most "
                           "important notes).\n\n## Notes from tether\n_Focus: the whole project._") and n in text
    assert "wait" not in text.split("---")[-1]  # nothing to triage
    (project.root / "app/admin.py").write_text(FILES["app/admin.py"] + "\n\ndef extra():\n    pass\n")
    text = context(run_hook("session-start", json.dumps({"cwd": str(project.root)})).stdout, "SessionStart")
    # a project-wide note not about the changes: not in their capsule, so the project's notes come
    assert text.startswith("tether notes for this session (branch main: uncommitted changes: nothing noted about "
                           "these changes, so the project's most important notes).") and n in text
    m = project.add_note("app/admin.py is generated: never edit it by hand", type="gotcha").id
    text = context(run_hook("session-start", json.dumps({"cwd": str(project.root)})).stdout, "SessionStart")
    assert text.startswith("tether notes for this session (branch main: uncommitted changes).")
    assert m in text and n not in text  # it names the changed file; the other is counted in the last line
    assert "1 project-wide note not about this focus left out" in text
    project.set_state([n, m], "archived")
    text = context(run_hook("session-start", json.dumps({"cwd": str(project.root)})).stdout, "SessionStart")
    assert "_No relevant notes._" in text and "save_observation" in text


def test_session_start_fits_claude_codes_limit(repo):
    project, git = repo
    long = ("A long note about refresh with \"quotes\", tabs\tand newlines.\n" * 60)[:3900]
    for i in range(40):
        project.add_note(f"{i}: {long}", symbols=["UserService.refresh"])
    (project.dir / "config.toml").write_text("[capsule]\nbudget = 50000\n")
    r = run_hook("session-start", json.dumps({"cwd": str(project.root)}))
    assert r.error is None and len(r.stdout) <= HOOK_LIMIT
    text = context(r.stdout, "SessionStart")
    assert "did not fit" in text and text.rstrip().endswith("`search_notes` finds notes.")


def test_user_prompt_is_off_by_default_then_adds_relevant_notes_once(repo):
    project, git = repo
    about_billing = project.add_note("charge rounds half-even, never half-up", symbols=["charge"]).id
    about_admin = project.add_note("audit writes to the audit log", symbols=["Admin.audit"]).id
    payload = {"session_id": "s3", "cwd": str(project.root), "hook_event_name": "UserPromptSubmit",
               "prompt": "change how charge rounds amounts"}
    code, out, err = hook("user-prompt", payload)
    assert (code, out, err) == (0, "", "")  # off by default
    (project.dir / "config.toml").write_text("[hooks]\nuser_prompt = true\n")
    code, out, err = hook("user-prompt", payload)
    assert code == 0 and err == ""
    text = context(out, "UserPromptSubmit")
    assert text.startswith("tether notes relevant to this prompt:") and about_billing in text
    assert about_admin not in text
    code, out, err = hook("user-prompt", payload)  # the session has it already
    assert (code, out, err) == (0, "", "")
    other = {**payload, "session_id": "s4"}
    assert about_billing in context(hook("user-prompt", other)[1], "UserPromptSubmit")
    for prompt in ("/clear", "", "   ", "ok"):
        assert run_hook("user-prompt", json.dumps({**payload, "session_id": "s5", "prompt": prompt})).stdout == ""


def test_failures_never_block(repo, tmp_path):
    project, git = repo
    root = str(project.root)
    for name, stdin in [("session-start", "{not json"), ("user-prompt", "[1, 2]"), ("no-such-hook", "{}")]:
        code, out, err = hook(name, None, root, stdin=stdin)
        assert code == 0 and out == "" and err.count("\n") == 1 and err.startswith("tether hook "), err
        assert "Traceback" not in err
    code, out, err = hook("session-start", {"cwd": str(tmp_path / "gone")})
    assert (code, out) == (0, "") and "not a directory" in err
    (project.dir / "config.toml").write_text("[capsule]\nbudgett = 1\n")
    code, out, err = hook("session-start", {"cwd": root})
    assert (code, out) == (0, "") and err.strip().endswith("unknown key capsule.budgett (known: budget)")
    code, out, err = hook("--bogus", {}, root)  # even bad arguments exit 0
    assert code == 0 and out == "" and err.count("\n") == 1
    p = subprocess.run([sys.executable, "-m", "tether.core.cli", "hook"], capture_output=True, text=True, env=ENV)
    assert p.returncode == 0 and p.stdout == "" and p.stderr.count("\n") == 1


def test_busy_database_is_one_line_and_exit_0(repo):
    project, git = repo
    project.index()
    project = impatient(project, lock_timeout=0.5)
    with hold_database(project):
        code, out, err = hook("session-start", {"cwd": str(project.root)})
    assert (code, out) == (0, "") and "another process holds the database" in err and err.count("\n") == 1


def test_no_tether_here_no_output(tmp_path):
    (tmp_path / "a.py").write_text("def f():\n    pass\n")
    code, out, err = hook("session-start", {"cwd": str(tmp_path)})
    assert (code, out, err) == (0, "", "")
    assert not (tmp_path / ".tether").exists()


def test_branch_focus(repo, tmp_path):
    project, git = repo
    assert branch_focus(project.root) == ("", "branch main: uncommitted changes")
    branch(git, "feat")
    assert branch_focus(project.root) == ("main...", "branch feat: changes against main, plus uncommitted ones")
    git.references.create("refs/remotes/origin/trunk", git.head.target)
    git.references.create("refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
    assert branch_focus(project.root)[0] == "origin/trunk..."
    git.set_head(git.head.target)  # detached
    assert branch_focus(project.root) == ("origin/trunk...", "detached HEAD: changes against origin/trunk, "
                                                             "plus uncommitted ones")
    (tmp_path / "plain").mkdir()
    assert branch_focus(tmp_path / "plain") == (None, None)


def test_session_start_leaves_loosely_related_notes_out_and_counts_them(make_project):
    chain = {"app/a.py": "def first():\n    return second()\n\n\ndef second():\n    return third()\n\n\n"
                         "def third():\n    return 3\n",
             "app/b.py": "from app.a import third\n\n\ndef far():\n    return third()\n"}
    project, git = make_project(chain)
    project.init()
    near = project.add_note("first() is the entry point", symbols=["first"]).id
    loose = project.add_note("far() is only for the admin script", symbols=["far"]).id
    branch(git, "feature")
    commit(git, "touch first", {"app/a.py": chain["app/a.py"].replace("return second()", "return second() or 0")})
    scores = {c.note.id: c.score for c in project.capsule(diff="main...").notes}
    assert scores[near] >= 0.05 > scores[loose] > 0  # in the --diff capsule, but loosely
    text = context(run_hook("session-start", json.dumps({"cwd": str(project.root)})).stdout, "SessionStart")
    assert near in text and loose not in text
    assert "1 loosely related note left out" in text
