"""Dataclasses shared by every layer: what the index extracts and what the store returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

# Kinds whose nested functions are methods and whose fingerprint excludes nested definitions.
CONTAINER_KINDS = frozenset(
    {"class", "interface", "struct", "enum", "trait", "module", "namespace", "union", "impl", "object"}
)
CALLABLE_KINDS = frozenset({"function", "method", "constructor"})


@dataclass(frozen=True, slots=True)
class Symbol:
    id: str
    kind: str
    name: str
    path: str
    language: str
    start_line: int  # 1-based, inclusive
    end_line: int
    start_byte: int
    end_byte: int
    signature: str
    parent_id: str | None
    # None where not computed (core/index/fill.py: only where a note is linked or code moved)
    code_hash: str | None
    sig_hash: str | None
    blind_hash: str | None  # code_hash with the symbol's own name blanked: finds renames


class Ref(NamedTuple):
    """An edge as extracted from one file, before names are resolved to symbol ids.

    `src` is a symbol id or the file path; `target` is a name (calls, inherits) or an
    import source (imports). `self_call` marks `self.x()` / `this.x()`.
    """

    src: str
    kind: str  # calls | inherits | imports
    target: str
    line: int
    self_call: bool = False


@dataclass(frozen=True, slots=True)
class Binding:
    """A name brought into a file by an import: `local` refers to something in `source`."""

    local: str
    source: str


@dataclass(slots=True)
class FileResult:
    path: str
    language: str | None
    symbols: list[Symbol] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    bindings: list[Binding] = field(default_factory=list)
    code_hash: str | None = ""  # fingerprint of the whole file (for links to files); None: not computed
    syntax_errors: int = 0


@dataclass(frozen=True, slots=True)
class Edge:
    src: str
    kind: str  # contains | calls | imports | inherits
    dst: str  # resolved symbol id / file path, or the bare name when unresolved
    resolved: bool
    line: int


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str


@dataclass(slots=True)
class IndexReport:
    files: int = 0
    parsed: int = 0
    removed: int = 0
    symbols: int = 0
    edges: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    syntax_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    commit: str | None = None
    full: bool = False
    notes_sync: object | None = None  # core.sharing.SyncResult: notes imported from / exported to git


NOTE_TYPES = ("insight", "decision", "gotcha", "convention", "todo", "bug")
NOTE_MAX_CHARS = 4000
# Worst first: a note's status is the worst of its links'.
STATUS_ORDER = ("orphaned", "stale", "moved", "suspect", "fresh")


@dataclass(slots=True)
class Anchor:
    """What a link pointed at when it was made (or last confirmed)."""

    code_hash: str | None
    sig_hash: str | None
    blind_hash: str | None
    text: str  # the source at link time, to diff against later
    commit: str | None
    deps: dict[str, str] = field(default_factory=dict)  # callee/base id -> its code_hash then


@dataclass(slots=True)
class Link:
    target: str  # symbol id, or a file path when kind == "file", a directory (no final '/') for "dir"
    kind: str  # symbol | file | dir
    anchor: Anchor
    moved_from: str | None = None  # set when the link followed a move; cleared once seen


@dataclass(slots=True)
class Note:
    id: str
    text: str
    type: str
    tags: list[str]
    source: str  # user | agent
    session: str | None
    created_at: str
    updated_at: str
    commit: str | None
    state: str  # active | archived | deleted
    private: bool
    links: list[Link] = field(default_factory=list)
    origin: str | None = None  # where an imported note came from (e.g. "CLAUDE.md")
    secret: str | None = None  # what the secret scan found: None not scanned, "" nothing (core/secret_scan.py)
    pinned: bool = False  # always on: in every capsule, whatever the focus

    @property
    def title(self) -> str:
        first = self.text.strip().splitlines()[0] if self.text.strip() else ""
        return first[:100]


@dataclass(slots=True)
class LinkStatus:
    note_id: str
    target: str
    kind: str
    status: str  # fresh | stale | moved | orphaned | suspect
    to: str | None  # the new id for moved links
    reason: str
    severity: str  # high | medium | low | none
