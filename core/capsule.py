"""The capsule: the notes relevant to a task, most relevant first, under a hard budget.

    focus ─► seeds ─► relevance over the symbol graph ─► note scores ─► greedy fill ─► markdown

**Focus** (any combination): symbols, files (or directories), free task text, the changes of
the working tree (or since a revision). Each gives seed nodes with a weight; nodes are symbol
ids and file paths. No focus at all means the whole project.

**Relevance** is personalised PageRank over the undirected symbol graph — contains (parent or
file -> symbol), calls (both directions), imports (file -> file), inherits — computed by
synchronous push rounds from the seeds: each round every node holding more than EPSILON of
residual mass keeps ALPHA of it and spreads the rest over its neighbours in proportion to the
edge weights (EDGE_WEIGHTS); what is left at the end is kept by ALPHA too. Each round loads
only the edges of the nodes it expands (one query), so the cost follows the focus's
neighbourhood, not the repository: with ROUNDS = 2 the seeds and their neighbours are expanded
and nodes up to two hops away get relevance. A node's relevance is its mass over the mass a
seed keeps at the first step, capped at 1: the seeds are 1, one hop is (1 - ALPHA) times the
edge's share of the seed's weights, two hops that again times the next share — decay by
distance. Without a focus, a linked symbol's relevance is its standing:
0.4 + 0.5 * log(1 + references to it) / log(1 + the most any noted symbol has), so that
project-wide notes (1) come first, then the notes on the most used code.

**Score** of a note = TYPE_WEIGHTS[type] * (1 - (1 - L) * (1 - T)), where L is the best of its
links' relevance * FRESHNESS[link status] and T the task-text match (TEXT_MAX at most, weighted
by how rare the matched words are among the notes). A project-wide note (no links) has
L = PROJECT_WIDE with a focus and 1 without. Stale, moved and suspect notes stay in, ranked
lower, with a warning line; an orphaned link counts only when its target is directly in focus
(its file is a focus file or was deleted in the diff, or a --symbol names it); archived and
deleted notes never appear. Notes under MIN_RELEVANCE are not relevant. Ties break by note id,
and every sum runs in sorted order: the same inputs give the same capsule, byte for byte.

**Budget**: tokens are estimated as ceil(UTF-8 bytes / 3) — ordinary English and code run at
about 4 characters per token, so this errs high (by a third for ASCII prose). Pinned notes
(--include) come first in the order given, then the rest by score; each note is taken if the
whole rendering, header and footer included, stays within both the token budget and the
character limit. The rendering is the concatenation of pieces whose sizes add up, so the fill
is exact; the final markdown is measured again and can never exceed either limit. What did not
fit is listed in `omitted` and counted in the footer line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from tether.core.errors import NotFound, TetherError
from tether.core.model import STATUS_ORDER, LinkStatus, Note, Symbol
from tether.core.notes import designates, match_note_id

ALPHA = 0.4  # restart probability: the share of its mass a node keeps each round
ROUNDS = 2  # push rounds: edges are loaded for the seeds and their neighbours; two hops get mass
EPSILON = 1e-4  # residual mass (of 1 in the seeds) below which a node is not expanded
EDGE_WEIGHTS = {"calls": 1.0, "inherits": 1.0, "contains": 0.7, "imports": 0.4}
TYPE_WEIGHTS = {"gotcha": 1.0, "bug": 0.95, "decision": 0.9, "convention": 0.9, "insight": 0.8, "todo": 0.7}
FRESHNESS = {"fresh": 1.0, "suspect": 0.85, "moved": 0.7, "stale": 0.5, "orphaned": 0.3}
PROJECT_WIDE = 0.05  # the relevance of a project-wide note when there is a focus
TEXT_MAX = 0.6  # the relevance a note gets from containing every word of the task
MIN_RELEVANCE = 0.005
CONTAINER_WEIGHT = 0.25  # a --diff seed whose change lies inside one of its children
CHANGED_FILE_WEIGHT = 0.5  # a --diff seed for a changed file itself
MAX_FILE_SEEDS = 500  # symbols of --file focus files seeded at most (all count as in focus)
MAX_TERM_MATCHES = 20  # a task word naming more symbols than this seeds none
BYTES_PER_TOKEN = 3
# Notes set aside before the fill (omitted[].reason -> the footer's words).
ASIDE = {"not in focus": "{n} project-wide note{s} not about this focus left out",
         "in CLAUDE.md": "{n} note{s} still in a CLAUDE.md Claude Code loads left out",
         "loosely related": "{n} loosely related note{s} left out"}
FOCUS_SHOWN = 5  # focus items named in the header

_MARKER = re.compile(r"^\s*<!--\s*tether:(begin|end)\b.*-->\s*$")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TERM = re.compile(r"[A-Za-z0-9_][\w\-]*(?:(?:\.|::|/)[\w\-]+)*")
_STOPWORDS = frozenset("""
a about above after again all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers him his how if in into is it its itself just let me more most my no nor not
now of off on once only or other our ours out over own same she should so some such than that the
their them then there these they this those through to too under until up very was we were what
when where which while who whom why will with would you your yours add added adds fix fixed fixes
make makes use used uses using need needs want wants get gets set new old code file files function
functions method methods class classes thing things work works working change changes changed
""".split())


def stem(word: str) -> str:
    """A crude stem, enough for task words against names and note text: charges, charging,
    charged and charge all give "charg"."""
    w = word.lower()
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not (suffix == "s" and w.endswith("ss")):
            w = w[: len(w) - len(suffix)] + keep
            break
    return w[:-1] if w.endswith("e") and len(w) > 3 else w


def _variants(word: str) -> list[str]:
    """Names a task word may stand for: itself and its stem's usual forms."""
    s = stem(word)
    return sorted({word.lower(), s, s + "e", s + "s", s + "es", s + "ing", s + "ed", s + "er", s + "y"})


def estimate_tokens(text: str) -> int:
    """The documented token estimate: ceil(UTF-8 bytes / 3); errs on the high side."""
    return -(-len(text.encode("utf-8")) // BYTES_PER_TOKEN)


# -- inputs and results --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Focus:
    symbols: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    task: str | None = None
    diff: str | None = None  # None: no diff focus; "": the working tree against HEAD; else a revision

    @property
    def empty(self) -> bool:
        return not (self.symbols or self.files or (self.task and self.task.strip()) or self.diff is not None)


@dataclass(slots=True)
class CapsuleNote:
    note: Note
    status: str  # the worst of its links'
    links: list[LinkStatus]
    score: float
    group: str | None  # the node it is shown under (its most relevant link); None: project-wide
    reason: str = ""  # why it was left out: "budget" or "private"


@dataclass(slots=True)
class Capsule:
    markdown: str
    budget: int
    max_chars: int | None
    notes: list[CapsuleNote]  # in the capsule, in fill order (pins first, then by score)
    omitted: list[CapsuleNote]  # relevant, but over the budget (or private, for files)
    excluded: list[str] = field(default_factory=list)
    focus: list[str] = field(default_factory=list)  # what the focus resolved to, for the header
    seeds: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def tokens(self) -> int:
        return estimate_tokens(self.markdown)

    @property
    def chars(self) -> int:
        return len(self.markdown)

    def to_json(self) -> dict:
        return {
            "budget": self.budget, "max_chars": self.max_chars, "tokens": self.tokens, "chars": self.chars,
            "focus": self.focus, "seeds": self.seeds,
            "notes": [{"id": c.note.id, "type": c.note.type, "text": c.note.text,
                       "symbols": [l.to or l.target for l in c.links], "score": round(c.score, 6),
                       "status": c.status,
                       "reason": "; ".join(l.reason for l in c.links if l.status != "fresh") or None}
                      for c in self.notes],
            "omitted": [{"id": c.note.id, "line": c.note.title, "score": round(c.score, 6), "reason": c.reason}
                        for c in self.omitted],
            "excluded": self.excluded, "warnings": self.warnings, "markdown": self.markdown,
        }


@dataclass(slots=True)
class _Seeds:
    weights: dict[str, float] = field(default_factory=dict)  # node -> seed weight
    direct: set[str] = field(default_factory=set)  # nodes whose links count as in focus
    direct_paths: set[str] = field(default_factory=set)  # every link into these files is in focus
    gone: set[str] = field(default_factory=set)  # link targets a --symbol named that no longer exist
    dirs: set[str] = field(default_factory=set)  # --file focus directories
    words: list[str] = field(default_factory=list)  # task words, for matching note text
    labels: list[str] = field(default_factory=list)  # the focus in words, for JSON
    shown: list[str] = field(default_factory=list)  # the same as markdown, for the header
    warnings: list[str] = field(default_factory=list)

    def add(self, node: str, weight: float) -> None:
        self.weights[node] = self.weights.get(node, 0.0) + weight

    def label(self, text: str, markdown: str | None = None) -> None:
        """`text` names (part of) the focus; `markdown` is how the header shows it."""
        self.labels.append(text)
        self.shown.append(markdown or text)


# -- the capsule ---------------------------------------------------------------------------


def build(project, focus: Focus, budget: int, max_chars: int | None = None, include=(), exclude=(),
          shared_only: bool = False, dates: bool = False, now: datetime | None = None,
          changes=None, min_score: float = 0.0, compact: bool = False) -> Capsule:
    """The capsule for `focus`. `shared_only`: leave private notes out (for files under git);
    `dates`: show each note's date instead of its age (for files, which outlive the day);
    `changes`: the gitdiff.Changes of a --diff focus (computed by the caller); `min_score`:
    notes scoring less (not pinned) are left out as loosely related, and counted; `compact`:
    the lean rendering hooks inject (see _Renderer)."""
    check_limits(budget, max_chars)
    with project.store.read() as con:
        picked = _select(project, con, focus, include, exclude, changes)
    if picked is None:  # never indexed yet
        project.index()
        with project.store.read() as con:
            picked = _select(project, con, focus, include, exclude, changes)
    scored, private, pins, drops, seeds, symbols, aside = picked
    loose = [c for c in scored if c.score < min_score and c.note.id not in pins and not c.note.pinned]
    for c in loose:  # loosely related: left out, counted
        c.reason = "loosely related"
    aside += loose
    scored = [c for c in scored if not c.reason]
    order = {nid: i for i, nid in enumerate(pins)}
    scored.sort(key=lambda c: (order.get(c.note.id, len(order)), -c.score, c.note.id))
    kept = [c for c in scored if not (shared_only and c.note.id in private)]
    held = [c for c in scored if shared_only and c.note.id in private]
    for c in held:
        c.reason = "private"
    labels = [] if focus.empty else seeds.labels
    shown = [] if focus.empty else seeds.shown
    counts: dict[str, int] = {}
    for c in aside:
        counts[c.reason] = counts.get(c.reason, 0) + 1
    markdown, chosen, over = pack(kept, budget, max_chars, shown, symbols, dates, now, private=len(held),
                                  aside=counts, compact=compact)
    if not markdown:
        seeds.warnings.append(f"the budget ({budget} tokens{f', {max_chars} characters' if max_chars else ''}) "
                              f"is too small for anything; {len(over)} relevant notes left out")
    return Capsule(markdown, budget, max_chars, chosen, over + held + aside, sorted(drops), labels,
                   len(seeds.weights), seeds.warnings)


def pack(ordered: list[CapsuleNote], budget: int, max_chars: int | None = None, focus: list[str] = (),
         symbols: dict[str, Symbol] | None = None, dates: bool = False, now: datetime | None = None,
         private: int = 0, aside: dict[str, int] | None = None,
         compact: bool = False) -> tuple[str, list[CapsuleNote], list[CapsuleNote]]:
    """Fill greedily in the given order and render: (markdown, taken, left over). The markdown
    never exceeds `budget` tokens (estimate_tokens) nor `max_chars` characters. `focus`: what
    the header names, as markdown (empty: the whole project); `private`: notes left out as private, counted
    in the footer; `aside`: notes set aside before the fill, by reason (ASIDE), counted there too;
    `compact`: the lean rendering hooks inject (see _Renderer)."""
    check_limits(budget, max_chars)
    renderer = _Renderer(list(focus), symbols or {}, dates, now or datetime.now(timezone.utc), budget, max_chars,
                         aside or {}, compact)
    chosen, over = renderer.fill(ordered, private)
    for c in over:
        c.reason = "budget"
    return renderer.render(chosen, len(over), private), chosen, over


def _select(project, con, focus: Focus, include, exclude, changes):
    """The relevant notes, scored, with what rendering needs; None when the index was never built."""
    store = project.store
    if store.last_run(con) is None:
        return None
    links: dict[str, list[tuple[str, str]]] = {}
    private: set[str] = set()
    pinned: set[str] = set()
    for nid, priv, pin, target, kind in store.capsule_links(con):
        links.setdefault(nid, [])
        if target is not None:
            links[nid].append((target, kind))
        if priv:
            private.add(nid)
        if pin:
            pinned.add(nid)
    pins = _note_ids(store, con, include, "--include", active=True)
    drops = _note_ids(store, con, exclude, "--exclude", active=False)
    both = sorted(set(pins) & set(drops))
    if both:
        raise TetherError(f"note {both[0]} is both included and excluded", exit_code=2)
    seeds = _seeds(project, con, focus, changes, links)
    whole_project = focus.empty
    targets = sorted({t for ls in links.values() for t, _ in ls})
    rel = _standing(store, con, targets) if whole_project else relevance(store, con, seeds.weights)
    dirs = sorted({t for ls in links.values() for t, k in ls if k == "dir"})
    if dirs and not whole_project:
        rel.update(_dir_relevance(rel, seeds, dirs))
    text = _text_relevance(store.active_note_texts(con), seeds.words) if seeds.words else {}
    # links that may have moved within a relevant file: is their target still there?
    maybe_gone = [t for t in targets if t not in rel
                  and (t in seeds.gone or rel.get(t.split("::", 1)[0], 0) >= MIN_RELEVANCE)]
    existing = store.existing_nodes(con, maybe_gone) if maybe_gone else set()
    maybe = set(maybe_gone)

    def hopeful(nid: str) -> bool:
        """Worth computing statuses for: relevant, or a gone link whose file is (it may have
        moved within it; a move to an unrelated file that also changed the code is missed)."""
        ls = links[nid]
        if not ls or whole_project or text.get(nid, 0) > 0:
            return True
        for t, _ in ls:
            path = t.split("::", 1)[0]
            if rel.get(t, 0) >= MIN_RELEVANCE or t in seeds.direct or path in seeds.direct_paths:
                return True
            if t in maybe and t not in existing:
                return True
        return False

    dropped = set(drops)
    candidates = sorted({n for n in links if n not in dropped and (hopeful(n) or n in pinned)} | set(pins))
    notes = project.without_secrets(store.notes(con, candidates, ("active",)))
    aside: list[CapsuleNote] = []
    from tether.core.claude_md_import import still_in_claude_md

    loaded = still_in_claude_md(project, con, notes)  # Claude Code loads these itself: never twice
    for n in notes:
        if n.id not in pins and n.id in loaded:
            aside.append(CapsuleNote(n, "fresh", [], 0.0, None, "in CLAUDE.md"))
    if not whole_project:  # a project-wide note earns its place: pinned, or its text is about the focus
        about = _about_focus(seeds)
        loaded_ids = {c.note.id for c in aside}
        for n in notes:
            if not links[n.id] and not n.pinned and n.id not in pins and text.get(n.id, 0) <= 0 \
                    and n.id not in loaded_ids and not (about and about.search(n.text)):
                aside.append(CapsuleNote(n, "fresh", [], 0.0, None, "not in focus"))
    set_aside = {c.note.id for c in aside}
    notes = [n for n in notes if n.id not in set_aside]
    from tether.core.staleness import statuses, worst

    by_note: dict[str, list[LinkStatus]] = {}
    cached = _Remembering(store)
    for st in statuses(cached, con, notes, project.source):
        by_note.setdefault(st.note_id, []).append(st)
    scored = []
    for n in notes:
        sts = by_note.get(n.id, [])
        score, group = _score(n, sts, rel, text.get(n.id, 0.0), seeds, whole_project)
        if n.id in pins and group is None and sts:
            group = _node(sts[0])
        if score > 0 or n.id in pins:
            scored.append(CapsuleNote(n, worst([s.status for s in sts]), sts, score, group))
    groups = {c.group for c in scored if c.group and "::" in c.group}
    symbols = {g: cached.symbols[g] for g in groups if g in cached.symbols}
    symbols.update(store.symbols_by_ids(con, sorted(groups - set(symbols))))
    return scored, private, pins, drops, seeds, symbols, aside


def _about_focus(seeds: _Seeds) -> re.Pattern | None:
    """What a project-wide note's text must name to be about the focus: a name in the nesting of
    a focus symbol (UserService, refresh), a focus file (users.py, api/users.py) or a directory
    above it (api/, api/models)."""
    terms: set[str] = set()
    for node in (*seeds.direct, *seeds.direct_paths, *seeds.gone, *seeds.dirs):
        path, _, nest = node.partition("::")
        terms |= {rf"{re.escape(p.split('#')[0])}(?![\w-])" for p in nest.split(".") if len(p.split("#")[0]) >= 3}
        parts = path.strip("/").split("/")
        if parts[-1] and node not in seeds.dirs:
            terms |= {rf"{re.escape(path)}(?![\w-])", rf"{re.escape(parts[-1])}(?![\w-])"}
        for i in range(1, len(parts) + (node in seeds.dirs)):
            terms |= {re.escape(parts[i - 1] + "/"), rf"{re.escape('/'.join(parts[:i]))}(?![\w-])"}
    if not terms:
        return None
    return re.compile(r"(?<![\w.-])(?:" + "|".join(sorted(terms, key=lambda t: (-len(t), t))) + ")")


class _Remembering:
    """The store, remembering the symbols it hands out: staleness fetches the linked symbols,
    and the group headings need the same ones — one query instead of two."""

    def __init__(self, store):
        self._store = store
        self.symbols: dict[str, Symbol] = {}

    def __getattr__(self, name):
        return getattr(self._store, name)

    def symbols_by_ids(self, con, ids):
        found = self._store.symbols_by_ids(con, ids)
        self.symbols.update(found)
        return found


def check_limits(budget, max_chars) -> None:
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 1:
        raise TetherError(f"budget must be a positive number of tokens, not {budget!r}", exit_code=2)
    if max_chars is not None and (isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1):
        raise TetherError(f"max-chars must be a positive number, not {max_chars!r}", exit_code=2)


def _note_ids(store, con, given, option: str, active: bool) -> list[str]:
    out: list[str] = []
    for raw in given:
        try:
            nid = match_note_id(store, con, raw)
        except NotFound as e:
            raise NotFound(f"{option}: {e}", e.candidates) from None
        if active:
            found = store.notes(con, [nid], ("active", "archived", "deleted"))
            if found and found[0].state != "active":
                raise TetherError(f"{option}: note {nid} is {found[0].state} "
                                  f"(tether note restore {nid} brings it back)", exit_code=2)
        if nid not in out:
            out.append(nid)
    return out


# -- focus -> seeds ------------------------------------------------------------------------


def _seeds(project, con, focus: Focus, changes, links: dict[str, list[tuple[str, str]]]) -> _Seeds:
    store = project.store
    s = _Seeds()
    for name in focus.symbols:
        try:
            sym = project.resolve(name, con)
        except NotFound as e:
            if e.ambiguous:
                raise
            gone = {t for ls in links.values() for t, k in ls if k == "symbol" and designates(t, name.strip())}
            if not gone:
                raise
            s.gone |= gone
            s.label(f"{name.strip()} (gone)", f"{_code(name.strip())} (gone)")
            continue
        s.add(sym.id, 1.0)
        s.direct.add(sym.id)
        s.label(sym.id, _code(sym.id))
    for raw in focus.files:
        path = project._normalise_path(raw)
        found = store.files_under(con, path)
        if not found:
            prefix = path.strip("/") + "/"
            gone = {t.split("::", 1)[0] for ls in links.values() for t, _ in ls
                    if t.split("::", 1)[0] == path.strip("/") or t.startswith(prefix)}
            if not gone:
                raise NotFound(f"unknown file '{raw}' (not indexed; run tether index?)")
            s.direct_paths |= gone
            s.label(f"{path} (gone)", f"{_code(path)} (gone)")
            continue
        s.label(path or ".", _code(path or "."))
        if path.strip("/") and found != [path.strip("/")]:
            s.dirs.add(path.strip("/"))
        s.direct_paths |= set(found)
        for p in found:
            s.add(p, 1.0)
        for sid in store.symbol_ids_in(con, found, MAX_FILE_SEEDS):
            s.add(sid, 1.0)
    if focus.task and focus.task.strip():
        _task_seeds(store, con, focus.task, s)
    if focus.diff is not None and changes is not None:
        _diff_seeds(store, con, focus.diff, changes, s)
    return s


def _task_seeds(store, con, task: str, s: _Seeds) -> None:
    task = task.strip()
    s.label(f'task "{task if len(task) <= 60 else task[:59] + "…"}"')
    words: list[str] = []
    for w in _WORD.findall(task):
        w = w.lower()
        if len(w) >= 3 and w not in _STOPWORDS and stem(w) not in words:
            words.append(stem(w))
    s.words = words
    terms = []
    for t in _TERM.findall(task):
        t = t.strip(".-/")
        if t and t not in terms:
            terms.append(t)
    dotted = [t for t in terms if any(c in t for c in "./:")][:MAX_TERM_MATCHES]
    plain = [t for t in terms if t not in dotted and len(t) >= 3 and t.lower() not in _STOPWORDS]
    matches: dict[str, set[str]] = {}
    for t in dotted:
        if "/" not in t:
            matches.setdefault(t, set()).update(x.id for x in store.resolve_candidates(con, t))
    forms = {t: _variants(t) for t in plain}
    for name, sid in store.symbols_named(con, sorted({f for fs in forms.values() for f in fs})):
        for t in plain:
            if name in forms[t]:
                matches.setdefault(t, set()).add(sid)
    for t, path in store.files_named(con, dotted + plain):
        matches.setdefault(t, set()).add(path)
    for t in terms:
        found = sorted(matches.get(t, ()))
        if not found or len(found) > MAX_TERM_MATCHES:
            continue
        code_like = t in dotted or "_" in t or any(c.isdigit() for c in t) or t[1:] != t[1:].lower()
        weight = (1.0 if code_like else 0.5) / len(found)
        for node in found:
            s.add(node, weight)


def _diff_seeds(store, con, rev: str, changes, s: _Seeds) -> None:
    if rev:
        s.label(f"changes since {rev}", f"changes since {_code(rev)}")
    else:
        s.label("uncommitted changes")
    whole = sorted(p for p, r in changes.files.items() if r is None)
    ranges = [(p, lo, hi) for p, rs in sorted(changes.files.items()) if rs for lo, hi in rs]
    touched = store.symbols_touching(con, ranges)
    touched_ids = {sid for sid, _, _ in touched}
    parents = {parent for _, parent, _ in touched if parent}
    for sid, _, _ in touched:
        s.add(sid, CONTAINER_WEIGHT if sid in parents else 1.0)
    for sid in store.symbol_ids_in(con, whole, MAX_FILE_SEEDS):  # new files: every symbol
        if sid not in touched_ids:
            s.add(sid, 1.0)
            s.direct.add(sid)
    known = store.existing_nodes(con, sorted(changes.files))
    for p in sorted(known):
        s.add(p, CHANGED_FILE_WEIGHT)
        s.direct.add(p)
    s.direct.update(sid for sid, _, _ in touched if sid not in parents)
    s.direct_paths.update(changes.deleted)
    if not touched and not known and not changes.deleted:
        s.warnings.append(f"--diff: no indexed code changed {'since ' + rev if rev else 'in the working tree'}")


# -- relevance -----------------------------------------------------------------------------


def relevance(store, con, seeds: dict[str, float]) -> dict[str, float]:
    """Personalised PageRank from `seeds` (node -> weight), by push rounds; node -> relevance in (0, 1]."""
    total = sum(seeds.values())
    if total <= 0:
        return {}
    start = {n: w / total for n, w in sorted(seeds.items())}
    residual = dict(start)
    mass: dict[str, float] = {}
    adjacency: dict[str, list[tuple[str, float]]] = {}
    for _ in range(ROUNDS):
        frontier = sorted(n for n, m in residual.items() if m > EPSILON)
        if not frontier:
            break
        _load(store, con, [n for n in frontier if n not in adjacency], adjacency)
        nxt = {n: m for n, m in residual.items() if m <= EPSILON}
        for u in frontier:
            m = residual[u]
            near = adjacency[u]
            if not near:  # nothing to spread to: it keeps all
                mass[u] = mass.get(u, 0.0) + m
                continue
            mass[u] = mass.get(u, 0.0) + ALPHA * m
            share = (1 - ALPHA) * m / sum(w for _, w in near)
            for v, w in near:
                nxt[v] = nxt.get(v, 0.0) + share * w
        residual = nxt
    for n in sorted(residual):
        mass[n] = mass.get(n, 0.0) + ALPHA * residual[n]
    ref = ALPHA * max(start.values())
    return {n: min(1.0, m / ref) for n, m in mass.items()}


def _dir_relevance(rel: dict[str, float], seeds: _Seeds, dirs: list[str]) -> dict[str, float]:
    """A directory link applies to everything below it: 1 when the focus lies inside, else the
    best relevance of a node below it."""
    out = {}
    for d in dirs:
        prefix = d + "/"
        if any(n.split("::", 1)[0].startswith(prefix) for n in (*seeds.direct, *seeds.direct_paths)):
            out[d] = 1.0
            continue
        best = max((r for n, r in rel.items() if n.startswith(prefix)), default=0.0)
        if best > 0:
            out[d] = best
    return out


def _node(st: LinkStatus) -> str:
    """The node a link shows a note under: the symbol or file, a directory with its final '/'."""
    return (st.to or st.target) + ("/" if st.kind == "dir" else "")


def _load(store, con, nodes: list[str], adjacency: dict[str, list[tuple[str, float]]]) -> None:
    if not nodes:
        return
    wanted = set(nodes)
    for n in nodes:
        adjacency[n] = []
    for src, dst, kind in store.graph_edges(con, nodes):
        w = EDGE_WEIGHTS.get(kind, 0.0)
        if not w:
            continue
        if src in wanted:
            adjacency[src].append((dst, w))
        if dst in wanted:
            adjacency[dst].append((src, w))


def _standing(store, con, nodes: list[str]) -> dict[str, float]:
    """Without a focus: 0.4 + 0.5 * log(1 + references) / log(1 + the most references)."""
    degrees = store.in_degrees(con, nodes)
    top = math.log1p(max(degrees.values(), default=0))
    return {n: 0.4 + (0.5 * math.log1p(degrees.get(n, 0)) / top if top else 0.0) for n in nodes}


def _text_relevance(texts: list[tuple[str, str]], words: list[str]) -> dict[str, float]:
    """note id -> TEXT_MAX * (the rarity-weighted share of the task's words the note contains)."""
    wanted = set(words)
    found: dict[str, set[str]] = {}
    df = dict.fromkeys(words, 0)
    stems: dict[str, str] = {}
    for nid, text in texts:
        has = set()
        for w in _WORD.findall(text):
            st = stems.get(w)
            if st is None:
                st = stems[w] = stem(w)
            if st in wanted:
                has.add(st)
        if has:
            found[nid] = has
            for w in has:
                df[w] += 1
    n = len(texts)
    idf = {w: math.log((n + 1) / (df[w] + 0.5)) for w in words}
    whole = sum(idf.values())
    if whole <= 0:
        return {}
    return {nid: TEXT_MAX * sum(idf[w] for w in sorted(has)) / whole for nid, has in found.items()}


def _score(note: Note, sts: list[LinkStatus], rel: dict[str, float], text: float, seeds: _Seeds,
           whole_project: bool) -> tuple[float, str | None]:
    """(score, the node to show it under) of one note; 0 when it is not relevant."""
    best, group = 0.0, None
    for st in sts:
        node = st.to or st.target
        path = node.split("::", 1)[0]
        if st.status == "orphaned":
            in_focus = (st.target in seeds.direct or st.target in seeds.gone
                        or st.target.split("::", 1)[0] in seeds.direct_paths)
            r = 1.0 if in_focus else 0.0
        elif node in seeds.direct or path in seeds.direct_paths:
            r = 1.0
        else:
            r = rel.get(node, 0.4 if whole_project else 0.0)
        if r < MIN_RELEVANCE and not (whole_project and r > 0):
            continue
        value = r * FRESHNESS[st.status]
        if value > best:
            best, group = value, _node(st)
    if note.pinned and best < 1.0:  # always on
        best, group = 1.0, group or (_node(sts[0]) if sts else None)
    if not sts:
        best = 1.0 if whole_project or note.pinned else PROJECT_WIDE
    elif group is None and text <= 0:
        return 0.0, None
    worst_status = min((s.status for s in sts), key=STATUS_ORDER.index, default="fresh")
    combined = 1 - (1 - best) * (1 - text * FRESHNESS[worst_status])
    if group is None and sts:  # only the task text matched it: show it under its first link
        group = _node(sts[0])
    return TYPE_WEIGHTS.get(note.type, 0.8) * combined, group


# -- rendering -----------------------------------------------------------------------------


def _code(text: str) -> str:
    """`text` as a markdown code span, whatever backticks it holds."""
    text = " ".join(text.split())
    ticks = "`"
    while ticks in text:
        ticks += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _safe(line: str) -> str:
    """A note line that would read as a managed-block marker is escaped."""
    return line.replace("<!--", "&lt;!--", 1) if _MARKER.match(line) else line


def age(stamp: str, now: datetime) -> str:
    try:
        then = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return stamp
    days = (now - then).total_seconds() / 86400
    if days < 1:
        return "today"
    for unit, size, limit in (("d", 1, 14), ("w", 7, 10 * 7), ("mo", 30.44, 24 * 30.44)):
        if days < limit:
            return f"{int(days // size)}{unit} ago"
    return f"{int(days // 365.25)}y ago"


class _Renderer:
    """Markdown as the concatenation of pieces — header, per group a heading, per note a block,
    footer — so the size of any selection is the sum of its pieces' sizes.

    `compact` is what hooks inject into every session, where each token is paid again: no header
    (the hook's first line says what the notes are for), a group is its symbol's id and line (no
    signature), a note is its type, id and text, with a warning line only for a link
    that is not fresh (no age, no `also linked`), and the last line counts only the related
    notes left out (over the limit, or loosely related), which `get_capsule` gives."""

    def __init__(self, focus: list[str], symbols: dict[str, Symbol], dates: bool, now: datetime,
                 budget: int, max_chars: int | None, aside: dict[str, int], compact: bool = False):
        self.compact = compact
        self.aside = aside
        self.focus = focus
        self.symbols = symbols
        self.dates = dates
        self.now = now
        self.max_bytes = budget * BYTES_PER_TOKEN
        self.max_chars = max_chars
        self.budget = budget
        self.show_header = True
        self.show_footer = True

    def header(self) -> str:
        if not self.show_header or self.compact:
            return ""
        if not self.focus:
            what = "the whole project"
        else:
            shown = ", ".join(self.focus[:FOCUS_SHOWN])
            more = len(self.focus) - FOCUS_SHOWN
            what = shown + (f" (+{more} more)" if more > 0 else "")
        return f"## Notes from tether\n_Focus: {what}._\n"

    def group(self, node: str | None) -> str:
        if self.compact:
            sym = self.symbols.get(node) if node else None
            gone = sym is None and node is not None and "::" in node
            where = f" (line {sym.start_line})" if sym else " (gone)" if gone else ""
            return "\nProject-wide:\n" if node is None else f"\n{_code(node)}{where}:\n"
        if node is None:
            return "\n### Project-wide\n"
        sym = self.symbols.get(node)
        if sym is not None:
            sig = f"{_code(sym.signature)}\n" if sym.signature.strip() else ""
            return f"\n### {_code(sym.id)} ({sym.path}:{sym.start_line})\n{sig}"
        if node.endswith("/"):
            return f"\n### {_code(node)} (directory)\n"
        if "::" not in node:
            return f"\n### {_code(node)} (file)\n"
        return f"\n### {_code(node)} (gone)\n"

    def note(self, c: CapsuleNote) -> str:
        n = c.note
        when = n.updated_at[:10] if self.dates else age(n.updated_at, self.now)
        lines = [_safe(l.rstrip()) for l in n.text.strip("\n").splitlines()] or [""]
        first = f"{n.type} `{n.id}`" if self.compact else f"**{n.type}** ({when}, `{n.id}`)"
        out = [f"- {first}: {lines[0]}".rstrip()]
        out += [f"  {l}" if l else "" for l in lines[1:]]
        many = len(c.links) > 1
        for st in c.links:
            if st.status != "fresh":
                target = st.target
                if self.compact and c.group and target.startswith(c.group.split("::", 1)[0] + "::"):
                    target = target.split("::", 1)[1]  # the group names the file already
                where = f" ({_code(target)})" if many and not (self.compact and st.target == c.group) else ""
                out.append(f"  ⚠ {st.status}{where}: {st.reason or st.status}")
        others = [_node(st) for st in c.links if _node(st) != c.group]
        if others and c.group is not None and not self.compact:
            out.append("  also linked: " + ", ".join(_code(o) for o in others))
        return "\n".join(out) + "\n"

    def footer(self, over: int, private: int, empty: bool) -> str:
        if not self.show_footer:
            return ""
        if self.compact:
            more = over + self.aside.get("loosely related", 0)
            if empty or not more:
                return ""
            return f"\n(+{more} related note{'s' if more != 1 else ''}: `get_capsule`)\n"
        if empty and not over and not private and not self.aside:
            return "\n_No relevant notes._\n"
        parts = []
        if over:
            limit = f"{self.budget} tokens" + (f", {self.max_chars} characters" if self.max_chars else "")
            parts.append(f"{over} more relevant note{'s' if over != 1 else ''} did not fit ({limit})")
        if private:
            parts.append(f"{private} private note{'s' if private != 1 else ''} left out of files")
        for reason, n in sorted(self.aside.items()):
            parts.append(ASIDE[reason].format(n=n, s="s" if n != 1 else ""))
        if not parts:
            return ""
        return f"\n_{'; '.join(parts)}; `tether capsule --format json` lists them._\n"

    def _fits(self, size: tuple[int, int]) -> bool:
        return size[0] <= self.max_bytes and (self.max_chars is None or size[1] <= self.max_chars)

    def fill(self, ordered: list[CapsuleNote], private: int) -> tuple[list[CapsuleNote], list[CapsuleNote]]:
        """Greedy: each note in order is taken if everything still fits. (taken, left over)."""
        footers = [_size(self.footer(len(ordered), private, empty)) for empty in (False, True)]
        reserve = (max(f[0] for f in footers), max(f[1] for f in footers))
        used = _add(_size(self.header()), reserve)
        if not self._fits(used):  # a budget too small for the header: the notes and footer alone
            self.show_header = False
            used = reserve
            if not self._fits(used):  # too small for the footer: nothing (a note shown with others
                self.show_footer = False  # missing uncounted would drop them silently)
                return [], list(ordered)
        taken, left, groups = [], [], set()
        for c in ordered:
            cost = _size(self.note(c))
            if c.group not in groups:
                cost = _add(cost, _size(self.group(c.group)))
            if self._fits(_add(used, cost)):
                used = _add(used, cost)
                taken.append(c)
                groups.add(c.group)
            else:
                left.append(c)
        while taken and not self._fits(_size(self.render(taken, len(left), private))):  # never, by construction
            left.insert(0, taken.pop())
        return taken, left

    def render(self, chosen: list[CapsuleNote], over: int, private: int) -> str:
        groups: dict[str | None, list[CapsuleNote]] = {}
        if any(c.group is None for c in chosen):
            groups[None] = []
        for c in chosen:
            groups.setdefault(c.group, []).append(c)
        body = "".join(self.group(g) + "".join(self.note(c) for c in cs) for g, cs in groups.items())
        return self.header() + body + self.footer(over, private, not chosen)


def _size(text: str) -> tuple[int, int]:
    return len(text.encode("utf-8")), len(text)


def _add(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    return a[0] + b[0], a[1] + b[1]
