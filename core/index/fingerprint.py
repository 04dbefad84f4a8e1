"""Fingerprints from the tree-sitter tree, never from raw text.

A fingerprint hashes two views of a node, both blind to formatting:
  * its structure (`shape`): the S-expression tree-sitter prints for it (named node types and
    field names, no text) with every node opened and closed, so a statement moved into or out
    of a block, an argument moved between nested calls or an operator regrouped changes it;
    comments, string internals and docstrings left out, grouping parentheses replaced by their
    content, and the language's equivalent spellings made one (Python's optional tuple
    parentheses, a JavaScript arrow's lone parameter, what tree-sitter-python reads two ways);
  * its tokens: the file's bytes with comments and docstrings blanked, single quotes
    read as double quotes, then all whitespace (except inside string literals),
    commas, semicolons and parentheses removed.
Whitespace, comments, docstrings, quote style, trailing commas and redundant
parentheses therefore change neither; any real token change alters the tokens, and
any change of nesting or grouping alters the structure. The work is tree-sitter printing,
string searches and replacements, regex and bytes operations (Python loops only over the few
grouping nodes, concatenations and Python generic annotations found), which keeps a cold index
near parse speed.

Literals a formatter respells, where the language table asks for it, are read in one
spelling: number case (0XFF, 1E5); the numbers black or prettier rewrite (.5, 1., 1e+5,
1J; 1.50, 1e05); string prefixes (u'a', B'a', br'a'); escaped quotes ('a\\'b'); PHP's
"abc" without escape or variable. A file without such literals pays a few regex scans
that start at a literal byte; the rare candidates they find are checked against the tree
(a number? an escape sequence?), so a look-alike in a string, a raw string or JSX text
keeps its bytes.

`code_hash`, `sig_hash`, the name-blind hash and a file's hash are all `fingerprint()`
of pieces from one `FileText`, so the indexer, staleness and tests agree by construction.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache
from hashlib import blake2b

from tether.core.index.languages import LanguageSpec

_STRING_INTERNALS = (
    "string_start", "string_content", "string_end", "string_fragment", "escape_sequence",
    "string_literal_content", "character_content", "raw_string_content", "string_value",
    "heredoc_content", "interpreted_string_literal_content", "raw_string_literal_content",
)
_HAS_NOISE = re.compile(rb"[\s,;()]")
# Quote style is not code: ' and " are one character for fingerprints.
_QUOTES = bytes.maketrans(b"'", b'"')
_NOISE = b" \t\n\r\x0b\x0c,;()"  # deleted from tokens
# Whitespace, commas, semicolons and parentheses inside a string literal are part of its value:
# each becomes its own control byte (not whitespace), so it survives _NOISE.
_KEEP_WS = bytes.maketrans(_NOISE, bytes(range(0x0E, 0x0E + len(_NOISE))))
# A quick scan for a literal with an upper-case letter: most files have none, and the full
# substitution below costs several times more.
_UPPER_NUMBER = re.compile(rb"[0-9][A-Z]|0x[0-9a-f_]*[A-F]")
_NUMBER = re.compile(rb"\b(?:0[xXoObB][0-9a-fA-F_]+|\d[\d_]*\.?[\d_]*[eE][+-]?\d+)[jJlL]?")
# A backslash before a quote; an escape only where the tree has an escape_sequence there.
_ESCAPED_QUOTE = re.compile(rb"\\['\"]")
# A hexadecimal escape with an upper-case digit; an escape only where the tree has an escape_sequence there.
_UPPER_HEX_ESCAPE = re.compile(rb"\\(?:x[0-9a-f]?[A-F][0-9a-fA-F]?|u[0-9a-fA-F]{0,3}[A-F][0-9a-fA-F]*|U[0-9a-fA-F]{0,7}[A-F][0-9a-fA-F]*)")
# Python string prefixes in their one spelling: lower case, no u, r first, no f (an f-string's fields
# are in the structure, and an f-string without one is the plain string it equals).
_PLAIN_PREFIXES = frozenset({b"r", b"b", b"t", b"rb", b"rt"})


def _black_number(text: bytes) -> bytes:
    """black's spelling of a Python number (hexadecimal digits left to the case rule above)."""
    text = text.lower()
    if text[:2] in (b"0x", b"0o", b"0b"):
        return text
    imaginary = text.endswith(b"j")
    mantissa, e, exponent = text.rstrip(b"j").partition(b"e")
    if b"." in mantissa:
        whole, _, fraction = mantissa.partition(b".")
        mantissa = (whole or b"0") + b"." + (fraction or b"0")
    return mantissa + e + exponent.removeprefix(b"+") + b"j" * imaginary


_PRETTIER_STEPS = (  # prettier's printNumber, in its order
    (re.compile(rb"^([+-]?[\d.]+e)(?:\+|(-))?0*(?=\d)"), rb"\1\2"),
    (re.compile(rb"^([+-]?[\d.]+)e[+-]?0+\Z"), rb"\1"),
    (re.compile(rb"^([+-])?\."), rb"\g<1>0."),
    (re.compile(rb"(\.\d+?)0+(?=e|\Z)"), rb"\1"),
    (re.compile(rb"\.(?=e|\Z)"), b""),
)


def _prettier_number(text: bytes) -> bytes:
    """prettier's spelling of a JavaScript number."""
    if len(text) == 1:
        return text
    text = text.lower()
    for rx, repl in _PRETTIER_STEPS:
        text = rx.sub(repl, text, count=1)
    return text


# Per formatter: where a number it would respell can be (each regex starts with a literal byte,
# and at a dot looks ahead before it looks behind, so a scan costs little; a match is only a
# candidate), the grammar's number node types, the respelling. black: a leading or trailing dot, 1e+5, 1J; prettier: the same dots, 1.50, 1e+5,
# 1e05, 1e0.
_NUMBER_FORMATS = {
    "black": (
        (re.compile(rb"\.(?:(?=\d)(?<![\w.]\.)|(?<=\d\.)(?:[eEjJ]|(?![\w.])))"),
         re.compile(rb"\+(?<=\d[eE]\+)"), re.compile(rb"J(?<=[\d.]J)")),
        frozenset({"integer", "float"}),
        _black_number,
    ),
    "prettier": (
        (re.compile(rb"\.(?:(?=\d)(?:(?<![\w.$]\.)|(?<=\d\.)\d+0(?![\d_]))|(?<=\d\.)(?:[eE]|(?![\w$])))"),
         re.compile(rb"\+(?<=\d[eE]\+)"), re.compile(rb"0(?:(?<=\d[eE]0)|(?<=\d[eE]-0))")),
        frozenset({"number"}),
        _prettier_number,
    ),
}


@cache
def _noise(spec: LanguageSpec) -> tuple[tuple[str, bool], ...]:
    """The leaves a shape leaves out (comments, string internals this grammar has), inner ones first
    (an escape sequence inside a string's content, a doc comment's parts inside the comment), each
    with whether it can stand under a field name."""
    from tree_sitter_language_pack import get_language

    lang = get_language(spec.name)
    leaves = [t for t in set(spec.comments) | set(_STRING_INTERNALS) if lang.id_for_node_kind(t, True)]
    inner = ("escape_sequence", *_DOC_PARTS)
    return tuple((f" ({t})", t in _DOC_PARTS) for t in sorted(leaves, key=lambda t: (t not in inner, t)))


_DOC_PARTS = ("outer_doc_comment_marker", "inner_doc_comment_marker", "doc_comment")  # Rust's, labelled
# A missing token is printed with its text, which may be a bracket: `(MISSING ")")`.
_MISSING = re.compile(r'\(MISSING "[^"]*"\)')


def shape(spec: LanguageSpec, node, holes: list[tuple[int, int]] = (),
          groups: list[tuple[int, int]] = ()) -> str:
    """The canonical structure of `node`, leaving out the subtrees whose range is in `holes`, the
    nodes whose range is in `groups` replaced by their content (@group captures).

    The S-expression tree-sitter prints (named node types and field names, no text), every node
    opened and closed, so any change of nesting shows; then, by string operations in C: comments
    and string internals dropped, grouping nodes (`spec.transparent`) replaced by their content,
    the language's equivalent spellings rewritten to one (`spec.structure_rewrites`, `spec.spread`,
    `spec.grammar_readings`).
    """
    if holes or groups:
        parts: list[str] = []
        _print_around(node, sorted([(s, e, _HOLE) for s, e in holes] + [(s, e, _GROUP) for s, e in groups]), parts)
        text = " ".join(parts).replace(" )", ")")
    else:
        text = str(node)
    for old, new in spec.node_rewrites:
        if old in text:
            text = text.replace(old, new)
    for leaf, labelled in _noise(spec):  # " (comment)"
        if leaf[1:] in text:
            if labelled:
                text = re.sub(r" [a-z_]+: " + re.escape(leaf[1:]), "", text)
            text = text.replace(leaf, "")
    openers, spread, concatenation, strings = _openers(spec)
    for opener in openers:
        if opener in text:
            text = _unwrap(_no_missing(text), opener)
    for old, new in spec.structure_rewrites:
        if old in text:
            text = text.replace(old, new)
    for key, label, opener in spread:
        if key in text:
            text = _spread(_no_missing(text), label, opener)
    if concatenation and concatenation in text:
        text = _merge(_no_missing(text), concatenation, strings)
    if spec.grammar_readings:
        text = _READINGS[spec.grammar_readings](_no_missing(text))
    return text


@cache
def _openers(spec: LanguageSpec) -> tuple[tuple[str, ...], tuple[tuple[str, str, str], ...], str, tuple[str, ...]]:
    """The openings `shape` looks for: grouping nodes, spread fields, the concatenation node, and the
    openings of string literals (a concatenation's parts)."""
    return (tuple(f"({t} " for t in sorted(spec.transparent)),
            tuple((label + opener, label, opener) for label, opener in spec.spread),
            f"({spec.concatenation} " if spec.concatenation else "",
            tuple(f"({t}" for t in sorted(spec.strings)))


def _no_missing(text: str) -> str:
    """`text` without the token texts of missing nodes, which may be brackets: `(MISSING ")")`."""
    return _MISSING.sub("(MISSING)", text) if '(MISSING "' in text else text


def _close(text: str, i: int) -> int:
    """The index of the bracket closing the one at `i` (string searches: no loop over characters)."""
    depth, k = 0, i
    while True:
        c = text.find(")", k)
        depth += text.count("(", k, c) - 1
        if depth == 0:
            return c
        k = c + 1


def _unwrap(text: str, opener: str) -> str:
    """`text` with every node that `opener` opens replaced by its content."""
    cuts: list[tuple[int, int]] = []
    i = text.find(opener)
    while i >= 0:
        cuts += ((i, len(opener)), (_close(text, i), 1))
        i = text.find(opener, i + 1)
    cuts.sort()
    parts, pos = [], 0
    for at, n in cuts:
        parts.append(text[pos:at])
        pos = at + n
    parts.append(text[pos:])
    return "".join(parts)


def _spread(text: str, label: str, opener: str) -> str:
    """`label (opener A B ...)` as `label A label B ...` when it has two children or more: Python's
    `x[(a, b)]` is `x[a, b]`, which tree-sitter prints as two `subscript:` fields."""
    key = label + opener
    parts, pos = [], 0
    i = text.find(key)
    while i >= 0:
        end = _close(text, i + len(label))
        kids = _kids(text[i + len(label) : end + 1])[1]
        if len(kids) > 1:
            kids = [_spread(kid, label, opener) if key in kid else kid for kid in kids]
            parts += (text[pos:i], " ".join(label + kid for kid in kids))
            pos = end + 1
            i = text.find(key, pos)
        else:
            i = text.find(key, i + 1)
    parts.append(text[pos:])
    return "".join(parts)


def _merge(text: str, opener: str, strings: tuple[str, ...]) -> str:
    """Each concatenation `opener` opens, of parts `(string X) (string Y)`, as one `(string X Y)`;
    where another part stands between strings (C's `"%" PRId64 "\\n"`), the runs of strings around it."""
    return _rebuild(text, opener, lambda node: _merge_parts(node, strings))


def _merge_parts(node: str, strings: tuple[str, ...]) -> str:
    """One concatenation (its inner ones merged already): each run of string parts as one string."""
    opening, kids = _kids(node)
    runs: list[list[str]] = []  # [type, part, part, ...]
    for kid in kids:
        kind = kid.split(")", 1)[0].split(" ", 1)[0]
        if kind in strings and runs and runs[-1][0] == kind:
            runs[-1].append(kid)
        else:
            runs.append([kind, kid])
    merged = " ".join(run[1] if len(run) == 2 else run[0] + "".join(kid[len(run[0]) : -1] for kid in run[1:]) + ")"
                      for run in runs)
    return f"{opening}{merged})" if len(runs) > 1 else merged


def _kids(node: str) -> tuple[str, list[str]]:
    """A printed node `(type a label: (b) ...)` as its opening `(type ` and its children, labels kept."""
    k = node.find(" ") + 1
    if not k:
        return node, []
    kids, end = [], len(node) - 1
    while k < end:
        e = _close(node, node.find("(", k))
        kids.append(node[k : e + 1])
        k = e + 2
    return node[: node.find(" ") + 1], kids


def _rebuild(text: str, opener: str, read) -> str:
    """`text` with every node that `opener` opens replaced by `read(node)`, inner ones first."""
    parts, pos = [], 0
    i = text.find(opener)
    while i >= 0:
        end = _close(text, i)
        body = text[i + len(opener) : end + 1]
        parts += (text[pos:i], read(opener + (_rebuild(body, opener, read) if opener in body else body)))
        pos = end + 1
        i = text.find(opener, pos)
    parts.append(text[pos:])
    return "".join(parts)


def _untyped(node: str) -> str:
    return node[6:-1] if node.startswith("(type ") else node


def _subscript(node: str) -> str:
    """`(generic_type X (type_parameter (type A) (type B)))`, tree-sitter's reading of a bare annotation
    `X[A, B]`, as the `(subscript value: X subscript: A subscript: B)` it reads in parentheses."""
    _, kids = _kids(node)
    if len(kids) != 2 or not kids[1].startswith("(type_parameter "):
        return node
    return "(subscript value: %s%s)" % (kids[0], "".join(" subscript: " + _untyped(k) for k in _kids(kids[1])[1]))


def _union(node: str) -> str:
    """`(union_type (type A) (type B))`, tree-sitter's reading of `A[x] | B` in a bare annotation, as
    the `binary_operator` it reads in parentheses; it reads `A[x] | B | C` as `A[x] | (B | C)`, so
    the right operand's chain is regrouped from the left (the one `A[x] | (B | C)` reads alike)."""
    _, kids = _kids(node)
    return _or(_untyped(kids[0]), _untyped(kids[1])) if len(kids) == 2 else node


def _or(a: str, b: str) -> str:
    if b.startswith("(binary_operator left: "):
        _, (left, right) = _kids(b)
        return f"(binary_operator left: {_or(a, left[6:])} {right})"
    return f"(binary_operator left: {a} right: {b})"


def _as_outside(node: str) -> str:
    """`with a if b else c as f:`: tree-sitter binds `as f` to `c` (and `lambda: x as f` to `x`);
    Python binds it to the whole expression, as tree-sitter reads `(a if b else c) as f`."""
    opening, kids = _kids(node)
    label, last = ("body: ", kids[-1][6:]) if kids[-1].startswith("body: ") else ("", kids[-1])
    if not last.startswith("(as_pattern "):
        return node
    inner = _kids(last)[1]
    if len(inner) != 2:
        return node
    return "(as_pattern %s%s) %s)" % (opening, " ".join([*kids[:-1], label + inner[0]]), inner[1])


_SPLAT_INSIDE = tuple(f"({t} {f}: (list_splat " for t, f in (("subscript", "value"), ("attribute", "object"),
                                                              ("call", "function")))


def _splat_outside(text: str) -> str:
    """`c, *d[1:]`: tree-sitter reads `(*d)[1:]` (also `(*d).x`, `(*d)(x)`), which is no Python;
    Python reads `*(d[1:])`, as tree-sitter does in `(c, *d[1:])`. The splat is moved out, level by level."""
    while True:
        at = [(i, key) for key in _SPLAT_INSIDE if (i := text.find(key)) >= 0]
        if not at:
            return text
        i, key = min(at)
        splat = i + key.index("(list_splat ")
        inner_end, end = _close(text, splat), _close(text, i)
        text = "".join((text[:i], "(list_splat ", text[i:splat], text[splat + 12 : inner_end],
                        text[inner_end + 1 : end + 1], ")", text[end + 1 :]))


def _enclosing(text: str, i: int) -> str:
    """The opening `(type` of the node around position `i` (a backward walk over its earlier children)."""
    depth, k = 0, i
    while True:
        o = text.rfind("(", 0, k)
        depth += text.count(")", o, k)
        if depth == 0:
            return text[o : text.find(" ", o)]
        depth, k = depth - 1, o


_DOCSTRING = " body: (block (string)"


def _docstrings(text: str) -> str:
    """A function's or a class's docstring left out; a string opening any other block is code."""
    i = text.find(_DOCSTRING)
    while i >= 0:
        if _enclosing(text, i) in ("(function_definition", "(class_definition"):
            text = text[: i + 13] + text[i + len(_DOCSTRING) :]
        i = text.find(_DOCSTRING, i + 1)
    return text


def _python_readings(text: str) -> str:
    """One reading for what tree-sitter-python reads two ways, and the docstrings left out."""
    if "(generic_type " in text:
        text = _rebuild(text, "(generic_type ", _subscript)
    if "(union_type " in text:
        text = _rebuild(text, "(union_type ", _union)
    if "(as_pattern " in text:
        text = _rebuild(_rebuild(text, "(conditional_expression ", _as_outside), "(lambda ", _as_outside)
    if "(list_splat " in text:
        text = _splat_outside(text)
    return _docstrings(text) if _DOCSTRING in text else text


_READINGS = {"python": _python_readings}


def head(spec: LanguageSpec, body_shape: str) -> str:
    """The part of a definition's shape before its body: the structure of its signature."""
    for f in spec.body_fields:
        cut = body_shape.find(f" {f}: (")
        if cut >= 0:
            return body_shape[:cut]
    return body_shape


_GROUP, _HOLE = 0, 1


def _print_around(node, cuts: list[tuple[int, int, int]], parts: list[str], field: str | None = None) -> None:
    """Print `node` as `str()` does, without the holes of `cuts` and with its groups as their content."""
    s, e = node.start_byte, node.end_byte
    inside = cuts[bisect_left(cuts, (s,)) : bisect_left(cuts, (e,))]
    label = f"{field}: " if field else ""
    if not inside:
        parts.append(label + str(node))
        return
    if (s, e, _HOLE) in inside:
        return
    group = (s, e, _GROUP) in inside
    if group:  # its child may have its range (Rust's `{ match … }` holds a statement of the match alone)
        inside = [c for c in inside if c != (s, e, _GROUP)]
    else:
        parts.append(f"{label}({node.type}")
    for k, child in enumerate(node.children):
        if child.is_named:
            _print_around(child, inside, parts, node.field_name_for_child(k) or (field if group else None))
    if not group:
        parts.append(")")


def fingerprint(structure_text: str, tokens: bytes) -> str:
    return blake2b(b"%s\x00%s" % (structure_text.encode("utf-8"), tokens), digest_size=8).hexdigest()


class FileText:
    """A file's bytes prepared once, sliced per symbol: blanked comments/docstrings, bare strings.
    `root`: the tree's root node, to tell a real number or escape sequence from a look-alike."""

    def __init__(self, source: bytes, spec: LanguageSpec, skip: list, strings: list, root, concats: list = ()):
        buf = bytearray(source)
        prefixes = spec.string_prefixes
        for node in strings:
            s, e = node.start_byte, node.end_byte
            raw = source[s:e]
            if _HAS_NOISE.search(raw):
                buf[s:e] = raw.translate(_KEEP_WS)
                if b"{" in raw:  # an interpolation's code is code: its layout is noise again
                    for c in node.children:
                        if c.type == "interpolation":
                            buf[c.start_byte : c.end_byte] = source[c.start_byte : c.end_byte]
                            fmt = c.child_by_field_name("format_specifier")  # f"{x:> 10}": text
                            if fmt is not None:
                                buf[fmt.start_byte : fmt.end_byte] = \
                                    source[fmt.start_byte : fmt.end_byte].translate(_KEEP_WS)
            if prefixes and raw[:1].isalpha():
                _respell_prefix(buf, s, raw)
        for node in skip:
            buf[node.start_byte : node.end_byte] = b" " * (node.end_byte - node.start_byte)
        for node in concats:
            _join(buf, node)
        if spec.escaped_quotes and strings and _ESCAPED_QUOTE.search(buf):
            for a, b in [m.span() for m in _ESCAPED_QUOTE.finditer(buf)]:
                n = root.descendant_for_byte_range(a, b)
                if (n.type == "escape_sequence" and n.start_byte == a and n.end_byte == b
                        and n.parent.type in spec.escaped_quotes):
                    buf[a] = 0x20  # the backslash: noise
        if spec.hex_escapes and strings and _UPPER_HEX_ESCAPE.search(buf):
            for a, b in [m.span() for m in _UPPER_HEX_ESCAPE.finditer(buf)]:
                n = root.descendant_for_byte_range(a, b)
                if n.type == "escape_sequence" and n.start_byte == a:
                    buf[a : n.end_byte] = buf[a : n.end_byte].lower()
        text = bytes(buf).translate(_QUOTES)
        if b"\\\n" in text:  # a line continuation (in a string, the newline is no longer one)
            text = text.replace(b"\\\r\n", b"   ").replace(b"\\\n", b"  ")
        if spec.numbers and _UPPER_NUMBER.search(text):
            text = _NUMBER.sub(lambda m: m.group().lower(), text)
        # Source offsets of bytes a respelling added (`.5` -> `0.5`), one entry per byte: sorted.
        self._grown: list[int] = []
        if spec.number_format:
            anchors, types, respell = _NUMBER_FORMATS[spec.number_format]
            if hits := [m.start() for rx in anchors for m in rx.finditer(text)]:
                spans = {n.start_byte: n.end_byte
                         for at in hits if (n := root.descendant_for_byte_range(at, at + 1)).type in types}
                text = self._respell(text, spans, respell)
        self.buf = text

    def _respell(self, text: bytes, spans: dict[int, int], respell) -> bytes:
        """`text` with each literal [s, e) of `spans` respelled: padded with noise when shorter, the
        added bytes recorded in `_grown` when longer."""
        parts, pos = [], 0
        for s in sorted(spans):
            e = spans[s]
            old = text[s:e]
            new = respell(old)
            if new == old:
                continue
            if len(new) < len(old):
                new = new.ljust(len(old))
            else:
                self._grown += [s] * (len(new) - len(old))
            parts += (text[pos:s], new)
            pos = e
        parts.append(text[pos:])
        return b"".join(parts)

    def tokens(self, start: int, end: int, holes: list[tuple[int, int]] = ()) -> bytes:
        """Normalised bytes of [start, end) without the `holes` ranges."""
        if self._grown:
            g = self._grown
            start, end = start + bisect_left(g, start), end + bisect_left(g, end)
            holes = [(a + bisect_left(g, a), b + bisect_left(g, b)) for a, b in holes]
        if not holes:
            return self.buf[start:end].translate(None, _NOISE)
        parts, pos = [], start
        for a, b in sorted(holes):
            if a >= pos:
                parts.append(self.buf[pos:a])
                pos = b
        parts.append(self.buf[pos:end])
        return b"".join(parts).translate(None, _NOISE)


@cache
def _prefix(prefix: bytes) -> bytes:
    """black's spelling of a Python string prefix, padded to its length with noise."""
    new = prefix.lower().replace(b"u", b"").replace(b"f", b"")
    if len(new) == 2 and new[:1] != b"r":
        new = new[::-1]
    return new.rjust(len(prefix))


def _join(buf: bytearray, node) -> None:
    """Read an implicit concatenation (`"a " f"{b}"`) as the one string ruff joins it into
    (`f"a {b}"`): each boundary, from a part's closing quote to the next one's opening quote, is
    blanked where both parts have the same quotes and prefix (f aside)."""
    prev = None
    for part in node.children:
        s, e = part.start_byte, part.end_byte
        raw = bytes(buf[s : min(e, s + 8)])  # a prefix (respelled: padded) and the quotes
        body = raw.lstrip(b" abfrtuABFRTU")
        if not body[:1] in (b'"', b"'"):
            if part.type not in ("comment", "line_continuation"):
                prev = None  # C's `"%" PRId64 "\\n"`: a macro between the strings
            continue
        quotes = 3 if body[:3] == body[:1] * 3 else 1
        opening = len(raw) - len(body) + quotes
        this = (_base_prefix(raw[: len(raw) - len(body)]), quotes)
        if prev is not None and prev[0] == this:
            buf[prev[1] - quotes : s + opening] = b" " * (s + opening - prev[1] + quotes)
        prev = (this, e)


@cache
def _base_prefix(prefix: bytes) -> bytes:
    return bytes(sorted(prefix.strip().lower().replace(b"f", b"").replace(b"u", b"")))


def _respell_prefix(buf: bytearray, start: int, raw: bytes) -> None:
    """Respell the prefix of the string literal `raw` at `start` (it starts with a letter)."""
    n = 2 if raw[1:2].isalpha() else 1
    prefix = raw[:n]
    if prefix not in _PLAIN_PREFIXES and raw[n : n + 1] in (b"'", b'"'):
        buf[start : start + n] = _prefix(prefix)
