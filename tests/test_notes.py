"""Note operations, their history and undo, and the note commands."""

import json
import os
import subprocess
import sys

import pytest

from tether.core.cli import main
from tether.core.errors import NotFound, TetherError

FILES = {
    "app/users.py": "class UserService:\n    def refresh(self):\n        return 1\n\n    def reset(self):\n        return 2\n",
    "app/admin.py": "class Admin:\n    def refresh(self):\n        pass\n",
}


@pytest.fixture
def project(make_project):
    p, _ = make_project(FILES)
    p.index()
    return p


def test_add_validates_and_links(project):
    n = project.add_note("pool is not thread-safe", symbols=["UserService.refresh"], files=["app/admin.py"],
                         type="gotcha", tags=["db", "db"])
    assert len(n.id) == 10 and n.tags == ["db"]
    assert [(l.target, l.kind) for l in n.links] == [("app/users.py::UserService.refresh", "symbol"), ("app/admin.py", "file")]
    assert n.links[0].anchor.text.startswith("def refresh(self):")
    with pytest.raises(TetherError, match="empty"):
        project.add_note("   ")
    with pytest.raises(TetherError, match="limit is 4000"):
        project.add_note("x" * 4001)
    with pytest.raises(TetherError, match="unknown note type"):
        project.add_note("x", type="rumour")
    with pytest.raises(NotFound, match="ambiguous symbol 'refresh'"):
        project.add_note("x", symbols=["refresh"])
    with pytest.raises(TetherError, match="outside the repository"):
        project.add_note("x", files=["../../etc/passwd"])
    assert [x.id for x in project.all_notes()] == [n.id]  # refused notes wrote nothing


def write_reset(project, body: str) -> None:
    (project.root / "app/users.py").write_text(FILES["app/users.py"].replace("return 2", body))


def test_every_operation_is_undone(project):
    n = project.add_note("first", symbols=["UserService.refresh"])
    steps = [
        lambda: project.edit_note(n.id, text="second", type="decision", tags=["t"]),
        lambda: project.link_note(n.id, ["UserService.reset"]),
        lambda: project.unlink_note(n.id, "UserService.refresh"),
        lambda: (write_reset(project, "return 3"), project.index(), project.confirm_notes([n.id])),
        lambda: project.relink_note(n.id, new="Admin.refresh"),
        lambda: project.set_state([n.id], "archived"),
        lambda: project.set_state([n.id], "active"),
        lambda: project.set_state([n.id], "deleted"),
        lambda: project.purge_notes([n.id]),
    ]
    snapshots = []
    for step in steps:
        snapshots.append([x for x in project.all_notes(("active", "archived", "deleted"))])
        step()
    for before in reversed(snapshots):
        project.undo()
        assert project.all_notes(("active", "archived", "deleted")) == before
    project.undo()  # the add itself
    assert project.all_notes(("active", "archived", "deleted")) == []
    with pytest.raises(TetherError, match="nothing to undo"):
        project.undo()
    ops = [h["op"] for h in project.history()]
    assert ops.count("undo") == len(steps) + 1 and ops[-1] == "add"  # appended, never rewritten


def test_bulk_confirm_is_one_undo(project, make_project):
    a = project.add_note("a", symbols=["UserService.refresh"])
    b = project.add_note("b", symbols=["UserService.reset"])
    (project.root / "app/users.py").write_text(FILES["app/users.py"].replace("return 1", "return 10").replace("return 2", "return 20"))
    assert {s.note_id for s in project.stale()} == {a.id, b.id}
    assert sorted(project.stale_note_ids("app/users.py")) == sorted([a.id, b.id])
    project.confirm_notes(project.stale_note_ids("app/users.py"))
    assert project.stale() == []
    assert sorted(x[1] for x in project.undo()) == sorted([a.id, b.id])
    assert {s.note_id for s in project.stale()} == {a.id, b.id}


def test_find_notes_filters(project):
    a = project.add_note("Pool gotcha", symbols=["UserService.refresh"], type="gotcha", tags=["db"])
    b = project.add_note("A convention", type="convention")
    c = project.add_note("archived one", files=["app/admin.py"])
    project.set_state([c.id], "archived")
    ids = lambda views: sorted(v.note.id for v in views)
    assert ids(project.find_notes()) == sorted([a.id, b.id])
    assert ids(project.find_notes(symbol="UserService.refresh")) == [a.id]
    assert ids(project.find_notes(type="convention")) == [b.id]
    assert ids(project.find_notes(tag="db", search="pool")) == [a.id]
    assert ids(project.find_notes(file="app/admin.py", states=("active", "archived"))) == [c.id]
    assert ids(project.find_notes(status="fresh")) == sorted([a.id, b.id])


def test_note_cli_round_trip(project, capsys, monkeypatch):
    monkeypatch.chdir(project.root)
    assert main(["note", "add", "refresh is slow", "--link", "UserService.refresh", "--type", "gotcha", "--json"]) == 0
    added = json.loads(capsys.readouterr().out)
    assert set(added) == {"id", "links"} and added["links"] == [{"target": "app/users.py::UserService.refresh", "kind": "symbol"}]
    assert main(["note", "add", "x", "--link", "refresh"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "app/admin.py::Admin.refresh" in err
    (project.root / "app/users.py").write_text(FILES["app/users.py"].replace("return 1", "return 5"))
    assert main(["stale", "--json"]) == 0
    stale = json.loads(capsys.readouterr().out)
    assert stale == [{"note": added["id"], "symbol": "app/users.py::UserService.refresh", "kind": "symbol",
                      "status": "stale", "to": None, "reason": "body changed (signature unchanged)", "severity": "high"}]
    assert main(["note", "show", added["id"][:6]]) == 0  # a unique prefix is enough
    out = capsys.readouterr().out
    assert "[stale] app/users.py::UserService.refresh" in out and "-    return 1" in out and "+    return 5" in out
    assert main(["note", "confirm", added["id"]]) == 0
    assert main(["note", "list", "--status", "stale", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.split("\n", 1)[1]) == []
    assert main(["undo"]) == 0 and "undid confirm" in capsys.readouterr().out
    assert main(["history", added["id"], "--json"]) == 0
    assert [h["op"] for h in json.loads(capsys.readouterr().out)] == ["undo", "confirm", "add"]
    assert main(["note", "show", "zzzzzz"]) == 2


def test_stdin_text(project):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    p = subprocess.run([sys.executable, "-m", "tether.core.cli", "--repo", str(project.root), "note", "add", "-"],
                       input="from stdin\n\nwith *markdown*\n", capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    assert project.note(p.stdout.strip()).text == "from stdin\n\nwith *markdown*"


def test_two_processes_adding_notes_at_once(project):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    script = ("import sys\nfrom tether.core.project import Project\np = Project(sys.argv[1])\n"
              "for i in range(15):\n    p.add_note(f'{sys.argv[2]} {i}', symbols=['UserService.reset'])\n")
    procs = [subprocess.Popen([sys.executable, "-c", script, str(project.root), name], env=env) for name in "ab"]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    texts = sorted(n.text for n in project.all_notes())
    assert texts == sorted(f"{name} {i}" for name in "ab" for i in range(15))


def test_confirm_follows_a_move_and_refuses_an_orphan(project):
    moved = project.add_note("reset is idempotent", symbols=["UserService.reset"])
    gone = project.add_note("admin is a stub", files=["app/admin.py"])
    (project.root / "app/users.py").write_text(FILES["app/users.py"].replace("def reset", "def reset_all"))
    (project.root / "app/admin.py").unlink()
    assert {s.note_id: s.status for s in project.stale()} == {moved.id: "moved", gone.id: "orphaned"}
    project.confirm_notes([moved.id])
    assert [l.target for l in project.note(moved.id).links] == ["app/users.py::UserService.reset_all"]
    assert project.views([project.note(moved.id)])[0].status == "fresh"
    before = project.history(gone.id)
    with pytest.raises(TetherError, match="app/admin.py is gone and nothing matches it") as err:
        project.confirm_notes([gone.id])
    assert err.value.exit_code == 2 and project.history(gone.id) == before


def test_relink_takes_a_moved_and_changed_suggestion(make_project):
    body = "def long_function_name(a, b):\n    total = a + b\n    return total * 2\n"
    p, repo = make_project({"a.py": body + "\ndef keep():\n    return 0\n"})
    p.index()
    n = p.add_note("doubles the sum", symbols=["long_function_name"])
    (p.root / "a.py").write_text("def keep():\n    return 0\n")
    (p.root / "b.py").write_text(body.replace("* 2", "* 3"))
    [st] = p.stale()
    assert (st.status, st.to) == ("moved", "b.py::long_function_name")
    p.relink_note(n.id)
    assert [l.target for l in p.note(n.id).links] == ["b.py::long_function_name"]


def test_relink_names_the_link_it_changes(project):
    n = project.add_note("one link", symbols=["UserService.refresh"])
    with pytest.raises(NotFound, match="has no link to 'zzz'"):
        project.relink_note(n.id, old="zzz", new="Admin.refresh")
    two = project.add_note("two links", symbols=["UserService.refresh", "UserService.reset"])
    with pytest.raises(TetherError, match="say which with --link"):
        project.relink_note(two.id, new="Admin.refresh")
    project.relink_note(two.id, old="reset", new="Admin.refresh")
    assert [l.target for l in project.note(two.id).links] == [
        "app/users.py::UserService.refresh", "app/admin.py::Admin.refresh"]


def test_list_finds_notes_on_a_symbol_that_is_gone(project):
    n = project.add_note("admins refresh by hand", symbols=["Admin.refresh"])
    (project.root / "app/admin.py").unlink()
    project.index()
    assert [v.note.id for v in project.find_notes(symbol="app/admin.py::Admin.refresh")] == [n.id]
    assert [v.note.id for v in project.find_notes(symbol="Admin.refresh")] == [n.id]
    with pytest.raises(NotFound, match="unknown symbol 'Nothing.here'"):
        project.find_notes(symbol="Nothing.here")


def test_cli_note_commands_share_at_once_and_refuse_bad_input(project, capsys, monkeypatch):
    monkeypatch.chdir(project.root)
    assert main(["note", "add", "shared right away", "--link", "UserService.refresh"]) == 0
    nid = capsys.readouterr().out.strip()
    assert nid in (project.root / ".tether/notes" / f"{nid}.md").read_text()
    assert main(["note", "rm", nid]) == 0
    assert not (project.root / ".tether/notes" / f"{nid}.md").exists()
    assert main(["undo"]) == 0
    assert (project.root / ".tether/notes" / f"{nid}.md").exists()
    capsys.readouterr()
    assert main(["note", "add", "x", "--tag", " "]) == 2
    assert capsys.readouterr().err == "tether: empty tag\n"
    monkeypatch.setenv("EDITOR", "/nonexistent/editor")
    assert main(["note", "edit", nid]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot run the editor" in err


def test_bad_stdin_and_no_database(make_project, tmp_path):
    p, _ = make_project({"a.py": "def f():\n    return 1\n"})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    tether = [sys.executable, "-m", "tether.core.cli", "--repo", str(p.root)]
    for args, code, err in ((["undo"], 1, "tether: nothing to undo\n"), (["history"], 0, "")):
        r = subprocess.run(tether + args, capture_output=True, text=True, env=env)
        assert (r.returncode, r.stderr) == (code, err)
    assert not (p.root / ".tether").exists()
    r = subprocess.run(tether + ["note", "add", "-"], input=b"\xff\xfe", capture_output=True, env=env)
    assert r.returncode == 2 and r.stderr == b"tether: the text on stdin is not UTF-8 (byte 0)\n"


def test_pin_from_the_cli_is_kept_shared_and_undone(project, capsys, monkeypatch):
    from tether.core.sharing import parse, render

    monkeypatch.chdir(project.root)
    assert main(["note", "add", "Rules of the house: small commits.", "--pin"]) == 0
    nid = capsys.readouterr().out.split()[0]
    assert project.note(nid).pinned
    assert main(["note", "show", nid, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["pinned"] is True
    text = (project.root / ".tether" / "notes" / f"{nid}.md").read_text("utf-8")
    assert "\npinned = true\n" in text and parse(text, nid).pinned
    assert main(["note", "edit", nid, "--no-pin"]) == 0
    assert not project.note(nid).pinned
    assert "pinned" not in render(project.note(nid))  # an unpinned note's file is as before the flag
    assert main(["undo"]) == 0
    assert project.note(nid).pinned
