"""The symbol tree: directories → files → classes → methods, loaded a level at a time.

The file list comes in one query (cheap even for tens of thousands of files) and is kept in
memory; directory nodes get their children when first expanded, file nodes load their
symbols in a worker when first expanded. A repository with 100,000 symbols opens at once
because only the top level is ever built up front.

Each node carries a badge: how many active notes link to it (or into it, for files and
directories), coloured by the worst status of those links.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tether.core.model import Symbol
from tether.tui.backend import Jobs
from tether.tui.format import badge, kind_icon, worst


PROJECT = "/"  # the key of the project-wide row: no repository path is "/"


@dataclass(slots=True)
class ProjectItem:
    """The first row: the notes linked to no symbol or file, which apply to the whole project."""

    path: str = PROJECT


@dataclass(slots=True)
class DirItem:
    path: str  # "" is the root


@dataclass(slots=True)
class FileItem:
    path: str
    language: str | None
    symbols: int


@dataclass(slots=True)
class SymbolItem:
    symbol: Symbol


class Loading:
    pass


@dataclass(slots=True)
class Markers:
    """Note counts and worst link status per symbol id / file path, and summed per file and directory."""

    by_target: dict[str, tuple[int, str]] = field(default_factory=dict)
    by_path: dict[str, tuple[int, str]] = field(default_factory=dict)
    project: int = 0  # notes linked to nothing

    @classmethod
    def from_views(cls, views) -> "Markers":
        notes: dict[str, set[str]] = defaultdict(set)
        status: dict[str, list[str]] = defaultdict(list)
        for v in views:
            for st in v.links:
                # a moved link also marks the symbol it moved to, where the user will look for it
                for target in {st.target, st.to} - {None}:
                    notes[target].add(v.note.id)
                    status[target].append(st.status)
        by_target = {t: (len(notes[t]), worst(status[t])) for t in notes}
        path_notes: dict[str, set[str]] = defaultdict(set)
        path_status: dict[str, list[str]] = defaultdict(list)
        for t in notes:
            path = t.split("::", 1)[0]
            parts = path.split("/")
            for i in range(len(parts), 0, -1):
                prefix = "/".join(parts[:i])
                path_notes[prefix] |= notes[t]
                path_status[prefix] += status[t]
        by_path = {p: (len(path_notes[p]), worst(path_status[p])) for p in path_notes}
        return cls(by_target, by_path, sum(1 for v in views if not v.links))


@dataclass(slots=True)
class Layout:
    """The file list arranged as directories, computed off the event loop (in the load job)."""

    files: dict[str, FileItem]
    children: dict[str, list[DirItem | FileItem]]  # directory ("" the root) -> its entries, dirs first

    @classmethod
    def of(cls, files: list[tuple[str, str | None, int]]) -> "Layout":
        children: dict[str, dict[str, DirItem | FileItem]] = defaultdict(dict)
        items: dict[str, FileItem] = {}
        for path, language, count in files:
            parts = path.split("/")
            for i in range(1, len(parts)):
                parent, d = "/".join(parts[: i - 1]), "/".join(parts[:i])
                children[parent].setdefault(d + "/", DirItem(d))
            item = items[path] = FileItem(path, language, count)
            children["/".join(parts[:-1])][path] = item
        return cls(items, {k: sorted(v.values(), key=lambda it: (isinstance(it, FileItem), it.path.lower()))
                           for k, v in children.items()})


class SymbolTree(Tree, Jobs):
    DEFAULT_CSS = """
    SymbolTree { scrollbar-size-vertical: 1; }
    """
    BINDINGS = [
        Binding("right", "expand_or_enter", "Expand", show=False, id="tree.expand"),
        Binding("left", "collapse_or_leave", "Collapse", show=False, id="tree.collapse"),
    ]

    def __init__(self, id: str | None = None):
        super().__init__("repository", data=DirItem(""), id=id)
        self.show_root = False
        self.guide_depth = 2
        self.markers = Markers()
        self._dir_children: dict[str, list[DirItem | FileItem]] = {}
        self._files: dict[str, FileItem] = {}
        self._node_of: dict[str, TreeNode] = {}  # path or symbol id -> node, for what is built
        self._loaded: set[str] = set()  # files whose symbols are in the tree
        self._was_expanded: set[str] = set()  # kept across rebuilds
        self._reveal: str | None = None  # a symbol to show once its file has loaded
        self.loaded_once = False

    # -- data --------------------------------------------------------------------------

    def set_files(self, layout: "Layout") -> None:
        """(Re)build the tree's top level from a file layout, keeping what was expanded and
        the cursor's item where they still exist."""
        cursor = self._key(self.cursor_node.data) if self.cursor_node and self.cursor_node.data else None
        if self.loaded_once:
            self._was_expanded = {self._key(n.data) for n in self._node_of.values() if n.is_expanded}
        self._files = layout.files
        self._dir_children = layout.children
        self._node_of.clear()
        self._loaded.clear()
        self.clear()
        self._node_of[PROJECT] = self.root.add_leaf(self._label(ProjectItem()), data=ProjectItem())
        self._add_children(self.root, "")
        self.loaded_once = True
        if cursor and cursor in self._node_of:
            self.move_cursor(self._node_of[cursor])
        elif cursor:
            self.reveal(cursor)

    def is_dir(self, path: str) -> bool:
        return path in self._node_of and isinstance(self._node_of[path].data, DirItem)

    def language(self, path: str) -> str | None:
        item = self._files.get(path)
        return item.language if item else None

    def set_markers(self, markers: Markers) -> None:
        self.markers = markers
        for node in self._node_of.values():
            node.set_label(self._label(node.data))

    # -- building ----------------------------------------------------------------------

    @staticmethod
    def _key(item) -> str:
        if isinstance(item, SymbolItem):
            return item.symbol.id
        return item.path

    def _label(self, item) -> Text:
        if isinstance(item, ProjectItem):
            count, status = self.markers.project, "fresh"
            text = Text("◆ project-wide", style="bold italic")
        elif isinstance(item, DirItem):
            count, status = self.markers.by_path.get(item.path, (0, "fresh"))
            text = Text(item.path.rsplit("/", 1)[-1] + "/", style="bold")
        elif isinstance(item, FileItem):
            count, status = self.markers.by_path.get(item.path, (0, "fresh"))
            text = Text(item.path.rsplit("/", 1)[-1], style="" if item.language else "dim")
        else:
            s = item.symbol
            count, status = self.markers.by_target.get(s.id, (0, "fresh"))
            text = Text.assemble(kind_icon(s.kind), " ", s.id.split("::", 1)[1].rsplit(".", 1)[-1].split("#")[0])
            if "#" in s.id:
                text.append("#" + s.id.rsplit("#", 1)[1], style="dim")
        if count:
            text.append(" ")
            text.append_text(badge(count, status))
        return text

    def _add_children(self, node: TreeNode, dir_path: str) -> None:
        for item in self._dir_children.get(dir_path, []):
            expandable = isinstance(item, DirItem) or item.symbols > 0
            child = node.add(self._label(item), data=item, allow_expand=expandable)
            self._node_of[item.path] = child
            if item.path in self._was_expanded:
                child.expand()

    def _add_symbols(self, node: TreeNode, symbols: list[Symbol]) -> None:
        ids = {s.id for s in symbols}
        kids: dict[str | None, list[Symbol]] = defaultdict(list)
        for s in symbols:
            kids[s.parent_id if s.parent_id in ids else None].append(s)

        def add(parent: TreeNode, parent_id: str | None) -> None:
            for s in kids.get(parent_id, []):
                has_kids = s.id in kids
                child = parent.add(self._label(SymbolItem(s)), data=SymbolItem(s), allow_expand=has_kids)
                self._node_of[s.id] = child
                if has_kids:
                    add(child, s.id)
                    if s.id in self._was_expanded:
                        child.expand()

        add(node, None)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded) -> None:
        node, item = event.node, event.node.data
        if isinstance(item, DirItem) and not node.children:
            self._add_children(node, item.path)
        elif isinstance(item, FileItem) and item.path not in self._loaded and not node.children:
            node.add_leaf(Text("loading…", style="dim italic"), data=Loading())
            path = item.path
            self.run_job(lambda p: p.file_symbols(path), lambda symbols: self._file_loaded(path, symbols),
                         group=f"tree-file-{path}")

    def _file_loaded(self, path: str, symbols: list[Symbol]) -> None:
        node = self._node_of.get(path)
        if node is None or path in self._loaded:
            return
        node.remove_children()
        self._loaded.add(path)
        self._add_symbols(node, symbols)
        if self._reveal and self._reveal.split("::", 1)[0] == path:
            target, self._reveal = self._reveal, None
            self.reveal(target)

    # -- navigation --------------------------------------------------------------------

    def reveal(self, target: str) -> bool:
        """Expand down to a symbol id or a path and put the cursor on it (loading its file
        first when needed). False when the index has no such path."""
        if target == PROJECT:
            self.call_after_refresh(self._move_to, self._node_of[PROJECT])
            return True
        path = target.split("::", 1)[0]
        if path not in self._files and target != path:
            return False
        parts = path.split("/")
        for i in range(1, len(parts)):
            d = "/".join(parts[:i])
            node = self._node_of.get(d)
            if node is None:
                return False
            if not node.children:
                self._add_children(node, d)
            node.expand()
        node = self._node_of.get(target)
        if node is None and "::" in target:
            file_node = self._node_of.get(path)
            if file_node is None:
                return False
            if path not in self._loaded:
                self._reveal = target
                file_node.expand()
                return True
            return False
        if node is None:
            return False
        parent = node.parent
        while parent is not None and parent is not self.root:
            parent.expand()
            parent = parent.parent
        self.call_after_refresh(self._move_to, node)
        return True

    def _move_to(self, node: TreeNode) -> None:
        self.move_cursor(node)
        self.scroll_to_node(node, animate=False)

    def action_expand_or_enter(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            node.expand()
        elif node.children:
            self.move_cursor(node.children[0])

    def action_collapse_or_leave(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)
