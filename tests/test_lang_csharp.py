"""C# fixture: exact symbol ids, kinds and raw edges; fingerprints blind to formatting."""

import pytest

from tether.core.index.extract import extract
from tests.helpers import extract_fixture, symbol_hashes

ROOT = "tests/fixtures/csharp"


def test_symbols_and_kinds():
    symbols, _ = extract_fixture(ROOT)
    assert symbols == {
        "Billing/Invoice.cs::Invoice": "class",
        "Billing/Invoice.cs::Invoice.Add": "method",
        "Billing/Invoice.cs::Invoice.Add#2": "method",
        "Billing/Invoice.cs::Invoice.Invoice": "method",
        "Billing/Invoice.cs::Invoice.Invoice#2": "method",
        "Billing/Invoice.cs::Invoice.IsEmpty": "method",  # property with a getter body
        "Billing/Invoice.cs::Invoice.Sum": "method",
        "Billing/Invoice.cs::Invoice.ToString": "method",
        "Billing/Invoice.cs::Invoice.Total": "method",  # `=> expr` property
        "Billing/Invoice.cs::Line": "class",  # record
        "Core/Entity.cs::Currency": "enum",
        "Core/Entity.cs::Entity": "class",
        "Core/Entity.cs::Entity.Describe": "method",
        "Core/Entity.cs::Entity.Entity": "method",
        "Core/Entity.cs::Entity.Id": "method",
        "Core/Entity.cs::IPayable": "interface",
        "Core/Entity.cs::Money": "class",
        "Core/Entity.cs::Money.Round": "method",
        "Core/Entity.cs::Price": "struct",  # record struct
        "Core/Entity.cs::Range": "struct",
        "Core/Entity.cs::Range.Contains": "method",
        "Program.cs::Program": "class",
        "Program.cs::Program.Main": "method",
        "Program.cs::Program.Main.Print": "function",  # local function
    }


def test_edges():
    _, refs = extract_fixture(ROOT)
    inv = "Billing/Invoice.cs"
    assert refs == {
        (inv, "imports", "Acme.Core", False),
        (inv, "imports", "System.Collections.Generic", False),
        (inv, "imports", "System.Globalization.CultureInfo", False),
        (f"{inv}::Invoice", "calls", "List", False),  # field initialiser
        (f"{inv}::Invoice", "inherits", "Entity", False),
        (f"{inv}::Invoice", "inherits", "IPayable", False),
        (f"{inv}::Invoice.Add", "calls", "Add", False),
        (f"{inv}::Invoice.Add#2", "calls", "Add", True),
        (f"{inv}::Invoice.Add#2", "calls", "Line", False),
        (f"{inv}::Invoice.Invoice#2", "calls", "AddRange", False),
        (f"{inv}::Invoice.Sum", "calls", "Round", False),
        (f"{inv}::Invoice.ToString", "calls", "Sum", False),
        (f"{inv}::Invoice.ToString", "calls", "ToString", False),
        (f"{inv}::Invoice.Total", "calls", "Sum", True),
        ("Core/Entity.cs::Entity.Describe", "calls", "Id", True),  # inside an interpolated string
        ("Core/Entity.cs::Money.Round", "calls", "Round", False),
        ("Program.cs", "imports", "Acme.Billing", False),
        ("Program.cs", "imports", "Acme.Core", False),
        ("Program.cs", "imports", "System", False),
        ("Program.cs::Program.Main", "calls", "Add", False),
        ("Program.cs::Program.Main", "calls", "Invoice", False),
        ("Program.cs::Program.Main", "calls", "Print", False),
        ("Program.cs::Program.Main.Print", "calls", "Describe", False),
        ("Program.cs::Program.Main.Print", "calls", "WriteLine", False),
    }


def test_bindings():
    r = extract("Billing/Invoice.cs", open(f"{ROOT}/Billing/Invoice.cs", "rb").read())
    assert [(b.local, b.source) for b in r.bindings] == [("Culture", "System.Globalization.CultureInfo")]


SOURCE = """\
namespace Acme;

public class Prices : Base
{
    private int _rate = 2;
    private int[] _steps = new[] { 1, 2, 3 };

    public Prices(int rate)
    {
        this._rate = rate;
    }

    public int Price(int qty, string unit)
    {
        var total = qty * _rate + 1;
        return Scale(total, "per " + unit);
    }

    public int Rate => _rate * 2;

    private static int Scale(int v, string label) => v > 0 ? v : -v;
}
"""

REFORMATTED = """\
namespace Acme;

/// <summary>Prices, reformatted.</summary>
public class Prices
    : Base {
  private int _rate=2; // per unit
  private int[] _steps = new[] {
    1,
    2,
    3,
  };

  /* Builds prices. */
  public Prices( int rate ) {
    this._rate = (rate);
  }

  public int Price(
      int qty,
      string unit) {
    var total = (qty * _rate) + 1;  // grouping only
    return Scale(total, ("per " + unit));
  }

  public int Rate
      => _rate * 2;

  private static int Scale(int v, string label)
      => v > 0 ? v : -v;
}
"""


def _hashes(src: str) -> dict[str, tuple[str, str]]:
    return symbol_hashes("Prices.cs", src)


def test_fingerprint_ignores_formatting():
    before = _hashes(SOURCE)
    assert set(before) == {"Prices.cs::Prices", "Prices.cs::Prices.Prices", "Prices.cs::Prices.Price",
                           "Prices.cs::Prices.Rate", "Prices.cs::Prices.Scale"}
    assert _hashes(REFORMATTED) == before


@pytest.mark.parametrize("old, new, changed, body_only", [
    ("qty * _rate", "qty + _rate", "Prices.Price", True),  # operator
    ("v > 0", "v > 1", "Prices.Scale", True),  # literal
    ("this._rate = rate", "this._rate = -rate", "Prices.Prices", True),  # token added
    ('"per "', '"per  "', "Prices.Price", True),  # whitespace inside a string
    ("Scale(total, ", "Scale(qty, ", "Prices.Price", True),  # argument
    ('"per "', "'p'", "Prices.Price", True),  # a char is not a string
    ("_rate * 2", "_rate * 3", "Prices.Rate", True),  # property body
    ("_rate = 2", "_rate = 3", "Prices", True),  # field initialiser: the class's own code
    ("int Price(int qty", "long Price(int qty", "Prices.Price", False),  # signature
])
def test_fingerprint_sees_token_changes(old, new, changed, body_only):
    before = _hashes(SOURCE)
    assert SOURCE.count(old) == 1
    after = _hashes(SOURCE.replace(old, new))
    assert set(after) == set(before)
    assert {i for i in before if before[i][0] != after[i][0]} == {f"Prices.cs::{changed}"}
    same_sig = before[f"Prices.cs::{changed}"][1] == after[f"Prices.cs::{changed}"][1]
    assert same_sig == body_only
