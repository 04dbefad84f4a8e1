"""TetherApp: four screens (modes) over one project, kept live by a cheap poll."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive

from tether.tui.backend import Backend, DataChanged, Jobs, Progress, Recheck
from tether.tui.commands import TetherCommands
from tether.tui.screens.browse import BrowseScreen
from tether.tui.screens.capsule import CapsuleScreen
from tether.tui.screens.notes import NotesScreen
from tether.tui.screens.triage import TriageScreen


class IndexProgress(Message):
    def __init__(self, progress: Progress | None):
        super().__init__()
        self.progress = progress


class TetherApp(Jobs, App):
    TITLE = "tether"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {TetherCommands}
    MODES = {"browse": BrowseScreen, "notes": NotesScreen, "triage": TriageScreen, "capsule": CapsuleScreen}
    DEFAULT_MODE = "browse"
    BINDINGS = [
        Binding("1", "switch_mode('browse')", "Browse", show=False, id="mode.browse"),
        Binding("2", "switch_mode('notes')", "Notes", show=False, id="mode.notes"),
        Binding("3", "switch_mode('triage')", "Triage", show=False, id="mode.triage"),
        Binding("4", "switch_mode('capsule')", "Capsule", show=False, id="mode.capsule"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("u", "undo", "Undo", id="app.undo"),
        Binding("ctrl+r", "reindex", "Re-index", show=False, id="app.reindex"),
        Binding("ctrl+t", "change_theme", "Theme", show=False, id="app.theme"),
        Binding("q", "quit", "Quit", show=False, id="app.quit"),
    ]

    triage_count: reactive[int | None] = reactive(None)
    indexing: reactive[Progress | None] = reactive(None)
    summary: reactive[str] = reactive("")

    def __init__(self, root: str | Path, *, poll: float | None = 1.0, index_on_start: bool = True,
                 clock: Callable[[], datetime] | None = None, mode: str | None = None):
        """`poll`: seconds between checks for changes by other processes (None: never).
        `clock`: the time ages are shown against (tests fix it)."""
        if mode:
            self.DEFAULT_MODE = mode  # the screen to open first
        super().__init__()
        self.backend = Backend(root)
        self.poll = poll
        self.index_on_start = index_on_start
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.generation = 0  # bumped on every DataChanged; screens compare it on resume
        self.capsule_symbols: list[str] = []  # picked in Browse for the capsule's focus
        self.pending_symbol: str | None = None  # for Browse to show when it comes up
        self.theme = "textual-dark"

    @property
    def project(self):
        return self.backend.project

    def on_mount(self) -> None:
        self.title = f"tether · {self.project.root.name}"
        if self.index_on_start:
            self.reindex(quiet=True)
        else:
            self.check_data(True)
        if self.poll:
            self.set_interval(self.poll, self.check_data, name="poll")

    # -- live data ---------------------------------------------------------------------

    def check_data(self, force: bool = False) -> None:
        self._poll(force)

    @work(thread=True, group="poll", exit_on_error=False)
    def _poll(self, force: bool) -> None:
        try:
            version = self.backend.changed(force)
        except Exception:  # a poll never bothers the user; the next one tries again
            return
        if version is not None:
            self.post_message(DataChanged(version))

    def on_recheck(self, message: Recheck) -> None:
        self.check_data(True)

    def on_data_changed(self, message: DataChanged) -> None:
        self.generation += 1
        for screen in self.screen_stack:
            if hasattr(screen, "data_changed"):
                screen.data_changed()
        self.run_job(_status, self._show_status, group="status", exclusive=True)

    def _show_status(self, status: tuple[int, int]) -> None:
        notes, queue = status
        self.triage_count = queue
        self.summary = f"{notes} note{'s' * (notes != 1)}"

    def now(self) -> datetime:
        return self.clock()

    # -- indexing ----------------------------------------------------------------------

    def action_reindex(self) -> None:
        self.reindex(quiet=False)

    def reindex(self, quiet: bool) -> None:
        if self.indexing is not None:
            self.notify("already re-indexing", timeout=3)
            return
        self.indexing = Progress(0, 0)
        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if now - last[0] > 0.1 or done == total:
                last[0] = now
                self.post_message(IndexProgress(Progress(done, total)))

        def job(project):
            project.init()
            return project.index(progress=progress)

        self.run_job(job, lambda report: self._indexed(report, quiet), group="index",
                     failed=lambda _: setattr(self, "indexing", None), write=True)

    def on_index_progress(self, message: IndexProgress) -> None:
        if self.indexing is not None:
            self.indexing = message.progress

    def _indexed(self, report, quiet: bool) -> None:
        self.indexing = None
        if quiet and not (report.parsed or report.removed):
            return
        text = (f"{report.files} files ({report.parsed} parsed, {report.removed} removed), "
                f"{report.symbols} symbols in {report.seconds:.2f}s")
        if report.skipped:
            text += f"; {len(report.skipped)} skipped"
        self.notify(text, title="index updated", timeout=4)

    # -- actions everywhere ------------------------------------------------------------

    def action_help(self) -> None:
        from tether.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_undo(self) -> None:
        self.run_job(lambda p: p.undo(), self._undone, group="undo", write=True)

    def _undone(self, reverted: list[tuple[str, str]]) -> None:
        ops = ", ".join(sorted({op for op, _ in reverted}))
        self.notify(f"undid {ops} of {len(reverted)} note{'s' * (len(reverted) != 1)}", timeout=4)

    async def action_copy_capsule(self) -> None:
        await self.switch_mode("capsule")
        self.screen.request("copy")

    async def action_write_claude_md(self) -> None:
        await self.switch_mode("capsule")
        self.screen.request("write")

    def action_add_note(self) -> None:
        """A new note; from Browse it is linked to the selected symbol."""
        if hasattr(self.screen, "action_add_note"):
            self.screen.action_add_note()
            return
        from tether.tui.screens.modals import NoteEditor

        self.push_screen(NoteEditor(), lambda n: n and self.notify(f"added note {n.id}", timeout=3))

    def open_symbol(self, target: str) -> None:
        """Show a symbol (or file) in Browse."""
        self.pending_symbol = target
        if self.current_mode == "browse" and hasattr(self.screen, "take_pending"):
            self.screen.take_pending()
        else:
            self.switch_mode("browse")

    def pick_for_capsule(self, target: str) -> bool:
        """Toggle a symbol in the capsule's focus; True when it is now picked."""
        if target in self.capsule_symbols:
            self.capsule_symbols.remove(target)
            return False
        self.capsule_symbols.append(target)
        return True


def _status(project) -> tuple[int, int]:
    queue = {(s.note_id, s.target) for s in project.stale(reindex=False)}
    return len(project.all_notes()), len(queue)
