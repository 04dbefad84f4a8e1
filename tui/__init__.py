"""tether.tui: the Textual terminal UI (browse, notes, triage, capsule). Built on tether.core only."""

from __future__ import annotations

from pathlib import Path


def run(root: str | Path, mode: str | None = None) -> int:
    """Open the app on the repository at `root`; returns the exit code."""
    from tether.tui.app import TetherApp

    TetherApp(root, mode=mode).run()
    return 0
