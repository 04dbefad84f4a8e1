"""The facade every surface calls (CLI, TUI, MCP server, hooks): a `Project` opened on a
repository root. Surfaces parse arguments and format results; the logic lives here and below.
"""

from __future__ import annotations

import textwrap
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tether.core.config import load_config
from tether.core.errors import NotFound, TetherError
from tether.core.model import Edge, IndexReport, LinkStatus, Note, Symbol
from tether.core.notes import NoteOps, designates
from tether.core.staleness import exact_moves, statuses, worst
from tether.core.store import Store

if TYPE_CHECKING:  # the indexer (tree-sitter, workers) loads only when an index runs
    from tether.core.index.run import Progress

TETHER_DIR = ".tether"
DB_NAME = "tether.duckdb"
# local state added since the first version: appended to an existing .tether/.gitignore that lacks it
_LOCAL_STATE = ("journal*", "sessions/")
_GITIGNORE = ("# tether's local state; notes/ is shared through git\ntether.duckdb\ntether.duckdb.wal\n*.tmp\n"
              + "".join(f"{line}\n" for line in _LOCAL_STATE))


def find_root(start: Path) -> Path:
    """The repository containing `start`, as git finds it (the nearest directory holding `.git`,
    a folder, or a file for a worktree or submodule); else the nearest directory with a .tether
    folder; else `start` itself."""
    start = start.resolve()
    for d in (start, *start.parents):
        if (d / ".git").exists():
            return d
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


@dataclass(slots=True)
class NoteView:
    note: Note
    status: str  # the worst of its links
    links: list[LinkStatus]


@dataclass(slots=True)
class NoteDetail:
    view: NoteView
    links: list[dict]  # per link: diff (stale/moved), commits since the anchor


class Project(NoteOps):
    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise TetherError(f"{root}: not a directory")
        self.dir = self.root / TETHER_DIR
        self.config = load_config(self.dir / "config.toml")
        self.store = Store(self.dir / DB_NAME, self.config.lock_timeout, root=self.root)
        self.store.pending = _Journal(self)  # notes queued while the database was busy

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
            else:
                have = ignore.read_text("utf-8", "replace")
                missing = [line for line in _LOCAL_STATE if line not in have.splitlines()]
                if missing:
                    with open(ignore, "a", encoding="utf-8") as f:
                        f.write(("" if have.endswith("\n") or not have else "\n") + "".join(f"{l}\n" for l in missing))
        except OSError as e:
            raise TetherError(f"cannot create {self.dir}: {e.strerror}") from None

    # -- index -------------------------------------------------------------------------

    def index(self, full: bool = False, progress: Progress | None = None) -> IndexReport:
        self._ensure_dir()
        from tether.core.index.run import run_index

        report = run_index(self.root, self.store, self.config, full=full, progress=progress)
        self.apply_queued()  # a run with nothing to write still adds the notes waiting for it
        if (report.parsed or report.removed) and self.config.auto_relink:
            self._follow_moves()
        from tether.core.sharing import sync_after_index

        report.notes_sync = sync_after_index(self)
        self._scan_unscanned()
        return report

    def _scan_unscanned(self) -> None:
        """Scan the notes saved before the secret scan existed, once (core/secret_scan.py)."""
        with self.store.read() as con:
            todo = self.store.unscanned_notes(con)
        if todo:
            from tether.core.secret_scan import find_secrets

            hits = find_secrets([text for _, text in todo])
            with self.store.write() as con:
                self.store.set_note_secrets(con, {nid: "" if hit is None else str(hit)
                                                  for (nid, _), hit in zip(todo, hits)})

    def without_secrets(self, notes: list[Note]) -> list[Note]:
        """`notes` less those holding what looks like a secret: what a capsule, a hook's answer or
        an exported file may show. A note never scanned (from before the scan existed, until
        the next index) is scanned here, in memory."""
        from tether.core.secret_scan import holds_secret

        unknown = [n for n in notes if n.secret is None]
        if unknown:
            from tether.core.secret_scan import find_secrets

            for n, hit in zip(unknown, find_secrets([n.text for n in unknown])):
                n.secret = "" if hit is None else str(hit)
        return [n for n in notes if not holds_secret(n.secret)]

    def secret_notes(self) -> list[Note]:
        """Notes (active or archived) holding what looks like a secret, for a person to edit."""
        self._scan_unscanned()
        notes = self.all_notes(("active", "archived"))
        clean = {n.id for n in self.without_secrets(notes)}
        return [n for n in notes if n.id not in clean]

    def share(self) -> None:
        """Notes changed here: write .tether/notes/ now (notes.auto_export, the default), so they are
        in the working tree to commit with the code. Never fails the note operation that came
        first: a busy database or a write error leaves the export to the next `tether index`."""
        from tether.core.sharing import export_if_enabled

        try:
            with self.store.patience(self.config.queue_after):
                export_if_enabled(self)
        except (TetherError, OSError):
            pass

    def _follow_moves(self) -> None:
        """Links whose code moved unchanged follow it; the note stays reported as moved until confirmed."""
        import dataclasses

        with self.store.write() as con:
            notes = {n.id: n for n in self.store.notes(con, None, ("active",))}
            moves = exact_moves(self.store, con, list(notes.values()))
            if not moves:
                return
            changes = []
            for note_id, old, new in moves:
                before = notes[note_id]
                after = dataclasses.replace(before, links=[
                    dataclasses.replace(l, target=new, moved_from=l.moved_from or old) if l.target == old else l
                    for l in before.links])
                notes[note_id] = after
                changes.append(("tether", "auto-relink", before, after))
            self._record_many(con, self.store.next_batch(con), changes)

    # -- staleness ---------------------------------------------------------------------

    def views(self, notes: list[Note]) -> list[NoteView]:
        """Notes with their link statuses, as of the current index."""
        with self.store.read() as con:
            found = statuses(self.store, con, notes, self.source)
        by_note: dict[str, list[LinkStatus]] = {}
        for st in found:
            by_note.setdefault(st.note_id, []).append(st)
        return [NoteView(n, worst([s.status for s in by_note.get(n.id, [])]), by_note.get(n.id, [])) for n in notes]

    def find_notes(self, symbol: str | None = None, file: str | None = None, status: str | None = None,
                   type: str | None = None, tag: str | None = None, search: str | None = None,
                   states: tuple[str, ...] = ("active",)) -> list[NoteView]:
        self._ensure_indexed()
        path = self._normalise_path(file) if file else None
        notes = [n for n in self.all_notes(states)
                 if (type is None or n.type == type) and (tag is None or tag in n.tags)
                 and (search is None or search.lower() in n.text.lower())
                 and (path is None or any(l.target.split("::", 1)[0] == path for l in n.links))]
        if symbol:
            try:
                target = self.resolve(symbol).id
                notes = [n for n in notes if any(l.target == target for l in n.links)]
            except NotFound as e:  # gone from the code: the notes still linked to it by that name
                notes = [n for n in notes if any(designates(l.target, symbol.strip()) for l in n.links)]
                if e.ambiguous or not notes:
                    raise
        views = self.views(notes)
        if status:
            views = [v for v in views if any(s.status == status for s in v.links) or v.status == status]
        return views

    def search_notes(self, query: str = "", symbol: str | None = None, status: str | None = None,
                     states: tuple[str, ...] = ("active",)) -> list[NoteView]:
        """Notes matching the words of `query` in their text, tags or link targets: those matching
        the most words first, then the most recently updated. No query: every note, newest first."""
        views = self.find_notes(symbol=symbol, status=status, states=states)
        words = query_words(query)
        scored = []
        for v in views:
            n = v.note
            hay = " ".join([n.text, *n.tags, *(l.target for l in n.links)]).lower()
            score = sum(1 for w in words if w in hay)
            if score or not words:
                scored.append((score, n.updated_at, n.id, v))
        scored.sort(key=lambda t: (-t[0], _desc(t[1]), t[2]))
        return [t[3] for t in scored]

    def apply_queued(self) -> None:
        """Add the notes waiting in the journal now (every write does so first anyway)."""
        if self.store.pending is not None and self.store.pending.waiting():
            with self.store.write():
                pass

    def queued_notes(self) -> list[dict]:
        """Notes waiting in the journal for the database (see core/journal.py)."""
        from tether.core import journal

        return journal.queued_notes(self.dir)

    def note_detail(self, note_id: str) -> NoteDetail:
        from tether.core.gitlog import commits_touching
        from tether.core.staleness import diff

        view = self.views([self.note(note_id)])[0]
        extras = []
        with self.store.read() as con:
            current = self.store.symbols_by_ids(con, [s.to or s.target for s in view.links])
        for link, st in zip(view.note.links, view.links):
            extra: dict = {}
            if st.status in ("stale", "moved"):
                now_id = st.to or st.target
                if link.kind == "file":
                    now_text = (self.root / now_id).read_text("utf-8", "replace") \
                        if (self.root / now_id).is_file() and not self.is_secret(now_id) else ""
                else:
                    now_text = self.source(current[now_id]) if now_id in current else ""
                extra["diff"] = diff(link.anchor.text, now_text, link.target, now_id)
                path = now_id.split("::", 1)[0]
                extra["commits"] = commits_touching(self.root, path, None if link.kind == "file" else now_id,
                                                    link.anchor.commit)
            extras.append(extra)
        return NoteDetail(view, extras)

    def stale_note_ids(self, file: str) -> list[str]:
        """Notes with a stale or moved link into `file` (for bulk confirm)."""
        path = self._normalise_path(file)
        return sorted({s.note_id for s in self.stale() if s.status in ("stale", "moved", "suspect")
                       and (s.to or s.target).split("::", 1)[0] == path})

    def stale(self, reindex: bool = True) -> list[LinkStatus]:
        """Every link of an active note that is not fresh (after an incremental index)."""
        if reindex:
            self.index()
        else:
            self._ensure_indexed()
        order = ("stale", "moved", "orphaned", "suspect")
        found = [s for v in self.views(self.all_notes()) for s in v.links if s.status != "fresh"]
        return sorted(found, key=lambda s: (order.index(s.status), s.note_id, s.target))

    def indexed(self) -> bool:
        """Has an index run ever completed here?"""
        if not self.store.path.exists():
            return False
        with self.store.read() as con:
            return self.store.last_run(con) is not None

    def _ensure_indexed(self) -> None:
        if not self.indexed():
            self.index()

    @contextmanager
    def _reading(self):
        """A read connection on an index that exists (built first if none ever was): one opening
        of the database where `_ensure_indexed()` and then a read cost two."""
        if self.store.path.exists():
            with self.store.read() as con:
                if self.store.last_run(con) is not None:
                    yield con
                    return
        self.index()
        with self.store.read() as con:
            yield con

    # -- symbols -----------------------------------------------------------------------

    def symbols(self, pattern: str | None = None, kind: str | None = None, file: str | None = None,
                limit: int | None = 50) -> list[Symbol]:
        with self._reading() as con:
            return self.store.find_symbols(con, pattern, kind, file, limit)

    def languages(self) -> dict[str, int]:
        """Indexed files per language (None: files without a supported language)."""
        with self.store.read() as con:
            return self.store.language_counts(con)

    # -- for the terminal UI: a symbol tree loaded a level at a time ----------------------

    def files(self) -> list[tuple[str, str | None, int]]:
        """(path, language, number of symbols) of every indexed file, by path."""
        with self.store.read() as con:
            return self.store.file_list(con)

    def file_symbols(self, path: str) -> list[Symbol]:
        """The symbols of one file in source order (parents before their members)."""
        with self.store.read() as con:
            return self.store.file_symbols(con, path)

    def find_files(self, pattern: str, limit: int = 10) -> list[str]:
        """Indexed file paths matching `pattern` (its characters in order), best first."""
        with self.store.read() as con:
            return self.store.find_files(con, pattern, limit)

    def version(self) -> tuple[int, str | None]:
        """Changes whenever a note operation or an index run is recorded (by any process)."""
        if not self.store.path.exists():
            return (0, None)
        with self.store.read() as con:
            run = self.store.last_run(con)
            return (self.store.history_seq(con), str(run[0]) if run else None)

    def resolve(self, name: str, con=None, suggest: bool = True) -> Symbol:
        """One symbol for a name, or NotFound listing the candidates (for an unknown name, with
        `suggest`, the nearest ones). `con`: reuse an open connection."""
        if con is None:
            with self._reading() as own:
                return self.resolve(name, own, suggest)
        name = name.strip()
        if not name:
            raise NotFound("empty symbol name")
        exact = self.store.symbol(con, name) if "::" in name else None
        if exact is not None:
            return exact
        found = self.store.resolve_candidates(con, name)
        if found and found[0].id == name:
            return found[0]
        if len(found) == 1:
            return found[0]
        if found:
            ids = [s.id for s in found]
            raise NotFound(f"ambiguous symbol '{name}': {_listing(ids)}", ids, ambiguous=True)
        near = [s.id for s in self.store.find_symbols(con, name, limit=5)] if suggest else []
        hint = f"; did you mean: {_listing(near)}" if near else ""
        raise NotFound(f"unknown symbol '{name}'{hint}", near)

    def show(self, name: str) -> SymbolView:
        sym = self.resolve(name)
        with self.store.read() as con:
            callers = self.store.neighbours(con, sym.id, incoming=True)
            callees = self.store.neighbours(con, sym.id, incoming=False)
            row = self.store.file_row(con, sym.path)
        now, data = self._as_edited(sym, row[2] if row else None)
        if now is None:
            source = f"<{sym.path} changed since the last index and no longer defines {sym.id}: run tether index>"
        else:
            sym, source = now, self.source(now, data)
        if self.is_secret(sym.path):  # not even its signature
            import dataclasses

            sym = dataclasses.replace(sym, signature="<withheld: the file matches a secret pattern>")
        return SymbolView(sym, source, callers, callees)

    def _as_edited(self, sym: Symbol, indexed_blob: str | None) -> tuple[Symbol | None, bytes | None]:
        """(`sym` as its file is now, the file's bytes when read): itself while the file is as
        indexed, else found again in the file parsed in memory (the index is not written); None
        when the edit removed it."""
        if indexed_blob is None or self.is_secret(sym.path):
            return sym, None
        from tether.core.index.extract import extract
        from tether.core.index.run import git_blob_id

        try:
            data = (self.root / sym.path).read_bytes()
        except OSError:
            return sym, None  # source() says why it cannot be read
        if git_blob_id(data) == indexed_blob:
            return sym, data
        return next((s for s in extract(sym.path, data).symbols if s.id == sym.id), None), data

    def is_secret(self, path: str) -> bool:
        """Does a repository-relative path match `[secrets] patterns`? Such a file's text never
        reaches a symbol view, an anchor, a diff, a capsule or an MCP answer."""
        return self.config.is_secret(path)

    def source(self, sym: Symbol, data: bytes | None = None) -> str:
        """A symbol's text from its file (`data`: the file's bytes, when already read)."""
        if self.is_secret(sym.path):
            return f"<{sym.path} matches a secret pattern; its text is withheld>"
        try:
            data = (self.root / sym.path).read_bytes() if data is None else data
        except OSError as e:
            return f"<{sym.path} cannot be read: {e.strerror}>"
        return symbol_text(sym, data)

    def suggest_links(self, text: str):
        """The code a note's text names (core/prose_links.py: a ProseLinks), to offer when a
        note is added without links."""
        from tether.core.prose_links import Resolver

        self._ensure_indexed()
        with self.store.read() as con:
            return Resolver(self, con).link_text(text)

    # -- capsule -----------------------------------------------------------------------

    def capsule(self, symbols=(), files=(), task: str | None = None, diff: str | None = None,
                budget: int | None = None, max_chars: int | None = None, include=(), exclude=(),
                for_file: bool = False, reindex: bool | None = None, now=None, min_score: float = 0.0,
                compact: bool = False, changes=None):
        """The notes relevant to a focus, ranked, within `budget` tokens (default: [capsule]
        budget) and `max_chars` characters: a core.capsule.Capsule. `diff`: None (no diff focus),
        "" (the working tree against HEAD) or a revision (`REV...`: its merge base with HEAD).
        `include`/`exclude`: note ids pinned first or dropped. `for_file`: as written into a file
        (private notes left out, dates instead of ages). `min_score`: below it, a note is left out
        as loosely related (counted in the last line). `compact`: the lean rendering hooks
        inject. `reindex`: True updates the index first; None (the default) only for `diff` or
        when the repository was never indexed; False never (the caller just did, or may not wait).
        `changes`: `diff`'s gitdiff.Changes when the caller has read them already."""
        from tether.core import capsule as cap

        budget = self.config.budget if budget is None else budget
        cap.check_limits(budget, max_chars)
        if diff is None:
            changes = None
        elif changes is None:
            from tether.core.gitdiff import changed_lines

            changes = changed_lines(self.root, diff)
        if reindex or (reindex is None and (diff is not None or not self.store.path.exists())):
            self.index()
        focus = cap.Focus(tuple(symbols), tuple(files), task, diff)
        return cap.build(self, focus, budget, max_chars, include, exclude, shared_only=for_file, dates=for_file,
                         now=now, changes=changes, min_score=min_score, compact=compact)

    def check(self, base: str | None = None, head: str | None = None, staged: bool = False):
        """The shared notes the change from `base` (default: the merge base with the default branch)
        to `head` (default: the working tree; `staged`: the index) makes stale, moved, orphaned or
        suspect: a core.check.CheckResult. Reads git and the note files only, never the database."""
        from tether.core.check import check

        return check(self.root, base, head, staged)

    def write_claude_md(self, text: str, path: str | Path | None = None, dry_run: bool = False):
        """Put `text` in tether's managed block of CLAUDE.md (or `path`, inside the repository):
        a core.outputs.managed_block.BlockWrite."""
        from tether.core.outputs.managed_block import DEFAULT_PATH, write_block

        return write_block(self.root, path or DEFAULT_PATH, text, dry_run=dry_run)


def symbol_text(sym: Symbol, data: bytes) -> str:
    """A symbol's text, dedented, from its file's bytes."""
    line_start = data.rfind(b"\n", 0, sym.start_byte) + 1
    return textwrap.dedent(data[line_start : sym.end_byte].decode("utf-8", "replace"))


_STOP_WORDS = frozenset(
    "a an and are as at be but by can do does for from has have how i if in into is it its me my no not of on "
    "or our so that the their then there these this to was we what when where which who why will with you your "
    "please make let lets".split())


def query_words(text: str) -> list[str]:
    """The distinct words of a query worth matching (lower case, 2+ characters, no stop words)."""
    import re

    seen: list[str] = []
    for token in re.findall(r"[\w][\w./:-]*", text.lower()):
        token = token.strip(".:-/")
        parts = re.split(r"[./:-]+", token) if re.search(r"[./:-]", token) else []
        for w in (token, *(p for p in parts if len(p) >= 3)):  # a dotted name or path counts by its parts too
            if len(w) >= 2 and w not in _STOP_WORDS and w not in seen:
                seen.append(w)
    return seen


def _desc(stamp: str) -> tuple[int, ...]:
    """Sort key putting later ISO time stamps first."""
    return tuple(-ord(c) for c in stamp)


def _listing(ids: list[str], limit: int = 5) -> str:
    more = f" (+{len(ids) - limit} more)" if len(ids) > limit else ""
    return ", ".join(ids[:limit]) + more


class _Journal:
    """Store.pending for a Project: the notes in .tether/journal.jsonl (core/journal.py)."""

    def __init__(self, project: Project):
        self.project = project

    def waiting(self) -> bool:
        from tether.core import journal

        return journal.pending(self.project.dir)

    def apply(self, con):
        return self.project.apply_journal(con)

    def applied(self, token) -> None:
        from tether.core import journal

        done, rejected = token
        journal.remove(self.project.dir, done, rejected)
