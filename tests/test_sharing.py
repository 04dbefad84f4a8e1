"""Notes shared through git: export/import of .tether/notes/, merged by id, on real clones of
one origin (pygit2, local paths) with a real DuckDB per clone."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pygit2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tether.core.cli import main
from tether.core.model import NOTE_TYPES, Anchor, Link, Note
from tether.core.notes import snapshot
from tether.core.project import _GITIGNORE, Project
from tether.core.sharing import (FormatError, export_if_enabled, export_notes, import_notes, parse, render)
from tests.helpers import SIG, commit, git_repo, write_files

CODE = {
    "app.py": "def load(path):\n    return open(path).read()\n\n\nclass Cache:\n    def get(self, key):\n"
              "        return load(key)\n",
    "util.py": "def helper():\n    return 1\n",
}
ALL = ("active", "archived", "deleted")


# -- git plumbing ---------------------------------------------------------------------------------


@pytest.fixture
def origin(tmp_path) -> Path:
    """A bare repository with CODE on main: what teammates clone, push to and pull from."""
    seed = tmp_path / "seed"
    seed.mkdir()
    git_repo(seed, {**CODE, ".tether/.gitignore": _GITIGNORE})  # committed once, after tether init
    bare = tmp_path / "origin.git"
    pygit2.clone_repository(str(seed), str(bare), bare=True)
    return bare


def clone(origin: Path, dest: Path) -> tuple[Project, pygit2.Repository]:
    repo = pygit2.clone_repository(str(origin), str(dest))
    project = Project(dest)
    sync(project)
    return project, repo


def push(repo) -> None:
    repo.remotes["origin"].push(["refs/heads/main:refs/heads/main"])


def pull(repo) -> list[str]:
    """git pull: fetch, then fast-forward or merge (committed when clean); the conflicted paths."""
    repo.remotes["origin"].fetch()
    theirs = repo.references["refs/remotes/origin/main"].target
    analysis, _ = repo.merge_analysis(theirs)
    if analysis & pygit2.GIT_MERGE_ANALYSIS_UP_TO_DATE:
        return []
    if analysis & pygit2.GIT_MERGE_ANALYSIS_FASTFORWARD:
        repo.checkout_tree(repo.get(theirs), strategy=pygit2.GIT_CHECKOUT_SAFE)
        repo.references["refs/heads/main"].set_target(theirs)
        return []
    repo.merge(theirs)
    if repo.index.conflicts is not None:
        return sorted({(ours or theirs_).path for _, ours, theirs_ in repo.index.conflicts})
    tree = repo.index.write_tree()
    sig = pygit2.Signature(*SIG)
    repo.create_commit("HEAD", sig, sig, "merge", tree, [repo.head.target, theirs])
    repo.state_cleanup()
    return []


def sync(project: Project):
    """`tether index`: it imports the notes git brought and exports local changes."""
    return project.index().notes_sync


def share(project: Project, repo, message: str = "notes") -> None:
    export_if_enabled(project)
    commit(repo, message)
    push(repo)


def notes_dir(project: Project) -> Path:
    return project.dir / "notes"


def note_files(project: Project) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(notes_dir(project).glob("*.md"))}


def by_id(project: Project, states=ALL) -> dict[str, Note]:
    return {n.id: n for n in project.all_notes(states)}


@pytest.fixture
def team(origin, tmp_path):
    """Two clones of one origin, each a Project indexed once."""
    alice = clone(origin, tmp_path / "alice")
    bob = clone(origin, tmp_path / "bob")
    return alice, bob


# -- round trip through git -------------------------------------------------------------------------


def test_teammates_notes_arrive_through_a_pull(team):
    (alice, arepo), (bob, brepo) = team
    n1 = alice.add_note("Cache.get reads through load(); no TTL.", symbols=["Cache.get"], files=["util.py"],
                        type="gotcha", tags=["perf", "cache"], source="agent", session="s-7")
    n2 = alice.add_note("Project-wide: run the indexer before the tests.", type="convention")
    n3 = alice.add_note("An old decision, kept for the record.", symbols=["load"], type="decision")
    alice.set_state([n3.id], "archived")
    secret = alice.add_note("my local scratch note", private=True)
    share(alice, arepo)

    assert pull(brepo) == []
    assert bob.all_notes(ALL) == []
    result = sync(bob)
    assert sorted(result.imported.added) == sorted([n1.id, n2.id, n3.id])
    assert result.imported.errors == [] and result.imported.conflicts == []

    mine, theirs = by_id(alice), by_id(bob)
    assert secret.id not in theirs
    for nid in (n1.id, n2.id, n3.id):
        assert snapshot(theirs[nid]) == snapshot(mine[nid])  # every field and anchor, exactly
    assert theirs[n3.id].state == "archived"
    assert "def get(self, key)" in theirs[n1.id].links[0].anchor.text
    # bob's export afterwards is a no-op: the files are already his notes, byte for byte
    assert note_files(bob) == note_files(alice)
    assert export_notes(bob).written == []

    # the import is one undoable batch, recorded as git's
    rows = [h for h in bob.history() if h["op"] == "import"]
    assert {h["actor"] for h in rows} == {"git"} and {h["note"] for h in rows} == {n1.id, n2.id, n3.id}
    assert sorted(nid for _, nid in bob.undo()) == sorted([n1.id, n2.id, n3.id])
    assert bob.all_notes(ALL) == []


def test_sync_is_idle_when_nothing_changed(team):
    (alice, arepo), (bob, brepo) = team
    alice.add_note("first")
    share(alice, arepo)
    pull(brepo)
    sync(bob)
    again = sync(bob)
    assert again.imported is None and again.exported is None  # nothing changed: nothing done


def test_two_branches_adding_notes_merge_without_conflict(team):
    (alice, arepo), (bob, brepo) = team
    a = alice.add_note("alice's note", symbols=["load"])
    share(alice, arepo, "alice")
    b = bob.add_note("bob's note", symbols=["Cache.get"])
    export_if_enabled(bob)
    commit(brepo, "bob")  # diverged from origin: the pull is a real merge

    assert pull(brepo) == []  # no conflict anywhere, .tether/notes/ included
    assert brepo.head.peel(pygit2.Commit).parents.__len__() == 2
    sync(bob)
    assert set(by_id(bob)) == {a.id, b.id}
    push(brepo)

    pull(arepo)
    sync(alice)
    assert set(by_id(alice)) == {a.id, b.id}
    assert note_files(alice) == note_files(bob)


def note_both_have(team, clock, stamp: str):
    """A note alice added at `stamp`, shared, and bob imported: both in sync."""
    (alice, arepo), (bob, brepo) = team
    clock(stamp)
    n = alice.add_note("v1")
    share(alice, arepo)
    pull(brepo)
    sync(bob)
    return n


def test_the_newer_update_wins(team, clock):
    (alice, arepo), (bob, brepo) = team
    n = note_both_have(team, clock, "2030-01-01T00:00:00Z")

    clock("2030-01-02T00:00:00Z")
    alice.edit_note(n.id, text="v2 from alice")
    share(alice, arepo)
    pull(brepo)
    result = sync(bob)
    assert result.imported.updated == [n.id]
    assert bob.note(n.id).text == "v2 from alice"
    assert bob.note(n.id).updated_at == "2030-01-02T00:00:00Z"


def test_never_synced_the_newer_update_wins(make_project, clock):
    """No base (this database never synced the file): the newer wins, no conflict either way."""
    project, _ = make_project(CODE)
    clock("2030-01-02T00:00:00Z")
    older, newer = project.add_note("older here"), project.add_note("newer here")
    write_files(notes_dir(project), {
        f"{older.id}.md": render(dataclasses.replace(older, text="newer there", updated_at="2030-01-03T00:00:00Z")),
        f"{newer.id}.md": render(dataclasses.replace(newer, text="older there", updated_at="2030-01-01T00:00:00Z")),
    })
    result = import_notes(project)
    assert result.updated == [older.id] and result.unchanged == [newer.id] and result.conflicts == []
    assert project.note(older.id).text == "newer there"
    assert export_notes(project).written == [newer.id]  # the file now holds the newer version
    assert parse(note_files(project)[f"{newer.id}.md"]).text == "newer here"


def test_a_change_only_in_the_file_is_taken_whatever_its_time_stamp(team, clock):
    """Alice's clock is behind: her edit carries an older stamp than the version bob has; bob did
    not change the note since the last sync, so the edit is taken (and not overwritten again)."""
    (alice, arepo), (bob, brepo) = team
    n = note_both_have(team, clock, "2030-01-02T00:00:00Z")

    clock("2030-01-01T00:00:00Z")
    alice.edit_note(n.id, text="v2 from alice, clock behind")
    share(alice, arepo)
    pull(brepo)
    result = sync(bob)
    assert result.imported.updated == [n.id] and result.imported.conflicts == []
    assert bob.note(n.id).text == "v2 from alice, clock behind"
    assert export_notes(bob).written == [] and brepo.status() == {}


def test_both_changed_the_newer_file_wins_and_undo_brings_the_local_one_back(team, clock):
    (alice, arepo), (bob, brepo) = team
    n = note_both_have(team, clock, "2030-01-01T00:00:00Z")
    clock("2030-01-02T00:00:00Z")
    bob.edit_note(n.id, text="bob's edit, not exported yet")
    clock("2030-01-03T00:00:00Z")
    alice.edit_note(n.id, text="alice's later edit")
    share(alice, arepo)

    pull(brepo)
    result = sync(bob)
    assert result.imported.updated == [n.id]
    [(nid, path, reason)] = result.imported.conflicts
    assert (nid, path) == (n.id, f".tether/notes/{n.id}.md")
    assert "changed here and in the file" in reason and "tether undo" in reason
    assert bob.note(n.id).text == "alice's later edit"
    assert brepo.status() == {}  # the export left alice's file as it came
    assert bob.undo() == [("import", n.id)]
    assert bob.note(n.id).text == "bob's edit, not exported yet"


def test_both_changed_the_newer_local_note_wins_and_the_file_is_held(team, clock):
    (alice, arepo), (bob, brepo) = team
    n = note_both_have(team, clock, "2030-01-01T00:00:00Z")
    clock("2030-01-02T00:00:00Z")
    alice.edit_note(n.id, text="alice's edit")
    share(alice, arepo)
    clock("2030-01-03T00:00:00Z")
    bob.edit_note(n.id, text="bob's later edit, not exported yet")

    pull(brepo)
    result = sync(bob)
    rel = f".tether/notes/{n.id}.md"
    assert result.imported.updated == [] and [c[:2] for c in result.imported.conflicts] == [(n.id, rel)]
    assert "kept the local note" in result.imported.conflicts[0][2]
    assert "tether import --theirs" in result.imported.conflicts[0][2]
    assert bob.note(n.id).text == "bob's later edit, not exported yet"
    # alice's version stays in the file: not overwritten by this export, the next ones or the next index
    path = notes_dir(bob) / f"{n.id}.md"
    assert [h[:2] for h in result.exported.held] == [(n.id, rel)]
    assert [h[0] for h in export_notes(bob).held] == [n.id]
    assert sync(bob).imported is None and brepo.status() == {}
    assert [c[0] for c in import_notes(bob).conflicts] == [n.id]  # an explicit import reports it again

    result = import_notes(bob, theirs=True)
    assert result.updated == [n.id] and bob.note(n.id).text == "alice's edit"
    bob.undo()
    # editing the note here resolves the conflict for the local side (import agrees, export writes it)
    clock("2030-01-04T00:00:00Z")
    bob.edit_note(n.id, text="bob's merged version")
    result = import_notes(bob)
    assert result.conflicts == [] and result.unchanged == [n.id]
    assert export_notes(bob).written == [n.id] and parse(path.read_bytes()).text == "bob's merged version"


def test_the_cli_prints_sync_conflicts(team, clock, capsys):
    (alice, arepo), (bob, brepo) = team
    n = note_both_have(team, clock, "2030-01-01T00:00:00Z")
    clock("2030-01-02T00:00:00Z")
    alice.edit_note(n.id, text="alice's edit")
    share(alice, arepo)
    clock("2030-01-03T00:00:00Z")
    bob.edit_note(n.id, text="bob's later edit")
    pull(brepo)

    root = str(brepo.workdir)
    assert main(["--repo", root, "index"]) == 0
    out = capsys.readouterr().out
    assert f"conflict {n.id} (.tether/notes/{n.id}.md): changed here and in the file" in out
    assert main(["--repo", root, "import"]) == 1
    assert f"conflict {n.id} (.tether/notes/{n.id}.md): " in capsys.readouterr().out


def test_an_edit_reaching_the_other_clone_through_git_only(team, clock):
    """Both sides unchanged since the last sync except one: that one wins even at equal stamps."""
    (alice, arepo), (bob, brepo) = team
    clock("2030-01-01T00:00:00Z")
    n = alice.add_note("v1", symbols=["load"])
    share(alice, arepo)
    pull(brepo)
    sync(bob)
    # alice confirms within the same second (same stamp): bob's copy did not change since the sync
    text = (notes_dir(alice) / f"{n.id}.md").read_text("utf-8")
    note = dataclasses.replace(alice.note(n.id), tags=["moved"])
    (notes_dir(alice) / f"{n.id}.md").write_text(render(note), "utf-8")
    assert text != render(note)
    commit(arepo, "retag")
    push(arepo)
    pull(brepo)
    result = sync(bob)
    assert result.imported.updated == [n.id] and result.imported.conflicts == []
    assert bob.note(n.id).tags == ["moved"]


def test_a_true_conflict_is_reported_and_nothing_is_lost(team, clock):
    (alice, arepo), (bob, brepo) = team
    n = note_both_have(team, clock, "2030-01-01T00:00:00Z")

    clock("2030-01-02T00:00:00Z")  # both edit at the same second
    bob.edit_note(n.id, text="bob's version")
    path = notes_dir(bob) / f"{n.id}.md"
    theirs = dataclasses.replace(bob.note(n.id), text="alice's version")
    path.write_text(render(theirs), "utf-8")  # as a merge would leave it

    result = sync(bob)
    rel = f".tether/notes/{n.id}.md"
    assert [(c[0], c[1]) for c in result.imported.conflicts] == [(n.id, rel)]
    assert "same time stamp" in result.imported.conflicts[0][2]
    assert bob.note(n.id).text == "bob's version"  # the local one stays
    # ... and the incoming one is not overwritten by the export
    assert [h[:2] for h in result.exported.held] == [(n.id, rel)]
    assert parse(path.read_bytes()).text == "alice's version"
    assert [h[0] for h in export_if_enabled(bob).held] == [n.id]
    assert sync(bob).imported is None  # reported once per change of the file, not at every index
    assert [c[0] for c in import_notes(bob).conflicts] == [n.id]  # an explicit import reports it again

    # resolve: take theirs (undoable), or keep ours by editing
    result = import_notes(bob, theirs=True)
    assert result.updated == [n.id] and bob.note(n.id).text == "alice's version"
    bob.undo()
    assert bob.note(n.id).text == "bob's version"
    clock("2030-01-03T00:00:00Z")
    bob.edit_note(n.id, text="bob's merged version")
    assert export_notes(bob).written == [n.id]
    assert parse(path.read_bytes()).text == "bob's merged version"


def test_a_git_merge_conflict_in_a_note_is_reported_and_the_rest_imports(team, clock):
    (alice, arepo), (bob, brepo) = team
    n = note_both_have(team, clock, "2030-01-01T00:00:00Z")
    clock("2030-01-02T00:00:00Z")
    alice.edit_note(n.id, text="alice's edit")
    other = alice.add_note("another note of alice")
    share(alice, arepo)
    clock("2030-01-03T00:00:00Z")
    bob.edit_note(n.id, text="bob's edit")
    export_if_enabled(bob)
    commit(brepo, "bob edits")

    assert pull(brepo) == [f".tether/notes/{n.id}.md"]
    result = sync(bob)
    assert result.imported.errors == [(f".tether/notes/{n.id}.md", result.imported.errors[0][1])]
    assert "conflict markers" in result.imported.errors[0][1]
    assert result.imported.added == [other.id]
    assert bob.note(n.id).text == "bob's edit"
    assert "<<<<<<<" in (notes_dir(bob) / f"{n.id}.md").read_text("utf-8")  # left for the user to resolve


def test_files_git_brings_back_for_private_or_deleted_notes_are_removed_again(team, clock):
    (alice, arepo), _ = team
    clock("2030-01-01T00:00:00Z")
    private = alice.add_note("made private later")
    deleted = alice.add_note("deleted later")
    archived = alice.add_note("archived later")
    share(alice, arepo)
    clock("2030-01-02T00:00:00Z")
    alice.edit_note(private.id, private=True)
    alice.set_state([deleted.id], "deleted")
    alice.set_state([archived.id], "archived")
    assert sorted(sync(alice).exported.removed) == sorted([private.id, deleted.id])
    shared = note_files(alice)  # archived notes are shared: the file stays, marked archived

    arepo.checkout_index(strategy=pygit2.GIT_CHECKOUT_FORCE, paths=[f".tether/notes/{private.id}.md",
                                                                    f".tether/notes/{deleted.id}.md"])
    assert len(note_files(alice)) == 3  # git checkout -- .tether/notes brought both files back
    result = sync(alice)
    assert sorted(result.imported.unshared) == sorted([private.id, deleted.id])
    assert sorted(result.exported.removed) == sorted([private.id, deleted.id])
    assert note_files(alice) == shared and parse(shared[f"{archived.id}.md"]).state == "archived"
    assert alice.note(private.id).private and alice.note(deleted.id).state == "deleted"
    assert sync(alice).imported is None


def test_a_note_a_teammate_deleted_is_kept_but_not_brought_back(team):
    (alice, arepo), (bob, brepo) = team
    n = alice.add_note("soon deleted by bob")
    share(alice, arepo)
    pull(brepo)
    sync(bob)
    bob.set_state([n.id], "deleted")
    share(bob, brepo)  # bob's export removed the file

    pull(arepo)
    result = sync(alice)
    assert result.imported is None  # nothing to import: a removed file deletes nothing here
    assert alice.note(n.id).state == "active"
    assert [m[0] for m in import_notes(alice).missing] == [n.id]
    export_if_enabled(alice)
    assert not (notes_dir(alice) / f"{n.id}.md").exists()  # and alice's next commit does not resurrect it
    assert arepo.status() == {}


# -- export --------------------------------------------------------------------------------------


def test_export_is_stable_and_rewrites_nothing(make_project):
    project, _ = make_project(CODE)
    project.index()
    project.add_note("one\nwith '''quotes''' and \"double\" and a \\ backslash", symbols=["Cache.get"],
                     tags=["b", "a"])
    project.add_note("two", files=["app.py"])
    first = export_notes(project)
    assert len(first.written) == 2
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in notes_dir(project).iterdir()}
    second = export_notes(project)
    assert second.written == [] and second.removed == [] and sorted(second.unchanged) == sorted(first.written)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in notes_dir(project).iterdir()} == before
    # rendering is canonical: render(parse(file)) is the file
    for data, _ in before.values():
        if data.startswith(b"+++"):
            assert render(parse(data)).encode() == data
    assert not list(notes_dir(project).glob("*.tmp")) and not list(notes_dir(project).glob(".*.tmp"))


def test_only_changed_notes_are_rewritten(make_project):
    project, _ = make_project(CODE)
    a = project.add_note("a")
    b = project.add_note("b")
    export_notes(project)
    mtime = (notes_dir(project) / f"{b.id}.md").stat().st_mtime_ns
    project.edit_note(a.id, text="a2")
    result = export_notes(project)
    assert result.written == [a.id] and result.unchanged == [b.id]
    assert (notes_dir(project) / f"{b.id}.md").stat().st_mtime_ns == mtime


def test_private_notes_are_never_exported(make_project):
    project, _ = make_project(CODE)
    shared = project.add_note("shared")
    private = project.add_note("private: my token is in here", private=True)
    result = export_notes(project)
    assert result.written == [shared.id]
    assert set(note_files(project)) == {f"{shared.id}.md"}
    assert not any(b"my token" in data for data in note_files(project).values())
    # making a shared note private withdraws its file
    project.edit_note(shared.id, private=True)
    assert export_notes(project).removed == [shared.id]
    assert note_files(project) == {}
    assert private.id in by_id(project)


def test_deleting_a_note_removes_its_file(make_project):
    project, _ = make_project(CODE)
    a = project.add_note("to delete")
    b = project.add_note("to purge")
    c = project.add_note("to archive")
    export_notes(project)
    project.set_state([a.id], "deleted")
    project.purge_notes([b.id])
    project.set_state([c.id], "archived")
    result = export_notes(project)
    assert sorted(result.removed) == sorted([a.id, b.id]) and result.written == [c.id]
    assert set(note_files(project)) == {f"{c.id}.md"}
    assert parse(note_files(project)[f"{c.id}.md"]).state == "archived"
    project.set_state([a.id], "active")  # restored: shared again
    assert export_notes(project).written == [a.id]


def test_export_never_removes_a_teammates_file_it_has_not_imported(make_project):
    project, _ = make_project(CODE)
    project.add_note("mine")
    export_notes(project)
    stranger = Note("zzzzzzzzzz", "a teammate's note", "insight", [], "user", None, "2030-01-01T00:00:00Z",
                    "2030-01-01T00:00:00Z", None, "active", False)
    path = notes_dir(project) / "zzzzzzzzzz.md"
    path.write_text(render(stranger), "utf-8")
    result = export_notes(project)
    assert result.removed == [] and [h[0] for h in result.held] == ["zzzzzzzzzz"]
    assert path.exists()
    assert import_notes(project).added == ["zzzzzzzzzz"]


def test_a_file_git_removed_is_not_written_back(make_project):
    """A branch without the note, or a teammate deleted it: kept locally, not resurrected in git."""
    project, _ = make_project(CODE)
    n = project.add_note("on a branch only")
    export_notes(project)
    (notes_dir(project) / f"{n.id}.md").unlink()
    result = sync(project)
    assert result.imported is None
    result = export_notes(project)
    assert result.written == [] and [m[0] for m in result.missing] == [n.id]
    assert [m[0] for m in import_notes(project).missing] == [n.id]
    assert project.note(n.id).state == "active"
    project.edit_note(n.id, text="changed here: shared again")
    assert export_notes(project).written == [n.id]


def test_auto_export_off(make_project):
    project, _ = make_project({**CODE, ".tether/config.toml": "[notes]\nauto_export = false\n"})
    project.add_note("kept local until tether export")
    assert export_if_enabled(project) is None
    assert sync(project).exported is None
    assert not notes_dir(project).exists()
    assert len(export_notes(project).written) == 1


def test_sync_after_index_exports_local_changes_once(make_project):
    project, _ = make_project(CODE)
    n = project.add_note("added without a hook")
    result = sync(project)
    assert result.exported.written == [n.id]
    assert sync(project).exported is None


# -- import errors ----------------------------------------------------------------------------------


BAD = {
    "bad-toml": "+++\nid = \"bad-toml\nx\n+++\ntext\n",
    "no-front": "just some text\n",
    "no-close": "+++\nid = \"no-close\"\n",
    "wrong-id": None,  # filled below
    "no-text": None,
    "bad-type": None,
    "bad-stamp": None,
    "unknown-key": "+++\nid = \"unknown-key\"\nflavour = \"x\"\n+++\ntext\n",
}


def _note(nid: str, **kw) -> Note:
    base = Note(nid, "text", "insight", [], "user", None, "2030-01-01T00:00:00Z", "2030-01-01T00:00:00Z", None,
                "active", False)
    return dataclasses.replace(base, **kw)


def test_malformed_files_are_reported_and_the_rest_imports(make_project):
    project, _ = make_project(CODE)
    project.index()
    files = dict(BAD)
    files["wrong-id"] = render(_note("other-id"))
    files["no-text"] = render(_note("no-text", text="   "))
    files["bad-type"] = render(_note("bad-type")).replace('type = "insight"', 'type = "rumour"')
    files["bad-stamp"] = render(_note("bad-stamp", updated_at="yesterday"))
    folder = notes_dir(project)
    write_files(folder, {f"{k}{'.md'}": v for k, v in files.items()})
    (folder / "not-utf8.md").write_bytes(b"+++\nid = \"\xff\"\n+++\nx\n")
    (folder / "good.md").write_text(render(_note("good", text="fine")), "utf-8")

    result = import_notes(project)  # never raises
    assert result.added == ["good"]
    errors = dict(result.errors)
    assert set(errors) == {f".tether/notes/{k}.md" for k in [*files, "not-utf8"]}
    assert "invalid TOML" in errors[".tether/notes/bad-toml.md"]
    assert "does not match the file name" in errors[".tether/notes/wrong-id.md"]
    assert "text is empty" in errors[".tether/notes/no-text.md"]
    assert "unknown type" in errors[".tether/notes/bad-type.md"]
    assert "2024-05-01T10:00:00Z" in errors[".tether/notes/bad-stamp.md"]
    assert "unknown key 'flavour'" in errors[".tether/notes/unknown-key.md"]
    assert "UTF-8" in errors[".tether/notes/not-utf8.md"]
    assert project.note("good").text == "fine"
    # the export leaves files it cannot read alone
    held = {h[1] for h in export_notes(project).held}
    assert ".tether/notes/bad-toml.md" in held and (folder / "bad-toml.md").exists()


# -- the format ------------------------------------------------------------------------------------

_text = st.text(st.characters(codec="utf-8"), max_size=80)
_name = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20)
_hash = st.none() | st.text("0123456789abcdef", min_size=1, max_size=16)
_lines = st.lists(st.sampled_from(["+++", "+++ links", "'''", '"""', "", "x'", "\\", "\r", "\t", "<<<<<<< a",
                                   ">>>>>>> b", "=======", "+++ links ", "  indented"]) | _text, max_size=8)
_multi = _lines.map(lambda ls: "\n".join(ls))


@st.composite
def notes_(draw):
    links = draw(st.lists(st.builds(
        Link, target=_name, kind=st.sampled_from(["symbol", "file"]),
        anchor=st.builds(Anchor, code_hash=_hash, sig_hash=_hash, blind_hash=_hash, text=_multi, commit=_hash,
                         deps=st.dictionaries(_name, _hash.filter(bool), max_size=3)),
        moved_from=st.none() | _name), max_size=3))
    text = draw(_multi.filter(lambda t: t.strip()))
    return Note(draw(_name), text, draw(st.sampled_from(NOTE_TYPES)), draw(st.lists(_name, max_size=3)),
                draw(st.sampled_from(["user", "agent"])), draw(st.none() | _name), "2024-05-01T10:00:00Z",
                "2024-05-02T11:00:00Z", draw(_hash), draw(st.sampled_from(["active", "archived"])), False, links,
                draw(st.none() | _name))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(notes_())
def test_the_format_round_trips_exactly(note):
    text = render(note)
    assert parse(text.encode("utf-8"), note.id) == note
    assert render(parse(text)) == text


def test_format_example_reads_well():
    note = _note("3k9x2m7q1a", text="Cache.get reads through load().", type="gotcha", tags=["cache"],
                 links=[Link("app.py::Cache.get", "symbol",
                             Anchor("c1", "s1", "b1", "def get(self, key):\n    return load(key)", "abc",
                                    {"app.py::load": "c2"}))])
    text = render(note)
    assert text.startswith('+++\nid = "3k9x2m7q1a"\ntype = "gotcha"\n')
    assert "+++\nCache.get reads through load().\n\n+++ links\n[[links]]\n" in text
    assert "anchor_text = '''\ndef get(self, key):\n    return load(key)'''\n" in text
    assert text.endswith('[links.deps]\n"app.py::load" = "c2"\n')


def test_crlf_checkout_is_read():
    text = render(_note("crlfnote01", text="line one\nline two"))
    assert parse(text.replace("\n", "\r\n").encode()).text == "line one\nline two"
    with pytest.raises(FormatError):
        parse(b"")
