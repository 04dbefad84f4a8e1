"""The `?` screen: every key, screen by screen, and what the markers mean."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tether.tui.format import STATUS_MARK, STATUS_STYLE, badge

MARKERS = {
    "fresh": "the code is as it was when the note was linked",
    "suspect": "unchanged itself, but something it calls or inherits changed",
    "moved": "renamed or moved (the suggestion is where it went)",
    "stale": "the linked code changed (its body or its signature)",
    "orphaned": "the linked code is gone and nothing matches it",
}

# Keys the widgets themselves handle (not bindings of ours), shown for completeness.
WIDGET_KEYS = {
    "Browse": [("↑ ↓", "move in the tree"), ("→ ←", "expand and go in, collapse and go out"),
               ("enter, space", "expand or collapse"), ("enter", "on a caller or callee: go there"),
               ("tab", "next pane: tree, notes and source, callers, callees")],
    "Triage": [("↑ ↓", "move in the queue"), ("enter", "show the item's code in Browse")],
    "Capsule": [("↑ ↓", "move in the notes"), ("+ −", "budget up or down by 500 tokens"),
                ("⌫", "drop the last symbol or file from the focus")],
    "Notes": [("enter", "show the note's first link in Browse"), ("click a header", "sort by that column")],
    "Note editor": [("ctrl+s", "save"), ("escape", "cancel"), ("down", "from the link box into the suggestions"),
                    ("delete", "remove the highlighted link")],
}


def _keys(bindings) -> list[tuple[str, str]]:
    out = []
    for b in bindings:
        if isinstance(b, Binding) and b.description:
            keys = ", ".join(_key_name(k) for k in b.key.split(","))
            out.append((keys, b.tooltip or b.description))  # the footer's label may be shortened
    return out


def _key_name(key: str) -> str:
    return {"question_mark": "?", "slash": "/", "backspace": "⌫", "delete": "del", "space": "space"}.get(key, key)


class HelpScreen(ModalScreen):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background 60%; }
    HelpScreen #help { width: 90; max-width: 100%; height: 90%; border: thick $accent; background: $surface;
                       padding: 0 1; }
    HelpScreen .dialog-title { text-style: bold; color: $accent; }
    """
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        from tether.tui.app import TetherApp
        from tether.tui.screens.browse import BrowseScreen
        from tether.tui.screens.capsule import CapsuleScreen
        from tether.tui.screens.notes import NotesScreen
        from tether.tui.screens.triage import TriageScreen

        with VerticalScroll(id="help"):
            yield Label("tether — keys (escape closes)", classes="dialog-title")
            sections = [("Everywhere", _keys(TetherApp.BINDINGS) + [("ctrl+p", "command palette: jump to a "
                         "symbol, re-index, copy capsule, write CLAUDE.md, open triage, themes"),
                         ("ctrl+q", "quit")])]
            for title, screen in (("Browse", BrowseScreen), ("Notes", NotesScreen), ("Triage", TriageScreen),
                                  ("Capsule", CapsuleScreen)):
                sections.append((title, _keys(screen.BINDINGS) + WIDGET_KEYS.get(title, [])))
            sections.append(("Note editor", WIDGET_KEYS["Note editor"]))
            for title, keys in sections:
                table = Table.grid(padding=(0, 2))
                table.add_column(style="bold", width=14, no_wrap=True)
                table.add_column()
                for key, what in keys:
                    table.add_row(key, what)
                yield Static(Text(title, style="bold underline"))
                yield Static(table)
            legend = Table.grid(padding=(0, 2))
            legend.add_column(width=14, no_wrap=True)
            legend.add_column()
            for status, what in MARKERS.items():
                legend.add_row(Text.assemble(badge(2, status), " ", (status, STATUS_STYLE[status])), what)
            yield Static(Text("Markers: notes on a symbol, coloured by their worst link "
                              f"(marks: {', '.join(f'{m} {s}' for s, m in STATUS_MARK.items() if m)})",
                              style="bold underline"))
            yield Static(legend)
