"""Browse: the lazy symbol tree, markers, the detail pane, following the graph, the filter."""

from __future__ import annotations


from textual.widgets import Input, Markdown, OptionList, Static, Tree

from tests.tui.helpers import make_app, plain, note_with, notifications, settle, type_text, wait_for
from tether.core.project import Project
from tether.tui.screens.browse import BrowseScreen
from tether.tui.screens.modals import NoteEditor
from tether.tui.widgets.symbol_tree import PROJECT, ProjectItem, SymbolTree


def _markdown(screen, selector: str) -> str:
    return screen.query_one(selector, Markdown).source


async def test_tree_is_lazy_and_marked(demo):
    app = make_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one("#tree", SymbolTree)
        assert isinstance(app.screen, BrowseScreen)
        top = [str(n.label).split(" ")[0] for n in tree.root.children]
        assert top[:3] == ["◆", "api/", "web/"] and "README.md" in top
        assert not tree._loaded  # no file's symbols were read yet
        api = tree._node_of["api"]
        assert "11" in str(api.label)  # 11 notes link into api/, the worst of them orphaned
        tree.select_node(api)
        api.expand()
        await settle(pilot)
        users = tree._node_of["api/users.py"]
        assert str(users.label).startswith("users.py") and "3!" in str(users.label)
        assert not users.children  # not loaded until expanded
        users.expand()
        await settle(pilot)
        assert tree._loaded == {"api/users.py"}
        service = tree._node_of["api/users.py::UserService"]
        assert [str(c.label).split(" ")[1] for c in service.children] == [
            "__init__", "get", "find_by_email", "refresh", "deactivate"]
        assert "1!" in str(tree._node_of["api/users.py::UserService.refresh"].label)  # stale
        assert "1?" in str(tree._node_of["api/users.py::UserService.get"].label)  # suspect


async def test_selecting_a_symbol_shows_notes_source_and_graph(demo):
    app = make_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_symbol("api/users.py::UserService.refresh")
        await settle(pilot)
        screen = app.screen
        tree = screen.query_one("#tree", SymbolTree)
        assert tree.cursor_node.data.symbol.id == "api/users.py::UserService.refresh"
        assert "api/users.py::UserService.refresh" in plain(screen.query_one("#detail-title", Static))
        notes = _markdown(screen, "#detail-notes")
        assert "reloads the **whole** user cache" in notes and "stale" in notes
        assert "REFRESH_ATTEMPTS" in screen._detail.source
        callers = screen.query_one("#callers", OptionList)
        assert [callers.get_option_at_index(i).id for i in range(callers.option_count)] == [
            "api/users.py::UserService.get"]
        callees = screen.query_one("#callees", OptionList)
        ids = [callees.get_option_at_index(i).id for i in range(callees.option_count)]
        assert "api/service.py::Service.query" in ids
        # follow a caller, then come back with backspace
        callers.focus()
        callers.highlighted = 0
        await pilot.press("enter")
        await settle(pilot)
        assert screen.current == "api/users.py::UserService.get"
        assert "burst of unknown ids" in _markdown(screen, "#detail-notes")
        assert tree.cursor_node.data.symbol.id == "api/users.py::UserService.get"
        await pilot.press("backspace")
        await settle(pilot)
        assert screen.current == "api/users.py::UserService.refresh"
        assert tree.cursor_node.data.symbol.id == "api/users.py::UserService.refresh"


async def test_a_moved_note_shows_where_the_code_went(demo):
    app = make_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_symbol("api/auth.py::verify_token")  # check_token, renamed: its note is still on the old id
        await settle(pilot)
        notes = _markdown(app.screen, "#detail-notes")
        assert "before** the expiry" in notes and "moved" in notes and "verify_token" in notes


async def test_filter_finds_symbols_by_fuzzy_id(demo):
    app = make_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("slash")
        assert screen.focused is screen.query_one("#filter", Input)
        await type_text(pilot, "usrfrsh")  # the characters of UserService.refresh, in order
        await settle(pilot)
        results = screen.query_one("#results", Tree)
        assert results.display
        leaves = [c.data.symbol.id for f in results.root.children for c in f.children]
        assert leaves == ["api/users.py::UserService.refresh"]
        await pilot.press("enter")  # into the results, on the best match
        await pilot.press("enter")
        await settle(pilot)
        assert not results.display  # the filter is gone, the full tree shows the symbol
        tree = screen.query_one("#tree", SymbolTree)
        assert tree.cursor_node.data.symbol.id == "api/users.py::UserService.refresh"
        assert screen.current == "api/users.py::UserService.refresh"
        await pilot.press("slash")
        await type_text(pilot, "zzzz")
        await settle(pilot)
        await pilot.press("escape")
        assert not screen.query_one("#tree-pane").has_class("-filtering")


async def test_add_a_note_linked_to_the_selected_symbol(demo, project: Project):
    app = make_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_symbol("api/db.py::Pool.release")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.links == [("api/db.py::Pool.release", "symbol")]
        await type_text(pilot, "Always ")  # typed into the text area, which has the focus
        area = app.screen.query_one("#text")
        area.insert("release(), even when the query fails")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BrowseScreen)
        note = note_with(project, "Always release(), even when the query fails")
        assert [l.target for l in note.links] == ["api/db.py::Pool.release"]
        assert "even when the query fails" in _markdown(app.screen, "#detail-notes")
        assert "1" in str(app.screen.query_one("#tree", SymbolTree)._node_of["api/db.py::Pool.release"].label)


async def test_project_wide_notes_have_the_first_row(demo, project: Project):
    wide = [n for n in project.all_notes() if not n.links]
    assert len(wide) == 2
    app = make_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one("#tree", SymbolTree)
        first = tree.root.children[0]
        assert isinstance(first.data, ProjectItem) and str(first.label).split() == ["◆", "project-wide", "2"]
        tree.move_cursor(first)
        await settle(pilot)
        notes = _markdown(app.screen, "#detail-notes")
        assert all(n.text.splitlines()[0] in notes for n in wide)
        assert "project-wide notes" in plain(app.screen.query_one("#detail-title", Static))
        await pilot.press("p")  # nothing to pick
        assert "select a symbol or a file first" in notifications(app)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor) and app.screen.links == []
        app.screen.query_one("#text").insert("Every endpoint returns JSON errors")
        await pilot.press("ctrl+s")
        await settle(pilot)
        added = note_with(project, "Every endpoint returns JSON errors")
        assert added.links == []
        await wait_for(pilot, lambda: (demo / ".tether/notes" / f"{added.id}.md").exists())  # shared at once
        assert "Every endpoint returns JSON errors" in _markdown(app.screen, "#detail-notes")
        assert str(tree.root.children[0].label).split() == ["◆", "project-wide", "3"]
        api = tree._node_of["api"]
        tree.move_cursor(api)
        await settle(pilot)
        assert "Every endpoint returns JSON errors" not in _markdown(app.screen, "#detail-notes")
        app.open_symbol(PROJECT)  # how the palette or backspace come back to it
        await settle(pilot)
        assert tree.cursor_node is tree.root.children[0]


async def test_pick_for_the_capsule(demo):
    app = make_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_symbol("api/billing.py::charge")
        await settle(pilot)
        await pilot.press("p")
        assert app.capsule_symbols == ["api/billing.py::charge"]
        assert "in capsule" in plain(app.screen.query_one("#detail-title", Static))
        await pilot.press("p")
        assert app.capsule_symbols == []
        assert any("unpicked" in n for n in notifications(app))


async def test_a_file_shows_its_notes_and_source(demo):
    app = make_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_symbol("api/billing.py")
        await settle(pilot)
        notes = _markdown(app.screen, "#detail-notes")
        assert "LAUNCH10" in notes and "**cents**" in notes  # orphaned apply_coupon and stale charge
        assert app.screen._detail.source.startswith('"""Invoices and card charges.')


async def test_a_hundred_thousand_symbols_open_at_once(demo, monkeypatch):
    """Only the top level is built: 20,000 files in 400 directories (100,000 symbols) cost one
    query and a few hundred tree nodes; a directory's children appear when it is expanded."""
    files = [(f"pkg{d:03d}/mod{f:02d}.py", "python", 5) for d in range(400) for f in range(50)]
    monkeypatch.setattr(Project, "files", lambda self: files)
    app = make_app(demo, index_on_start=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one("#tree", SymbolTree)
        await wait_for(pilot, lambda: len(tree.root.children) == 401)  # the project-wide row + 400
        assert len(tree._node_of) == 401
        tree._node_of["pkg007"].expand()
        await settle(pilot)
        assert len(tree._node_of) == 451
        assert not tree._loaded
