"""Triage: the links that are not fresh any more, one at a time, worst first.

For the highlighted item: the note, the reason, the coloured diff from the anchored code to
the code now, and the commits that touched it since. One key per decision; after it the
cursor moves on to the next item. `u` undoes the last decision (an edit is an edit and a
confirm: `u` reverts both).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Label, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from tether.core.model import LinkStatus
from tether.tui.format import STATUS_STYLE, commit_line, diff_text, note_markdown, one_line, short_target
from tether.tui.screens.base import TetherScreen
from tether.tui.screens.modals import NoteEditor, PickSymbol
from tether.tui.widgets.modebar import ModeBar


@dataclass(slots=True)
class Item:
    link: LinkStatus
    note: object  # Note
    status: str  # the note's worst


class TriageScreen(TetherScreen):
    CSS_PATH = "triage.tcss"
    BINDINGS = [
        Binding("c", "confirm", "Confirm", id="triage.confirm"),
        Binding("e", "edit", "Edit", id="triage.edit"),
        Binding("r", "relink", "Relink", id="triage.relink"),
        Binding("p", "pick", "Pick", id="triage.pick"),
        Binding("x", "archive", "Archive", id="triage.archive"),
        Binding("s,space", "skip", "Skip", id="triage.skip"),
        Binding("u", "undo", "Undo", id="triage.undo"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Item] = []
        self.done = 0  # decisions taken in this session (minus the undone ones)
        self._undo_steps: list[tuple[int, str]] = []  # (batches, note id) per decision, for u
        self._want_note: str | None = None  # to highlight after a reload (an undone decision)
        self._want_index: int | None = None  # likewise (the next item after a decision)
        self._detail_key: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield ModeBar("triage")
        with Horizontal(id="triage-body"):
            with Vertical(id="queue-pane"):
                yield Label("", id="progress")
                yield OptionList(id="queue")
            with VerticalScroll(id="item-pane"):
                yield Static(id="item-head")
                yield Markdown(id="item-note")
                yield Static(id="item-diff")
                yield Static(id="item-commits")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#queue", OptionList).focus()

    # -- loading -----------------------------------------------------------------------

    def load(self) -> None:
        def job(project):
            if not project.store.path.exists():
                return []
            links = project.stale(reindex=False)
            notes = {v.note.id: v for v in project.views(project.all_notes())}
            return [Item(s, notes[s.note_id].note, notes[s.note_id].status) for s in links if s.note_id in notes]

        self.run_job(job, self._loaded, group="triage-load", exclusive=True)

    def _loaded(self, items: list[Item]) -> None:
        queue = self.query_one("#queue", OptionList)
        old = queue.highlighted
        self.items = items
        queue.clear_options()
        width = max(20, queue.size.width - 3)
        for it in items:
            target = it.link.target
            name = target.split("::", 1)[1] if "::" in target else target
            label = Text()
            label.append(f"{it.link.status:<9}", style=STATUS_STYLE.get(it.link.status, ""))
            label.append(one_line(name, width - 9) + "\n", style="bold")
            label.append(one_line(it.note.text, width), style="dim")
            queue.add_option(Option(label))
        if not items:
            self._show_empty()
            return
        index = old or 0
        if self._want_note is not None:
            index = next((i for i, it in enumerate(items) if it.note.id == self._want_note), index)
        elif self._want_index is not None:
            index = self._want_index
        self._want_note, self._want_index = None, None
        queue.highlighted = min(max(index, 0), len(items) - 1)
        self._detail_key = None
        self._show_item()

    def _show_empty(self) -> None:
        self.query_one("#progress", Label).update(Text(f"nothing to triage · {self.done} done", style="green"))
        self.query_one("#item-head", Static).update(Text("Every note is fresh.", style="bold green"))
        self.query_one("#item-note", Markdown).update(
            "Notes come here when the code they are linked to changes: after a pull, a rebase, your own "
            "edits (re-index with **ctrl+r**).")
        self.query_one("#item-diff", Static).update("")
        self.query_one("#item-commits", Static).update("")

    def current(self) -> Item | None:
        i = self.query_one("#queue", OptionList).highlighted
        return self.items[i] if i is not None and 0 <= i < len(self.items) else None

    @on(OptionList.OptionHighlighted, "#queue")
    def _highlighted(self) -> None:
        self._show_item()

    @on(OptionList.OptionSelected, "#queue")
    def _open(self) -> None:
        """Enter: the item's code (where it went, for a move) in Browse."""
        it = self.current()
        if it is None:
            return
        if it.link.status == "orphaned":
            self.notify("orphaned: the code is gone", timeout=3)
            return
        self.app.open_symbol(it.link.to or it.link.target)

    def _show_item(self) -> None:
        it = self.current()
        if it is None:
            return
        i = self.query_one("#queue", OptionList).highlighted
        self.query_one("#progress", Label).update(
            Text.assemble((f"{i + 1} of {len(self.items)}", "bold"), (f" · {self.done} done", "dim")))
        key = (it.note.id, it.link.target)
        if key == self._detail_key:
            return
        self._detail_key = key
        st = it.link
        head = Text()
        head.append(f"{st.status}", style=f"bold {STATUS_STYLE.get(st.status, '')}")
        head.append(f"  {st.target}", style="bold")
        if st.to and st.to != st.target:
            head.append("\n→ suggestion: ", style="dim")
            head.append(st.to, style="bold magenta")
        if st.reason:
            head.append(f"\n{st.reason}", style="italic")
        head.append("\n" + _hint(st), style="dim")
        self.query_one("#item-head", Static).update(head)
        self.query_one("#item-note", Markdown).update(note_markdown(it.note, it.status, [], self.app.now(),
                                                                    show_links=False))
        self.query_one("#item-diff", Static).update(Text("loading the diff…", style="dim italic"))
        self.query_one("#item-commits", Static).update("")
        note_id, target = it.note.id, st.target
        self.run_job(lambda p: p.note_detail(note_id), lambda d: self._show_detail(note_id, target, d),
                     group="triage-detail", exclusive=True)

    def _show_detail(self, note_id: str, target: str, detail) -> None:
        if self._detail_key != (note_id, target):
            return
        extra = next((x for st, x in zip(detail.view.links, detail.links) if st.target == target), {})
        diff = extra.get("diff")
        if diff:
            self.query_one("#item-diff", Static).update(Group(Text("the code then → now", style="bold"),
                                                              diff_text(diff)))
        else:
            self.query_one("#item-diff", Static).update(Text("(no diff: the code is gone or unchanged)", style="dim"))
        commits = extra.get("commits") or []
        lines = [Text("commits since the note was anchored", style="bold")]
        lines += [commit_line(c) for c in commits] or [Text("none found", style="dim")]
        self.query_one("#item-commits", Static).update(Group(*lines))

    # -- decisions ---------------------------------------------------------------------

    def _need(self) -> Item | None:
        it = self.current()
        if it is None:
            self.notify("nothing to triage", timeout=3)
        return it

    def _decided(self, it: Item, what: str, batches: int = 1):
        """After a decision: count it, remember it for undo, move on (the reload drops the item,
        so the same index is the next one)."""
        index = self.query_one("#queue", OptionList).highlighted or 0

        def done(_) -> None:
            self.done += 1
            self._undo_steps.append((batches, it.note.id))
            self._want_note, self._want_index = None, index
            self.notify(f"{what} {it.note.id} — u undoes", timeout=3)

        return done

    def action_confirm(self) -> None:
        it = self._need()
        if it is None:
            return
        if it.link.status == "orphaned":
            self.notify("orphaned: there is no code to confirm against — pick a new symbol (p) or archive it (x)",
                        severity="warning", timeout=5)
            return
        if it.link.to and it.link.to != it.link.target:  # moved away: still true where it went
            self.action_relink()
            return
        note_id = it.note.id
        self.run_job(lambda p: p.confirm_notes([note_id]), self._decided(it, "confirmed"), write=True)

    def action_edit(self) -> None:
        it = self._need()
        if it is None:
            return
        note_id, orphaned = it.note.id, it.link.status == "orphaned"

        def saved(note) -> None:
            if note is None:
                return
            if orphaned:  # nothing to anchor to: the edit alone
                self._decided(it, "edited", 1)(None)
                return
            self.run_job(lambda p: p.confirm_notes([note_id]), self._decided(it, "edited and confirmed", 2),
                         write=True)

        self.app.push_screen(NoteEditor(it.note, title=f"Edit note {note_id} (saving re-anchors it to the "
                                                         "code as it is now)"), saved)

    def action_relink(self) -> None:
        it = self._need()
        if it is None:
            return
        if not it.link.to or it.link.to == it.link.target:
            self.action_pick()
            return
        note_id, old, new = it.note.id, it.link.target, it.link.to
        self.run_job(lambda p: p.relink_note(note_id, old=old, new=new), self._decided(it, f"relinked to {new}:"),
                     write=True)

    def action_pick(self) -> None:
        it = self._need()
        if it is None:
            return
        note_id, old = it.note.id, it.link.target

        def picked(choice) -> None:
            if choice is None:
                return
            new = choice[0]
            self.run_job(lambda p: p.relink_note(note_id, old=old, new=new),
                         self._decided(it, f"relinked to {new}:"), write=True)

        self.app.push_screen(PickSymbol(f"Relink {short_target(old)} of note {note_id} to…", files=False,
                                        hint="the note will point at this symbol, anchored to its code now"),
                             picked)

    def action_archive(self) -> None:
        it = self._need()
        if it is None:
            return
        note_id = it.note.id
        self.run_job(lambda p: p.set_state([note_id], "archived"), self._decided(it, "archived"), write=True)

    def action_skip(self) -> None:
        queue = self.query_one("#queue", OptionList)
        if not self.items:
            return
        if queue.highlighted is not None and queue.highlighted >= len(self.items) - 1:
            self.notify("that was the last one", timeout=2)
            return
        queue.action_cursor_down()

    def action_undo(self) -> None:
        if not self._undo_steps:
            self.app.action_undo()  # nothing decided here: the latest operation, as anywhere
            return
        batches, note_id = self._undo_steps.pop()

        def job(project):
            reverted = []
            for _ in range(batches):
                reverted += project.undo()
            return reverted

        def done(_) -> None:
            self.done = max(0, self.done - 1)
            self._want_note, self._want_index = note_id, None
            self.notify(f"undid the last decision on {note_id}", timeout=3)

        self.run_job(job, done, write=True)


def _hint(st: LinkStatus) -> str:
    return {
        "stale": "c: still true, re-anchor · e: rewrite it · x: archive",
        "moved": "c or r: still true where it went, follow it · p: pick another symbol · x: archive",
        "orphaned": "p: pick a new symbol · x: archive · e: rewrite it",
        "suspect": "c: still true (its dependencies changed, it did not) · e: rewrite it",
    }.get(st.status, "")
