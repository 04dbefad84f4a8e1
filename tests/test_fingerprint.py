"""Fingerprint properties (Python): formatting never changes one, a real token change always does.
Then literals formatters respell (black, prettier, php-cs-fixer), in Python, JavaScript, TypeScript, PHP."""

import re

import black
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tether.core.index.extract import extract
from tests.helpers import symbol_hashes

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
