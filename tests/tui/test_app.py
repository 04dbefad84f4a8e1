"""Everywhere: help, the command palette, re-indexing in a worker, live refresh from another
process, errors as notifications, and how the CLI opens the app."""

from __future__ import annotations

import asyncio
import sys
import threading

from textual.widgets import DataTable

from tests.helpers import git_repo
from tests.tui.helpers import make_app, notifications, plain, settle, type_text, wait_for
from tether.core import cli
from tether.core.errors import TetherError
from tether.core.project import Project
from tether.tui.app import TetherApp
from tether.tui.screens.help import HelpScreen
from tether.tui.widgets.modebar import ModeBar
from tether.tui.widgets.symbol_tree import SymbolTree


async def test_help_lists_every_screens_keys(demo):
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(plain(s) for s in app.screen.query("Static"))
        for expected in ("Browse", "Notes", "Triage", "Capsule", "Pick for capsule", "Unlink", "Sort", "Confirm",
                         "Relink", "Write the capsule into CLAUDE.md", "Diff", "Re-index", "command palette",
                         "orphaned"):
            assert expected in text, expected
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_every_footer_fits_in_80_columns(demo):
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        for mode in ("browse", "notes", "triage", "capsule"):
            app.switch_mode(mode)
            await settle(pilot)
            keys = sorted((k.region for k in app.screen.query("FooterKey")), key=lambda r: r.x)
            assert len(keys) >= 5 and all(r.width for r in keys), mode
            assert all(a.right <= b.x for a, b in zip(keys, keys[1:])), (mode, keys)  # none hides another
            assert keys[-1].right <= 80, mode


async def test_number_keys_switch_screens(demo):
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key, mode in (("2", "notes"), ("3", "triage"), ("4", "capsule"), ("1", "browse")):
            await pilot.press(key)
            await settle(pilot)
            assert app.current_mode == mode
            assert "3 Triage (11)" in plain(app.screen.query_one("#modebar-tabs"))


async def test_palette_jumps_to_a_symbol(demo):
    app = make_app(demo, mode="notes")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "deactivate")
        await pilot.pause(0.6)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "browse"
        assert app.screen.current == "api/users.py::UserService.deactivate"
        tree = app.screen.query_one("#tree", SymbolTree)
        assert tree.cursor_node.data.symbol.id == "api/users.py::UserService.deactivate"


async def test_palette_opens_triage(demo):
    app = make_app(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "open triage")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "triage"


async def test_reindex_runs_in_a_worker_with_progress(demo, monkeypatch):
    real_index = Project.index

    release = threading.Event()

    def slow_index(self, full=False, progress=None):
        progress(1, 4)
        assert release.wait(60)  # a long index: it ends only after the UI has answered a key
        return real_index(self, full=full, progress=progress)

    acquire = demo / "api" / "db.py"
    acquire.write_text(acquire.read_text().replace("conn = self._free.pop()", "conn = self._free.pop(0)"))
    monkeypatch.setattr(Project, "index", slow_index)
    app = make_app(demo, index_on_start=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.triage_count == 11
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.screen.query_one(ModeBar).has_class("-indexing"))
        await pilot.press("2")  # the UI answers while the index runs
        await wait_for(pilot, lambda: app.current_mode == "notes")
        assert app.indexing is not None
        release.set()
        await settle(pilot)
        assert app.indexing is None
        assert not app.screen.query_one(ModeBar).has_class("-indexing")
        assert any("1 parsed" in n for n in notifications(app))
        assert app.triage_count == 12  # the Pool note went stale


async def test_a_note_from_another_process_appears_within_two_seconds(demo):
    app = TetherApp(demo, poll=1.0, mode="notes")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#table", DataTable)
        assert table.row_count == 16
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tether.core.cli", "--repo", str(demo), "note", "add",
            "Added by the agent while the UI was open", "--link", "charge", "--source", "agent")
        assert await proc.wait() == 0
        await wait_for(pilot, lambda: table.row_count == 17)  # by the poll: nothing told the app
        assert any("Added by the agent" in v.note.text for v in app.screen.shown)
        await wait_for(pilot, lambda: app.summary == "17 notes")


async def test_a_reload_that_fails_is_tried_again_at_the_next_poll(demo, monkeypatch):
    """A note added by another process, and the reload it causes fails once (the database could
    not be read at that moment, not only 'busy'): the next poll reloads, though nothing changes
    again, and the note shows."""
    from tether.core.notes import NoteOps

    fail = []
    real = NoteOps.all_notes

    def flaky(self, *a, **k):
        if fail:
            fail.pop()
            raise TetherError(f"{self.store.path}: cannot open the database (IO Error: short read); "
                              "it is left untouched")
        return real(self, *a, **k)

    monkeypatch.setattr(NoteOps, "all_notes", flaky)
    app = TetherApp(demo, poll=0.5, mode="notes")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#table", DataTable)
        assert table.row_count == 16
        fail.append(True)
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tether.core.cli", "--repo", str(demo), "note", "add",
            "Added while the UI was open", "--link", "charge", "--source", "agent")
        assert await proc.wait() == 0
        await wait_for(pilot, lambda: not fail)  # the reload after the note failed
        await wait_for(pilot, lambda: table.row_count == 17 and app.summary == "17 notes")
        assert any("short read" in n for n in notifications(app))


def test_reloads_that_keep_failing_are_tried_less_and_less_often(demo):
    """Every failed job makes the next check report a change (a reload), the first time at once,
    then after waits that double up to a minute; a job that succeeds starts over."""
    from tether.tui.backend import Backend

    backend = Backend(demo)
    now = [1000.0]
    backend.clock = lambda: now[0]
    assert backend.changed() is not None  # the first look
    backend.forget()  # its reload failed
    reloads = []
    for _ in range(400):  # 200 s of polls, 0.5 s apart, every reload failing
        now[0] += 0.5
        if backend.changed() is not None:
            reloads.append(now[0])
            backend.forget()
    gaps = [b - a for a, b in zip(reloads, reloads[1:])]
    assert gaps[:4] == [0.5, 1.0, 2.0, 4.0] and gaps == sorted(gaps) and max(gaps) == 60.0
    backend.succeeded()
    backend.forget()
    now[0] += 0.5
    assert backend.changed() is not None


async def test_errors_in_workers_are_notifications(demo, monkeypatch):
    def broken(self, *a, **k):
        raise TetherError(f"{self.store.path}: cannot open the database (corrupt); it is left untouched")

    monkeypatch.setattr(Project, "show", broken)
    app = make_app(demo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.open_symbol("api/billing.py::charge")
        await settle(pilot)
        assert any("cannot open the database (corrupt)" in n for n in notifications(app))
        assert app.is_running


async def test_a_repository_never_indexed(tmp_path):
    root = tmp_path / "fresh"
    root.mkdir()
    git_repo(root, {"app.py": "def main():\n    return helper()\n\n\ndef helper():\n    return 1\n"})
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one("#tree", SymbolTree)
        await wait_for(pilot, lambda: "app.py" in tree._node_of)
        app.open_symbol("app.py::helper")
        await settle(pilot)
        assert app.screen.current == "app.py::helper"
        assert (root / ".tether" / "tether.duckdb").exists()
        assert app.triage_count == 0


# -- the command line opens the app -----------------------------------------------------------


def test_tether_without_a_command_opens_the_app_in_a_repository(demo, monkeypatch, tmp_path, capsys):
    opened = []
    monkeypatch.setattr(cli, "_open_tui", lambda root: opened.append(root) or 0)
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    monkeypatch.chdir(demo / "api")
    assert cli.main([]) == 0
    assert opened == [demo]
    assert cli.main(["--repo", str(demo)]) == 0
    assert opened == [demo, demo]
    outside = tmp_path / "plain"
    outside.mkdir()
    monkeypatch.chdir(outside)
    assert cli.main([]) == 0
    assert opened == [demo, demo]  # not a repository: the usage
    assert "usage: tether" in capsys.readouterr().out
    monkeypatch.setattr(cli, "_interactive", lambda: False)
    monkeypatch.chdir(demo)
    assert cli.main([]) == 0  # in a pipe: the usage, never the UI
    assert opened == [demo, demo]


def test_tether_demo_opens_the_app_unless_told_not_to(demo_template, monkeypatch, capsys):
    opened = []
    monkeypatch.setattr(cli, "_open_tui", lambda root: opened.append(root) or 0)
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    assert cli.main(["demo", "--path", str(demo_template)]) == 0
    assert opened == [demo_template]
    assert cli.main(["demo", "--path", str(demo_template), "--no-tui"]) == 0
    assert opened == [demo_template]
    out = capsys.readouterr().out
    assert f"demo project: {demo_template}" in out and "80 symbols" in out
