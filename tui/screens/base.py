"""What every mode screen shares: a reload when the data changed, done when it is shown."""

from __future__ import annotations

from textual.screen import Screen

from tether.tui.backend import Jobs


class TetherScreen(Jobs, Screen):
    """Subclasses implement `load()`: start the jobs that fetch what the screen shows."""

    def __init__(self) -> None:
        super().__init__()
        self._generation = -1

    def data_changed(self) -> None:
        """Notes or the index changed: reload now (the screen is in the visible stack)."""
        self.reload()

    def reload(self) -> None:
        self._generation = self.app.generation
        self.load()

    def load(self) -> None:
        raise NotImplementedError

    def on_screen_resume(self) -> None:
        if self._generation != self.app.generation:
            self.reload()
