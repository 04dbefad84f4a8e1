"""Notes: every note in a table with filter, search and sort; add, edit, link, unlink, archive,
delete — each one operation in the history, so `u` undoes it."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, DataTable, Footer, Input, Markdown, Select

from tether.core.model import NOTE_TYPES, STATUS_ORDER
from tether.tui.format import age, links_label, note_markdown, one_line, status_text
from tether.tui.screens.base import TetherScreen
from tether.tui.screens.modals import ChooseOne, NoteEditor, PickSymbol, symbol_label
from tether.tui.widgets.modebar import ModeBar

# column key -> (title, sort key); status sorts worst first, age newest first
COLUMNS = {
    "id": ("id", lambda v: v.note.id),
    "type": ("type", lambda v: (v.note.type, v.note.id)),
    "status": ("status", lambda v: (STATUS_ORDER.index(v.status), v.note.id)),
    "links": ("links", lambda v: (links_label(v.note), v.note.id)),
    "age": ("age", lambda v: (v.note.updated_at, v.note.id)),
    "note": ("note", lambda v: (v.note.title.lower(), v.note.id)),
}
SORT_CYCLE = ("status", "age", "type", "links", "id")
DESCENDING_FIRST = {"age"}


class NotesScreen(TetherScreen):
    CSS_PATH = "notes.tcss"
    BINDINGS = [
        Binding("a", "add", "Add", id="notes.add"),
        Binding("e", "edit", "Edit", id="notes.edit"),
        Binding("l", "link", "Link", id="notes.link"),
        Binding("L", "unlink", "Unlink", show=False, id="notes.unlink"),
        Binding("x", "archive", "Archive", id="notes.archive"),
        Binding("P", "pin", "Pin (always on)", show=False, id="notes.pin"),
        Binding("d,delete", "delete", "Delete", id="notes.delete"),
        Binding("s", "sort", "Sort", show=False, id="notes.sort"),
        Binding("slash", "search", "Search", id="notes.search"),
        Binding("escape", "clear_filters", "Clear filters", show=False, id="notes.clear_filters"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.views = []
        self.shown = []
        self.sort_key = "status"
        self.reverse = False
        self._selected_id: str | None = None

    def compose(self) -> ComposeResult:
        yield ModeBar("notes")
        with Horizontal(id="filters"):
            yield Input(placeholder="/ search text, ids, tags, symbols", id="search", compact=True)
            yield Select([(s, s) for s in reversed(STATUS_ORDER)], prompt="any status", id="status", compact=True)
            yield Select([(t, t) for t in NOTE_TYPES], prompt="any type", id="type", compact=True)
            yield Checkbox("archived", id="archived", compact=True)
        yield DataTable(id="table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="preview"):
            yield Markdown(id="preview-text")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#table", DataTable).focus()

    def on_resize(self) -> None:
        if self.views:
            self._fill()  # the note column takes the width there is

    # -- loading -----------------------------------------------------------------------

    def load(self) -> None:
        archived = self.query_one("#archived", Checkbox).value
        states = ("active", "archived") if archived else ("active",)

        def job(project):
            if not project.store.path.exists():
                return []
            return project.find_notes(states=states)

        self.run_job(job, self._loaded, group="notes-load", exclusive=True)

    def _loaded(self, views) -> None:
        self.views = views
        self._fill()

    @on(Checkbox.Changed, "#archived")
    def _archived_changed(self) -> None:
        self.load()

    @on(Input.Changed, "#search")
    @on(Select.Changed)
    def _filters_changed(self) -> None:
        self._fill()

    def _matches(self, v) -> bool:
        status = self.query_one("#status", Select).value
        kind = self.query_one("#type", Select).value
        text = self.query_one("#search", Input).value.strip().lower()
        if status is not Select.NULL and v.status != status and all(s.status != status for s in v.links):
            return False
        if kind is not Select.NULL and v.note.type != kind:
            return False
        if text:
            n = v.note
            hay = " ".join([n.id, n.text, n.type, *n.tags, *(l.target for l in n.links)]).lower()
            if not all(word in hay for word in text.split()):
                return False
        return True

    def _fill(self) -> None:
        table = self.query_one("#table", DataTable)
        if table.row_count and table.cursor_row is not None and 0 <= table.cursor_row < len(self.shown):
            self._selected_id = self.shown[table.cursor_row].note.id
        _, key = COLUMNS[self.sort_key]
        self.shown = sorted((v for v in self.views if self._matches(v)), key=key,
                            reverse=self.reverse != (self.sort_key in DESCENDING_FIRST))
        table.clear(columns=True)
        for col, (title, _) in COLUMNS.items():
            label = Text(title, style="bold")
            if col == self.sort_key:
                label.append(" ▼" if self.reverse else " ▲")
            table.add_column(label, key=col)
        now = self.app.now()
        narrow = self.size.width < 110
        links_width = 18 if narrow else 32
        ages = [age(v.note.updated_at, now, short=True) for v in self.shown]
        # id, type, status, links, age, and two cells of padding per column, and the scrollbar
        width = max(16, self.size.width - (10 + 10 + 8 + links_width + max(map(len, ages), default=3) + 12 + 1))
        for v, when in zip(self.shown, ages):
            n = v.note
            note_id = Text(n.id, style="dim" if n.state != "active" else "")
            status = status_text("—" if not n.links else v.status)
            if n.state != "active":
                status = Text(n.state, style="dim italic")
            table.add_row(note_id, n.type, status, links_label(n, links_width, names_only=narrow), when,
                          one_line(n.text, width), key=n.id)
        if self._selected_id:
            for i, v in enumerate(self.shown):
                if v.note.id == self._selected_id:
                    table.move_cursor(row=i, animate=False)
                    break
        self.query_one("#table", DataTable).border_subtitle = f"{len(self.shown)} of {len(self.views)}"
        self._preview()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.shown):
            self._selected_id = self.shown[event.cursor_row].note.id
        self._preview()

    def _preview(self) -> None:
        v = self.selected()
        text = note_markdown(v.note, v.status, v.links, self.app.now()) if v else "*No note selected.*"
        if not self.views:
            text = "*No notes yet.* Press **a** to add one."
        self.query_one("#preview-text", Markdown).update(text)

    def selected(self):
        table = self.query_one("#table", DataTable)
        row = table.cursor_row
        if not self.shown or row is None or not 0 <= row < len(self.shown):
            return None
        return self.shown[row]

    def _need(self):
        v = self.selected()
        if v is None:
            self.notify("no note selected", severity="warning", timeout=3)
        return v

    # -- sorting and filters -----------------------------------------------------------

    def action_sort(self) -> None:
        i = SORT_CYCLE.index(self.sort_key) if self.sort_key in SORT_CYCLE else -1
        self.sort_key, self.reverse = SORT_CYCLE[(i + 1) % len(SORT_CYCLE)], False
        self._fill()

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        key = event.column_key.value
        if key == self.sort_key:
            self.reverse = not self.reverse
        else:
            self.sort_key, self.reverse = key, False
        self._fill()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one("#table", DataTable).focus()

    def action_clear_filters(self) -> None:
        self.query_one("#search", Input).value = ""
        self.query_one("#status", Select).clear()
        self.query_one("#type", Select).clear()
        self.query_one("#table", DataTable).focus()

    # -- operations --------------------------------------------------------------------

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        v = self.selected()
        if v is None:
            return
        if not v.note.links:
            self.notify("a project-wide note: no symbol to show", timeout=3)
            return
        st = v.links[0]
        self.app.open_symbol(st.to or st.target)

    def action_add(self) -> None:
        self.app.push_screen(NoteEditor(), self._saved("added"))

    def action_edit(self) -> None:
        if v := self._need():
            self.app.push_screen(NoteEditor(v.note), self._saved("edited"))

    def _saved(self, what: str):
        def done(note) -> None:
            if note is not None:
                self._selected_id = note.id
                self.notify(f"{what} note {note.id}", timeout=3)

        return done

    def action_link(self) -> None:
        v = self._need()
        if v is None:
            return
        note_id = v.note.id

        def picked(choice) -> None:
            if choice is None:
                return
            target, kind = choice
            symbols, files = ([target], []) if kind == "symbol" else ([], [target])
            self.run_job(lambda p: p.link_note(note_id, symbols, files),
                         lambda n: self.notify(f"linked {note_id} to {target}", timeout=3), write=True)

        self.app.push_screen(PickSymbol(f"Link note {note_id} to…"), picked)

    def action_unlink(self) -> None:
        v = self._need()
        if v is None:
            return
        note_id = v.note.id
        if not v.note.links:
            self.notify(f"note {note_id} has no links", severity="warning", timeout=3)
            return

        def chosen(target) -> None:
            if target is not None:
                self.run_job(lambda p: p.unlink_note(note_id, target),
                             lambda n: self.notify(f"unlinked {target} from {note_id}", timeout=3), write=True)

        choices = [(l.target, symbol_label(l.target, l.kind)) for l in v.note.links]
        self.app.push_screen(ChooseOne(f"Unlink which link of {note_id}?", choices), chosen)

    def action_archive(self) -> None:
        v = self._need()
        if v is None:
            return
        note_id = v.note.id
        state, word = ("active", "restored") if v.note.state == "archived" else ("archived", "archived")
        self.run_job(lambda p: p.set_state([note_id], state),
                     lambda n: self.notify(f"{word} note {note_id} — u undoes", timeout=3), write=True)

    def action_pin(self) -> None:
        """Pin the note always on (in every capsule, whatever the focus), or unpin it."""
        v = self._need()
        if v is None:
            return
        note_id, pinned = v.note.id, not v.note.pinned
        word = "pinned: in every capsule" if pinned else "unpinned: in capsules when relevant"
        self.run_job(lambda p: p.edit_note(note_id, pinned=pinned),
                     lambda n: self.notify(f"{note_id} {word} — u undoes", timeout=3), write=True)

    def action_delete(self) -> None:
        v = self._need()
        if v is None:
            return
        note_id = v.note.id
        self.run_job(lambda p: p.set_state([note_id], "deleted"),
                     lambda n: self.notify(f"deleted note {note_id} — u undoes", timeout=3), write=True)
