"""Triage: the queue after the demo's second commit, and every single-key decision, checked in
the database; the cursor moves on after each."""

from __future__ import annotations

from textual.widgets import Label, OptionList

from tests.tui.helpers import make_app, plain, note_with, notifications, settle, status_of, type_text
from tether.core.project import Project
from tether.tui.screens.modals import NoteEditor, PickSymbol
from tether.tui.screens.triage import TriageScreen


def _queue(screen) -> list[tuple[str, str]]:
    return [(it.link.status, it.link.target) for it in screen.items]


def _progress(screen) -> str:
    return str(screen.query_one("#progress", Label).render())


async def _go(screen, pilot, target: str) -> None:
    """Highlight the queue item of `target`."""
    queue = screen.query_one("#queue", OptionList)
    queue.highlighted = [t for _, t in _queue(screen)].index(target)
    await settle(pilot)


async def test_queue_progress_and_detail(demo):
    app = make_app(demo, mode="triage")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        assert _queue(screen) == [
            ("stale", "api/handlers.py::BillingHandler.post"),
            ("stale", "api/users.py::UserService.refresh"),
            ("stale", "web/src/components/Checkout.ts::Checkout.pay"),
            ("stale", "api/billing.py::charge"),
            ("moved", "api/util.py::normalize_email"),
            ("moved", "api/auth.py::check_token"),
            ("moved", "api/auth.py::TokenSigner"),
            ("orphaned", "api/export.py"),
            ("orphaned", "api/billing.py::apply_coupon"),
            ("suspect", "api/users.py::UserService.get"),
            ("suspect", "api/users.py::UserService.find_by_email"),
        ]
        assert _progress(screen).startswith("1 of 11")
        assert app.triage_count == 11
        await pilot.press("down", "down")
        await settle(pilot)
        assert _progress(screen).startswith("3 of 11")
        head = plain(screen.query_one("#item-head"))
        assert "Checkout.pay" in head and "body changed" in head
        diff = plain(screen.query_one("#item-diff"))
        assert "-  return this.client.post<ChargeResult>(\"/billing/charge\", { lines" in diff
        assert "+    currency: this.currency," in diff
        commits = plain(screen.query_one("#item-commits"))
        assert "Retry user refresh, charge in a currency" in commits and "2024-03-04" in commits
        await _go(screen, pilot, "api/auth.py::check_token")
        head = plain(screen.query_one("#item-head"))
        assert "suggestion: api/auth.py::verify_token" in head


async def test_confirm_moves_on(demo, project: Project):
    app = make_app(demo, mode="triage")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        note = note_with(project, "billing handler charges")
        assert status_of(project, note.id) == "stale"
        await pilot.press("c")
        await settle(pilot)
        assert status_of(project, note.id) == "fresh"
        assert len(screen.items) == 10
        assert screen.current().link.target == "api/users.py::UserService.refresh"  # the next one
        assert _progress(screen).startswith("1 of 10 · 1 done")
        assert app.triage_count == 10


async def test_confirm_a_suspect(demo, project: Project):
    app = make_app(demo, mode="triage")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await _go(screen, pilot, "api/users.py::UserService.get")
        await pilot.press("c")
        await settle(pilot)
        assert status_of(project, note_with(project, "burst of unknown ids").id) == "fresh"
        assert screen.current().link.target == "api/users.py::UserService.find_by_email"


async def test_relink_takes_the_suggestion(demo, project: Project):
    app = make_app(demo, mode="triage")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await _go(screen, pilot, "api/auth.py::check_token")
        await pilot.press("r")
        await settle(pilot)
        note = note_with(project, "before** the expiry")
        assert [l.target for l in note.links] == ["api/auth.py::verify_token"]
        assert status_of(project, note.id) == "fresh"
        assert screen.current().link.target == "api/auth.py::TokenSigner"


async def test_confirm_on_a_move_follows_it(demo, project: Project):
    app = make_app(demo, mode="triage")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _go(app.screen, pilot, "api/auth.py::TokenSigner")
        await pilot.press("c")
        await settle(pilot)
        note = note_with(project, "hmac.compare_digest")
        assert [l.target for l in note.links] == ["api/auth.py::HmacSigner"]
        assert status_of(project, note.id) == "fresh"


async def test_pick_another_symbol_for_an_orphan(demo, project: Project):
    app = make_app(demo, mode="triage")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await _go(screen, pilot, "api/billing.py::apply_coupon")
        await pilot.press("c")  # nothing to confirm against: a warning, nothing changes
        await settle(pilot)
        assert any("orphaned" in n for n in notifications(app))
        note = note_with(project, "LAUNCH10")
        assert status_of(project, note.id) == "orphaned"
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PickSymbol)
        await type_text(pilot, "add_line")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert [l.target for l in project.note(note.id).links] == ["api/billing.py::Invoice.add_line"]
        assert status_of(project, note.id) == "fresh"
        assert screen.current().link.target == "api/users.py::UserService.get"


async def test_archive_skip_and_undo(demo, project: Project):
    app = make_app(demo, mode="triage")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await _go(screen, pilot, "api/export.py")
        await pilot.press("x")
        await settle(pilot)
        note = note_with(project, "CSV export is a one-off")
        assert project.note(note.id).state == "archived"
        assert screen.current().link.target == "api/billing.py::apply_coupon"
        assert len(screen.items) == 10
        # skip: the cursor moves, the database does not
        before = project.history(limit=1)[0]["seq"]
        await pilot.press("s")
        await settle(pilot)
        assert screen.current().link.target == "api/users.py::UserService.get"
        assert project.history(limit=1)[0]["seq"] == before
        # undo: the archived note is back in the queue, highlighted
        await pilot.press("u")
        await settle(pilot)
        assert project.note(note.id).state == "active"
        assert len(screen.items) == 11
        assert screen.current().link.target == "api/export.py"
        assert _progress(screen).endswith("0 done")


async def test_edit_rewrites_and_reanchors_and_one_undo_reverts_both(demo, project: Project):
    app = make_app(demo, mode="triage")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await _go(screen, pilot, "api/billing.py::charge")
        await pilot.press("e")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        editor.query_one("#text").text = "`charge()` takes minor units (an int) and an ISO currency code."
        await pilot.press("ctrl+s")
        await settle(pilot)
        note = note_with(project, "ISO currency code")
        assert status_of(project, note.id) == "fresh"
        assert ("stale", "api/billing.py::charge") not in _queue(screen)
        await pilot.press("u")
        await settle(pilot)
        back = project.note(note.id)
        assert "**cents**" in back.text and status_of(project, note.id) == "stale"
        assert screen.current().link.target == "api/billing.py::charge"


async def test_empty_queue(demo, project: Project):
    ids = sorted({s.note_id for s in project.stale(reindex=False)})
    project.set_state(ids, "archived")
    app = make_app(demo, mode="triage")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.items == []
        assert "nothing to triage" in _progress(app.screen)
        await pilot.press("c")
        assert any("nothing to triage" in n for n in notifications(app))
