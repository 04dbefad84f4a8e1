"""Modal dialogs: the note editor (add and edit), pick a symbol, choose a link, confirm."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from tether.core.model import NOTE_TYPES, Note
from tether.tui.backend import Jobs
from tether.tui.format import kind_icon
from tether.tui.widgets.symbol_input import SymbolInput


class NoteEditor(Jobs, ModalScreen):
    """Add a note (text, type, tags, links with autocomplete) or edit one (text, type, tags).
    The dialog does the write itself and closes only when it succeeded, so a refused link or
    an over-long text never loses what was typed. Dismisses with the saved Note."""

    CSS_PATH = "modals.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="editor.cancel"),
        Binding("ctrl+s", "save", "Save", id="editor.save", priority=True),
    ]

    def __init__(self, note: Note | None = None, links: list[tuple[str, str]] = (), *,
                 type: str = "insight", title: str | None = None):
        super().__init__()
        self.note = note
        self.links: list[tuple[str, str]] = list(links)  # (target, "symbol" | "file")
        self.default_type = note.type if note else type
        self.heading = title or (f"Edit note {note.id}" if note else "New note")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="editor"):
            yield Label(self.heading, classes="dialog-title")
            yield TextArea(self.note.text if self.note else "", id="text", soft_wrap=True, tab_behavior="focus",
                           placeholder="What should the next session know? (markdown)")
            with Horizontal(id="meta"):
                yield Label("type ")
                yield Select([(t, t) for t in NOTE_TYPES], value=self.default_type, allow_blank=False,
                             compact=True, id="type")
                yield Label("  tags ")
                yield Input(", ".join(self.note.tags) if self.note else "", placeholder="comma, separated",
                            compact=True, id="tags")
                yield Checkbox("private", self.note.private if self.note else False, compact=True, id="private")
            if self.note is None:
                yield Label("links (none: project-wide) — type to search, enter adds, delete removes",
                            classes="hint")
                yield SymbolInput(id="link-input")
                yield OptionList(id="links")
            yield Static(id="error")
            with Horizontal(classes="buttons"):
                yield Button("Save ^s", variant="primary", id="save", compact=True)
                yield Button("Cancel esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self._show_links()
        self.query_one("#text", TextArea).focus()

    def _show_links(self) -> None:
        if self.note is not None:
            return
        options = self.query_one("#links", OptionList)
        options.clear_options()
        for target, kind in self.links:
            options.add_option(Option(Text.assemble(("linked to ", "dim"), ("file " if kind == "file" else ""),
                                                    (target, "bold"))))
        options.display = bool(self.links)

    @on(SymbolInput.Picked)
    def _picked(self, event: SymbolInput.Picked) -> None:
        if all(t != event.target for t, _ in self.links):
            self.links.append((event.target, event.kind))
            self._show_links()

    def key_delete(self) -> None:
        self._remove_link()

    def _remove_link(self) -> None:
        if self.note is not None:
            return
        options = self.query_one("#links", OptionList)
        if self.focused is options and options.highlighted is not None and self.links:
            del self.links[options.highlighted]
            self._show_links()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        text = self.query_one("#text", TextArea).text
        kind = self.query_one("#type", Select).value
        tags = [t.strip() for t in self.query_one("#tags", Input).value.replace(";", ",").split(",") if t.strip()]
        private = self.query_one("#private", Checkbox).value
        if self.note is None:
            symbols = [t for t, k in self.links if k == "symbol"]
            files = [t for t, k in self.links if k == "file"]

            def job(p):
                return p.add_note(text, symbols=symbols, files=files, type=kind, tags=tags, private=private)
        else:
            note_id = self.note.id

            def job(p):
                return p.edit_note(note_id, text=text, type=kind, tags=tags, private=private)

        self.query_one("#error", Static).update("")
        self.run_job(job, self.dismiss, failed=self._failed, group="save", write=True)

    def on_job_failed(self, message) -> None:  # shown in the dialog, not as a toast
        message.stop()
        self._failed(message.error)

    def _failed(self, error: str) -> None:
        box = self.query_one("#error", Static)
        box.update(Text(error, style="bold red"))
        box.display = True

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class PickSymbol(ModalScreen):
    """Type to find a symbol (or a file); dismisses with its id, or None."""

    CSS_PATH = "modals.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="pick.cancel")]

    def __init__(self, title: str, files: bool = True, hint: str = ""):
        super().__init__()
        self.heading = title
        self.files = files
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="picker"):
            yield Label(self.heading, classes="dialog-title")
            if self.hint:
                yield Label(self.hint, classes="hint")
            yield SymbolInput(files=self.files, limit=10)

    def on_mount(self) -> None:
        self.query_one(SymbolInput).focus()

    @on(SymbolInput.Picked)
    def _picked(self, event: SymbolInput.Picked) -> None:
        self.dismiss((event.target, event.kind))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChooseOne(ModalScreen):
    """Choose one of a few values (e.g. which link to remove); dismisses with it, or None."""

    CSS_PATH = "modals.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="choose.cancel")]

    def __init__(self, title: str, choices: list[tuple[str, RenderableType]]):
        super().__init__()
        self.heading = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="chooser"):
            yield Label(self.heading, classes="dialog-title")
            yield OptionList(*[Option(label) for _, label in self.choices])

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index][0])

    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(ModalScreen):
    """A question with a body to read first (a diff, say); dismisses True or False."""

    CSS_PATH = "modals.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, title: str, body: RenderableType, yes: str = "Yes"):
        super().__init__()
        self.heading = title
        self.body = body
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="confirm"):
            yield Label(self.heading, classes="dialog-title")
            with VerticalScroll(id="body"):
                yield Static(self.body)
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (y)", variant="primary", id="yes", compact=True)
                yield Button("No (n)", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def symbol_label(target: str, kind: str) -> Text:
    return Text.assemble(kind_icon(kind) if kind != "file" else Text("▤", style="dim"), " ", target)
