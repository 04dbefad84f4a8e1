"""Generate the README's screenshots (SVG) of every screen, from the demo project.

    python -m tether.tui.screenshots [OUT_DIR]      (make screenshots)

The demo is built in a temporary directory with fixed note ids and times, and the app runs
headless against a fixed clock, so the same code gives the same pictures on every machine.
The tests use `build_demo` and `settle` too.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from textual.worker import WorkerCancelled

# The demo's notes were written the day of its first commit; the app looks at them the day after
# its second one.
NOTES_TIME = datetime(2024, 3, 1, 11, 15, tzinfo=timezone.utc)
CLOCK = datetime(2024, 3, 5, 9, 0, tzinfo=timezone.utc)


@contextmanager
def fixed_notes(seed: int = 7):
    """Note ids from a seeded generator and note times from a fixed clock (one minute apart)."""
    from unittest import mock

    from tether.core import notes

    rng = random.Random(seed)
    alphabet = notes._ALPHABET
    ticks = iter(range(10**6))

    def new_id() -> str:
        return "".join(rng.choice(alphabet) for _ in range(notes.ID_LENGTH))

    def now() -> str:
        return (NOTES_TIME + timedelta(minutes=next(ticks))).strftime("%Y-%m-%dT%H:%M:%SZ")

    with mock.patch.object(notes, "new_note_id", new_id), mock.patch.object(notes, "now", now):
        yield


def build_demo(dest: Path) -> Path:
    """The demo project at `dest`, with deterministic note ids and times."""
    from tether.core import demo

    with fixed_notes():
        return demo.prepare(dest).root


def clock() -> datetime:
    return CLOCK


async def settle(pilot, rounds: int = 6) -> None:
    """Wait until the app's workers and what they started are done and the screen is painted."""
    app = pilot.app
    for _ in range(rounds):
        for worker in list(app.workers):
            try:
                await worker.wait()
            except WorkerCancelled:  # superseded by a newer job of its group: not an error
                pass
        await pilot.pause()  # the screen has handled what the workers posted
        await pilot.pause(0.02)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def make_app(root: Path, **kwargs):
    from tether.tui.app import TetherApp

    return TetherApp(root, poll=None, clock=clock, **kwargs)


async def _shoot(root: Path, out: Path, name: str, size: tuple[int, int], steps) -> Path:
    app = make_app(root)
    path = out / f"{name}.svg"
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for step in steps:
            result = step(pilot)
            if asyncio.iscoroutine(result):
                await result
            await settle(pilot)
        for widget in app.screen.query("Input, TextArea"):
            widget.cursor_blink = False  # a steady cursor: the same picture every time
        await settle(pilot)
        app.save_screenshot(path.name, str(out))
    return path


def _press(*keys: str):
    async def step(pilot):
        await pilot.press(*keys)

    return step


def _open(target: str):
    return lambda pilot: pilot.app.open_symbol(target)


def _mode(name: str):
    async def step(pilot):
        await pilot.app.switch_mode(name)

    return step


def _pick(*targets: str):
    def step(pilot):
        pilot.app.capsule_symbols[:] = list(targets)

    return step


SHOTS = [
    ("browse", (120, 34), [_open("api/users.py::UserService.refresh")]),
    ("browse-80x24", (80, 24), [_open("api/billing.py::charge")]),
    ("notes", (120, 34), [_mode("notes")]),
    ("triage", (120, 34), [_mode("triage"), _press("down")]),
    ("capsule", (120, 34), [_pick("api/users.py::UserService.refresh", "api/billing.py::charge"),
                            _mode("capsule")]),
    ("note-editor", (120, 34), [_open("api/db.py::Pool.acquire"), _press("a"),
                                _press(*"Pool.acquire is the place to add the lock."),
                                _press("tab", "tab", "tab", "tab"), _press(*"Pool.rel")]),
    ("help", (120, 34), [_press("question_mark")]),
]


async def generate(out: Path, only: list[str] | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    made = []
    with tempfile.TemporaryDirectory(prefix="tether-shots-") as tmp:
        root = build_demo(Path(tmp) / "demo-shop")
        for name, size, steps in SHOTS:
            if only and name not in only:
                continue
            made.append(await _shoot(root, out, name, size, steps))
    return made


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else Path("screenshots")
    for path in asyncio.run(generate(out, argv[1:] or None)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
