"""Fingerprint properties (Python): formatting never changes one, a real token change always does.
Then literals formatters respell (black, prettier, php-cs-fixer), in Python, JavaScript, TypeScript, PHP."""

import re

import black
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tether.core.index.extract import extract
from tests.helpers import symbol_hashes
from tests import mutations

TEMPLATE = '''\
import os§cm§


class Account(Base§tc§):
    §doc§
    rate = §po§§half§§pc§§cm§
    limit = §big§
    phase = §cplx§

    def deposit(self,§ws§amount,§ws§note=§s:x§§tc§):
        §doc§
        if §po§amount <= 0§pc§:§cm§
            raise ValueError(§msg§)
        self.balance = self.balance + amount * (1 + self.rate)§cm§
        return log(§ws§self.balance,§ws§note,§ws§§s:deposit§,§ws§[1,§ws§2,§ws§3§tc§],§ws§{§s:k§:§ws§§s:v§}§tc§)

    @property
    def total(self):
        return §po§self.balance§pc§


def log(value,§ws§*parts):
    §cm_line§
    return §s:, §.join(str(p) for p in parts) + str(value)
'''

CHOICES = {
    "cm": ["", "  # note", "  # TODO: more"],
    "cm_line": ["pass", "# a comment line\n    pass"],
    "tc": ["", ","],
    "po": ["", "("],
    "ws": ["", " ", "\n            ", "  "],
    "q": ['"', "'"],
    "doc": ["", '"""Docstring."""', "'''Other docstring,\n    two lines.'''"],
    # Literals black respells.
    "sp": ["", "u", "U"],  # a str's prefix
    "half": ["0.5", ".5"],
    "big": ["1e6", "1E+6", "1e+6"],
    "cplx": ["1j", "1J"],
    "msg": ['"amount can\'t be negative"', "'amount can\\'t be negative'", "u'amount can\\'t be negative'"],
}


def render(draw_choice) -> str:
    def fill(m):
        key = m.group(1)
        if key == "s":  # a string literal in either quote style
            prefix, quote = draw_choice("sp"), draw_choice("q")
            return prefix + quote + m.group(2) + quote
        if key == "pc":  # closes what the matching "po" opened
            return ")" if fill.opened.pop(0) else ""
        value = draw_choice(key)
        if key == "po":
            fill.opened.append(value == "(")
        return value

    fill.opened = []
    return re.sub(r"§(\w+)(?::([^§]*))?§", fill, TEMPLATE)


def canonical() -> str:
    return render(lambda key: CHOICES[key][0])


def hashes(source: str) -> dict[str, tuple[str, str]]:
    r = extract("bank.py", source.encode())
    assert r.syntax_errors == 0, source
    return {s.id: (s.code_hash, s.sig_hash) for s in r.symbols}


BASE = hashes(canonical())


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_formatting_never_changes_a_fingerprint(data):
    source = render(lambda key: data.draw(st.sampled_from(CHOICES[key]), label=key))
    assert hashes(source) == BASE


def test_the_file_fingerprint_ignores_formatting_too():
    a = extract("bank.py", canonical().encode()).code_hash
    b = extract("bank.py", render(lambda key: CHOICES[key][-1]).encode()).code_hash
    assert a == b


MUTATIONS = [
    ("amount <= 0", "amount < 0", "Account.deposit"),
    ("0.5", "0.25", "Account"),
    ("1e6", "1e7", "Account"),
    ("1j", "1", "Account"),
    ('note="x"', 'note=b"x"', "Account.deposit"),  # str -> bytes
    ("can't", "can\\\\'t", "Account.deposit"),  # an escaped backslash, not an escaped quote
    ("amount * (1 + self.rate)", "amount * 1 + self.rate", "Account.deposit"),
    ('"deposit"', '"withdraw"', "Account.deposit"),
    ('", "', '","', "log"),
    ("str(value)", "repr(value)", "log"),
    ("log(self.balance,", "log(self.total,", "Account.deposit"),
    ("return self.balance", "return -self.balance", "Account.total"),
    ("@property", "@cached", "Account.total"),
    ("class Account(Base)", "class Account(Root)", "Account"),
]


def test_a_real_token_change_alters_exactly_its_symbol():
    base = canonical()
    for old, new, symbol in MUTATIONS:
        assert old in base, old
        changed = hashes(base.replace(old, new, 1))
        differs = {i.split("::")[1] for i in BASE if changed[i][0] != BASE[i][0]}
        assert differs == {symbol}, (old, new, differs)


def test_body_change_keeps_sig_hash_signature_change_alters_it():
    base = canonical()
    body = hashes(base.replace("amount <= 0", "amount < 1"))["bank.py::Account.deposit"]
    assert body[1] == BASE["bank.py::Account.deposit"][1]
    sig = hashes(base.replace('note="x"', 'note="y"'))["bank.py::Account.deposit"]
    assert sig[1] != BASE["bank.py::Account.deposit"][1]


def test_a_class_fingerprint_leaves_out_its_methods():
    changed = hashes(canonical().replace("return self.balance", "return 0"))
    assert changed["bank.py::Account"] == BASE["bank.py::Account"]


def test_renamed_function_keeps_its_name_blind_hash():
    a = {s.name: s for s in extract("m.py", b"def load(x):\n    return x + 1\n").symbols}
    b = {s.name: s for s in extract("m.py", b"def fetch(x):\n    return x + 1\n").symbols}
    assert a["load"].blind_hash == b["fetch"].blind_hash and a["load"].code_hash != b["fetch"].code_hash


# Literals a formatter respells. Each is returned by a one-line function, hashed twice: as is and
# with a comment in the function (the indexer finds numbers through the tree when the file has a
# comment or a string, by their look when it has neither).


def _one_function(path: str, body: str, comment: bool) -> dict[str, tuple[str, str]]:
    if path.endswith(".py"):
        source = f"def f(x):\n{'    # c' + chr(10) if comment else ''}    return {body}\n"
    else:
        source = f"function f($x) {{\n{'  // c' + chr(10) if comment else ''}  return {body};\n}}\n"
        source = f"<?php\n{source}" if path.endswith(".php") else source.replace("$x", "x")
    return symbol_hashes(path, source, short=True)


PY_RESPELLED = [
    "u'a'", "U'a'", "B'a'", "F'{x}'", "br'a'", "Rb'a'", "fR'{x}'", "'a\\'b'", '"a\\"b"', "'''a\\'b'''", "r'a\\'b'",
    "'a\\\\\\'b'", ".5", "1.", "1.E5", "1E+05", "1J", ".5J", "0XAB", "0O17", "-.5 + 1.", "x[.5:1.]", "f'{.5}'",
]


@pytest.mark.parametrize("literal", PY_RESPELLED)
def test_what_black_respells_keeps_fingerprints(literal):
    source = f"def f(x):\n    return {literal}\n"
    formatted = black.format_str(source, mode=black.Mode()).split("return ", 1)[1].strip()
    assert formatted != literal
    for comment in (False, True):
        assert _one_function("m.py", formatted, comment) == _one_function("m.py", literal, comment), formatted


RESPELLED = [  # (file, as written, as the formatter prints it)
    # prettier 3: numbers (1.0 stays 1.0) and strings
    ("m.js", ".5", "0.5"), ("m.js", "1.50", "1.5"), ("m.js", "1.00", "1.0"), ("m.js", "1.", "1"), ("m.js", "0.", "0"),
    ("m.js", "1e+5", "1e5"), ("m.js", "1E05", "1e5"), ("m.js", "1e-05", "1e-5"), ("m.js", "1e0", "1"),
    ("m.js", "1.5e+00", "1.5"), ("m.js", "1.e5", "1e5"), ("m.js", ".50", "0.5"), ("m.js", "1_000.50", "1_000.5"),
    ("m.js", "0XFFn", "0xffn"), ("m.js", "[.5, 1.50]", "[0.5, 1.5]"), ("m.js", "'a\\'b'", '"a\'b"'),
    ("m.js", '"a\\"b"', "'a\"b'"), ("m.js", "`a\\'b`", "`a'b`"), ("m.ts", ".5", "0.5"), ("m.ts", "1.50", "1.5"),
    ("m.ts", "'a\\'b'", '"a\'b"'), ("m.tsx", "[.5, 'a\\'b']", "[0.5, \"a'b\"]"),
    # php-cs-fixer single_quote
    ("m.php", '"abc"', "'abc'"), ("m.php", '""', "''"), ("m.php", '"a$"', "'a$'"), ("m.php", '"a\\q"', "'a\\q'"),
    ("m.php", '"it\'s"', "'it\\'s'"),
]


@pytest.mark.parametrize("path, written, printed", RESPELLED)
def test_what_prettier_and_php_cs_fixer_respell_keeps_fingerprints(path, written, printed):
    for comment in (False, True):
        assert _one_function(path, written, comment) == _one_function(path, printed, comment)


CHANGED = [  # (file, before, after): real changes that look like respellings
    ("m.py", "u'a'", "b'a'"),  # str, bytes
    ("m.py", "'a'", "b'a'"),
    ("m.py", "'\\n'", "r'\\n'"),  # a newline; a backslash and an n
    ("m.py", "r'a\\'b'", "r'a\"b'"),  # a raw string keeps its backslash
    ("m.py", "r'a\\'b'", "'a\\'b'"),
    ("m.py", "'a\\\\'", "'a'"),  # an escaped backslash
    ("m.py", "'a\\'b'", "'a\\\\b'"),
    ("m.py", "f'{x}'", "'{x}'"),
    ("m.py", "'a' 'b'", "'a' 'c'"),
    ("m.py", "f'{x:> 10}'", "f'{x:>10}'"),  # a format specification is text
    ("m.py", "r'a' 'b'", "r'ab'"),  # a raw part and a plain one: not joined
    ("m.py", "'\\xab'", "'\\xac'"),
    ("m.py", "r'\\xAB'", "r'\\xab'"),  # no escape in a raw string
    ("m.py", "'\\\\xAB'", "'\\\\xab'"),  # an escaped backslash, then text
    ("m.py", "1.", "1"),  # float, int
    ("m.py", "1.0", "10"),
    ("m.py", "1J", "1"),
    ("m.py", ".5j", ".5"),
    ("m.py", ".5", "0.55"),
    ("m.py", "1e+5", "1e-5"),
    ("m.py", "1e05", "1e5"),  # black keeps exponent zeros: another spelling, hashed apart
    ("m.py", "'[2J'", "'[2j'"),  # strings, not numbers
    ("m.py", "'x = .5'", "'x = 0.5'"),
    ("m.js", ".5", ".55"),
    ("m.js", "1.50", "1.05"),
    ("m.js", "1e05", "1e50"),
    ("m.js", "1e0", "10"),
    ("m.js", "1n", "1"),
    ("m.js", "'a\\'b'", "'a\\\\b'"),
    ("m.js", "/a\\'b/", "/a'b/"),  # a regex keeps its backslash
    ("m.js", "<a b='x\\\"y'/>", "<a b='x\"y'/>"),  # so does a JSX attribute
    ("m.js", "<p>1.50</p>", "<p>1.5</p>"),  # JSX text, not a number
    ("m.js", "<p>.5</p>", "<p>0.5</p>"),
    ("m.js", "'1.50'", "'1.5'"),
    ("m.ts", "1.50", "1.55"),
    ("m.php", "'a\\nb'", '"a\\nb"'),  # a backslash and an n; a newline
    ("m.php", "'\\x41'", '"\\x41"'),
    ("m.php", "'a$b'", '"a$b"'),  # no interpolation; interpolation
    ("m.php", "'a\\'b'", '"a\\\'b"'),  # a quote; a backslash and a quote
    ("m.php", "'a\\\"b'", '"a\\"b"'),  # a backslash and a quote; a quote
    ("m.php", "<<<EOT\na\\\"b\nEOT", "<<<EOT\na\"b\nEOT"),  # a heredoc keeps \"
    ("m.php", "'abc'", "'abd'"),
    # what the token view drops between tokens is part of a string's value
    ("m.py", "'a,b'", "'ab'"),
    ("m.py", "', '", "' '"),
    ("m.py", "'f(x);'", "'fx'"),
    ("m.js", "'a\tb'", "'a b'"),
    ("m.ts", '"a;b"', '"ab"'),
]


@pytest.mark.parametrize("path, before, after", CHANGED)
def test_a_real_change_of_a_literal_alters_fingerprints(path, before, after):
    for comment in (False, True):
        a, b = _one_function(path, before, comment), _one_function(path, after, comment)
        assert a["f"][0] != b["f"][0] and a[""] != b[""]


_DIGITS = st.sampled_from(["", "0", "1", "10", "1_0", "00"])
_FRACTION = st.sampled_from([None, "", "0", "5", "50", "05"])
_EXPONENT = st.sampled_from(["", "e5", "E+05", "e-5", "e0", "E+0"])
_SUFFIX = st.sampled_from(["", "j", "J"])


def _python_number(parts) -> str | None:
    digits, fraction, exponent, suffix = parts
    text = digits + ("" if fraction is None else "." + fraction) + exponent + suffix
    try:
        compile(text, "n", "eval")
    except SyntaxError:
        return None
    return text


@settings(max_examples=100, deadline=None)
@given(st.tuples(_DIGITS, _FRACTION, _EXPONENT, _SUFFIX), st.tuples(_DIGITS, _FRACTION, _EXPONENT, _SUFFIX))
def test_python_numbers_hash_alike_exactly_when_black_prints_them_alike(a, b):
    a, b = _python_number(a), _python_number(b)
    assume(a is not None and b is not None)
    alike = black.format_str(f"x = {a}\n", mode=black.Mode()) == black.format_str(f"x = {b}\n", mode=black.Mode())
    for comment in (False, True):
        same = _one_function("m.py", a, comment)["f"] == _one_function("m.py", b, comment)["f"]
        assert same == alike, (a, b)


# Nesting: rewrites that keep every token but change the program (Python's `ast` is the oracle),
# and the optional tuple parentheses black and ruff add and remove (the same program).

_NAMES = st.sampled_from(["a", "b", "c", "total", "item"])
_CALLS = st.sampled_from(["g", "h", "log", "self.put"])


@st.composite
def _statement(draw) -> str:
    x, y, z = draw(_NAMES), draw(_NAMES), draw(_NAMES)
    f, g = draw(_CALLS), draw(_CALLS)
    return draw(st.sampled_from([
        f"{x} = {f}({g}({y}), {z})",
        f"{f}({x}, {g}({y}, {z}))",
        f"{x} = {y} + ({z} * {x})",
        f"{x} += {f}({y}) - ({z} - 1)",
        f"{x}, {y} = {f}({z}), {y}",
        f"{f}({x})",
    ]))


@st.composite
def _function(draw) -> str:
    head = draw(st.sampled_from(["for item in a:", "if a > b:", "while c:", "with g(a) as item:"]))
    inner = draw(st.lists(_statement(), min_size=2, max_size=4))
    after = draw(st.lists(_statement(), min_size=1, max_size=3))
    before = draw(st.lists(_statement(), max_size=2))
    lines = [*before, head, *("    " + s for s in inner), *after, "return a, b"]
    return "def f(a, b, c):\n" + "".join(f"    {line}\n" for line in lines)


def _code_hash(source: str) -> str:
    r = extract("m.py", source.encode())
    assert r.syntax_errors == 0, source
    return r.symbols[0].code_hash


@settings(max_examples=60, deadline=None)
@given(_function(), st.sampled_from(sorted(mutations.MUTATIONS)))
def test_a_change_of_nesting_always_changes_the_code_hash(source, kind):
    before = _code_hash(source)
    variants = list(mutations.mutants(source, kind))
    assume(variants)
    for variant in variants:
        assert tokens_of(variant) == tokens_of(source)  # the tokens alone cannot tell
        assert _code_hash(variant) != before, (kind, variant)


@settings(max_examples=60, deadline=None)
@given(_function(), st.booleans())
def test_optional_tuple_parentheses_never_change_the_code_hash(source, add):
    variant = mutations.tuple_parens(source, add)
    assert mutations.program(variant) == mutations.program(source)
    assert _code_hash(variant) == _code_hash(source)


def tokens_of(source: str) -> list[str]:
    """Python's tokens without layout, parentheses and commas: what a mutation keeps."""
    import io
    import tokenize

    skip = {tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT, tokenize.ENDMARKER}
    return [t.string for t in tokenize.generate_tokens(io.StringIO(source).readline)
            if t.type not in skip and t.string not in "(),"]


# What black and ruff format do to a function, as written -> as printed: the same program.
PY_FORMATTED = [
    ("a, b = x", "(\n        a,\n        b,\n    ) = x"),
    ("for (style, renderable) in cells:\n        pass", "for style, renderable in cells:\n        pass"),
    ("for x in y:\n        pass", "for (\n        x\n    ) in y:\n        pass"),
    ("return a, b", "return (\n        a,\n        b,\n    )"),
    ("yield a, b", "yield (\n        a,\n        b,\n    )"),
    ("x = a, b", "x = (a, b)"),
    ("del (a, b)", "del a, b"),
    ("return x[a, b]", "return x[(a, b)]"),
    ("with (open(a) as f, open(b) as g):\n        pass", "with open(a) as f, open(b) as g:\n        pass"),
    ("if (a):\n        pass", "if a:\n        pass"),
    ("while (a and b):\n        pass", "while a and b:\n        pass"),
    ("x = (\n        aaa + bbb\n    )", "x = aaa + bbb"),
    ("x = aaa + \\\n        bbb", "x = (aaa +\n        bbb)"),
    ("return (x)", "return x"),
    ("await (x)", "await x"),
    ("print(a,)", "print(\n        a,\n    )"),
    ("f(a, b, c)", "f(\n        a,\n        b,\n        c,\n    )"),
    ("x = {'k': [1, 2,], 'v': (3, 4)}", 'x = {\n        "k": [\n            1,\n            2,\n        ],\n        "v": (3, 4),\n    }'),
    ("assert (x), (msg)", "assert x, msg"),
    ("return (\n        not x\n    )", "return not x"),
    ("x = 1;", "x = 1"),
    ("x = 1  # one\n\n\n    y = 2", "x = 1\n    y = 2"),
    ('return "a " \\\n        "b"', 'return (\n        "a "\n        "b"\n    )'),
    ('return "a " f"{b}" "c"', 'return f"a {b}c"'),  # ruff joins implicit concatenations
    ("return 'a' 'b'", 'return "ab"'),
    ('return f"{a+b} {c}"', 'return f"{a + b} {c}"'),  # ruff formats the code in f-string fields
    ("return b'\\xA6' + '\\u00E9'", "return b'\\xa6' + '\\u00e9'"),  # ruff lowercases hexadecimal escapes
]
PY_NESTING = [  # same tokens, another program
    ("for i in a:\n        t += i\n        log(t)", "for i in a:\n        t += i\n    log(t)"),
    ("if a:\n        b()\n    c()", "if a:\n        b()\n        c()"),
    ("return f(g(a), b)", "return f(g(a, b))"),
    ("return a * (b + c)", "return (a * b) + c"),
    ("return a - (b - c)", "return a - b - c"),
    ("return not (a and b)", "return not a and b"),
    ("x = [a, (b, c)]", "x = [a, b, c]"),
    ("return x[a][b, c]", "return x[a, b][c]"),
    ("for (a, b), c in z:\n        pass", "for a, (b, c) in z:\n        pass"),
    ("try:\n        a()\n        b()\n    except E:\n        pass", "try:\n        a()\n    except E:\n        pass\n    b()"),
]


def _body(statement: str) -> str:
    return f"async def f(a, b):\n    {statement}\n"


@pytest.mark.parametrize("written, printed", PY_FORMATTED)
def test_what_black_and_ruff_print_keeps_the_code_hash(written, printed):
    assert mutations.program(_body(written)) == mutations.program(_body(printed))
    assert _code_hash(_body(written)) == _code_hash(_body(printed))


@pytest.mark.parametrize("before, after", PY_NESTING)
def test_the_same_tokens_nested_otherwise_change_the_code_hash(before, after):
    assert mutations.program(_body(before)) != mutations.program(_body(after))
    assert _code_hash(_body(before)) != _code_hash(_body(after))


@pytest.mark.parametrize("line_length", [20, 40, 88])
@pytest.mark.parametrize("magic_trailing_comma", [True, False])
def test_black_at_any_width_keeps_every_code_hash(line_length, magic_trailing_comma):
    source = canonical() + "".join(_body(s).replace("def f", f"def f{i}") for i, (s, _) in enumerate(PY_FORMATTED))
    mode = black.Mode(line_length=line_length, magic_trailing_comma=magic_trailing_comma)
    printed = black.format_str(source, mode=mode)
    assert printed != source
    for variant in (printed, mutations.tuple_parens(printed, True), mutations.tuple_parens(printed, False)):
        assert mutations.program(variant) == mutations.program(source)
        assert symbol_hashes("m.py", variant) == symbol_hashes("m.py", source)


# What tree-sitter-python reads two ways (or misreads) and the formatters print either way: as
# written, as printed (the same program, the same code_hash), and a real change of the same code.
PY_MISREAD = [
    # black parenthesises a long return annotation; tree-sitter reads the bare one as a type.
    ("def f() -> Mapping[str, List[str]]:\n    pass\n",
     "def f() -> (\n    Mapping[str, List[str]]\n):\n    pass\n",
     "def f() -> Mapping[str, List, str]:\n    pass\n"),
    ("def f(a: Dict[str, Callable[[int], str]]) -> A[x] | None | B:\n    pass\n",
     "def f(a: (Dict[str, Callable[[int], str]])) -> (A[x] | None | B):\n    pass\n",
     "def f(a: Dict[str, Callable[[int, str]]]) -> A[x] | None | B:\n    pass\n"),
    # `with a if b else c as f:`: tree-sitter binds `as f` to `c`.
    ("def f():\n    with (a if b else c if d else e) as f:\n        pass\n",
     "def f():\n    with a if b else c if d else e as f:\n        pass\n",
     "def f():\n    with (a if b else c) if d else e as f:\n        pass\n"),
    # `a, *b = c, *d[1:]`: tree-sitter reads `*d[1:]` as `(*d)[1:]`.
    ("def f():\n    a, *b = (c, *d.e[1:](2))\n",
     "def f():\n    a, *b = c, *d.e[1:](2)\n",
     "def f():\n    a, *b = c, *d.e[1:2](2)\n"),
    # A string opening an `if` block is code, as in `ast` (a function's docstring is not).
    ('def f():\n    "doc"\n    if x:\n        "a"\n        y()\n',
     'def f():\n    "other doc"\n    if (x):\n        "a"\n\n        y()\n',
     'def f():\n    "doc"\n    if x:\n        "b"\n        y()\n'),
]


@pytest.mark.parametrize("written, printed, changed", PY_MISREAD)
def test_what_tree_sitter_reads_two_ways_hashes_as_one(written, printed, changed):
    assert mutations.program(written) == mutations.program(printed) != mutations.program(changed)
    assert _code_hash(written) == _code_hash(printed) != _code_hash(changed)


def test_a_union_regrouped_after_a_subscript_is_a_blind_spot():
    # tree-sitter reads `A[x] | None | B` as `A[x] | (None | B)`: the two read alike (README).
    written, regrouped = ("def f() -> A[x] | None | B:\n    pass\n", "def f() -> A[x] | (None | B):\n    pass\n")
    assert mutations.program(written) != mutations.program(regrouped)
    assert _code_hash(written) == _code_hash(regrouped)


def test_black_reindenting_a_string_that_opens_a_block_changes_both_ast_and_code_hash():
    # ctypes.CDLL.__init__: black re-indents a string opening an `if` block as if it were a docstring,
    # which changes its value: `ast` sees it, and so does the code_hash.
    source = 'def f(x):\n    if x:\n        """a\n          b"""\n        y()\n'
    printed = black.format_str(source, mode=black.Mode())
    assert printed != source
    assert mutations.program(printed) != mutations.program(source)
    assert _code_hash(printed) != _code_hash(source)
