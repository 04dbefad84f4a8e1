"""Browse: the symbol tree on the left; the selected symbol's notes, source, callers and callees
on the right. Callers and callees can be followed (enter) and retraced (backspace)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Input, Label, Markdown, OptionList, Static, Tree
from textual.widgets.option_list import Option

from tether.core.model import Edge, Symbol
from tether.tui.format import badge, kind_icon, note_markdown, short_target, source_syntax
from tether.tui.screens.base import TetherScreen
from tether.tui.widgets.modebar import ModeBar
from tether.tui.widgets.symbol_tree import (PROJECT, DirItem, FileItem, Layout, Markers, ProjectItem, SymbolItem,
                                            SymbolTree)

MAX_FILE_LINES = 400  # of a whole file shown when a file is selected


@dataclass(slots=True)
class Detail:
    target: str
    kind: str  # a symbol kind, "file", "directory" or "project"
    title: Text
    source: str | None
    language: str | None
    start_line: int
    callers: list[Edge]
    callees: list[Edge]


class BrowseScreen(TetherScreen):
    CSS_PATH = "browse.tcss"
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="browse.filter"),
        Binding("a", "add_note", "Add note", id="browse.add_note"),
        Binding("p", "pick", "Pick for capsule", id="browse.pick"),
        Binding("backspace", "back", "Back", id="browse.back"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="browse.clear_filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.views = []  # every active note with its link statuses
        self.current: str | None = None
        self.history: list[str] = []
        self._files: list | None = None
        self._detail: Detail | None = None

    def compose(self) -> ComposeResult:
        yield ModeBar("browse")
        with Horizontal(id="browse-body"):
            with Vertical(id="tree-pane"):
                yield Input(placeholder="/ filter symbols (fuzzy)", id="filter", compact=True)
                yield SymbolTree(id="tree")
                yield Tree("matches", id="results")
            with Vertical(id="detail-pane"):
                yield Static(Text("Select a symbol on the left.", style="dim"), id="detail-title")
                with VerticalScroll(id="detail-scroll"):
                    yield Markdown(id="detail-notes")
                    yield Static(id="detail-source")
                with Horizontal(id="graph"):
                    with Vertical():
                        yield Label("callers", classes="graph-title")
                        yield OptionList(id="callers")
                    with Vertical():
                        yield Label("callees", classes="graph-title")
                        yield OptionList(id="callees")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        results = self.query_one("#results", Tree)
        results.show_root = False
        self.query_one("#tree", SymbolTree).focus()
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def _theme_changed(self, _theme: str) -> None:
        if self._detail is not None:  # the source's colours follow a dark or a light theme
            self._show_detail(self._detail)

    # -- loading -----------------------------------------------------------------------

    def load(self) -> None:
        known = self._files

        def job(project):
            if not project.store.path.exists():
                return None
            files = project.files()
            views = project.views(project.all_notes())
            return files, (None if files == known else Layout.of(files)), views, Markers.from_views(views)

        self.run_job(job, self._loaded, group="browse-load", exclusive=True)

    def _loaded(self, data) -> None:
        if data is None:
            return
        files, layout, views, markers = data
        tree = self.query_one("#tree", SymbolTree)
        self.views = views
        tree.markers = markers
        if layout is not None:
            self._files = files
            tree.set_files(layout)
        else:
            tree.set_markers(markers)
        self.take_pending()
        if self.current:
            self.show(self.current, refresh=True)

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.take_pending()

    def take_pending(self) -> None:
        """Show the symbol another screen or the command palette asked for."""
        target = self.app.pending_symbol
        if target and self._files is not None:
            self.app.pending_symbol = None
            self.follow(target)

    # -- the detail pane ---------------------------------------------------------------

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted) -> None:
        item = event.node.data
        target = None
        if isinstance(item, SymbolItem):
            target = item.symbol.id
        elif isinstance(item, (FileItem, DirItem, ProjectItem)) and item.path:
            target = item.path
        if target and target != self.current:
            self.show(target)

    def show(self, target: str, refresh: bool = False) -> None:
        self.current = target
        tree = self.query_one("#tree", SymbolTree)
        is_dir = "::" not in target and tree.is_dir(target)
        language = tree.language(target)

        def job(project) -> Detail:
            if target == PROJECT:
                return Detail(target, "project", Text.assemble(
                    ("project-wide notes", "bold"), "\n",
                    ("linked to no symbol or file: they apply everywhere, like lines of CLAUDE.md", "dim")),
                    None, None, 1, [], [])
            if "::" in target:
                view = project.show(target)
                s = view.symbol
                return Detail(s.id, s.kind, _symbol_title(s), view.source, s.language, s.start_line,
                              view.callers, view.callees)
            if is_dir:
                return Detail(target, "directory", Text.assemble(("directory ", "dim"), (target + "/", "bold")),
                              None, None, 1, [], [])
            path = project.root / target
            try:
                lines = path.read_text("utf-8", "replace").splitlines()
            except OSError as e:
                lines = [f"<{target} cannot be read: {e.strerror}>"]
            more = [f"… {len(lines) - MAX_FILE_LINES} more lines"] if len(lines) > MAX_FILE_LINES else []
            title = Text.assemble(("file ", "dim"), (target, "bold"), (f"  {language or 'no symbols'}", "dim"),
                                  (f" · {len(lines)} lines", "dim"))
            return Detail(target, "file", title, "\n".join(lines[:MAX_FILE_LINES] + more), language, 1, [], [])

        self.run_job(job, self._show_detail, group="browse-detail", exclusive=True)

    def _show_detail(self, d: Detail) -> None:
        if d.target != self.current:
            return
        self._detail = d
        title = d.title.copy()
        if d.target in self.app.capsule_symbols:
            title.append("  ★ in capsule", style="bold yellow")
        self.query_one("#detail-title", Static).update(title)
        self.query_one("#detail-notes", Markdown).update(self._notes_markdown(d))
        source = self.query_one("#detail-source", Static)
        source.display = d.source is not None
        if d.source is not None:
            source.update(source_syntax(d.source, d.language, d.start_line, self.app.current_theme.dark))
        self._fill_graph("#callers", d.callers, incoming=True)
        self._fill_graph("#callees", d.callees, incoming=False)

    def _notes_markdown(self, d: Detail) -> str:
        now = self.app.now()
        if d.kind == "project":
            chosen = [(v, []) for v in self.views if not v.links]
        else:
            hit = _link_filter(d)
            chosen = [(v, mine) for v in self.views if (mine := [st for st in v.links if hit(st)])]
        if not chosen:
            key = "a" if d.kind != "directory" else None
            return "*No notes here.*" + (f" Press **{key}** to add one." if key else "")
        return "\n\n---\n\n".join(note_markdown(v.note, v.status, links, now) for v, links in chosen)

    def _fill_graph(self, selector: str, edges: list[Edge], incoming: bool) -> None:
        options = self.query_one(selector, OptionList)
        options.clear_options()
        seen: dict[tuple[str, str], list[int]] = {}
        resolved: dict[tuple[str, str], bool] = {}
        for e in edges:
            other = e.src if incoming else e.dst
            seen.setdefault((e.kind, other), []).append(e.line)
            resolved[(e.kind, other)] = e.resolved
        for (kind, other), lines in seen.items():
            label = Text()
            if kind != "calls":
                label.append(f"{kind} ", style="italic dim")
            label.append(short_target(other), style="" if resolved[(kind, other)] else "dim")
            label.append(f" :{lines[0]}" + (f" +{len(lines) - 1}" if len(lines) > 1 else ""), style="dim")
            options.add_option(Option(label, id=other if resolved[(kind, other)] else None,
                                      disabled=not resolved[(kind, other)]))
        if not seen:
            options.add_option(Option(Text("—", style="dim"), disabled=True))

    @on(OptionList.OptionSelected, "#callers, #callees")
    def _follow_edge(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.follow(event.option.id)

    def follow(self, target: str) -> None:
        """Go to a symbol (or file): remembered for backspace, revealed in the tree."""
        if self.current and self.current != target:
            self.history.append(self.current)
        self._reveal(target)

    def _reveal(self, target: str) -> None:
        self.action_clear_filter(focus=False)
        tree = self.query_one("#tree", SymbolTree)
        if not tree.reveal(target):
            self.notify(f"{target} is not in the index (run ctrl+r to re-index?)", severity="warning")
            return
        self.show(target)

    def action_back(self) -> None:
        if self.history:
            self._reveal(self.history.pop())
        else:
            self.notify("nothing to go back to", timeout=2)

    # -- filter ------------------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        self.query_one("#tree-pane").add_class("-filtering")
        box.focus()

    def action_clear_filter(self, focus: bool = True) -> None:
        pane = self.query_one("#tree-pane")
        if not pane.has_class("-filtering"):
            return
        pane.remove_class("-filtering")
        self.query_one("#filter", Input).value = ""
        self.query_one("#results", Tree).clear()
        if focus:
            self.query_one("#tree", SymbolTree).focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        text = event.value.strip()
        if not text:
            self.query_one("#results", Tree).clear()
            return

        def job(project):
            return project.symbols(text, limit=200), project.find_files(text, limit=20)

        self.run_job(job, self._show_matches, group="browse-filter", exclusive=True)

    def _show_matches(self, found: tuple[list[Symbol], list[str]]) -> None:
        symbols, files = found
        results = self.query_one("#results", Tree)
        results.clear()
        by_file: dict[str, list[Symbol]] = {}
        for s in symbols:
            by_file.setdefault(s.path, []).append(s)
        for path in files:
            by_file.setdefault(path, [])
        tree = self.query_one("#tree", SymbolTree)
        for path, syms in by_file.items():
            count, status = tree.markers.by_path.get(path, (0, "fresh"))
            node = results.root.add(Text(path, style="bold"), data=FileItem(path, None, len(syms)), expand=True,
                                    allow_expand=bool(syms))
            for s in syms:
                label = Text.assemble(kind_icon(s.kind), " ", s.id.split("::", 1)[1])
                n, st = tree.markers.by_target.get(s.id, (0, "fresh"))
                if n:
                    label.append(" ")
                    label.append_text(badge(n, st))
                node.add_leaf(label, data=SymbolItem(s))
        if not by_file:
            results.root.add_leaf(Text("no match", style="dim italic"))
            return
        first = results.root.children[0]
        results.call_after_refresh(results.move_cursor, first.children[0] if first.children else first)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.query_one("#results", Tree).focus()

    @on(Tree.NodeSelected, "#results")
    def _result_chosen(self, event: Tree.NodeSelected) -> None:
        item = event.node.data
        target = item.symbol.id if isinstance(item, SymbolItem) else getattr(item, "path", None)
        if target:
            self.follow(target)
            self.query_one("#tree", SymbolTree).focus()

    # -- actions -----------------------------------------------------------------------

    def action_add_note(self) -> None:
        from tether.tui.screens.modals import NoteEditor

        d = self._detail
        links = []
        if d is not None and d.kind not in ("directory", "project"):
            links = [(d.target, "file" if d.kind == "file" else "symbol")]
        self.app.push_screen(NoteEditor(links=links), self._note_added)

    def _note_added(self, note) -> None:
        if note is not None:
            self.notify(f"added note {note.id}", timeout=3)

    def action_pick(self) -> None:
        d = self._detail
        if d is None or d.kind in ("directory", "project"):
            self.notify("select a symbol or a file first", severity="warning", timeout=3)
            return
        picked = self.app.pick_for_capsule(d.target)
        n = len(self.app.capsule_symbols)
        self.notify(f"{'picked' if picked else 'unpicked'} {d.target} — the capsule focuses on {n} "
                    f"symbol{'s' * (n != 1)}", timeout=3)
        self._show_detail(d)


def _link_filter(d: Detail):
    """Whether a link status belongs to what `d` shows: into a directory, a file, or one symbol."""
    if d.kind == "directory":
        return lambda st: any(t and (t == d.target or t.startswith(d.target + "/")) for t in (st.target, st.to))
    if d.kind == "file":
        return lambda st: any(t and (t == d.target or t.startswith(d.target + "::")) for t in (st.target, st.to))
    return lambda st: d.target in (st.target, st.to)


def _symbol_title(s: Symbol) -> Text:
    out = Text.assemble(kind_icon(s.kind), (f" {s.kind} ", "dim"), (s.id, "bold"), "\n",
                        (f"{s.path}:{s.start_line}-{s.end_line}", "dim"))
    if s.signature:
        out.append("  ")
        out.append(s.signature.splitlines()[0][:200], style="italic")
    return out
