"""Snapshot tests (pytest-textual-snapshot): each screen on the demo project, one at 80x24.

The demo's note ids and times are fixed, and the app's clock is too, so the pictures are the
same on every run. After an intended change of the UI: pytest tests/tui --snapshot-update,
then look at the SVGs under __snapshots__/.
"""

from __future__ import annotations

from tests.tui.helpers import make_app, settle


def _before(*steps):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for step in steps:
            result = step(pilot)
            if result is not None:
                await result
            await settle(pilot)

    return run_before


def _open(target: str):
    return lambda pilot: pilot.app.open_symbol(target)


def _keys(*keys: str):
    return lambda pilot: pilot.press(*keys)


def test_browse(demo, snap_compare):
    assert snap_compare(make_app(demo), terminal_size=(120, 34),
                        run_before=_before(_open("api/users.py::UserService.refresh")))


def test_browse_80x24(demo, snap_compare):
    assert snap_compare(make_app(demo), terminal_size=(80, 24),
                        run_before=_before(_open("api/billing.py::charge")))


def test_browse_filter(demo, snap_compare):
    assert snap_compare(make_app(demo), terminal_size=(100, 30),
                        run_before=_before(_keys("slash", *"pool"), _keys("enter")))


def test_notes(demo, snap_compare):
    assert snap_compare(make_app(demo, mode="notes"), terminal_size=(120, 34), run_before=_before())


def test_notes_80x24(demo, snap_compare):
    assert snap_compare(make_app(demo, mode="notes"), terminal_size=(80, 24), run_before=_before())


def test_triage(demo, snap_compare):
    assert snap_compare(make_app(demo, mode="triage"), terminal_size=(120, 34), run_before=_before(_keys("down")))


def test_triage_80x24(demo, snap_compare):
    assert snap_compare(make_app(demo, mode="triage"), terminal_size=(80, 24), run_before=_before())


def test_capsule(demo, snap_compare):
    def pick(pilot):
        pilot.app.capsule_symbols[:] = ["api/users.py::UserService.refresh", "api/billing.py::charge"]

    assert snap_compare(make_app(demo), terminal_size=(120, 34), run_before=_before(pick, _keys("4")))


def test_capsule_80x24(demo, snap_compare):
    assert snap_compare(make_app(demo, mode="capsule"), terminal_size=(80, 24), run_before=_before())


def test_note_editor(demo, snap_compare):
    def steady(pilot):
        pilot.app.screen.query_one("#text").cursor_blink = False

    assert snap_compare(make_app(demo), terminal_size=(100, 30),
                        run_before=_before(_open("api/db.py::Pool.acquire"), _keys("a"), steady,
                                           _keys(*"Pool.acquire is where the lock goes.")))


def test_help(demo, snap_compare):
    assert snap_compare(make_app(demo), terminal_size=(80, 24), run_before=_before(_keys("question_mark")))
