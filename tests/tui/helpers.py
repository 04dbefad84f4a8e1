"""Helpers for the TUI tests: drive the app, wait for its workers, read the database."""

from __future__ import annotations

import time

from tether.core.project import Project
from tether.tui.screenshots import make_app, settle  # noqa: F401 (used by the tests)


def note_with(project: Project, text: str, states=("active", "archived", "deleted")):
    """The one note whose text contains `text` (deleted ones included)."""
    found = [n for n in project.all_notes(states) if text in n.text]
    assert len(found) == 1, [n.text for n in found]
    return found[0]


def status_of(project: Project, note_id: str) -> str:
    return project.views([project.note(note_id)])[0].status


def notifications(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def wait_for(pilot, condition, timeout: float = 60.0) -> float:
    """Pause until `condition()` holds; returns the seconds it took. `timeout` is a deadline for a
    loaded machine, not a speed target (those are benchmarks)."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"condition not met within {timeout}s")
        await pilot.pause(0.05)
    return time.monotonic() - start


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(c, c) for c in text])


def plain(widget) -> str:
    """The text a Static shows, whatever renderable it holds."""
    from io import StringIO

    from rich.console import Console

    console = Console(file=StringIO(), width=200, color_system=None, legacy_windows=False)
    console.print(widget.content)
    return console.file.getvalue()
