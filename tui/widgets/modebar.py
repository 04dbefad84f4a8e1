"""The bar at the top of every screen: the project, the screens (1–4), the triage count and
the progress of a running re-index."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

MODES = (("browse", "1", "Browse"), ("notes", "2", "Notes"), ("triage", "3", "Triage"), ("capsule", "4", "Capsule"))


class ModeBar(Horizontal):
    DEFAULT_CSS = """
    ModeBar {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    ModeBar #modebar-brand { padding: 0 1; text-style: bold; color: $accent; }
    ModeBar #modebar-tabs { width: 1fr; }
    ModeBar #index-progress { width: 24; display: none; }
    ModeBar.-indexing #index-progress { display: block; }
    ModeBar #index-progress Bar { width: 12; }
    ModeBar #modebar-status { padding: 0 1; color: $text-muted; }
    """

    def __init__(self, mode: str):
        super().__init__()
        self.mode = mode

    def compose(self) -> ComposeResult:
        yield Label(f"tether · {self.app.backend.project.root.name}", id="modebar-brand")
        yield Label(id="modebar-tabs")
        yield ProgressBar(id="index-progress", show_eta=False)
        yield Label(id="modebar-status")

    def on_mount(self) -> None:
        self.watch(self.app, "triage_count", self._show_tabs)
        self.watch(self.app, "indexing", self._show_indexing)
        self.watch(self.app, "summary", self._show_summary)

    def _show_tabs(self, count: int | None = None) -> None:
        count = self.app.triage_count
        parts = []
        for mode, key, title in MODES:
            label = title + (f" ({count})" if mode == "triage" and count else "")
            style = "reverse bold" if mode == self.mode else "not bold"
            parts.append(f"[{style} @click=app.switch_mode('{mode}')] {key} {label} [/]")
        self.query_one("#modebar-tabs", Label).update("".join(parts))

    def _show_indexing(self, progress) -> None:
        bar = self.query_one("#index-progress", ProgressBar)
        self.set_class(progress is not None, "-indexing")
        if progress is not None:
            bar.update(total=progress.total or None, progress=progress.done)

    def _show_summary(self, summary: str) -> None:
        self.query_one("#modebar-status", Label).update(summary)
