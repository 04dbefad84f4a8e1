"""The journal: agent-side notes queued while another process holds the database, applied by
whichever process writes next — once, with their links, never lost."""

import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest

from tether.core import journal
from tether.core.cli import main
from tether.core.errors import StoreBusy
from tether.core.project import Project

FILES = {
    "app/users.py": "class UserService:\n    def refresh(self):\n        return 1\n\n    def reset(self):\n        return 2\n",
    "app/admin.py": "class Admin:\n    def refresh(self):\n        pass\n",
}
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
_HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("BEGIN")
print("holding", flush=True)
sys.stdin.readline()
"""


@contextmanager
def hold_database(project):
    """Another process keeps the database open for writing until the block ends."""
    proc = subprocess.Popen([sys.executable, "-c", _HOLDER, str(project.store.path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=ENV)
    try:
        assert proc.stdout.readline().strip() == "holding"
        yield proc
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


def impatient(project, queue_after=0.3, lock_timeout=1.0):
    """The same repository, with short waits for the database."""
    (project.dir / "config.toml").write_text(f"[store]\nlock_timeout = {lock_timeout}\nqueue_after = {queue_after}\n")
    return Project(project.root)


@pytest.fixture
def project(make_project):
    p, _ = make_project(FILES)
    p.index()
    return impatient(p)


# -- the file itself ----------------------------------------------------------------------


def test_append_read_remove(tmp_path):
    a = journal.append(tmp_path, [{"id": "a1", "text": "one", "type": "insight", "created_at": "t"}])
    b = journal.append(tmp_path, [{"id": "b1", "text": "two", "type": "insight", "created_at": "t", "junk": 1}])
    entries = journal.read(tmp_path)
    assert [e["entry"] for e in entries] == [a, b]
    assert "junk" not in entries[1]["drafts"][0] and entries[1]["drafts"][0]["symbols"] is None
    assert journal.pending(tmp_path)
    journal.remove(tmp_path, {a})
    assert [e["entry"] for e in journal.read(tmp_path)] == [b]
    journal.remove(tmp_path, {b})
    assert not journal.path(tmp_path).exists() and not journal.pending(tmp_path)


def test_a_torn_line_stays_alone_and_is_dropped(tmp_path):
    journal.append(tmp_path, [{"id": "a1", "text": "one", "type": "insight", "created_at": "t"}])
    with open(journal.path(tmp_path), "ab") as f:
        f.write(b'{"v": 1, "entry": "torn", "dra')  # a writer killed in mid-append
    b = journal.append(tmp_path, [{"id": "b1", "text": "two", "type": "insight", "created_at": "t"}])
    assert [e["drafts"][0]["id"] for e in journal.read(tmp_path)] == ["a1", "b1"]
    journal.remove(tmp_path, {b})
    assert journal.path(tmp_path).read_bytes().count(b"\n") == 1  # the torn line went with the rewrite
    assert [e["drafts"][0]["id"] for e in journal.read(tmp_path)] == ["a1"]


# -- queued while busy, applied at the next write ------------------------------------------------


def test_busy_database_queues_and_the_next_write_applies(project):
    patient = impatient(project, queue_after=0.3, lock_timeout=30.0)
    with hold_database(project):
        started = time.monotonic()
        queued = patient.add_note("pool is not thread-safe", symbols=["UserService.refresh"], type="gotcha",
                                  tags=["db"], source="agent", queue_if_busy=True)
        assert time.monotonic() - started < 15  # queue_after (0.3 s), not lock_timeout (30 s)
        assert queued.state == "queued" and queued.links == []
        assert [d["id"] for d in project.queued_notes()] == [queued.id]
        with pytest.raises(StoreBusy):  # a write that may not be queued still fails
            impatient(project).add_note("not from the agent")
    assert journal.pending(project.dir)
    other = project.add_note("a later note")  # any write applies the journal first
    assert not journal.pending(project.dir) and project.queued_notes() == []
    notes = {n.id: n for n in project.all_notes()}
    assert set(notes) == {queued.id, other.id}
    n = notes[queued.id]
    assert (n.text, n.type, n.tags, n.source, n.created_at) == ("pool is not thread-safe", "gotcha", ["db"], "agent",
                                                                queued.created_at)
    assert [l.target for l in n.links] == ["app/users.py::UserService.refresh"]
    assert n.links[0].anchor.text.startswith("def refresh")
    assert project.history(queued.id)[0]["op"] == "add"
    project.undo()  # the later note
    project.undo()  # the queued one: its own batch
    assert project.all_notes() == []


def test_applying_twice_adds_once(project):
    with hold_database(project):
        q = project.add_note("once", source="agent", queue_if_busy=True)
    line = journal.path(project.dir).read_text()
    project.index()  # an index run is a write too
    assert [n.id for n in project.all_notes()] == [q.id]
    journal.path(project.dir).write_text(line)  # as if killed after the commit, before trimming the journal
    project.add_note("another")
    assert sorted(n.text for n in project.all_notes()) == ["another", "once"]
    project.purge_notes([q.id])
    journal.path(project.dir).write_text(line)
    project.add_note("third")  # a purged note is in the history: not brought back either
    assert sorted(n.text for n in project.all_notes()) == ["another", "third"]
    assert not journal.pending(project.dir)


def test_a_name_that_no_longer_resolves_keeps_the_note(project):
    with hold_database(project):
        q = project.add_note("about refresh", symbols=["refresh", "UserService.reset"], files=["nope.py"],
                             source="agent", queue_if_busy=True)
    project.index()
    n = project.note(q.id)
    assert [l.target for l in n.links] == ["app/users.py::UserService.reset"]
    assert "unlinked" in n.tags
    assert n.text.startswith("about refresh\n\n(tether: not linked")
    assert "ambiguous symbol 'refresh'" in n.text and "unknown file 'nope.py'" in n.text


def test_malformed_entries_are_set_aside(project):
    journal.append(project.dir, [{"id": "x", "text": 5}])
    good = journal.append(project.dir, [{"id": "goodgood00", "text": "fine", "type": "todo", "created_at": "2026-01-01T00:00:00Z"}])
    project.add_note("trigger")
    assert sorted(n.text for n in project.all_notes()) == ["fine", "trigger"]
    rejected = (project.dir / journal.REJECTED).read_text().splitlines()
    assert len(rejected) == 1 and json.loads(rejected[0])["drafts"][0]["text"] == 5
    assert good and not journal.pending(project.dir)


def test_a_failing_apply_never_costs_the_callers_write(project, monkeypatch, capsys):
    with hold_database(project):
        q = project.add_note("queued", source="agent", queue_if_busy=True)

    def boom(con):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(project, "apply_journal", boom)
    n = project.add_note("mine")
    assert [x.id for x in project.all_notes()] == [n.id]
    assert "queued notes not applied yet (disk on fire)" in capsys.readouterr().err
    assert [d["id"] for d in project.queued_notes()] == [q.id]  # still waiting
    monkeypatch.undo()
    project.add_note("next")
    assert q.id in {x.id for x in project.all_notes()}


def test_journal_is_ignored_by_git(project):
    assert "journal*" in (project.dir / ".gitignore").read_text().splitlines()
    (project.dir / ".gitignore").write_text("tether.duckdb\n")  # written by an older tether
    project.index()
    assert (project.dir / ".gitignore").read_text() == "tether.duckdb\njournal*\nsessions/\n"


# -- the command line -----------------------------------------------------------------------


def test_note_add_while_busy_says_queued(project, capsys):
    with hold_database(project):
        assert main(["--repo", str(project.root), "note", "add", "learned", "--link", "UserService.reset",
                     "--source", "agent", "--json"]) == 0
        out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["queued"] is True and data["links"] == []
    assert f"note {data['id']} is queued" in err and err.count("\n") == 1
    assert main(["--repo", str(project.root), "note", "list", "--json"]) == 0  # a read does not apply it
    assert json.loads(capsys.readouterr().out) == []
    assert main(["--repo", str(project.root), "stale"]) == 0  # stale indexes: a write
    capsys.readouterr()
    assert [n.id for n in project.all_notes()] == [data["id"]]
