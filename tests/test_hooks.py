"""Claude Code hooks: JSON in on stdin, Claude Code's JSON out, within 10,000 characters, and a
failure never blocks the agent (exit 0, nothing on stdout, one line on stderr)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import children, commit
from tests.test_journal import hold_database, impatient
from tether.core.errors import TetherError
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
    # the whole answer: every line of it is paid by every session on this branch
    assert text == ("tether notes (branch feature: changes against main, plus uncommitted ones):\n\n"
                    "`app/users.py::UserService.refresh` (line 2):\n"
                    f"- gotcha `{about_refresh}`: refresh must hold the pool lock\n"
                    "  ⚠ stale: body changed (signature unchanged)\n\n"
                    "1 tether note to triage (its code changed): `list_stale`.\n"
                    "Save what a later session should know with `save_observation`.\n")
    assert about_billing not in text  # not about this branch's changes
    assert len(out) <= HOOK_LIMIT
    shown = json.loads((project.dir / "sessions" / "s1.json").read_text())["notes"]
    assert shown == [about_refresh]


def slow_index(monkeypatch):
    """Project.index takes a minute (the forked index child inherits it)."""
    from tether.core.project import Project

    monkeypatch.setattr(Project, "index", lambda self, *a, **k: time.sleep(60))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_session_start_answers_from_the_index_it_has_when_indexing_takes_too_long(repo, monkeypatch):
    project, git = repo
    about_refresh = project.add_note("refresh must hold the pool lock", symbols=["UserService.refresh"]).id
    with (project.dir / "config.toml").open("a") as f:
        f.write("\n[hooks]\nindex_seconds = 1\n")
    branch(git, "feature")
    commit(git, "touch refresh", {"app/users.py": FILES["app/users.py"].replace("return 1", "return 10")})
    slow_index(monkeypatch)
    started = time.monotonic()
    r = run_hook("session-start", json.dumps({"session_id": "s8", "cwd": str(project.root)}))
    assert time.monotonic() - started < 30  # the deadline (1 s), not the index (60 s)
    text = context(r.stdout, "SessionStart")
    assert about_refresh in text and "⚠" not in text  # the index before the commit: fresh, as far as it knows
    assert "index could not be brought up to date within 1 s (`tether index` in a terminal catches up), " \
           "so statuses may be behind." in text
    assert children(os.getpid()) == []  # the index child is gone


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_session_start_reads_the_changes_once_while_the_index_child_works(repo, monkeypatch):
    from tether.core import gitdiff
    from tether.core.project import Project

    project, git = repo
    about_refresh = project.add_note("refresh must hold the pool lock", symbols=["UserService.refresh"]).id
    branch(git, "feature")
    commit(git, "touch refresh", {"app/users.py": FILES["app/users.py"].replace("return 1", "return 10")})
    real_index, real_changes = Project.index, gitdiff.changed_lines
    monkeypatch.setattr(Project, "index", lambda self, *a, **k: (time.sleep(1), real_index(self, *a, **k))[1])
    calls = []

    def changes(*a, **k):
        calls.append(len(children(os.getpid())))  # the index child, still at work
        return real_changes(*a, **k)

    monkeypatch.setattr(gitdiff, "changed_lines", changes)
    text = context(run_hook("session-start", json.dumps({"session_id": "s7", "cwd": str(project.root)})).stdout,
                   "SessionStart")
    assert calls == [1]
    assert about_refresh in text and "⚠ stale" in text  # after the child's index: the edit is seen
    assert children(os.getpid()) == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_session_start_failing_while_the_index_child_works_leaves_no_process(repo, monkeypatch):
    from tether.core import gitdiff

    project, git = repo
    branch(git, "feature")

    def broken(*a, **k):
        raise OSError("disk gone")

    monkeypatch.setattr(gitdiff, "changed_lines", broken)
    slow_index(monkeypatch)  # the child would still be indexing
    r = run_hook("session-start", json.dumps({"session_id": "s6", "cwd": str(project.root)}))
    assert (r.stdout, r.error) == ("", "internal error: OSError: disk gone")
    assert children(os.getpid()) == []


def test_session_start_says_when_the_index_failed(repo, monkeypatch):
    from tether.core.project import Project

    project, _ = repo
    n = project.add_note("refresh must hold the pool lock", symbols=["UserService.refresh"]).id

    def broken(self, *a, **k):
        raise TetherError("the database is corrupt")

    monkeypatch.setattr(Project, "index", broken)
    text = context(run_hook("session-start", json.dumps({"cwd": str(project.root)})).stdout, "SessionStart")
    assert n in text and "index could not be brought up to date (`tether index` in a terminal says why)" in text


def test_session_start_with_an_unreadable_git_index_says_so_in_one_line(repo):
    """git's index broken after an index run: the hook exits 0 with nothing for the agent and one
    stderr line saying how to repair it, not an internal error; tether's own index is kept."""
    project, _ = repo
    project.index()
    (project.root / "app" / "extra.py").write_text("def g():\n    return 2\n")
    (project.root / ".git" / "index").write_bytes(b"garbage")
    code, out, err = hook("session-start", {"session_id": "s10", "cwd": str(project.root)})
    assert (code, out) == (0, "")
    assert err.count("\n") == 1 and "git's index file cannot be read" in err and "internal error" not in err
    assert project.indexed() and project.symbols("refresh")


def test_session_start_before_any_index_says_how_to_build_it(make_project, monkeypatch):
    project, _ = make_project(FILES)
    project.dir.mkdir()
    (project.dir / "config.toml").write_text("[hooks]\nindex_seconds = 0.5\n")
    slow_index(monkeypatch)
    r = run_hook("session-start", json.dumps({"session_id": "s9", "cwd": str(project.root)}))
    assert r.error is None
    assert context(r.stdout, "SessionStart").startswith("tether has not indexed this repository yet")
    assert not project.indexed()


def test_session_start_on_a_quiet_branch_gives_the_project(repo):
    project, git = repo
    n = project.add_note("we never call the payment API from tests", type="convention").id
    r = run_hook("session-start", json.dumps({"session_id": "s2", "cwd": str(project.root)}))
    assert r.error is None
    text = context(r.stdout, "SessionStart")
    assert text == ("tether notes (no changes on this branch yet: the project's most important notes):\n\n"
                    f"Project-wide:\n- convention `{n}`: we never call the payment API from tests\n\n"
                    "Save what a later session should know with `save_observation`.\n")  # nothing to triage
    (project.root / "app/admin.py").write_text(FILES["app/admin.py"] + "\n\ndef extra():\n    pass\n")
    text = context(run_hook("session-start", json.dumps({"cwd": str(project.root)})).stdout, "SessionStart")
    # a project-wide note not about the changes: not in their capsule, so the project's notes come
    assert text.startswith("tether notes (branch main: uncommitted changes: nothing noted about "
                           "these changes, so the project's most important notes):") and n in text
    m = project.add_note("app/admin.py is generated: never edit it by hand", type="gotcha").id
    text = context(run_hook("session-start", json.dumps({"cwd": str(project.root)})).stdout, "SessionStart")
    assert text.startswith("tether notes (branch main: uncommitted changes):")
    assert m in text and n not in text  # it names the changed file; the other is not about the changes
    assert "related note" not in text  # nor counted: a get_capsule call on the changes would not give it
    project.set_state([n, m], "archived")
    text = context(run_hook("session-start", json.dumps({"cwd": str(project.root)})).stdout, "SessionStart")
    assert text == "Save what a later session should know with `save_observation`.\n"  # no notes: one line


def test_session_start_fits_claude_codes_limit(repo):
    project, git = repo
    long = ("A long note about refresh with \"quotes\", tabs\tand newlines.\n" * 60)[:3900]
    for i in range(40):
        project.add_note(f"{i}: {long}", symbols=["UserService.refresh"])
    (project.dir / "config.toml").write_text("[capsule]\nbudget = 50000\n")
    r = run_hook("session-start", json.dumps({"cwd": str(project.root)}))
    assert r.error is None and len(r.stdout) <= HOOK_LIMIT
    text = context(r.stdout, "SessionStart")
    shown = text.count("- insight `")
    assert 0 < shown < 40 and f"(+{40 - shown} related notes: `get_capsule`)" in text
    assert text.rstrip().endswith("`save_observation`.")


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
    assert "(+1 related note: `get_capsule`)" in text  # counted


# -- post-tool-use: notes on the code the agent touches -------------------------------------


def touch(project, tool, tool_input, session="t1", tool_response=None):
    """The PostToolUse payload Claude Code sends for `tool`, run through the hook."""
    payload = {"session_id": session, "transcript_path": f"/tmp/{session}.jsonl", "cwd": str(project.root),
               "hook_event_name": "PostToolUse", "tool_name": tool, "tool_input": tool_input,
               "tool_response": tool_response if tool_response is not None else {}}
    return run_hook("post-tool-use", json.dumps(payload))


def read(project, path, session="t1", offset=None, limit=None):
    tool_input = {"file_path": str(project.root / path)}
    tool_input.update({k: v for k, v in (("offset", offset), ("limit", limit)) if v is not None})
    text = (project.root / path).read_text()
    response = {"type": "text", "file": {"filePath": str(project.root / path), "content": text,
                                         "numLines": text.count("\n"), "startLine": offset or 1,
                                         "totalLines": text.count("\n")}}
    return touch(project, "Read", tool_input, session, response)


def edit(project, path, old, new, session="t1"):
    """Apply an Edit to the file as Claude Code does, then run the hook on its payload."""
    before = (project.root / path).read_text()
    assert old in before
    (project.root / path).write_text(before.replace(old, new, 1))
    return touch(project, "Edit", {"file_path": str(project.root / path), "old_string": old, "new_string": new,
                                   "replace_all": False}, session,
                 {"filePath": str(project.root / path), "oldString": old, "newString": new, "originalFile": before,
                  "structuredPatch": [], "userModified": False, "replaceAll": False})


@pytest.fixture
def noted(repo):
    project, git = repo
    project.index()
    ids = {
        "refresh": project.add_note("refresh must hold the pool lock", symbols=["UserService.refresh"],
                                    type="gotcha").id,
        "reset": project.add_note("reset clears the cache first", symbols=["UserService.reset"]).id,
        "file": project.add_note("users.py is imported by the CLI at start-up", files=["app/users.py"],
                                 type="convention").id,
        "charge": project.add_note("charge rounds half-even", symbols=["charge"]).id,
    }
    return project, ids


def test_read_gives_the_notes_on_the_lines_read_each_once_per_session(noted):
    project, ids = noted
    r = read(project, "app/users.py", offset=2, limit=2)  # refresh's lines only
    assert r.error is None
    text = context(r.stdout, "PostToolUse")
    assert text.startswith("tether notes on the code you just read (`app/users.py` lines 2–3):\n\n"
                           "`app/users.py::UserService.refresh` (line 2):\n"
                           f"- gotcha `{ids['refresh']}`: refresh must hold the pool lock\n")
    assert ids["refresh"] in text and "refresh must hold the pool lock" in text and ids["file"] in text
    assert ids["reset"] not in text and ids["charge"] not in text
    assert text.index(ids["refresh"]) < text.index(ids["file"])  # the very lines read before the whole file
    assert "⚠" not in text
    whole = context(read(project, "app/users.py").stdout, "PostToolUse")  # again, whole file: only what is new
    assert ids["reset"] in whole and ids["refresh"] not in whole and ids["file"] not in whole
    assert read(project, "app/users.py").stdout == ""  # nothing new: nothing said
    other = context(read(project, "app/users.py", session="t2").stdout, "PostToolUse")  # another session
    assert all(ids[k] in other for k in ("refresh", "reset", "file")) and ids["charge"] not in other
    shown = json.loads((project.dir / "sessions" / "t1.json").read_text())["notes"]
    assert shown == sorted([ids["refresh"], ids["reset"], ids["file"]])


def test_read_of_a_file_changed_since_the_index_warns_and_follows_its_lines(noted):
    project, ids = noted
    path = project.root / "app/users.py"
    path.write_text("# a header\n\n\n" + path.read_text().replace("return 1", "return 10"))  # not re-indexed
    text = context(read(project, "app/users.py", offset=4, limit=3).stdout, "PostToolUse")
    assert "`app/users.py::UserService.refresh` (line 5):" in text  # its line now
    assert ids["refresh"] in text and "⚠ stale: body changed (signature unchanged)" in text
    assert ids["reset"] not in text  # lines 8-9 now


def test_read_stays_within_the_budget(noted):
    project, ids = noted
    more = [project.add_note(f"note {i}: " + "the refresh path is subtle " * 8, symbols=["UserService.refresh"]).id
            for i in range(12)]
    (project.dir / "config.toml").write_text("[hooks]\non_touch_chars = 600\n")
    given = []
    for _ in range(20):
        r = read(project, "app/users.py")
        if not r.stdout:
            break
        text = context(r.stdout, "PostToolUse")
        markdown = text.split("\n\n", 1)[1]
        assert len(markdown) <= 600 and r.notes
        given += r.notes
    assert sorted(given) == sorted([*more, ids["refresh"], ids["reset"], ids["file"]])  # each once, in time


def test_edit_names_the_notes_on_the_code_it_changed_with_the_instruction(noted):
    project, ids = noted
    read(project, "app/users.py")  # given already: an edit names them again all the same
    r = edit(project, "app/users.py", "        return 1\n", "        self.pool.acquire()\n        return 1\n")
    text = context(r.stdout, "PostToolUse")
    assert text.startswith("tether notes on code your edit of `app/users.py` just changed")
    assert ids["refresh"] in text and "⚠ stale: body changed (signature unchanged)" in text
    assert ids["file"] in text  # the file's code changed too
    assert ids["reset"] not in text and ids["charge"] not in text
    assert text.rstrip().endswith("archive the old note with `archive_note`; if it still holds, call "
                                  "`confirm_note` with its id.")
    assert "`save_observation`" in text


def test_an_edit_that_renames_a_function_says_where_it_went(noted):
    project, ids = noted
    text = context(edit(project, "app/users.py", "def refresh(", "def reload(").stdout, "PostToolUse")
    assert ids["refresh"] in text and "⚠ moved: renamed to app/users.py::UserService.reload" in text
    assert ids["reset"] not in text


def test_formatting_only_edits_name_nothing(noted):
    project, ids = noted
    path = project.root / "app/users.py"
    assert edit(project, "app/users.py", "        return 1\n", "        return (1)  # one\n").stdout == ""
    reformatted = path.read_text().replace("class UserService:\n", "class UserService:\n\n    # the service\n")
    path.write_text(reformatted)
    r = touch(project, "Write", {"file_path": str(path), "content": reformatted},
              tool_response={"type": "update", "filePath": str(path), "content": reformatted, "structuredPatch": []})
    assert (r.stdout, r.error) == ("", None)


def test_multi_edit_and_write_name_what_they_changed(noted):
    project, ids = noted
    path = project.root / "app/users.py"
    edits = [{"old_string": "return 2", "new_string": "return 3", "replace_all": False}]
    path.write_text(path.read_text().replace("return 2", "return 3"))
    text = context(touch(project, "MultiEdit", {"file_path": str(path), "edits": edits}).stdout, "PostToolUse")
    assert ids["reset"] in text and ids["refresh"] not in text
    billing = project.root / "app/billing.py"
    content = "def charge(amount, currency):\n    return amount\n"
    billing.write_text(content)
    r = touch(project, "Write", {"file_path": str(billing), "content": content})
    text = context(r.stdout, "PostToolUse")
    assert ids["charge"] in text and "⚠ stale: signature changed" in text and ids["reset"] not in text


def test_post_tool_use_is_silent_where_it_has_nothing_to_say(noted, tmp_path):
    project, ids = noted
    (project.root / ".env").write_text("TOKEN=abc\n")
    (project.root / "app/logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")
    (project.root / "app/new.py").write_text("def fresh():\n    pass\n")  # not indexed yet
    outside = tmp_path / "elsewhere.py"
    outside.write_text("def f():\n    pass\n")
    for tool, tool_input in [("Bash", {"command": "ls"}), ("Read", {"file_path": str(outside)}),
                             ("Read", {"file_path": str(project.root / ".env")}),
                             ("Read", {"file_path": str(project.root / "app/logo.png")}),
                             ("Read", {"file_path": str(project.root / "app/new.py")}),
                             ("Read", {"file_path": str(project.root / "app/gone.py")}),
                             ("Read", {"file_path": str(project.root / "app/../../elsewhere.py")}),
                             ("Read", {"file_path": 42}), ("Read", "app/users.py"), ("Grep", {"pattern": "x"}),
                             ("Write", {"file_path": str(project.root / ".tether/config.toml"), "content": ""})]:
        r = touch(project, tool, tool_input)
        assert (r.stdout, r.error) == ("", None), (tool, tool_input)
    (project.dir / "config.toml").write_text("[hooks]\non_touch = false\n")
    assert read(project, "app/users.py").stdout == ""


def test_post_tool_use_never_fails_the_agent(noted):
    project, ids = noted
    root = str(project.root)
    payload = {"session_id": "t9", "cwd": root, "hook_event_name": "PostToolUse", "tool_name": "Read",
               "tool_input": {"file_path": str(project.root / "app/users.py")}, "tool_response": {}}
    code, out, err = hook("post-tool-use", None, root, stdin='{"tool_name": "Read", "tool_input": ')
    assert code == 0 and out == "" and err.count("\n") == 1 and err.startswith("tether hook post-tool-use: ")
    code, out, err = hook("post-tool-use", payload)  # the real process answers
    assert code == 0 and err == "" and ids["refresh"] in context(out, "PostToolUse")
    with hold_database(project):  # another process writes: say nothing, at once
        code, out, err = hook("post-tool-use", {**payload, "session_id": "t10"})
    assert (code, out) == (0, "") and err.count("\n") == 1 and "another process holds the database" in err
    assert "(waited 0.2s)" in err and not (project.dir / "sessions" / "t10.json").exists()
    project.store.path.unlink()  # no database: nothing, and none created
    code, out, err = hook("post-tool-use", {**payload, "session_id": "t11"})
    assert (code, out, err) == (0, "", "") and not project.store.path.exists()


def test_sessions_older_than_a_week_are_forgotten_by_the_file_clock(repo):
    project, _ = repo
    project.add_note("charge rounds half-even", symbols=["charge"], type="decision")
    sessions = project.dir / "sessions"
    sessions.mkdir(exist_ok=True)
    old, recent = sessions / "old.json", sessions / "recent.json"
    for f in (old, recent):
        f.write_text('{"notes": []}')
    now = old.stat().st_mtime
    os.utime(old, (now - 8 * 86400, now - 8 * 86400))
    os.utime(recent, (now - 6 * 86400, now - 6 * 86400))
    run_hook("session-start", json.dumps({"session_id": "new", "cwd": str(project.root)}))
    assert sorted(p.name for p in sessions.glob("*.json")) == ["new.json", "recent.json"]
