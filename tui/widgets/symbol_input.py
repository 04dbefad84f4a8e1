"""An input that suggests symbol ids (and file paths) from the index as you type.

Typing runs a fuzzy search in a worker; the suggestions show in a list below the input.
Down (or Tab) moves into the list, Enter takes the highlighted suggestion (from the input:
the first one), Escape closes the list. Posts `SymbolInput.Picked` with the id.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from tether.tui.backend import Jobs
from tether.tui.format import kind_icon


@dataclass(slots=True)
class Suggestion:
    target: str
    kind: str  # a symbol kind, or "file"


class _Field(Input):
    BINDINGS = [Binding("down", "app.focus_next", "Suggestions", show=False, id="suggestions")]


class SymbolInput(Vertical, Jobs):
    DEFAULT_CSS = """
    SymbolInput { height: auto; }
    SymbolInput OptionList { max-height: 6; display: none; border: none; padding: 0; background: $boost; }
    SymbolInput.-open OptionList { display: block; }
    """

    class Picked(Message):
        def __init__(self, symbol_input: "SymbolInput", target: str, kind: str):
            super().__init__()
            self.symbol_input = symbol_input
            self.target = target
            self.kind = kind  # "symbol" or "file"

        @property
        def control(self) -> "SymbolInput":
            return self.symbol_input

    def __init__(self, placeholder: str = "symbol or file…", files: bool = True, limit: int = 8,
                 id: str | None = None):
        super().__init__(id=id)
        self.placeholder = placeholder
        self.files = files
        self.limit = limit
        self._suggestions: list[Suggestion] = []

    def compose(self) -> ComposeResult:
        yield _Field(placeholder=self.placeholder, compact=True)
        yield OptionList(id="suggestions")

    @property
    def input(self) -> Input:
        return self.query_one(_Field)

    def clear(self) -> None:
        self.input.value = ""
        self._show([])

    def focus(self, scroll_visible: bool = True):
        self.input.focus(scroll_visible)
        return self

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self._show([])
            return
        files, limit = self.files, self.limit

        def search(project) -> list[Suggestion]:
            found = [Suggestion(s.id, s.kind) for s in project.symbols(text, limit=limit)]
            if files:
                found += [Suggestion(p, "file") for p in project.find_files(text, limit=3)]
            return found

        self.run_job(search, self._show, group=f"suggest-{id(self)}", exclusive=True)

    def _show(self, found: list[Suggestion]) -> None:
        self._suggestions = found
        options = self.query_one(OptionList)
        options.clear_options()
        for s in found:
            label = Text.assemble(kind_icon(s.kind) if s.kind != "file" else Text("▤", style="dim"), " ", s.target)
            options.add_option(Option(label))
        self.set_class(bool(found), "-open")
        if found:
            options.highlighted = 0

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._suggestions:
            self._pick(self._suggestions[0])

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._suggestions):
            self._pick(self._suggestions[event.option_index])

    def _pick(self, s: Suggestion) -> None:
        self.post_message(self.Picked(self, s.target, "file" if s.kind == "file" else "symbol"))
        self.clear()
        self.input.focus()

    def key_escape(self, event) -> None:
        if self.has_class("-open"):
            event.stop()
            self._show([])
            self.input.focus()
