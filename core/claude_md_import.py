"""`tether import-claude-md`: turn a hand-kept CLAUDE.md (and .claude/rules/*.md) into notes.

Three steps, each usable alone:

- `split_entries(text)` parses markdown into `Entry`s, one per future note. Pure: no project.
- `plan_import(project, paths)` reads the files, resolves what each entry names to symbols and
  files, guesses a type and tags, and marks what will not be imported and why. Writes no note.
- `apply_import(project, plan)` adds the planned notes in one batch (one `tether undo`).

How markdown becomes entries:

- Headings give context (`Entry.headings`, and the innermost one becomes a tag); they are never
  notes. A file's only level-1 heading is its title and is left out of the context. A line all
  in bold right before a list or table (`**Agent System (`agent/`)**`, not a sentence: no final
  `.`, `!`, `?` or `:`) is a heading in all but syntax: not a note, it is context for the
  entries after it in its section (`Entry.label`).
- One entry per top-level list item (bullet, numbered, task): its sub-bullets, continuation
  lines and indented code belong to it, since a sub-bullet read alone usually lacks its subject.
  Bullet and number markers of the item itself are dropped; a task box (`[ ]`) is kept.
- A short paragraph ending with ':' right before a list is its lead-in ("When editing X,
  remember:"): not a note of its own, it starts the text of each item of that list. Before a
  table it joins the table.
- One entry per paragraph (wrapped lines joined with a space; a hard break kept) and per
  blockquote (code inside it kept as written).
- One entry per table, rows kept as written (a table inside a list item stays in the item).
- A fenced code block is never split and never parsed: it belongs to the entry it follows in the
  same section (its bullet, its paragraph, even after a blank line); a code block with nothing
  before it in its section is an entry of its own. An unclosed fence runs to the end of the file.
  An indented (4 spaces) code block after a paragraph is kept, as written, with it.
- Skipped: HTML comments (also multi-line, not inside `code`), entries that are only markup
  (`<details>`), thematic breaks, YAML front matter (`---` on line 1 then `key:` lines), and the
  block tether itself writes between `<!-- tether:begin -->` and `<!-- tether:end -->` (markers
  on lines of their own, outside code blocks). A begin without an end, an end without a begin
  or a nested begin is refused with a one-line TetherError naming file and line.
- CRLF and CR line endings, tabs and a UTF-8 byte order mark are accepted.

Links: what an entry names (core/prose_links.py: code spans, dotted names, paths, directories,
CamelCase and snake_case words, `.method()` under its class) becomes a link only when it
resolves to exactly one symbol, file or directory; everything else is reported in the plan and
left out, so a note whose mentions are all unknown or ambiguous is project-wide. Literal `paths:` entries of a rules
file's front matter that name indexed files link every entry of that file; globs are not
expanded (one rule would link to hundreds of files).

Type from wording (`guess_type`, first match wins): TODO/FIXME/`[ ]` todo; bug/broken/crash
bug; never/don't/careful/avoid gotcha; decided/because/instead of decision; we use/always/
prefer/should or an imperative start (Use, Keep, Run...) convention; else insight. Tags: the
innermost heading, slugified, and for .claude/rules files the file's name.

De-duplication: a note's `origin` is "<path relative to the root>#<12 hex of sha1 of the text
with whitespace collapsed>". Entries whose origin is on any note, in any state (deleted ones
included: deleting an imported note is a decision to keep), are skipped, so running the import
again imports only new or edited entries. An edited entry is a new note; the old one stays.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tether.core.errors import TetherError
from tether.core.model import NOTE_MAX_CHARS, Note
from tether.core.notes import Draft

BEGIN_MARKER = "<!-- tether:begin -->"
END_MARKER = "<!-- tether:end -->"
ALREADY_IMPORTED = "already imported"
LEAD_IN_MAX = 200  # longer colon-ended paragraphs stay notes of their own

# -- entries -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    text: str
    headings: tuple[str, ...]  # the section it is in, outermost first
    line: int  # 1-based line of the file where it starts
    kind: str  # bullet | numbered | paragraph | quote | table | code
    end: int = 0  # its last line (what `--move` removes: line..end)
    label: str = ""  # the bold line the list it is in starts with (`**Agent System**`), if any

    @property
    def context(self) -> tuple[str, ...]:
        """What the entry is under: its headings, then its list's label."""
        return self.headings + ((self.label,) if self.label else ())


_BEGIN = re.compile(r"^<!--\s*tether:begin\b.*-->$")
_END = re.compile(r"^<!--\s*tether:end\b.*-->$")
_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_ITEM = re.compile(r"^(?P<indent> *)(?P<marker>[-*+]|\d{1,9}[.)])(?P<space>[ \t]+|$)(?P<rest>.*)$")
_HEADING = re.compile(r"^ {0,3}(?P<level>#{1,6})(?:[ \t]+(?P<text>.*?))?(?:[ \t]+#+)?[ \t]*$")
_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_LABEL = re.compile(r"^(?:\*\*[^*]+\*\*|__[^_]+__)$")  # a line all bold: `**Output Handling**`
LABEL_MAX = 100
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def normalise_newlines(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _expand(line: str) -> str:
    """Leading tabs as 4 columns, so indentation compares as spaces."""
    body = line.lstrip(" \t")
    return line[: len(line) - len(body)].expandtabs(4) + body


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _dedent(line: str, n: int) -> str:
    return line[min(n, _indent(line)):]


def _front_matter_end(lines: list[str]) -> int:
    """Index of the first body line: after a closed `---` block on line 1 that reads like
    YAML (`key: ...`), else 0."""
    if not lines or lines[0].strip() != "---":
        return 0
    for j in range(1, len(lines)):
        if lines[j].strip() in ("---", "..."):
            body = [l for l in lines[1:j] if l.strip() and not l.lstrip().startswith("#")]
            return j + 1 if body and re.match(r"^[\w-]+\s*:", body[0]) else 0
    return 0


def front_matter_paths(text: str) -> list[str]:
    """The `paths:` (or `globs:`) values of a YAML front matter block, as written."""
    lines = normalise_newlines(text).split("\n")
    end = _front_matter_end(lines)
    out: list[str] = []
    i = 1
    while i < end - 1:
        m = re.match(r"^(paths|globs)\s*:\s*(.*)$", lines[i])
        i += 1
        if not m:
            continue
        value = m.group(2).strip()
        if value:
            out += value.strip("[]").split(",")
            continue
        while i < end - 1 and (item := re.match(r"^\s*-\s*(.*)$", lines[i])):
            out.append(item.group(1))
            i += 1
    return [v.strip().strip("'\"").strip() for v in out if v.strip().strip("'\"").strip()]


def _code_spans(line: str) -> list[tuple[int, int]]:
    return [m.span() for m in CODE_SPAN.finditer(line)]


def _strip_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    """Remove HTML comments (not inside `code spans`); True when one is still open at the end."""
    out, pos = [], 0
    while True:
        if in_comment:
            end = line.find("-->", pos)
            if end < 0:
                return "".join(out), True
            pos, in_comment = end + 3, False
            continue
        spans = _code_spans(line)
        start = pos
        while True:
            start = line.find("<!--", start)
            if start < 0 or not any(a <= start < b for a, b in spans):
                break
            start += 4
        if start < 0:
            out.append(line[pos:])
            return "".join(out), False
        out.append(line[pos:start])
        pos, in_comment = start + 4, True


def _closes(line: str, fence: str) -> bool:
    """Does `line` close a code block opened with `fence`?"""
    s = line.strip()
    return bool(s) and s[0] == fence[0] and not s.strip(fence[0]) and len(s) >= len(fence)


class _Block:
    """An entry being built: parts are (kind, text) with kind start | prose | raw | blank."""

    def __init__(self, kind: str, line: int, headings: tuple, marker_indent: int = 0, content_indent: int = 0):
        self.kind = kind
        self.line = line
        self.headings = headings
        self.parts: list[tuple[str, str]] = []
        self.marker_indent = marker_indent
        self.ci = content_indent
        self.blank = False  # a blank line was seen since the last content line
        self.lead: str | None = None  # the lead-in paragraph prefixed to this item
        self.is_lead = False  # this paragraph is a lead-in: not an entry itself
        self.fence: str | None = None  # a code block open inside a blockquote
        self.end = line  # the last line that added to it
        self.parser: _Parser | None = None

    def add(self, kind: str, text: str) -> None:
        self.parts.append((kind, text))
        if self.parser is not None:
            self.end = max(self.end, self.parser.n)

    def text(self) -> str:
        out: list[str] = []
        joinable = hard = pending_blank = False
        for kind, text in self.parts:
            if kind == "blank":
                pending_blank, joinable = bool(out), False
                continue
            if pending_blank:
                out.append("")
                pending_blank = False
            if kind == "prose" and joinable and not hard:
                out[-1] += " " + text.strip()  # a soft line break: wrapped text
            else:
                out.append(text.strip() if kind == "prose" else text.rstrip())
            hard = kind != "raw" and (text.endswith("  ") or text.endswith("\\"))
            if hard:
                out[-1] = out[-1].rstrip(" \\")  # a hard line break: the next line stays a line
            joinable = kind != "raw"
        body = "\n".join(out).strip()
        return f"{self.lead} {body}" if self.lead and body else body


class _Parser:
    def __init__(self, source: str):
        self.source = source
        self.headings: list[tuple[int, str]] = []
        self.h1 = 0
        self.blocks: list[_Block] = []
        self.cur: _Block | None = None  # the open block
        self.prev: _Block | None = None  # the last block of the current section
        self.fence: tuple[str, int, _Block] | None = None  # (fence, dedent, block)
        self.managed: int | None = None  # line of an open tether:begin
        self.comment = False
        self.n = 0  # the line being read

    # -- helpers --

    def _ctx(self) -> tuple:
        return tuple(self.headings)

    def _close(self) -> None:
        if self.cur is not None:
            self.prev = self.cur
            self.cur = None

    def _boundary(self) -> None:
        """A heading, a break, the managed block: nothing before attaches to what follows."""
        self._close()
        self.prev = None

    def _new(self, kind: str, line: int, **kw) -> _Block:
        self._close()
        b = _Block(kind, line, self._ctx(), **kw)
        b.parser = self
        self.blocks.append(b)
        self.cur = b
        return b

    def _last(self) -> _Block | None:
        return self.cur or self.prev

    def _lead_in(self) -> str | None:
        """The paragraph just before, when it introduces what follows (short, ends with ':')."""
        last = self._last()
        if last is None or last.kind != "paragraph" or last.is_lead:
            return None
        text = last.text()
        if re.sub(r"[*_\s]+$", "", text).endswith(":") and len(text) <= LEAD_IN_MAX:  # also **Rules:**
            last.is_lead = True
            return text
        return None

    # -- the line loop --

    def feed(self, n: int, raw: str) -> None:
        self.n = n
        line = _expand(raw)
        if self.fence is not None:
            self._fence_line(line)
            return
        stripped = line.strip()
        if self.managed is not None:
            if _END.match(stripped):
                self.managed = None
            elif _BEGIN.match(stripped):
                raise TetherError(f"{self.source}:{n}: a second '{BEGIN_MARKER}' before the '{END_MARKER}' "
                                  f"of line {self.managed}")
            return
        if not self.comment:
            if _BEGIN.match(stripped):
                self._boundary()
                self.managed = n
                return
            if _END.match(stripped):
                raise TetherError(f"{self.source}:{n}: '{END_MARKER}' without a '{BEGIN_MARKER}' before it")
        if self.comment or "<!--" in line:
            line, self.comment = _strip_comments(line, self.comment)
            if not line.strip():
                return  # a comment-only line is nothing, not even a blank line
            stripped = line.strip()
        self._content(n, line, stripped)

    def _fence_line(self, line: str) -> None:
        fence, dedent, block = self.fence
        block.add("raw", _dedent(line, dedent))
        if _closes(line, fence):
            self.fence = None
            if block.kind in ("bullet", "numbered"):
                self.cur, block.blank = block, True  # indented lines may still continue the item
            else:
                self.cur = None
                self.prev = block

    def _content(self, n: int, line: str, s: str) -> None:
        indent = _indent(line)
        cur = self.cur
        item = cur is not None and cur.kind in ("bullet", "numbered")

        if not s:  # blank
            if cur is not None:
                cur.blank = True
                if not item:
                    self._close()
            return

        if m := _FENCE.match(line):
            if m["fence"][0] == "`" and "`" in m["info"]:
                pass  # not a fence: inline code at the start of a line
            else:
                target = self._last()
                if target is None:
                    target = self._new("code", n)
                dedent = min(indent, target.ci)
                if target is not cur or (cur.blank and item):
                    if target.parts:
                        target.add("blank", "")
                target.add("raw", _dedent(line, dedent))
                self.cur = target
                self.fence = (m["fence"], dedent, target)
                return

        # setext heading: a paragraph underlined with === or ---
        if cur is not None and cur.kind == "paragraph" and not cur.blank and _SETEXT.match(line):
            self.blocks.remove(cur)
            self.cur = None
            self._heading(1 if s[0] == "=" else 2, cur.text())
            return

        if (h := _HEADING.match(line)) and not (item and indent >= max(cur.ci, 1)):
            self._heading(len(h["level"]), h["text"] or "")
            return

        if _BREAK.match(line) and not (item and indent >= max(cur.ci, 1)):
            self._boundary()
            return

        if m := _ITEM.match(line):
            if item and indent > cur.marker_indent:  # a sub-item: part of the top-level item
                cur.add("start", _dedent(line, min(indent, cur.ci)))
                cur.blank = False
                return
            last = self._last()
            same_list = last is not None and last.kind in ("bullet", "numbered")
            lead = self._lead_in() if not same_list else last.lead
            marker, rest = m["marker"], m["rest"]
            width = len((m["indent"] + marker + m["space"]).expandtabs(4)) - indent - len(marker)
            ci = indent + len(marker) + (width if 1 <= width <= 4 else 1)  # where the item's text starts
            b = self._new("numbered" if marker[0].isdigit() else "bullet", n, marker_indent=indent,
                          content_indent=ci)
            b.lead = lead
            b.add("start", rest)
            return

        if item:
            if s.startswith("|") and (indent >= 2 or not cur.blank):
                if cur.blank:
                    cur.add("blank", "")
                cur.add("raw", _dedent(line, cur.ci))  # a table inside the item
                cur.blank = False
                return
            if not cur.blank:
                cur.add("prose", line)  # a continuation line, lazy or indented
                return
            if indent >= 2:  # a further paragraph of the item
                cur.add("blank", "")
                cur.add("prose", _dedent(line, cur.ci))
                cur.blank = False
                return
            self._close()
            cur = None

        if s.startswith("|"):
            if cur is not None and cur.kind == "table":
                cur.add("raw", s)
                return
            lead = self._lead_in()
            b = self._new("table", n)
            if lead:
                b.add("start", lead)
            b.add("raw", s)
            return
        if cur is not None and cur.kind == "table":
            if "|" in s:
                cur.add("raw", s)
                return
            self._close()
            cur = None
        if (cur is not None and cur.kind == "paragraph" and len(cur.parts) == 1 and "|" in cur.parts[0][1]
                and "|" in s and _TABLE_DELIMITER.match(s)):  # a table without outer pipes
            cur.kind = "table"
            cur.parts = [("raw", cur.parts[0][1].strip()), ("raw", s)]
            return

        if s.startswith(">"):
            body = s[1:]
            body = body[1:] if body.startswith(" ") else body
            fresh = cur is None or cur.kind != "quote"
            quote = self._new("quote", n) if fresh else cur
            fence = _FENCE.match(body)
            if quote.fence:  # a code block inside the quote, kept as written
                quote.add("raw", body)
                if _closes(body, quote.fence):
                    quote.fence = None
            elif fence and not (fence["fence"][0] == "`" and "`" in fence["info"]):
                quote.add("raw", body)
                quote.fence = fence["fence"]
            elif not body.strip():
                quote.add("blank", "")
            else:
                quote.add("start" if fresh else "prose", body)
            return

        if cur is not None and cur.kind in ("paragraph", "quote") and not cur.blank:
            cur.add("prose", line)
            return
        if cur is None and indent >= 4 and (target := self.prev) is not None and target.kind != "table":
            if target.parts and target.parts[-1][0] != "raw":
                target.add("blank", "")
            target.add("raw", line)  # an indented code block: kept as written with what it follows
            return
        self._new("paragraph", n).add("start", line.lstrip())

    def _heading(self, level: int, text: str) -> None:
        self._boundary()
        if level == 1:
            self.h1 += 1
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.headings.append((level, _plain(text)))

    def finish(self) -> list[Entry]:
        if self.managed is not None:
            raise TetherError(f"{self.source}:{self.managed}: '{BEGIN_MARKER}' has no matching '{END_MARKER}'")
        entries = []
        label = ""
        for i, b in enumerate(self.blocks):
            if b.is_lead:
                continue
            text = b.text()
            if not _HTML_TAG.sub("", text).strip():
                continue  # nothing, or only markup such as <details> or <br>
            if i and b.headings != self.blocks[i - 1].headings:
                label = ""  # a new section
            if self._is_label(i, text):
                label = _plain(text)
                continue
            heads = tuple(t for lvl, t in b.headings if not (lvl == 1 and self.h1 == 1) and t)
            entries.append(Entry(text, heads, b.line, b.kind, b.end, label))
        return entries

    def _is_label(self, i: int, text: str) -> bool:
        """A one-line paragraph all in bold, not a sentence, right before a list or table of its
        section: a heading in all but syntax (`**Agent System (`agent/`)**`)."""
        b = self.blocks[i]
        after = self.blocks[i + 1] if i + 1 < len(self.blocks) else None
        return (b.kind == "paragraph" and len(b.parts) == 1 and len(text) <= LABEL_MAX
                and bool(_LABEL.match(text)) and not re.search(r"[.!?:]\W*$", text)
                and after is not None and after.headings == b.headings and after.kind in ("bullet", "numbered", "table"))


def _plain(text: str) -> str:
    """Heading text without markdown decoration."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*`]+|~~", "", text)
    return " ".join(text.split())


def split_entries(text: str, source: str = "<text>") -> list[Entry]:
    """The entries of a markdown document, in order. `source` names it in error messages."""
    lines = normalise_newlines(text).split("\n")
    parser = _Parser(source)
    for i in range(_front_matter_end(lines), len(lines)):
        parser.feed(i + 1, lines[i])
    return parser.finish()


# -- helpers for reading prose (core/prose_links.py) -------------------------------------


def fence_free(text: str) -> str:
    """`text` without its fenced code blocks."""
    out, fence = [], None
    for line in text.split("\n"):
        m = _FENCE.match(_expand(line))
        if fence:
            if _closes(line, fence):
                fence = None
            continue
        if m and not (m["fence"][0] == "`" and "`" in m["info"]):
            fence = m["fence"]
            continue
        out.append(line)
    return "\n".join(out)


def clean_token(token: str) -> str:
    """A name or path as written in prose, without `:line`, a leading ./ and punctuation around it."""
    token = re.sub(r":\d+(?::\d+)?$", "", token.strip())  # path:line[:col]
    token = re.sub(r"^(?:\.\.?/)+", "", token)
    return token.lstrip(",;:-").rstrip(".,;:-")


# -- type and tags -------------------------------------------------------------------------

_TYPE_RULES = (
    ("todo", re.compile(r"\bTODO\b|\bFIXME\b|^\s*\[ \]|^(?i:\s*todo\s*:)")),
    ("bug", re.compile(r"\bbugs?\b|\bbroken\b|\bregression\b|\bcrash(es)?\b", re.I)),
    ("gotcha", re.compile(r"\bnever\b|\bdon['’]?t\b|\bdo not\b|\bcareful\b|\bbeware\b|\bmust not\b|\bavoid\b"
                          r"|\bwatch out\b|\bgotcha\b|\bpitfall\b|\bwarning\b|\bcaution\b|\bdoesn['’]t\b"
                          r"|\bwon['’]t\b|\bcan['’]?t\b|\bcannot\b", re.I)),
    ("decision", re.compile(r"\bdecided\b|\bdecision\b|\bbecause\b|\bwe chose\b|\brationale\b|\binstead of\b", re.I)),
    ("convention", re.compile(r"\bwe use\b|\balways\b|\bprefer\b|\bconvention\b|\bmust\b|\bshould\b"
                              r"|^\s*(use|keep|put|name|write|follow|run|add|prefix|make sure|ensure)\b", re.I)),
)


def guess_type(text: str) -> str:
    """A note type from wording; the first rule that matches wins, else insight."""
    for kind, rule in _TYPE_RULES:
        if rule.search(text):
            return kind
    return "insight"


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKC", _plain(text)).casefold()
    return re.sub(r"[\W_]+", "-", text).strip("-")[:40].strip("-")


def text_digest(text: str) -> str:
    """12 hex of the sha1 of `text` with whitespace collapsed: an entry's identity."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


def text_origin(rel: str, text: str) -> str:
    return f"{rel}#{text_digest(text)}"


# -- the plan ------------------------------------------------------------------------------


@dataclass(slots=True)
class PlannedNote:
    source: str  # the markdown file, relative to the root
    line: int  # its lines in the file: line..end
    end: int
    text: str
    type: str
    tags: list[str]
    origin: str
    symbols: list[str] = field(default_factory=list)  # symbol ids to link
    files: list[str] = field(default_factory=list)  # file paths to link
    unresolved: list[tuple[str, str]] = field(default_factory=list)  # (mention, why not linked)
    skip: str | None = None  # why it will not be imported; None: it will
    secret: bool = False  # skipped for holding what looks like a secret: its text is never shown

    @property
    def linked(self) -> bool:
        return bool(self.symbols or self.files)


@dataclass(slots=True)
class ImportPlan:
    sources: list[str]  # the files read, relative to the root
    entries: list[PlannedNote]
    read: dict[str, str] = field(default_factory=dict)  # source -> sha1 of the bytes read
    moved: list[PlannedNote] = field(default_factory=list)  # taken out of their file by --move

    @property
    def new(self) -> list[PlannedNote]:
        return [p for p in self.entries if p.skip is None]

    @property
    def skipped(self) -> list[PlannedNote]:
        return [p for p in self.entries if p.skip is not None]


def default_sources(root: Path) -> list[Path]:
    found = [p for p in (root / "CLAUDE.md", root / ".claude" / "CLAUDE.md") if p.is_file()]
    rules = root / ".claude" / "rules"
    if rules.is_dir():
        found += sorted(p for p in rules.rglob("*.md") if p.is_file())
    return found


def _sources(root: Path, paths) -> list[tuple[Path, str]]:
    if not paths:
        files = default_sources(root)
        if not files:
            raise TetherError(f"no CLAUDE.md or .claude/rules/*.md found in {root}")
    else:
        files = []
        for given in paths:
            p = Path(given)
            p = Path(os.path.abspath(p if p.is_absolute() else root / p))
            if p.is_dir():
                inside = sorted(f for f in p.rglob("*.md") if f.is_file())
                if not inside:
                    raise TetherError(f"{given}: no .md files in this directory")
                files += inside
            elif p.is_file():
                files.append(p)
            else:
                raise TetherError(f"{given}: no such file", exit_code=2)
    out: dict[str, Path] = {}
    for f in files:
        try:
            rel = Path(os.path.abspath(f)).relative_to(root).as_posix()
        except ValueError:
            raise TetherError(f"{f}: outside the repository ({root})", exit_code=2) from None
        out.setdefault(rel, f)
    return [(f, rel) for rel, f in out.items()]


def _read(path: Path, rel: str) -> tuple[str, str]:
    """(the text, the sha1 of the bytes)."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise TetherError(f"{rel}: cannot read ({e.strerror}); nothing was imported") from None
    try:
        return data.decode("utf-8-sig"), hashlib.sha1(data).hexdigest()
    except UnicodeDecodeError as e:
        raise TetherError(f"{rel}: not UTF-8 (invalid byte at offset {e.start}); nothing was imported") from None


def _is_glob(p: str) -> bool:
    return any(c in p for c in "*?[{")


def _stem(p: str) -> str:
    base = p.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base


def plan_import(project, paths=None) -> ImportPlan:
    """What importing `paths` would do; writes no note. Paths: markdown files or directories
    (their .md files), relative to the repository root unless absolute, inside the repository;
    default: CLAUDE.md, .claude/CLAUDE.md and .claude/rules/**/*.md. Every file is read and
    parsed before anything else, so a bad file stops the import before it starts. Indexes the
    repository first if it never was (as adding a note does)."""
    docs, read = [], {}
    for path, rel in _sources(project.root, paths):
        text, read[rel] = _read(path, rel)
        try:
            entries = split_entries(text, rel)
        except TetherError as e:
            raise TetherError(f"{e}; nothing was imported", e.exit_code) from None
        docs.append((rel, entries, front_matter_paths(text)))

    project._ensure_indexed()
    with project.store.read() as con:
        plan = _plan(project, con, docs)
    plan.read = read
    return plan


def _plan(project, con, docs) -> ImportPlan:
    from tether.core.prose_links import Resolver

    resolver = Resolver(project, con)
    files = resolver.files
    origins = project.store.note_origins(con)
    plan = ImportPlan([rel for rel, _, _ in docs], [])
    seen: dict[str, str] = {}
    for rel, entries, globs in docs:
        rule_files = [g for g in (clean_token(x) for x in globs) if not _is_glob(g) and g in files and g != rel]
        rules_tag = slugify(_stem(rel)) if rel.startswith(".claude/rules/") else None
        for e in entries:
            tags = [t for t in (slugify(e.headings[-1]) if e.headings else None, rules_tag) if t]
            p = PlannedNote(rel, e.line, e.end, e.text, guess_type(e.text), sorted(set(tags)),
                            text_origin(rel, e.text))
            plan.entries.append(p)
            if len(e.text) > NOTE_MAX_CHARS:
                p.skip = f"{len(e.text)} characters; the limit is {NOTE_MAX_CHARS} (split it in the file)"
                continue
            if p.origin in origins:
                p.skip = ALREADY_IMPORTED
                continue
            if p.origin in seen:
                p.skip = f"same text as {seen[p.origin]}"
                continue
            seen[p.origin] = f"{rel}:{e.line}"
            p.files = list(rule_files)
            found = resolver.link_text(e.text, e.context)
            p.symbols = found.symbols
            p.files += [f for f in found.files if f not in p.files and f != rel]
            p.unresolved = found.unresolved
    from tether.core.secret_scan import find_secrets

    todo = [p for p in plan.entries if p.skip is None]
    for p, hit in zip(todo, find_secrets([p.text for p in todo])):
        if hit is not None:
            p.skip, p.secret = f"holds what looks like a secret ({hit} of the entry); remove it from the file", True
    return plan


def apply_import(project, plan: ImportPlan, move: bool = False) -> list[Note]:
    """Add the plan's new notes in one batch (one undo reverts the import). An entry whose
    origin appeared since the plan was made is skipped and marked so in the plan.

    `move`: in the same batch, take out of their files the entries that are now linked notes
    (imported now or before; `plan.moved`), so they load only when relevant: each file is
    rewritten atomically, every byte outside those entries as it was (see `remove_entries`),
    and one `tether undo` puts the file back with the notes. A file changed since the plan
    read it is refused, and nothing is written."""
    todo = plan.new

    def take_out(con, batch: int) -> list[Note]:
        return _move_out(project, con, batch, plan)

    added = project.add_notes([Draft(p.text, p.symbols, p.files, p.type, p.tags, origin=p.origin) for p in todo],
                              then=take_out if move else None)
    for p, note in zip(todo, added):
        if note is None:
            p.skip = ALREADY_IMPORTED
    return [n for n in added if n is not None]


def _move_out(project, con, batch: int, plan: ImportPlan) -> list[Note]:
    """Inside the import's transaction: remove the linked notes' entries from their files, record
    each file's bytes before (for undo). Returns the notes whose entries were taken out."""
    from tether.core.outputs.managed_block import atomic_write

    linked = {n.origin: n for n in project.store.notes(con, None, ("active",)) if n.origin and n.links}
    by_file: dict[str, list[PlannedNote]] = {}
    for p in _movable(plan, set(linked)):
        by_file.setdefault(p.source, []).append(p)
    writes = []
    for rel, items in sorted(by_file.items()):
        path = project.root / rel
        try:
            before = path.read_bytes()
        except OSError as e:
            raise TetherError(f"{rel}: cannot read ({e.strerror}); nothing was imported or moved") from None
        if hashlib.sha1(before).hexdigest() != plan.read.get(rel):
            raise TetherError(f"{rel} changed while it was being imported; nothing was imported or moved")
        after = remove_entries(before, [(p.line, p.end) for p in items])
        project.store.add_file_edit(con, batch, rel, before, hashlib.sha1(after).hexdigest())
        writes.append((path, after))
        plan.moved += items
    for path, after in writes:  # last, after every check: a failure rolls the notes back
        atomic_write(path, after, path.stat().st_mode & 0o7777)
    return [linked[p.origin] for p in plan.moved]


def _movable(plan: ImportPlan, linked: set[str]) -> list[PlannedNote]:
    """The entries whose note (by origin, in `linked`) is linked: new ones and ones imported before."""
    return [p for p in plan.entries if p.origin in linked and (p.skip is None or p.skip == ALREADY_IMPORTED)]


def planned_moves(project, plan: ImportPlan) -> list[PlannedNote]:
    """What `--move` would take out of the files (for a dry run): the entries that would become,
    or already are, linked notes."""
    with project.store.read() as con:
        linked = {n.origin for n in project.store.notes(con, None, ("active",)) if n.origin and n.links}
    return _movable(plan, linked | {p.origin for p in plan.new if p.linked})


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def remove_entries(data: bytes, spans: list[tuple[int, int]]) -> bytes:
    """`data` without the lines of `spans` (1-based, first..last, as split_entries numbers them)
    and, for an entry with a blank line (or the top of the file) before it, the blank lines
    right after it, so no gap is left doubled. Every other byte stays as it was: line endings,
    a byte order mark, a missing final newline."""
    text = data.decode("utf-8")
    lines = _LINE.findall(text)
    drop: set[int] = set()
    for lo, hi in spans:
        drop.update(range(lo, hi + 1))
        if lo == 1 or not lines[lo - 2].strip():
            j = hi + 1
            while j <= len(lines) and not lines[j - 1].strip():
                drop.add(j)
                j += 1
    kept = "".join(line for i, line in enumerate(lines, 1) if i not in drop)
    bom = "\ufeff" if text.startswith("\ufeff") and 1 in drop else ""
    return (bom + kept).encode("utf-8")


def still_in_claude_md(project, con, notes: list[Note]) -> set[str]:
    """Ids of `notes` whose entry is still in a CLAUDE.md Claude Code loads (by the digest the
    import recorded in its origin, or by its text): hooks and capsules never inject them again."""
    loaded = loaded_digests(project, con)
    if not loaded:
        return set()
    return {n.id for n in notes if (n.origin or "").rsplit("#", 1)[-1] in loaded or text_digest(n.text) in loaded}


def loaded_digests(project, con) -> set[str]:
    """The `text_digest`s of the entries of every CLAUDE.md Claude Code loads in this repository
    (CLAUDE.md files the index holds, at any depth; .claude/CLAUDE.md, .claude/rules/**/*.md and
    CLAUDE.local.md): a note with one of them is still there, and is not injected again. A file
    that cannot be read or parsed gives none."""
    paths = set(project.store.files_called(con, "CLAUDE.md"))
    paths |= {f.relative_to(project.root).as_posix() for f in default_sources(project.root)}
    if (project.root / "CLAUDE.local.md").is_file():
        paths.add("CLAUDE.local.md")
    out: set[str] = set()
    for rel in sorted(paths):
        try:
            entries = split_entries((project.root / rel).read_bytes().decode("utf-8-sig"), rel)
        except (OSError, UnicodeDecodeError, TetherError):
            continue
        out |= {text_digest(e.text) for e in entries}
    return out
