"""Notes: the table, its filters and sort; add (with link autocomplete), edit, link, unlink,
archive, delete, pin and undo, each checked in the database afterwards."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, OptionList, Select

from tests.tui.helpers import make_app, note_with, notifications, settle, type_text, wait_for
from tether.core.errors import TetherError
from tether.core.project import Project
from tether.tui.screens.modals import ChooseOne, NoteEditor, PickSymbol
from tether.tui.screens.notes import NotesScreen


def _ids(screen) -> list[str]:
    return [v.note.id for v in screen.shown]


def _select(screen, note_id: str) -> None:
    table = screen.query_one("#table", DataTable)
    table.move_cursor(row=_ids(screen).index(note_id))


async def test_table_filters_and_sort(demo, project: Project):
    app = make_app(demo, mode="notes")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NotesScreen)
        table = screen.query_one("#table", DataTable)
        assert table.row_count == 16
        # sorted by status, worst first
        statuses = [v.status for v in screen.shown]
        assert statuses[:2] == ["orphaned", "orphaned"] and statuses[-1] == "fresh"
        # search
        await pilot.press("slash")
        await type_text(pilot, "coupon")
        await settle(pilot)
        assert table.row_count == 1
        assert "LAUNCH10" in screen.shown[0].note.text
        await pilot.press("enter", "escape")
        await settle(pilot)
        assert table.row_count == 16
        # status and type filters
        screen.query_one("#status", Select).value = "stale"
        await settle(pilot)
        assert {v.status for v in screen.shown} == {"stale"} and table.row_count == 4
        screen.query_one("#type", Select).value = "decision"
        await settle(pilot)
        assert table.row_count == 2
        await pilot.press("escape")
        await settle(pilot)
        # sort cycles: status -> age (newest first) -> type
        await pilot.press("s")
        stamps = [v.note.updated_at for v in screen.shown]
        assert stamps == sorted(stamps, reverse=True)
        await pilot.press("s")
        types = [v.note.type for v in screen.shown]
        assert types == sorted(types)
        # a preview of the highlighted note
        assert screen.selected().note.text in screen.query_one("#preview-text").source


async def test_add_with_link_autocomplete(demo, project: Project):
    app = make_app(demo, mode="notes")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        editor.query_one("#text").text = "Pool sizes above 8 exhaust sqlite's file handles on CI"
        editor.query_one("#type", Select).value = "gotcha"
        editor.query_one("#tags", Input).value = "ci, db"
        link_box = editor.query_one("#link-input Input", Input)
        link_box.focus()
        await type_text(pilot, "Pool.acq")
        await settle(pilot)
        suggestions = editor.query_one("#suggestions", OptionList)
        assert suggestions.option_count >= 1
        assert "api/db.py::Pool.acquire" in str(suggestions.get_option_at_index(0).prompt)
        await pilot.press("enter")  # takes the first suggestion
        await type_text(pilot, "users.py")
        await settle(pilot)
        await pilot.press("down", "down")  # into the list, then to the next suggestion
        highlighted = editor.query_one("#suggestions", OptionList).highlighted
        target = editor.query_one("SymbolInput")._suggestions[highlighted].target
        await pilot.press("enter")
        assert [t for t, _ in editor.links] == ["api/db.py::Pool.acquire", target]
        # remove the second link again
        links = editor.query_one("#links", OptionList)
        links.focus()
        links.highlighted = 1
        await pilot.press("delete")
        assert [t for t, _ in editor.links] == ["api/db.py::Pool.acquire"]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NotesScreen)
        note = note_with(project, "exhaust sqlite's file handles")
        assert note.type == "gotcha" and note.tags == ["ci", "db"]
        assert [(l.target, l.kind) for l in note.links] == [("api/db.py::Pool.acquire", "symbol")]
        assert note.id in _ids(app.screen)
        # one undo removes it
        await pilot.press("u")
        await settle(pilot)
        assert not [n for n in project.all_notes() if "file handles" in n.text]
        assert note.id not in _ids(app.screen)


@pytest.mark.parametrize("text, why", [("", "empty"),
                                       ("the deploy key is AKIA4QWJZ7XKPL2M3N5R", "AWS Access Key at line 1, column 19")])
async def test_add_refuses_and_keeps_the_dialog(demo, project: Project, text, why):
    app = make_app(demo, mode="notes")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        app.screen.query_one("#text").text = text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor)  # still open, nothing lost
        error = str(app.screen.query_one("#error").render())
        assert why in error and "AKIA" not in error  # a secret is named by kind and place, never shown
        assert app.screen.query_one("#text").text == text and len(project.all_notes()) == 16
        await pilot.press("escape")
        assert isinstance(app.screen, NotesScreen)


async def test_edit(demo, project: Project):
    app = make_app(demo, mode="notes")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        note = note_with(project, "LAUNCH10")
        _select(screen, note.id)
        await pilot.press("e")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, NoteEditor) and editor.note.id == note.id
        area = editor.query_one("#text")
        area.text = "The LAUNCH10 campaign was extended to April."
        editor.query_one("#type", Select).value = "insight"
        await pilot.press("ctrl+s")
        await settle(pilot)
        after = project.note(note.id)
        assert after.text == "The LAUNCH10 campaign was extended to April." and after.type == "insight"
        assert "extended to April" in app.screen.query_one("#preview-text").source


async def test_link_and_unlink(demo, project: Project):
    app = make_app(demo, mode="notes")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        note = note_with(project, "python -m api.server")  # project-wide
        _select(screen, note.id)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, PickSymbol)
        await type_text(pilot, "main")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert [l.target for l in project.note(note.id).links] == ["api/server.py::main"]
        await pilot.press("L")
        await settle(pilot)
        assert isinstance(app.screen, ChooseOne)
        await pilot.press("enter")
        await settle(pilot)
        assert project.note(note.id).links == []
        await pilot.press("u")  # undo the unlink
        await settle(pilot)
        assert [l.target for l in project.note(note.id).links] == ["api/server.py::main"]


async def test_archive_delete_and_undo(demo, project: Project):
    app = make_app(demo, mode="notes")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        note = note_with(project, "LAUNCH10")
        _select(screen, note.id)
        await pilot.press("x")
        await settle(pilot)
        assert project.note(note.id).state == "archived"
        assert note.id not in _ids(screen)  # archived notes are hidden unless asked for
        await pilot.press("u")
        await settle(pilot)
        assert project.note(note.id).state == "active"
        _select(screen, note.id)
        await pilot.press("d")
        await settle(pilot)
        assert project.all_notes(("deleted",))[0].id == note.id
        assert any("deleted note" in n for n in notifications(app))
        await pilot.press("u")
        await settle(pilot)
        assert project.note(note.id).state == "active"
        assert note.id in _ids(screen)
        # archived notes shown on request, and restored with x
        _select(screen, note.id)
        await pilot.press("x")
        await settle(pilot)
        screen.query_one("#archived").value = True
        await settle(pilot)
        assert note.id in _ids(screen)
        _select(screen, note.id)
        await pilot.press("x")
        await settle(pilot)
        assert project.note(note.id).state == "active"
        # P pins it always on, again unpins; u undoes
        _select(screen, note.id)
        await pilot.press("P")
        await settle(pilot)
        assert project.note(note.id).pinned
        assert any("pinned: in every capsule" in n for n in notifications(app))
        _select(screen, note.id)
        await pilot.press("P")
        await settle(pilot)
        assert not project.note(note.id).pinned
        await pilot.press("u")
        await settle(pilot)
        assert project.note(note.id).pinned


async def test_enter_shows_the_note_in_browse(demo, project: Project):
    app = make_app(demo, mode="notes")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        note = note_with(project, "hmac.compare_digest")  # linked to TokenSigner, renamed HmacSigner
        _select(app.screen, note.id)
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "browse"
        assert app.screen.current == "api/auth.py::HmacSigner"


async def test_errors_are_notifications(demo, project: Project, monkeypatch):
    def busy(self, ids, state):
        raise TetherError("the database is busy (another process is writing)")

    monkeypatch.setattr(Project, "set_state", busy)
    app = make_app(demo, mode="notes")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert "the database is busy (another process is writing)" in notifications(app)
        assert app.is_running and isinstance(app.screen, NotesScreen)
        await wait_for(pilot, lambda: app.screen.query_one("#table", DataTable).row_count == 16)

