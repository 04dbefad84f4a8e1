"""Fingerprints from the tree-sitter tree, never from raw text.

A fingerprint hashes two views of a node, both blind to formatting:
  * its structure: the S-expression tree-sitter prints for it (named node types and
    field names, no text), without comments, string internals, docstrings, grouping
    parentheses and closing brackets;
  * its tokens: the file's bytes with comments and docstrings blanked, single quotes
    read as double quotes, then all whitespace (except inside string literals),
    commas, semicolons and parentheses removed.
Whitespace, comments, docstrings, quote style, trailing commas and redundant
parentheses therefore change neither; any real token change alters the tokens, and
any change of meaning through grouping alters the structure. Everything runs in C
(tree-sitter printing, regex, bytes ops), which keeps a cold index near parse speed.

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
_HAS_WS = re.compile(rb"\s")
# Quote style is not code: ' and " are one character for fingerprints.
_QUOTES = bytes.maketrans(b"'", b'"')
_NOISE = b" \t\n\r\x0b\x0c,;()"  # deleted from tokens
# Whitespace inside a string literal is part of its value: mark it so it survives _NOISE.
_KEEP_WS = bytes.maketrans(bytes(range(0x21)), b"\x01" * 0x21)
# A quick scan for a literal with an upper-case letter: most files have none, and the full
# substitution below costs several times more.
_UPPER_NUMBER = re.compile(rb"[0-9][A-Z]|0x[0-9a-f_]*[A-F]")
_NUMBER = re.compile(rb"\b(?:0[xXoObB][0-9a-fA-F_]+|\d[\d_]*\.?[\d_]*[eE][+-]?\d+)[jJlL]?")


@cache
def _noise(spec: LanguageSpec) -> tuple[str, ...]:
    """Openings of what a shape leaves out: noise leaves and grouping nodes this grammar has."""
    from tree_sitter_language_pack import get_language

    lang = get_language(spec.name)
    leaves = [t for t in sorted(set(spec.comments) | set(_STRING_INTERNALS)) if lang.id_for_node_kind(t, True)]
    return tuple(f" ({t}" for t in leaves) + tuple(f"({t} " for t in sorted(spec.transparent))


def shape(spec: LanguageSpec, node, holes: list[tuple[int, int]] = ()) -> str:
    """The normalised structure of `node`, leaving out the subtrees whose range is in `holes`.

    Closing brackets go first, so a leaf `(comment)` is the opening ` (comment` alone.
    """
    if holes:
        parts: list[str] = []
        _print_around(node, sorted(holes), parts)
        text = " ".join(parts)
    else:
        text = str(node)
    text = text.replace(")", "")
    for old in _noise(spec):
        if old in text:
            text = text.replace(old, "")
    for old, new in spec.structure_rewrites:
        if old in text:
            text = text.replace(old, new)
    return text


def head(spec: LanguageSpec, body_shape: str) -> str:
    """The part of a definition's shape before its body: the structure of its signature."""
    for f in spec.body_fields:
        cut = body_shape.find(f" {f}: (")
        if cut >= 0:
            return body_shape[:cut]
    return body_shape


def _print_around(node, holes: list[tuple[int, int]], parts: list[str], field: str | None = None) -> None:
    s, e = node.start_byte, node.end_byte
    inside = holes[bisect_left(holes, (s, 0)) : bisect_left(holes, (e, 0))]
    label = f"{field}: " if field else ""
    if not inside:
        parts.append(label + str(node))
    elif (s, e) in inside:
        return
    else:
        parts.append(f"{label}({node.type}")
        for k, child in enumerate(node.children):
            if child.is_named:
                _print_around(child, inside, parts, node.field_name_for_child(k))


def fingerprint(structure_text: str, tokens: bytes) -> str:
    h = blake2b(structure_text.encode("utf-8"), digest_size=8)
    h.update(b"\x00")
    h.update(tokens)
    return h.hexdigest()


class FileText:
    """A file's bytes prepared once, sliced per symbol: blanked comments/docstrings, bare strings."""

    def __init__(self, source: bytes, spec: LanguageSpec, skip: list, strings: list):
        buf = bytearray(source)
        for node in strings:
            s, e = node.start_byte, node.end_byte
            raw = source[s:e]
            if _HAS_WS.search(raw):
                buf[s:e] = raw.translate(_KEEP_WS)
        for node in skip:
            buf[node.start_byte : node.end_byte] = b" " * (node.end_byte - node.start_byte)
        text = bytes(buf).translate(_QUOTES)
        if spec.numbers and _UPPER_NUMBER.search(text):
            text = _NUMBER.sub(lambda m: m.group().lower(), text)
        self.buf = text

    def tokens(self, start: int, end: int, holes: list[tuple[int, int]] = ()) -> bytes:
        """Normalised bytes of [start, end) without the `holes` ranges."""
        if not holes:
            return self.buf[start:end].translate(None, _NOISE)
        parts, pos = [], start
        for a, b in sorted(holes):
            if a >= pos:
                parts.append(self.buf[pos:a])
                pos = b
        parts.append(self.buf[pos:end])
        return b"".join(parts).translate(None, _NOISE)
