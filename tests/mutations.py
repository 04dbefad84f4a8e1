"""Python source rewrites for fingerprint tests, each checked against Python's own `ast`.

The oracle `program(source)` is `ast.dump` without positions and without docstrings, and with
`del (a, b)` read as `del a, b` (black prints the one as the other, and its own AST check reads
them alike).
Rewrites that keep the program (`tuple_parens`: optional tuple parentheses added or removed) and
rewrites that keep every token but change the program (`MUTATIONS`: a block's last statement
dedented out, the next statement indented in, an argument moved between nested calls, an operator
regrouped). Each rewrite works on one function's source and returns every variant it can make.
"""

from __future__ import annotations

import ast
from typing import Callable, Iterator


def program(source: str) -> str:
    """The oracle: the `ast` of `source` without positions and docstrings (`del` as above)."""
    return ast.dump(_normalised(ast.parse(source)), annotate_fields=False)


def functions(source: str) -> dict[str, str]:
    """{dotted name (`Class.method`, `outer.inner`): the oracle's dump} of every function in
    `source` whose dotted name is unique there."""
    found: dict[str, list[str]] = {}

    def visit(node, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = prefix + child.name
                if not isinstance(child, ast.ClassDef):
                    found.setdefault(name, []).append(ast.dump(child, annotate_fields=False))
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(_normalised(ast.parse(source)), "")
    return {name: dumps[0] for name, dumps in found.items() if len(dumps) == 1}


def _normalised(tree):
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
        if isinstance(node, ast.Delete) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Tuple):
            node.targets = node.targets[0].elts
    return tree


class _Source:
    """A source as UTF-8 bytes, with `ast` positions (line, byte column) turned into offsets."""

    def __init__(self, source: str):
        self.data = source.encode()
        self.starts = [0]
        for line in self.data.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))

    def start(self, node) -> int:
        return self.starts[node.lineno - 1] + node.col_offset

    def end(self, node) -> int:
        return self.starts[node.end_lineno - 1] + node.end_col_offset

    def edit(self, edits: list[tuple[int, int, bytes]]) -> str:
        """Apply (offset, bytes deleted, bytes inserted) edits, which must not overlap."""
        data = self.data
        for at, n, new in sorted(edits, reverse=True):
            data = data[:at] + new + data[at + n:]
        return data.decode()


def _optional_tuples(tree) -> Iterator[ast.Tuple]:
    """Tuples whose parentheses are optional: assignment and `for` targets and values, returns,
    yields, `del` targets, subscripts of two items or more (no slices; not in annotations, where
    no formatter adds them and tree-sitter reads `dict[str, int]` as a type, `dict[(str, int)]` as
    an expression)."""
    annotations = {id(n) for node in ast.walk(tree)
                   for a in (getattr(node, "annotation", None), getattr(node, "returns", None)) if a is not None
                   for n in ast.walk(a)}
    for node in ast.walk(tree):
        if id(node) in annotations:
            continue
        if isinstance(node, ast.Assign):
            yield from (t for t in [*node.targets, node.value] if isinstance(t, ast.Tuple))
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            yield from (t for t in (node.target, node.iter) if isinstance(t, ast.Tuple))
        elif isinstance(node, (ast.Return, ast.Yield)) and isinstance(node.value, ast.Tuple):
            yield node.value
        elif isinstance(node, ast.Delete) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Tuple):
            yield node.targets[0]
        elif (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple) and len(node.slice.elts) > 1
              and not any(isinstance(e, ast.Slice) for e in node.slice.elts)):
            yield node.slice


def tuple_parens(source: str, add: bool) -> str:
    """`source` with the optional parentheses of every tuple (see above) and of `with` items added
    (`add`) or removed (where the tuple or the items stand on one line): the same program."""
    src, tree = _Source(source), ast.parse(source)
    edits = []
    for t in _optional_tuples(tree):
        if not t.elts:
            continue
        s, e = src.start(t), src.end(t)
        wrapped = s < src.start(t.elts[0])
        if add and not wrapped:
            edits += [(s, 0, b"("), (e, 0, b")")]
        elif not add and wrapped and t.lineno == t.end_lineno:
            edits += [(s, 1, b""), (e - 1, 1, b"")]
    for node in ast.walk(tree):
        if isinstance(node, (ast.With, ast.AsyncWith)):
            first, last = node.items[0], node.items[-1]
            s = src.start(first.context_expr)
            e = src.end(last.optional_vars or last.context_expr)
            before = src.data[src.start(node):s].rstrip()
            after = src.data[e:].lstrip(b" ")
            if add and not before.endswith(b"(") and not after.startswith(b")"):
                edits += [(s, 0, b"("), (e, 0, b")")]
            elif not add and before.endswith(b"(") and after.startswith(b"):") and node.lineno == last.context_expr.end_lineno:
                edits += [(src.data.rindex(b"(", 0, s), 1, b""), (src.data.index(b")", e), 1, b"")]
    return src.edit(edits)


def _indent(src: _Source, node) -> bytes:
    line = src.data[src.starts[node.lineno - 1]:src.start(node)]
    return line if not line.strip() else b""


def _blocks(tree) -> Iterator[tuple[ast.stmt, list[ast.stmt], int]]:
    """(compound statement without else, the statement list it is in, its index there)."""
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            stmts = getattr(node, field, None)
            if not isinstance(stmts, list):
                continue
            for i, s in enumerate(stmts):
                if isinstance(s, (ast.For, ast.AsyncFor, ast.While, ast.If, ast.With, ast.AsyncWith)) \
                        and not getattr(s, "orelse", None):
                    yield s, stmts, i


def _one_line(node) -> bool:
    return node.lineno == node.end_lineno and not isinstance(node, (ast.FunctionDef, ast.ClassDef))


def dedent_last(source: str) -> Iterator[str]:
    """A block's last statement moved out of it (the block keeps one statement at least)."""
    src, tree = _Source(source), ast.parse(source)
    for block, _, _ in _blocks(tree):
        last = block.body[-1]
        head, inner = _indent(src, block), _indent(src, last)
        if len(block.body) > 1 and _one_line(last) and inner and block.lineno < last.lineno:
            at = src.starts[last.lineno - 1]
            yield src.edit([(at, len(inner), head)])


def indent_next(source: str) -> Iterator[str]:
    """The statement after a block moved into it."""
    src, tree = _Source(source), ast.parse(source)
    for block, stmts, i in _blocks(tree):
        if i + 1 < len(stmts) and _one_line(stmts[i + 1]) and block.lineno < block.body[-1].lineno:
            nxt = stmts[i + 1]
            head, inner = _indent(src, nxt), _indent(src, block.body[-1])
            if inner:
                at = src.starts[nxt.lineno - 1]
                yield src.edit([(at, len(head), inner)])


def move_argument(source: str) -> Iterator[str]:
    """`f(g(a), b)` -> `f(g(a, b))` and `f(g(a, b))` -> `f(g(a), b)`: positional arguments only."""
    src, tree = _Source(source), ast.parse(source)
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call) or call.keywords or not _one_line(call):
            continue
        for k, inner in enumerate(call.args):
            if not isinstance(inner, ast.Call) or inner.keywords or any(isinstance(a, ast.Starred) for a in inner.args):
                continue
            close = src.end(inner) - 1  # the inner call's `)`
            if k + 1 < len(call.args) and not isinstance(call.args[k + 1], ast.Starred):
                nxt = call.args[k + 1]
                text = src.data[src.start(nxt):src.end(nxt)]
                sep = b", " if inner.args else b""
                yield src.edit([(close, 0, sep + text), (src.end(inner), src.end(nxt) - src.end(inner), b"")])
            if len(inner.args) > 1 and k + 1 == len(call.args):
                last, prev = inner.args[-1], inner.args[-2]
                text = src.data[src.start(last):src.end(last)]
                yield src.edit([(src.end(prev), src.end(last) - src.end(prev), b""), (close + 1, 0, b", " + text)])


def regroup(source: str) -> Iterator[str]:
    """`a + (b * c)` -> `(a + b) * c`: the same tokens, another grouping."""
    src, tree = _Source(source), ast.parse(source)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.BinOp) and isinstance(node.right, ast.BinOp) and _one_line(node)):
            continue
        s, e = src.start(node), src.end(node)
        r0 = src.start(node.right)
        paren = src.data.rfind(b"(", s, r0)
        if paren < 0 or src.data[paren + 1:r0].strip() or src.data[e - 1:e] != b")":
            continue
        mid = src.end(node.right.left)
        yield src.edit([(s, 0, b"("), (paren, 1, b""), (mid, 0, b")"), (e - 1, 1, b"")])


MUTATIONS: dict[str, Callable[[str], Iterator[str]]] = {
    "last statement dedented out of its block": dedent_last,
    "next statement indented into the block": indent_next,
    "argument moved between nested calls": move_argument,
    "operator regrouped": regroup,
}


def mutants(source: str, kind: str) -> Iterator[str]:
    """The variants of `source` by mutation `kind` that parse and change the program."""
    before = program(source)
    for variant in MUTATIONS[kind](source):
        try:
            after = program(variant)
        except SyntaxError:
            continue
        if after != before:
            yield variant
