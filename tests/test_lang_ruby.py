"""Ruby fixture: exact symbol ids, kinds and raw edges; fingerprints blind to formatting."""

import pytest

from tether.core.index.languages.imports import ruby
from tests.helpers import extract_fixture, symbol_hashes

ROOT = "tests/fixtures/ruby"


def test_symbols_and_kinds():
    symbols, _ = extract_fixture(ROOT)
    assert symbols == {
        "Rakefile::report": "function",
        "lib/acme/entity.rb::Acme": "module",
        "lib/acme/entity.rb::Acme.Entity": "class",
        "lib/acme/entity.rb::Acme.Entity.describe": "method",
        "lib/acme/entity.rb::Acme.Entity.id": "method",
        "lib/acme/entity.rb::Acme.Entity.initialize": "method",
        "lib/acme/entity.rb::Acme.Entity.touch": "method",
        "lib/acme/invoice.rb::Acme": "module",
        "lib/acme/invoice.rb::Acme#2": "module",  # reopened
        "lib/acme/invoice.rb::Acme.Invoice": "class",
        "lib/acme/invoice.rb::Acme.Invoice#2": "class",
        "lib/acme/invoice.rb::Acme.Invoice.<=>": "method",
        "lib/acme/invoice.rb::Acme.Invoice.Line": "class",
        "lib/acme/invoice.rb::Acme.Invoice.Line.initialize": "method",
        "lib/acme/invoice.rb::Acme.Invoice.add": "method",
        "lib/acme/invoice.rb::Acme.Invoice.empty": "method",  # def self.empty
        "lib/acme/invoice.rb::Acme.Invoice.initialize": "method",
        "lib/acme/invoice.rb::Acme.Invoice.to_s": "method",
        "lib/acme/invoice.rb::Acme.Invoice.total": "method",
        "lib/acme/report.rb::Acme.Report": "class",  # class Acme::Report
        "lib/acme/report.rb::Acme.Report.build": "method",
        "lib/acme/report.rb::Acme.Report.initialize": "method",
        "lib/support/money.rb::Support": "module",
        "lib/support/money.rb::Support.Money": "module",
        "lib/support/money.rb::Support.Money.round": "function",
    }


def test_edges():
    _, refs = extract_fixture(ROOT)
    inv = "lib/acme/invoice.rb"
    assert refs == {
        ("Rakefile", "calls", "Invoice", False),  # Acme::Invoice.new
        ("Rakefile", "calls", "add", False),
        ("Rakefile", "calls", "report", False),
        ("Rakefile", "calls", "task", False),
        ("Rakefile", "imports", "lib/acme/invoice", False),
        ("Rakefile::report", "calls", "describe", False),
        ("Rakefile::report", "calls", "puts", False),
        ("lib/acme/entity.rb::Acme.Entity.describe", "calls", "id", True),
        ("lib/acme/entity.rb::Acme.Entity.touch", "calls", "now", False),
        (inv, "imports", "../support/money", False),
        (inv, "imports", "bigdecimal", False),
        (inv, "imports", "entity", False),
        (f"{inv}::Acme.Invoice", "calls", "attr_reader", False),
        (f"{inv}::Acme.Invoice", "inherits", "Comparable", False),
        (f"{inv}::Acme.Invoice", "inherits", "Entity", False),
        (f"{inv}::Acme.Invoice", "inherits", "Money", False),
        (f"{inv}::Acme.Invoice.<=>", "calls", "total", False),
        (f"{inv}::Acme.Invoice.Line", "calls", "attr_reader", False),
        (f"{inv}::Acme.Invoice.add", "calls", "Line", False),  # Line.new
        (f"{inv}::Acme.Invoice.add", "calls", "touch", True),
        (f"{inv}::Acme.Invoice.total", "calls", "amount", False),
        (f"{inv}::Acme.Invoice.total", "calls", "round", False),
        (f"{inv}::Acme.Invoice.total", "calls", "sum", False),
        ("lib/acme/report.rb", "imports", "acme/entity", False),
        ("lib/acme/report.rb::Acme.Report", "inherits", "Entity", False),
        ("lib/acme/report.rb::Acme.Report.build", "calls", "map", False),
        ("lib/support/money.rb::Support.Money.round", "calls", "round", False),
    }


def test_import_candidates():
    assert ruby("../support/money", "lib/acme/invoice.rb") == ["lib/support/money.rb"]
    assert ruby("entity", "lib/acme/invoice.rb") == ["lib/acme/entity.rb", "lib/entity.rb", "entity.rb"]
    assert ruby("acme/entity", "lib/acme/report.rb")[1] == "lib/acme/entity.rb"


SOURCE = """\
class Prices < Base
  RATES = [1, 2, 3]

  def initialize(rate)
    @rate = rate
  end

  def price(qty, unit)
    base = qty * @rate + 1
    scale(base, "per #{unit}", 'each')
  end

  def self.scale(v, label, kind)
    v > 0 ? v : -v
  end
end
"""

REFORMATTED = """\
# Prices, reformatted.
class Prices < Base
    RATES = [
        1,
        2,
        3,
    ]

    # Builds prices.
    def initialize rate
        @rate = (rate)
    end

=begin
Prices per unit.
=end
    def price(
        qty,
        unit
    )
        base = (qty * @rate) + 1 # grouping only
        scale base, "per #{unit}", "each"
    end

    def self.scale v, label, kind
        v > 0 ?
            v :
            -v
    end
end
"""


def _hashes(src: str) -> dict[str, tuple[str, str]]:
    return symbol_hashes("prices.rb", src)


def test_fingerprint_ignores_formatting():
    before = _hashes(SOURCE)
    assert set(before) == {"prices.rb::Prices", "prices.rb::Prices.initialize",
                           "prices.rb::Prices.price", "prices.rb::Prices.scale"}
    assert _hashes(REFORMATTED) == before


@pytest.mark.parametrize("old, new, changed, body_only", [
    ("qty * @rate", "qty + @rate", "Prices.price", True),  # operator
    ("v > 0", "v > 1", "Prices.scale", True),  # literal
    ("@rate = rate", "@rate = -rate", "Prices.initialize", True),  # token added
    ('"per #{unit}"', '"per  #{unit}"', "Prices.price", True),  # whitespace inside a string
    ("scale(base, ", "scale(qty, ", "Prices.price", True),  # argument
    ('"per #{unit}"', "'per #{unit}'", "Prices.price", True),  # single quotes: no interpolation
    ("[1, 2, 3]", "[1, 2, 4]", "Prices", True),  # constant: the class's own code
    ("def price(qty, unit)", "def price(qty, unit = nil)", "Prices.price", False),  # signature
])
def test_fingerprint_sees_token_changes(old, new, changed, body_only):
    before = _hashes(SOURCE)
    assert SOURCE.count(old) == 1
    after = _hashes(SOURCE.replace(old, new))
    assert set(after) == set(before)
    assert {i for i in before if before[i][0] != after[i][0]} == {f"prices.rb::{changed}"}
    same_sig = before[f"prices.rb::{changed}"][1] == after[f"prices.rb::{changed}"][1]
    assert same_sig == body_only


@pytest.mark.xfail(strict=True, reason="fingerprint.py drops escape_sequence from shapes and reads ' as \"")
def test_fingerprint_escape_in_single_quotes():
    # '\\n' is backslash-n, "\\n" a newline: a real change the fingerprint cannot see yet.
    assert _hashes(SOURCE.replace("'each'", "'each\\n'")) != _hashes(SOURCE.replace("'each'", '"each\\n"'))
