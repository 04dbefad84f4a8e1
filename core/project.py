"""The facade every surface calls (CLI, TUI, MCP server, hooks): a `Project` opened on a
repository root. Surfaces parse arguments and format results; the logic lives here and below.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from tether.core.config import load_config
from tether.core.errors import NotFound, TetherError
from tether.core.index.run import Progress, run_index
from tether.core.model import Edge, IndexReport, Symbol
from tether.core.store import Store

TETHER_DIR = ".tether"
DB_NAME = "tether.duckdb"
_GITIGNORE = "# tether's local state; notes/ is shared through git\ntether.duckdb\ntether.duckdb.wal\n*.tmp\n"


def find_root(start: Path) -> Path:
    """The repository containing `start`, as git finds it; else the nearest directory with a
    .tether folder; else `start` itself."""
    import pygit2

    start = start.resolve()
    found = pygit2.discover_repository(str(start))
    if found:
        repo = pygit2.Repository(found)
        if repo.workdir:
            return Path(repo.workdir).resolve()
    for d in (start, *start.parents):
        if (d / TETHER_DIR).is_dir():
            return d
    return start


@dataclass(slots=True)
class SymbolView:
    symbol: Symbol
    source: str
    callers: list[Edge]
    callees: list[Edge]


class Project:
    def __init__(self, root: Path):
        self.root = root.resolve()
        if not self.root.is_dir():
            raise TetherError(f"{root}: not a directory")
        self.dir = self.root / TETHER_DIR
        self.config = load_config(self.dir / "config.toml")
        self.store = Store(self.dir / DB_NAME, self.config.lock_timeout)

    @classmethod
    def open(cls, repo: str | Path | None = None) -> Project:
        return cls(Path(repo) if repo else find_root(Path.cwd()))

    # -- set-up ------------------------------------------------------------------------

    def init(self) -> bool:
        """Create .tether/ and its database; False when they already existed."""
        existed = self.store.path.exists()
        self._ensure_dir()
        self.store.create()
        return not existed

    def _ensure_dir(self) -> None:
        try:
            self.dir.mkdir(exist_ok=True)
            ignore = self.dir / ".gitignore"
            if not ignore.exists():
                ignore.write_text(_GITIGNORE, "utf-8")
        except OSError as e:
            raise TetherError(f"cannot create {self.dir}: {e.strerror}") from None

    # -- index -------------------------------------------------------------------------

    def index(self, full: bool = False, progress: Progress | None = None) -> IndexReport:
        self._ensure_dir()
        return run_index(self.root, self.store, self.config, full=full, progress=progress)

    def _ensure_indexed(self) -> None:
        if not self.store.path.exists():
            self.index()
            return
        with self.store.read() as con:
            never = self.store.last_run(con) is None
        if never:
            self.index()

    # -- symbols -----------------------------------------------------------------------

    def symbols(self, pattern: str | None = None, kind: str | None = None, file: str | None = None,
                limit: int | None = 50) -> list[Symbol]:
        self._ensure_indexed()
        with self.store.read() as con:
            return self.store.find_symbols(con, pattern, kind, file, limit)

    def languages(self) -> dict[str, int]:
        """Indexed files per language (None: files without a supported language)."""
        with self.store.read() as con:
            return self.store.language_counts(con)

    def resolve(self, name: str) -> Symbol:
        """One symbol for a name, or NotFound listing the best candidates."""
        self._ensure_indexed()
        name = name.strip()
        if not name:
            raise NotFound("empty symbol name")
        with self.store.read() as con:
            found = self.store.resolve_candidates(con, name)
            if found and found[0].id == name:
                return found[0]
            if len(found) == 1:
                return found[0]
            if found:
                ids = [s.id for s in found]
                raise NotFound(f"ambiguous symbol '{name}': {_listing(ids)}", ids)
            near = [s.id for s in self.store.find_symbols(con, name, limit=5)]
        hint = f"; did you mean: {_listing(near)}" if near else ""
        raise NotFound(f"unknown symbol '{name}'{hint}", near)

    def show(self, name: str) -> SymbolView:
        sym = self.resolve(name)
        with self.store.read() as con:
            callers = self.store.neighbours(con, sym.id, incoming=True)
            callees = self.store.neighbours(con, sym.id, incoming=False)
        return SymbolView(sym, self.source(sym), callers, callees)

    def source(self, sym: Symbol) -> str:
        try:
            data = (self.root / sym.path).read_bytes()
        except OSError as e:
            return f"<{sym.path} cannot be read: {e.strerror}>"
        line_start = data.rfind(b"\n", 0, sym.start_byte) + 1
        return textwrap.dedent(data[line_start : sym.end_byte].decode("utf-8", "replace"))


def _listing(ids: list[str], limit: int = 5) -> str:
    more = f" (+{len(ids) - limit} more)" if len(ids) > limit else ""
    return ", ".join(ids[:limit]) + more
