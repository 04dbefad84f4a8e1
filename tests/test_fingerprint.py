"""Fingerprint properties (Python): formatting never changes one, a real token change always does."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tether.core.index.extract import extract

TEMPLATE = '''\
import os§cm§


class Account(Base§tc§):
    §doc§
    rate = §po§0.5§pc§§cm§

    def deposit(self,§ws§amount,§ws§note=§s:x§§tc§):
        §doc§
        if §po§amount <= 0§pc§:§cm§
            raise ValueError(§s:amount must be positive§)
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
}


def render(draw_choice) -> str:
    def fill(m):
        key = m.group(1)
        if key == "s":  # a string literal in either quote style
            quote = draw_choice("q")
            return quote + m.group(2) + quote
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
