"""Command palette (ctrl+p) entries: tether's actions, and jump to any symbol by fuzzy id."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tether.core.errors import TetherError

# (title, help, app action)
ACTIONS = [
    ("Open triage", "The queue of stale, moved, orphaned and suspect notes", "switch_mode('triage')"),
    ("Browse symbols", "The symbol tree with notes, source, callers and callees", "switch_mode('browse')"),
    ("Notes", "Every note: filter, search, sort, add, edit, link, archive, delete", "switch_mode('notes')"),
    ("Capsule", "Curate the notes to paste into a prompt", "switch_mode('capsule')"),
    ("Re-index", "Update the symbol index (only what changed)", "reindex"),
    ("Copy capsule", "Copy the current capsule to the clipboard", "copy_capsule"),
    ("Write CLAUDE.md", "Write the capsule into CLAUDE.md's tether block (shows the diff first)", "write_claude_md"),
    ("Add note", "A new note (linked to the symbol selected in Browse)", "add_note"),
    ("Undo", "Revert the latest note operation", "undo"),
    ("Help", "Keys and markers", "help"),
]


class TetherCommands(Provider):
    async def discover(self) -> Hits:
        for title, help, action in ACTIONS:
            yield DiscoveryHit(title, partial(self._run, action), help=help)

    def _run(self, action: str) -> None:
        self.app.call_later(self.app.run_action, action)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help, action in ACTIONS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, action), help=help)
        if len(query.strip()) < 2:
            return
        try:
            found = await asyncio.to_thread(self.app.backend.call, lambda p: p.symbols(query.strip(), limit=20))
        except TetherError:
            return
        for rank, sym in enumerate(found):
            yield Hit(0.9 - rank * 0.01, matcher.highlight(sym.id), partial(self.app.open_symbol, sym.id),
                      text=sym.id, help=f"Jump to the {sym.kind} ({sym.path}:{sym.start_line})")
