"""Linking from prose: the symbols, files and directories a note's text names.

One function for every note text — an imported CLAUDE.md entry, a note added without links
(whose links are then offered, not made) — `link_text`, over a `Resolver` that keeps one read
connection and a cache.

What counts as naming code (`mentions`, in order of appearance, once each):

- a code span that looks like an identifier, a dotted name or a path: `UserService.refresh`,
  `users.py`, `api/x.py::f`; a call `refresh()` or `charge(amount)` names `refresh`/`charge`; a
  generic `Agent[Deps, Out]` names `Agent`; a decorator `@cache` names `cache`, `@agent.tool` the
  `tool` method of the class the object is an instance of (`agent` -> `Agent`, or else a class
  the entry names: `@mcp.tool()` beside `MCPServer`); a member
  `.refresh()` (leading dot) names the method of a class the same entry, or its headings, name;
  a path ending in `/` names a directory;
- outside code spans: dotted names (api.users.UserService), paths (src/app/users.py, docs/),
  `.refresh()` members, `name()` calls, `Name[...]` generics and `@obj.method` decorators;
- plain words (`words`) only when they look like code: CamelCase with an inner capital
  (UserService, TestModel) or snake_case (run_sync), and capitalised names of extension-less
  files the index holds (Makefile, Dockerfile). A plain English word that happens to be a
  symbol's name (Tests, Error) is never read as one.

A mention links when it resolves to exactly one target. A simple name is first looked up as a
member of the classes the entry (or its headings) names; among several definitions, the one in
a file or directory the entry (or its headings) names wins (`cell_len` from rich/cells.py), then
the source's over those in tests, examples, docs or benchmarks. A name defined repeatedly in one
scope (overloads, if/else variants: `f`, `f#2`) is one name, and links every definition. What
remains ambiguous is reported with its candidates, never guessed; unknown plain words are not
reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tether.core.claude_md_import import CODE_SPAN, clean_token, fence_free
from tether.core.errors import NotFound
from tether.core.model import CONTAINER_KINDS

_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+|\bwww\.\S+|[\w.+-]+@[\w-]+\.[\w.-]+", re.I)
_TOKEN = re.compile(r"(?<![@\w./:-])[\w./:-]+")  # not after @: a decorator
_DOTTED = re.compile(r"[^\W\d]\w*(?:\.[^\W\d]\w*)+")
_WORDS = frozenset({"true", "false", "none", "null", "nil", "self", "this", "cls", "undefined"})
# `.refresh()`, `refresh()`, `Agent[...]`, `@agent.tool` written in prose
_PROSE_CODE = re.compile(r"(?<![\w.])(?:(?P<member>\.[^\W\d]\w*)\(|(?P<call>[^\W\d]\w*)\(\)|(?P<generic>[A-Z]\w*)\["
                         r"|(?P<decorator>@[^\W\d]\w*(?:\.[^\W\d]\w*)*))")
_CAMEL = re.compile(r"(?<![\w./@-])[A-Z][A-Za-z0-9]*(?:[a-z0-9][A-Z]|[A-Z][a-z])[A-Za-z0-9]*(?![\w/-]|\.\w)")
_SNAKE = re.compile(r"(?<![\w./@-])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w/-]|\.\w)")
_OVERLOAD = re.compile(r"#\d+$")  # `f#2`: the second definition of `f` in one scope
_BARE_FILE = re.compile(r"(?<![\w./@-])[A-Z][a-z]+file(?![\w/-]|\.\w)")  # Makefile, Dockerfile
# where a definition is not "the source": tests, examples, docs, benchmarks
_NOT_SOURCE = re.compile(r"(?:^|/)(?:tests?|testing|examples?|docs?|benchmarks?|bench)/"
                         r"|(?:^|/)(?:test_[^/]*|[^/]*_tests?\.\w+|conftest\.py)$")


def _code_token(content: str) -> str | None:
    """The name a `code span` without spaces names, if it looks like one."""
    c = content.strip()
    decorator = c.startswith("@")
    c = re.sub(r"(?:\(.*\)|\[.*\])$", "", c.lstrip("@"))  # a call `f(x)`, a generic `Agent[T]`
    directory = c.endswith("/") and not decorator
    c = clean_token(c).rstrip("/")
    if not c or c.lower() in _WORDS or "://" in c or not re.fullmatch(r"\.?[\w./:-]+", c):
        return None
    if not re.search(r"[^\W\d_]", c):
        return None  # no letter: a number, a version
    if "-" in c and "/" not in c and "." not in c:
        return None  # a flag or a word, not a name
    return "@" + c if decorator else c + "/" if directory else c


def _free_tokens(text: str) -> list[str]:
    """Paths (a directory keeps its final '/') and dotted names in prose."""
    out = []
    for m in _TOKEN.finditer(_URL.sub(" ", text)):
        raw = clean_token(m.group(0))
        t = raw.rstrip("/")
        if "/" in raw and "::" not in t and re.search(r"[^\W\d_]", t):
            out.append(t.lstrip("/") + ("/" if raw.endswith("/") else ""))
        elif _DOTTED.fullmatch(t) and all(len(p) >= 2 for p in t.split(".")):
            out.append(t)  # `e.g`, `i.e` are not names
    return out


def _prose_code(text: str) -> list[str]:
    """Code spellings outside code spans: `.member(`, `call()`, `Generic[`, `@decorator`."""
    out = []
    for m in _PROSE_CODE.finditer(_URL.sub(" ", text)):
        name = m["member"] or m["call"] or m["generic"] or m["decorator"]
        if name.lower() not in _WORDS:
            out.append(name)
    return out


def mentions(text: str) -> list[str]:
    """What a text names as code, in order, once each (see the module's docstring). Spellings:
    `.name` a member of a class in context, `@x.y` a decorator, `dir/` a directory. Fenced code
    blocks and URLs are not read."""
    prose = fence_free(text)
    found: list[str] = []
    for m in CODE_SPAN.finditer(prose):
        content = m.group(2).strip()
        if not content:
            continue
        whole = re.fullmatch(r"@?[\w.]+(?:\(.*\)|\[.*\])", content)
        if any(ch.isspace() for ch in content) and not whole:
            found += _free_tokens(content)
        elif tok := _code_token(content):
            found.append(tok)
    outside = CODE_SPAN.sub(" ", prose)
    found += _free_tokens(outside) + _prose_code(outside)
    return list(dict.fromkeys(found))


def words(text: str) -> list[str]:
    """Plain words that look like code (CamelCase with an inner capital, snake_case) or like an
    extension-less file name (a capitalised word: checked against the index), outside code spans."""
    prose = _URL.sub(" ", CODE_SPAN.sub(" ", fence_free(text)))
    found = [m.group(0) for m in _CAMEL.finditer(prose)] + [m.group(0) for m in _SNAKE.finditer(prose)]
    found += _BARE_FILE.findall(prose)
    return list(dict.fromkeys(found))


# -- resolution ----------------------------------------------------------------------------


@dataclass(slots=True)
class ProseLinks:
    """What a text names that resolves: symbol ids, file and directory paths (a directory without
    its final '/'), and each mention left unlinked with why (ambiguous ones list candidates)."""

    symbols: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    unresolved: list[tuple[str, str]] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.symbols or self.files)


class Resolver:
    """Mentions to link targets on one open read connection, with a cache. A symbol name
    resolves with `Project.resolve` (without its fuzzy suggestions)."""

    def __init__(self, project, con):
        self.project = project
        self.con = con
        self.files = project.store.indexed_paths(con)
        self.exts = {p.rsplit(".", 1)[-1].lower() for p in self.files if "." in p.rsplit("/", 1)[-1]}
        self.dirs = sorted({p.rsplit("/", i)[0] for p in self.files for i in range(1, p.count("/") + 1)})
        self.cache: dict[str, tuple[str, str]] = {}
        self._modules: dict[str, list[str]] | None = None
        self._kinds: dict[str, str] = {}
        self._families: dict[str, list[str]] = {}  # a name defined repeatedly: every definition

    def link_text(self, text: str, headings=()) -> ProseLinks:
        """The links `text` names (see the module's docstring); `headings`: the section it is in."""
        out = ProseLinks()
        named = mentions(text)
        plain = [w for w in words(text) if w not in named]
        around = [m for h in headings for m in mentions(h) + words(h)]
        context = self._classes(named + plain) + self._classes(around)
        places = self._places(named + [m for h in headings for m in mentions(h)])
        for m in named:
            kind, target = self.resolve(m, context, places)
            self._add(out, m, kind, target)
        for w in plain:
            kind, target = self.resolve(w, context, places)
            if kind or target.startswith("ambiguous"):
                self._add(out, w, kind, target)
        return out

    def _add(self, out: ProseLinks, mention: str, kind: str, target: str) -> None:
        if kind == "symbol":
            out.symbols += [t for t in self._families.get(target, [target]) if t not in out.symbols]
        elif kind in ("file", "dir"):
            out.files += [] if target in out.files else [target]
        elif (mention, target) not in out.unresolved:
            out.unresolved.append((mention, target))

    def _classes(self, names: list[str]) -> list[str]:
        """The ids of the classes (and other containers) among what `names` resolve to."""
        out = []
        for n in names:
            if n.startswith((".", "@")) or n.endswith("/"):
                continue
            kind, target = self.resolve(n, [])
            if kind == "symbol" and self._kind(target) in CONTAINER_KINDS and target not in out:
                out.append(target)
        return out

    def _places(self, names: list[str]) -> list[str]:
        """The files and directories among what `names` resolve to."""
        out = []
        for n in names:
            if not n.startswith((".", "@")) and (path := self._path(n)) and path[0] and path[1] not in out:
                out.append(path[1])
        return out

    def _kind(self, symbol_id: str) -> str:
        if symbol_id not in self._kinds:
            sym = self.project.store.symbol(self.con, symbol_id)
            self._kinds[symbol_id] = sym.kind if sym else ""
        return self._kinds[symbol_id]

    def resolve(self, m: str, context: list[str] = (), places: list[str] = ()) -> tuple[str, str]:
        """("symbol", id) | ("file", path) | ("dir", path) | ("", why not). `context`: ids of the
        classes the entry names; `places`: the files and directories it names."""
        key = "\0".join([m, *context, "", *places])
        if key not in self.cache:
            self.cache[key] = self._resolve(m, list(context), list(places))
        return self.cache[key]

    def _member(self, name: str, classes: list[str]) -> list[str]:
        ids = [f"{c}.{name}" for c in classes]
        return sorted(self.project.store.symbols_by_ids(self.con, ids))

    def _symbol(self, name: str, places: list[str] = ()) -> tuple[str, str]:
        try:
            return "symbol", self.project.resolve(name, self.con, suggest=False).id
        except NotFound as e:
            if not e.ambiguous:
                return "", str(e)
            # `cell_len` from rich/cells.py: the one the entry places; then the source's one
            # rather than a test's or a doc's; a name defined repeatedly in one scope (overloads,
            # if/else variants: `f`, `f#2`...) is one name: `_add` links every definition
            there = [c for c in e.candidates if any(c.startswith((p + "::", p + "/")) for p in places)]
            source = [c for c in (there or e.candidates) if not _NOT_SOURCE.search(c.split("::", 1)[0])]
            for group in (there, source, e.candidates):
                if group and len(bases := {_OVERLOAD.sub("", c) for c in group}) == 1:
                    base = bases.pop()
                    self._families[base] = sorted(group, key=lambda c: int(c.rsplit("#", 1)[1]) if c != base else 1)
                    return "symbol", base
            return "", str(e)

    def _path(self, m: str) -> tuple[str, str] | None:
        """A file or directory `m` names, or why not; None when `m` does not read as a path."""
        directory = m.endswith("/")
        m = m.rstrip("/")
        base = m.rsplit("/", 1)[-1]
        has_ext = "." in base and base.rsplit(".", 1)[-1].lower() in self.exts
        if not directory and "::" not in m and (has_ext or "/" in m or base in self._bare_files()):
            hits = self._under(m, sorted(self.files))
            if len(hits) == 1:
                return "file", hits[0]
            if hits:
                return "", f"ambiguous file '{m}': {', '.join(hits[:5])}"
        if directory or "/" in m:
            hits = self._under(m, self.dirs)
            if len(hits) == 1:
                return "dir", hits[0]
            if hits:
                return "", f"ambiguous directory '{m}/': {', '.join(hits[:5])}"
            return "", f"not an indexed {'directory' if directory else 'file'}: '{m}{'/' if directory else ''}'"
        return None

    def _bare_files(self) -> set[str]:
        """Names of indexed files without an extension (Makefile, Dockerfile)."""
        return {p.rsplit("/", 1)[-1] for p in self.files if "." not in p.rsplit("/", 1)[-1]}

    @staticmethod
    def _under(m: str, paths: list[str]) -> list[str]:
        """`m` itself, or the paths ending in '/m' (the source's ones when others are in tests or docs)."""
        if m in paths:
            return [m]
        hits = [p for p in paths if p.endswith("/" + m)]
        source = [p for p in hits if not _NOT_SOURCE.search(p + "/")]
        return source if len(source) == 1 else hits

    def _resolve(self, m: str, context: list[str], places: list[str]) -> tuple[str, str]:
        if m.startswith("."):  # `.refresh()`: a method of a class in context
            name = m[1:]
            found = self._member(name, context)
            if len(found) == 1:
                return "symbol", found[0]
            if found:
                return "", f"ambiguous member '{m}': {', '.join(found)}"
            return "", f"no class named alongside has a member '{name}'"
        if m.startswith("@"):
            return self._decorator(m[1:], context)
        path = self._path(m)
        if path is not None and (path[0] or m.endswith("/") or "/" in m):
            return path
        if "." not in m and "::" not in m and "/" not in m and not (m.startswith("__") and m.endswith("__")):
            found = self._member(m, context)  # a name under its class's heading or beside it (a dunder is a protocol)
            if len(found) == 1:
                return "symbol", found[0]
        kind, found = self._symbol(m, places)
        if kind:
            return kind, found
        targets = set()
        for alt in self._alternatives(m):
            if alt[0] == "file":
                targets.add(alt)
                continue
            k, t = self._symbol(alt[1], places)
            if k:
                targets.add((k, t))
        if len(targets) == 1:
            return targets.pop()
        return path if path is not None else ("", found)

    def _decorator(self, name: str, context: list[str]) -> tuple[str, str]:
        """`@cache` is `cache`; `@agent.tool` the `tool` of the class `agent` is an instance of
        (a class named like the object, or else one the entry names)."""
        kind, found = self._symbol(name)
        if kind or "." not in name:
            return kind, found
        obj, _, method = name.rpartition(".")
        wanted = obj.rsplit(".", 1)[-1].replace("_", "").lower()
        classes = [c for c in context if c.rsplit(".", 1)[-1].rsplit("::", 1)[-1].lower() == wanted]
        if not classes:
            classes = [sid for name, sid in self.project.store.symbols_named(self.con, [wanted])
                       if name.replace("_", "") == wanted and self._kind(sid) in CONTAINER_KINDS]
        # `@mcp.tool()` beside `MCPServer`: no class is named like the object, so the classes the
        # entry names that have the method
        hits = self._member(method, classes) or self._member(method, context)
        if len(hits) > 1:
            hits = [h for h in hits if not _NOT_SOURCE.search(h.split("::", 1)[0])] or hits
        if len(hits) == 1:
            return "symbol", hits[0]
        if hits:
            return "", f"ambiguous decorator '@{name}': {', '.join(hits[:5])}"
        return "", found

    def modules(self) -> dict[str, list[str]]:
        """Indexed files by module path: app/users.py and app/users/__init__.py are app/users."""
        if self._modules is None:
            self._modules = {}
            for p in sorted(self.files):
                stem = p.rsplit(".", 1)[0] if "." in p.rsplit("/", 1)[-1] else p
                stem = stem[: -len("/__init__")] if stem.endswith("/__init__") else stem
                self._modules.setdefault(stem, []).append(p)
        return self._modules

    def _alternatives(self, m: str) -> list[tuple[str, str]]:
        """Other spellings: Foo::bar as Foo.bar; a dotted module path (api.users.UserService)
        as a file (api/users.py) or a symbol in it."""
        out: list[tuple[str, str]] = []
        if "::" in m and "/" not in m:
            out.append(("symbol", m.replace("::", ".")))
        if not _DOTTED.fullmatch(m):
            return out
        parts = m.split(".")
        for k in range(len(parts), 0, -1):
            module, rest = "/".join(parts[:k]), ".".join(parts[k:])
            hits = [f for stem, fs in self.modules().items() if stem == module or stem.endswith("/" + module)
                    for f in fs]
            for f in hits:
                out.append(("symbol", f"{f}::{rest}") if rest else ("file", f))
        return out
