"""Capsule: focus from Browse, task and budget; include and exclude; copy; write CLAUDE.md
after a confirmation showing the diff."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, OptionList

from tests.tui.helpers import make_app, note_with, notifications, plain, settle, type_text
from tether.core.project import Project
from tether.tui.screens.capsule import CapsuleScreen
from tether.tui.screens.modals import Confirm, PickSymbol


def _rows(screen) -> list[tuple[str, str]]:
    return [(r.note_id, r.state) for r in screen.rows]


async def test_focus_picked_in_browse(demo, project: Project):
    app = make_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_symbol("api/billing.py::charge")
        await settle(pilot)
        await pilot.press("p", "4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CapsuleScreen)
        assert "billing.py::charge" in plain(screen.query_one("#focus-line"))
        capsule = screen.capsule
        assert capsule.focus == ["api/billing.py::charge"]
        cents = note_with(project, "**cents**")
        assert capsule.notes[0].note.id == cents.id  # the note on charge itself ranks first
        assert "`api/billing.py::charge`" in screen.query_one("#capsule-preview").source
        counts = plain(screen.query_one("#counts"))
        assert f"~{capsule.tokens:,} tokens" in counts and f"{capsule.chars:,} chars" in counts
        assert [r.state for r in screen.rows] == ["in"] * len(capsule.notes) + ["omitted"] * len(capsule.omitted)


async def test_task_budget_include_exclude(demo, project: Project):
    app = make_app(demo, mode="capsule")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        whole = screen.capsule
        assert whole.focus == [] and len(whole.notes) == 14  # no focus: the whole project (orphans aside)
        # a task
        await pilot.press("t")
        await type_text(pilot, "token expiry")
        await pilot.press("enter")
        await pilot.pause(0.4)
        await settle(pilot)
        first = note_with(project, "before** the expiry")
        assert screen.capsule.focus == ['task "token expiry"']
        assert screen.capsule.notes[0].note.id == first.id
        # exclude the first note, then bring it back pinned
        options = screen.query_one("#capsule-notes", OptionList)
        options.focus()
        options.highlighted = 0
        await pilot.press("x")
        await settle(pilot)
        assert first.id not in [c.note.id for c in screen.capsule.notes]
        assert first.id not in screen.capsule.markdown
        assert (first.id, "excluded") in _rows(screen)
        options.highlighted = [r.note_id for r in screen.rows].index(first.id)
        await pilot.press("i")
        await settle(pilot)
        assert screen.capsule.notes[0].note.id == first.id and _rows(screen)[0] == (first.id, "pinned")
        # a smaller budget leaves notes out, and says which
        budget = screen.query_one("#budget", Input)
        budget.value = "150"
        await pilot.pause(0.4)
        await settle(pilot)
        assert screen.capsule.budget == 150 and screen.capsule.tokens <= 150
        omitted = {r.reason for r in screen.rows if r.state == "omitted"}
        assert "budget" in omitted and omitted <= {"budget", "not in focus"}
        await pilot.press("plus")
        await settle(pilot)
        assert budget.value == "650"


async def test_add_focus_and_diff(demo, project: Project):
    (demo / "api" / "util.py").write_text((demo / "api" / "util.py").read_text() + "\n\nPI = 3\n")
    app = make_app(demo, mode="capsule")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, PickSymbol)
        await type_text(pilot, "Session")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.capsule_symbols == ["web/src/session.ts::Session"]
        assert screen.capsule.notes[0].note.id == note_with(project, "shop.token").id
        await pilot.press("backspace")
        await settle(pilot)
        assert app.capsule_symbols == []
        await pilot.press("d")
        await settle(pilot)
        assert screen.query_one("#diff", Checkbox).value
        assert "changes" in plain(screen.query_one("#focus-line"))
        ids = [c.note.id for c in screen.capsule.notes]
        assert ids[0] == note_with(project, "lower-cased and stripped").id  # normalize_email lives in util.py


async def test_copy(demo, monkeypatch):
    copied = []
    import pyperclip

    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = make_app(demo, mode="capsule")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        markdown = app.screen.capsule.markdown
        assert app.clipboard == markdown  # the OSC 52 copy Textual sends to the terminal
        assert copied == [markdown]
        assert any(n.startswith("copied 14 notes") for n in notifications(app))


async def test_write_claude_md_after_confirming_the_diff(demo, project: Project):
    (demo / "CLAUDE.md").write_text("# House rules\n\nBe kind to the pool.\n")
    app = make_app(demo, mode="capsule")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        body = plain(app.screen.query_one("#body Static"))  # the diff of CLAUDE.md
        assert "+<!-- tether:begin -->" in body and "+## Notes from tether" in body
        assert " Be kind to the pool." in body  # context, unchanged
        await pilot.press("n")  # no: nothing written
        await settle(pilot)
        assert "tether:begin" not in (demo / "CLAUDE.md").read_text()
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        text = (demo / "CLAUDE.md").read_text()
        assert text.startswith("# House rules\n\nBe kind to the pool.\n")
        assert "<!-- tether:begin -->" in text and "## Notes from tether" in text
        assert any("CLAUDE.md: written" in n for n in notifications(app))
        await pilot.press("w")  # the same capsule again: nothing to do
        await settle(pilot)
        assert not isinstance(app.screen, Confirm)
        assert any("already holds this capsule" in n for n in notifications(app))


async def test_palette_actions_copy_and_write(demo, monkeypatch):
    import pyperclip

    monkeypatch.setattr(pyperclip, "copy", lambda text: None)
    app = make_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.run_action("copy_capsule")
        await settle(pilot)
        assert app.current_mode == "capsule" and app.clipboard == app.screen.capsule.markdown
        await app.run_action("write_claude_md")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
