"""Symbols and edges of one file: run the language's query, nest the definitions, hash them.

`extract(path, source)` is pure: the same bytes give the same result on every machine.
With `fingerprints=False` the hashes are left out (None): they are most of the work and are
needed only where a note is linked or code has moved (core/index/fill.py).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from tether.core.index.fingerprint import FileText, fingerprint, head, shape
from tether.core.index.languages import LanguageSpec, compiled, language_for
from tether.core.model import CALLABLE_KINDS, CONTAINER_KINDS, Binding, FileResult, Ref, Symbol

_SIG_MAX = 400


@dataclass(slots=True)
class _Def:
    node: object  # the definition node the query captured
    span: object  # the node whose range is the symbol (the definition or its wrapper)
    name_node: object
    kind: str
    scope: list[str]
    parent: _Def | None = None
    children: list[_Def] = field(default_factory=list)
    dotted: str = ""
    id: str = ""


def _start(node) -> int:
    return node.start_byte


def _text(src: bytes, node) -> str:
    return src[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _strip_quotes(s: str) -> str:
    return s.strip().strip("\"'`<>")


_SPACED_CLOSERS = re.compile(rb">(?:[ \t]+>)+")


def _join_closers(source: bytes) -> bytes:
    """`> >` as `>>` and the same spaces after it, for the parser only: every byte keeps its offset,
    and the text (tokens, strings) is read from the original. In C++ a `>` followed by spaces and
    another `>` only closes template arguments (`a > > b` is no program)."""
    return _SPACED_CLOSERS.sub(lambda m: b">" * m[0].count(b">") + m[0].replace(b">", b""), source)


def extract(path: str, source: bytes, spec: LanguageSpec | None = None, fingerprints: bool = True) -> FileResult:
    spec = spec or language_for(path, source)
    if spec is None:
        return FileResult(path=path, language=None)
    parser, query = compiled(spec)
    from tree_sitter import QueryCursor

    tree = parser.parse(_join_closers(source) if spec.joined_closers and b"> >" in source else source)
    root = tree.root_node
    matches = QueryCursor(query).matches(root)

    defs: dict[int, _Def] = {}
    calls: dict[int, object] = {}
    inherits: dict[int, object] = {}
    imports: list[tuple[list[object], list[object]]] = []
    skip: list[object] = []
    strings: list[object] = []
    groups: list[tuple[int, int]] = []
    concats: list[object] = []
    for _, caps in matches:
        # The commonest captures first: calls, then strings and comments.
        if (found := caps.get("call.name")) is not None:
            for n in found:
                calls[n.id] = n
        elif (found := caps.get("string")) is not None:
            strings += found
        elif (found := caps.get("skip")) is not None:
            skip += found
        elif (found := caps.get("inherit.name")) is not None:
            for n in found:
                inherits[n.id] = n
        elif (found := caps.get("import.source")) is not None:
            imports.append((found, caps.get("import.name", []), caps.get("import.member", [])))
        elif (found := caps.get("concat")) is not None:
            concats += found
        elif (found := caps.get("group")) is not None:
            groups += [(n.start_byte, n.end_byte) for n in found if all(c.type != "," for c in n.children)]
        else:
            def_key = next((k for k in caps if k.startswith("definition.")), None)
            names = caps.get("name")
            if def_key is None or not names:
                continue
            node = caps[def_key][0]
            if node.id in defs:
                continue
            up = node.parent  # the wrapper, also around grouping parentheses: `var f = (function f() {})`
            while up is not None and up.type in spec.transparent:
                up = up.parent
            span = up if up is not None and up.type in spec.wrappers else node
            scope = [p for s in caps.get("scope", []) for p in _text(source, s).replace("::", ".").split(".") if p]
            defs[node.id] = _Def(node, span, names[0], def_key.split(".", 1)[1], scope)

    ordered = sorted(defs.values(), key=lambda d: (d.span.start_byte, -d.span.end_byte))
    _nest(ordered)

    text = FileText(source, spec, skip, strings, root, concats) if fingerprints else None
    groups.sort()
    result = FileResult(path=path, language=spec.name, syntax_errors=int(root.has_error))
    seen: dict[str, int] = {}
    for d in ordered:
        dotted = ".".join(([d.parent.dotted] if d.parent else []) + d.scope + [_text(source, d.name_node)])
        d.dotted = dotted
        n = seen[dotted] = seen.get(dotted, 0) + 1
        d.id = f"{path}::{dotted}" if n == 1 else f"{path}::{dotted}#{n}"
        result.symbols.append(_symbol(path, spec, source, d, text, _within(groups, d.span)))
    if text is not None:  # the file's fingerprint: what lies outside its symbols, plus every symbol's own
        tops = [(d.span.start_byte, d.span.end_byte) for d in ordered if d.parent is None]
        outside = shape(spec, root, tops, groups) + "".join(s.code_hash for s in result.symbols)
        result.code_hash = fingerprint(outside, text.tokens(0, len(source)))
    else:
        result.code_hash = None

    starts = [d.span.start_byte for d in ordered]

    def enclosing(pos: int) -> str:
        i = bisect_right(starts, pos) - 1
        d = ordered[i] if i >= 0 else None
        while d is not None and not (d.span.start_byte <= pos < d.span.end_byte):
            d = d.parent
        return d.id if d is not None else path

    prefixes = spec.self_prefixes
    refs = result.refs
    for n in sorted(calls.values(), key=_start):
        at = n.start_byte
        refs.append(Ref(enclosing(at), "calls", n.text.decode("utf-8", "replace"), n.start_point[0] + 1,
                        source.endswith(prefixes, 0, at)))
    for n in sorted(inherits.values(), key=_start):
        refs.append(Ref(enclosing(n.start_byte), "inherits", _text(source, n), n.start_point[0] + 1, False))
    # Overlapping import patterns may report one statement twice (calls and bases are unique by node).
    import_refs: dict[Ref, None] = {}
    bindings: dict[Binding, None] = {}
    for sources, names, members in imports:
        for s in sources:
            target = _strip_quotes(_text(source, s))
            if not target:
                continue
            if members:  # `from m import n`: an import of m.n (resolved to a submodule, else to m)
                target += ("" if target.endswith(".") else ".") + _text(source, members[0])
            import_refs[Ref(path, "imports", target, s.start_point[0] + 1)] = None
            bindings.update((Binding(_text(source, n), target), None) for n in names)
    result.refs += import_refs
    result.bindings = list(bindings)
    return result


def _nest(ordered: list[_Def]) -> None:
    stack: list[_Def] = []
    for d in ordered:
        while stack and not (d.span.start_byte >= stack[-1].span.start_byte
                             and d.span.end_byte <= stack[-1].span.end_byte):
            stack.pop()
        if stack:
            d.parent = stack[-1]
            stack[-1].children.append(d)
        # In a class-like container, or qualified by one (Go receivers, C++ `A::f` outside the class);
        # a function in a module or namespace stays a function.
        in_class = d.parent is not None and d.parent.kind in CONTAINER_KINDS - {"module", "namespace"}
        if d.kind == "function" and (in_class or d.scope):
            d.kind = "method"
        stack.append(d)


def _body(node, spec: LanguageSpec):
    for f in spec.body_fields:
        b = node.child_by_field_name(f)
        if b is not None:
            return b
    return None


def _within(ranges: list[tuple[int, int]], node) -> list[tuple[int, int]]:
    """The sorted `ranges` that start inside `node`."""
    if not ranges:
        return ranges
    return ranges[bisect_left(ranges, (node.start_byte,)) : bisect_left(ranges, (node.end_byte,))]


def _symbol(path: str, spec: LanguageSpec, src: bytes, d: _Def, text: FileText | None, groups) -> Symbol:
    """The symbol of `d`; without its hashes when `text` is None."""
    span, name = d.span, d.name_node
    body = _body(d.node, spec)
    sig_end = body.start_byte if body is not None else span.end_byte
    signature = " ".join(src[span.start_byte : sig_end].decode("utf-8", "replace").split()).rstrip(" :{")
    if len(signature) > _SIG_MAX:
        signature = signature[: _SIG_MAX - 1] + "…"
    end_row = span.end_point[0] - (0 if span.end_point[1] else 1)
    code_hash, sig_hash, blind_hash = (None, None, None) if text is None else \
        _hashes(spec, d, text, groups, sig_end, body is not None)
    return Symbol(
        id=d.id,
        kind=d.kind,
        name=_text(src, name),
        path=path,
        language=spec.name,
        start_line=span.start_point[0] + 1,
        end_line=max(end_row, span.start_point[0]) + 1,
        start_byte=span.start_byte,
        end_byte=span.end_byte,
        signature=signature,
        parent_id=d.parent.id if d.parent else None,
        code_hash=code_hash,
        sig_hash=sig_hash,
        blind_hash=blind_hash,
    )


def _hashes(spec: LanguageSpec, d: _Def, text: FileText, groups, sig_end: int, has_body: bool) -> tuple[str, str, str]:
    """(code_hash, sig_hash, blind_hash) of a definition whose signature ends at `sig_end`."""
    span, name = d.span, d.name_node
    # A container's fingerprint leaves out its members: they are symbols of their own.
    holes = [] if d.kind in CALLABLE_KINDS else [(c.span.start_byte, c.span.end_byte) for c in d.children]
    body_shape = shape(spec, span, holes, groups)
    sig_shape = head(spec, body_shape) if has_body else body_shape
    sig_holes = [h for h in holes if h[1] <= sig_end]
    return (fingerprint(body_shape, text.tokens(span.start_byte, span.end_byte, holes)),
            fingerprint(sig_shape, text.tokens(span.start_byte, sig_end, sig_holes)),
            fingerprint(body_shape, text.tokens(span.start_byte, span.end_byte,
                                                holes + [(name.start_byte, name.end_byte)])))
