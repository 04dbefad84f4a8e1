"""Capsule: curate the notes to paste into a prompt.

The focus is any mix of the symbols picked in Browse (`p` there), symbols and files added
here (`f`), a task text and the working tree's changes (`d`). Every change rebuilds the
capsule in a worker: a live markdown preview with its token and character counts, and the
included and omitted notes with their scores. `i` pins a note in (first, whatever its score),
`x` drops it. `c` copies the capsule; `w` writes it into CLAUDE.md's tether block after
showing the diff.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Checkbox, Footer, Input, Label, Markdown, OptionList
from textual.widgets.option_list import Option

from tether.tui.format import diff_text, one_line, short_target
from tether.tui.screens.base import TetherScreen
from tether.tui.screens.modals import Confirm, PickSymbol
from tether.tui.widgets.modebar import ModeBar

BUDGET_STEP = 500


@dataclass(slots=True)
class Row:
    note_id: str
    title: str
    type: str
    score: float | None
    state: str  # "in" | "pinned" | "omitted" | "excluded"
    reason: str = ""


@dataclass(slots=True)
class Curation:
    include: list[str] = field(default_factory=list)  # pinned, in this order
    exclude: list[str] = field(default_factory=list)


class CapsuleScreen(TetherScreen):
    CSS_PATH = "capsule.tcss"
    BINDINGS = [
        Binding("c", "copy", "Copy", id="capsule.copy"),
        Binding("w", "write", "CLAUDE.md", tooltip="Write the capsule into CLAUDE.md", id="capsule.write"),
        Binding("i", "include", "Include", id="capsule.include"),
        Binding("x", "exclude", "Exclude", id="capsule.exclude"),
        Binding("f", "add_focus", "Focus", tooltip="Add a symbol to the focus", id="capsule.add_focus"),
        Binding("backspace", "drop_focus", "Focus −", show=False, id="capsule.drop_focus"),
        Binding("t", "task", "Task", id="capsule.task"),
        Binding("d", "toggle_diff", "Diff", show=False, id="capsule.diff"),
        Binding("plus,equals_sign", "budget(1)", "Budget +", show=False, id="capsule.budget_up"),
        Binding("minus", "budget(-1)", "Budget −", show=False, id="capsule.budget_down"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.files: list[str] = []  # focus files added here (symbols live in app.capsule_symbols)
        self.curation = Curation()
        self.capsule = None
        self.rows: list[Row] = []
        self._titles: dict[str, Row] = {}  # every note seen, to list excluded ones
        self._debounce: Timer | None = None
        self._budget: int | None = None
        self._pending: str | None = None  # an action asked for before the first capsule was built

    def compose(self) -> ComposeResult:
        yield ModeBar("capsule")
        with Horizontal(id="capsule-options"):
            yield Input(placeholder="t: task — what are you about to do?", id="task", compact=True)
            yield Checkbox("diff", id="diff", compact=True, tooltip="focus on the working tree's changes")
            yield Label(" budget ", classes="option-label")
            yield Input(placeholder="tokens", id="budget", compact=True, type="integer")
        yield Label(id="focus-line")
        with Horizontal(id="capsule-body"):
            with Vertical(id="notes-pane"):
                yield Label("", id="counts")
                yield OptionList(id="capsule-notes")
            with VerticalScroll(id="preview-pane"):
                yield Markdown(id="capsule-preview")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._budget = self.app.project.config.budget
        self.query_one("#budget", Input).value = str(self._budget)
        self.query_one("#capsule-notes", OptionList).focus()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self._show_focus()
        if self.capsule is not None:  # the symbols picked in Browse may have changed
            self.load()

    def request(self, action: str) -> None:
        """Copy or write on behalf of the command palette: now, or once the capsule is built."""
        if action == "copy" and self.capsule is None:
            self._pending = action
        else:
            getattr(self, f"action_{action}")()

    # -- the focus ---------------------------------------------------------------------

    def _focus(self) -> dict:
        task = self.query_one("#task", Input).value.strip() or None
        return {"symbols": list(self.app.capsule_symbols), "files": list(self.files), "task": task,
                "diff": "" if self.query_one("#diff", Checkbox).value else None}

    def _show_focus(self) -> None:
        f = self._focus()
        parts = [short_target(s) for s in f["symbols"]] + [p + " (file)" for p in f["files"]]
        text = Text("focus: ", style="bold")
        if parts:
            text.append(", ".join(parts))
        if f["diff"] is not None:
            text.append(("; " if parts else "") + "the uncommitted changes")
        if f["task"]:
            text.append(("; " if parts or f["diff"] is not None else "") + f'task "{one_line(f["task"], 40)}"')
        if not (parts or f["task"] or f["diff"] is not None):
            text.append("the whole project", style="italic")
            text.append("  (p in Browse or f here adds symbols; t a task; d the diff)", style="dim")
        self.query_one("#focus-line", Label).update(text)

    def action_task(self) -> None:
        self.query_one("#task", Input).focus()

    @on(Input.Changed, "#task")
    def _task_changed(self) -> None:
        self._show_focus()
        self._later()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.query_one("#capsule-notes", OptionList).focus()

    @on(Input.Changed, "#budget")
    def _budget_changed(self, event: Input.Changed) -> None:
        try:
            value = int(event.value)
        except ValueError:
            return
        if value > 0 and value != self._budget:
            self._budget = value
            self._later()

    def action_budget(self, direction: int) -> None:
        value = max(BUDGET_STEP, (self._budget or 0) + direction * BUDGET_STEP)
        self.query_one("#budget", Input).value = str(value)

    @on(Checkbox.Changed, "#diff")
    def _diff_changed(self) -> None:
        self._show_focus()
        self.load()

    def action_toggle_diff(self) -> None:
        box = self.query_one("#diff", Checkbox)
        box.value = not box.value

    def action_add_focus(self) -> None:
        def picked(choice) -> None:
            if choice is None:
                return
            target, kind = choice
            if kind == "file":
                if target not in self.files:
                    self.files.append(target)
            elif target not in self.app.capsule_symbols:
                self.app.capsule_symbols.append(target)
            self._show_focus()
            self.load()

        self.app.push_screen(PickSymbol("Add to the capsule's focus…"), picked)

    def action_drop_focus(self) -> None:
        if self.files:
            self.files.pop()
        elif self.app.capsule_symbols:
            self.app.capsule_symbols.pop()
        else:
            return
        self._show_focus()
        self.load()

    def _later(self) -> None:
        """Rebuild shortly after typing stops."""
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(0.3, self.load)

    # -- building ----------------------------------------------------------------------

    def load(self) -> None:
        focus = self._focus()
        budget = self._budget or self.app.project.config.budget
        include, exclude = list(self.curation.include), list(self.curation.exclude)
        now = self.app.now()

        def job(project):
            if not project.store.path.exists():
                return None
            return project.capsule(**focus, budget=budget, include=include, exclude=exclude, now=now)

        self._show_focus()
        self.run_job(job, self._built, group="capsule-build", exclusive=True)

    def _built(self, capsule) -> None:
        if capsule is None:
            return
        self.capsule = capsule
        pinned = set(self.curation.include)
        rows = [Row(c.note.id, c.note.title, c.note.type, c.score, "pinned" if c.note.id in pinned else "in")
                for c in capsule.notes]
        rows += [Row(c.note.id, c.note.title, c.note.type, c.score, "omitted", c.reason) for c in capsule.omitted]
        for r in rows:
            self._titles[r.note_id] = r
        rows += [Row(nid, self._titles[nid].title if nid in self._titles else "", "", None, "excluded")
                 for nid in self.curation.exclude]
        options = self.query_one("#capsule-notes", OptionList)
        old = options.highlighted
        self.rows = rows
        options.clear_options()
        width = max(20, options.size.width - 3)
        for r in rows:
            options.add_option(Option(_row_label(r, width)))
        if rows:
            options.highlighted = min(old or 0, len(rows) - 1)
        counts = Text()
        counts.append(f"~{capsule.tokens:,} tokens", style="bold")
        counts.append(f" · {capsule.chars:,} chars · budget {capsule.budget:,}", style="dim")
        counts.append(f"\n{len(capsule.notes)} in", style="green")
        counts.append(f" · {len(capsule.omitted)} omitted", style="yellow" if capsule.omitted else "dim")
        if self.curation.exclude:
            counts.append(f" · {len(self.curation.exclude)} excluded", style="red")
        self.query_one("#counts", Label).update(counts)
        preview = capsule.markdown or "*The capsule is empty: no note is relevant to this focus.*"
        self.query_one("#capsule-preview", Markdown).update(preview)
        for warning in capsule.warnings:
            self.notify(warning, severity="warning", timeout=5)
        if self._pending:
            action, self._pending = self._pending, None
            getattr(self, f"action_{action}")()

    # -- curation ----------------------------------------------------------------------

    def _row(self) -> Row | None:
        i = self.query_one("#capsule-notes", OptionList).highlighted
        return self.rows[i] if i is not None and 0 <= i < len(self.rows) else None

    def action_include(self) -> None:
        self._curate(pin=True)

    def action_exclude(self) -> None:
        self._curate(pin=False)

    def _curate(self, pin: bool) -> None:
        """Pin (or drop) the highlighted note; again undoes it. A note is never both."""
        r = self._row()
        if r is None:
            return
        mine, other = (self.curation.include, self.curation.exclude) if pin else \
            (self.curation.exclude, self.curation.include)
        if r.note_id in mine:
            mine.remove(r.note_id)
            self.notify(f"{r.note_id} is no longer pinned" if pin else f"{r.note_id} is back", timeout=2)
        else:
            mine.append(r.note_id)
            if r.note_id in other:
                other.remove(r.note_id)
            self.notify(f"{r.note_id} pinned in (it goes first)" if pin else f"{r.note_id} excluded", timeout=2)
        self.load()

    # -- outputs -----------------------------------------------------------------------

    def action_copy(self) -> None:
        if self.capsule is None or not self.capsule.markdown:
            self.notify("nothing to copy yet", severity="warning", timeout=3)
            return
        text = self.capsule.markdown
        self.app.copy_to_clipboard(text)  # OSC 52 through the terminal Textual drives
        self._pyperclip(text, f"{len(self.capsule.notes)} notes, ~{self.capsule.tokens:,} tokens")

    @work(thread=True, group="clipboard", exit_on_error=False)
    def _pyperclip(self, text: str, size: str) -> None:
        try:
            import pyperclip

            pyperclip.copy(text)
            how = "the system clipboard and the terminal's (OSC 52)"
        except Exception:  # no clipboard program: OSC 52 alone
            how = "the terminal's clipboard (OSC 52)"
        self.app.call_from_thread(self.notify, f"copied {size} to {how}", title="capsule", timeout=4)

    def action_write(self) -> None:
        focus = self._focus()
        budget = self._budget or self.app.project.config.budget
        include, exclude = list(self.curation.include), list(self.curation.exclude)

        def job(project):
            capsule = project.capsule(**focus, budget=budget, include=include, exclude=exclude, for_file=True)
            return capsule, project.write_claude_md(capsule.markdown, dry_run=True)

        self.run_job(job, self._confirm_write, group="capsule-write")

    def _confirm_write(self, result) -> None:
        capsule, planned = result
        if not planned.changed:
            self.notify(f"{planned.rel} already holds this capsule", timeout=3)
            return
        what = "create" if planned.created else "append a tether block to" if planned.appended else "update"
        body = diff_text(planned.diff)

        def answer(yes: bool | None) -> None:
            if not yes:
                return
            markdown = capsule.markdown
            self.run_job(lambda p: p.write_claude_md(markdown),
                         lambda w: self.notify(f"{w.rel}: {'written' if w.changed else 'unchanged'} "
                                               f"({len(capsule.notes)} notes, ~{capsule.tokens:,} tokens)",
                                               title="CLAUDE.md", timeout=4),
                         group="capsule-write")

        self.app.push_screen(Confirm(f"{what.capitalize()} {planned.rel}? (private notes are left out; bytes "
                                     "outside the block stay as they are)", body, yes="Write"), answer)


def _row_label(r: Row, width: int) -> Text:
    mark, style = {"in": ("✓", "green"), "pinned": ("★", "bold green"), "omitted": ("·", "yellow"),
                   "excluded": ("✗", "red")}[r.state]
    out = Text()
    out.append(f"{mark} ", style=style)
    out.append(f"{r.score:.2f} " if r.score is not None else "  —  ", style="dim" if r.state != "in" else "")
    tail = f" ({r.reason})" if r.reason else (" (excluded)" if r.state == "excluded" else "")
    out.append(one_line(r.title, max(8, width - 7 - len(tail))),
               style="strike dim" if r.state == "excluded" else ("dim" if r.state == "omitted" else ""))
    out.append(tail, style="italic dim")
    return out
