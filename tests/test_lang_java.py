"""Java fixture: exact symbol ids, kinds and raw edges; fingerprints blind to formatting."""

import pytest

from tether.core.index.extract import extract
from tether.core.index.languages.imports import java
from tests.helpers import extract_fixture, symbol_hashes

ROOT = "tests/fixtures/java"
J = "src/main/java/com/acme"


def test_symbols_and_kinds():
    symbols, _ = extract_fixture(ROOT)
    assert symbols == {
        f"{J}/App.java::App": "class",
        f"{J}/App.java::App.main": "method",
        f"{J}/billing/Invoice.java::Invoice": "class",
        f"{J}/billing/Invoice.java::Invoice.Invoice": "method",
        f"{J}/billing/Invoice.java::Invoice.Invoice#2": "method",
        f"{J}/billing/Invoice.java::Invoice.Line": "class",
        f"{J}/billing/Invoice.java::Invoice.Line.amount": "method",
        f"{J}/billing/Invoice.java::Invoice.Status": "enum",
        f"{J}/billing/Invoice.java::Invoice.Status.done": "method",
        f"{J}/billing/Invoice.java::Invoice.add": "method",
        f"{J}/billing/Invoice.java::Invoice.total": "method",
        f"{J}/billing/Invoice.java::Invoice.total#2": "method",
        f"{J}/core/Entity.java::Entity": "class",
        f"{J}/core/Entity.java::Entity.Entity": "method",
        f"{J}/core/Entity.java::Entity.describe": "method",
        f"{J}/core/Entity.java::Entity.id": "method",
        f"{J}/core/Money.java::Money": "class",
        f"{J}/core/Money.java::Money.Money": "method",
        f"{J}/core/Money.java::Money.round": "method",
        f"{J}/core/Payable.java::Payable": "interface",
        f"{J}/core/Payable.java::Payable.isFree": "method",
        f"{J}/core/Payable.java::Payable.total": "method",
    }


def test_edges():
    _, refs = extract_fixture(ROOT)
    inv = f"{J}/billing/Invoice.java"
    assert refs == {
        (f"{J}/App.java", "imports", "com.acme.billing.Invoice", False),
        (f"{J}/App.java", "imports", "com.acme.core", False),
        (f"{J}/App.java::App.main", "calls", "Invoice", False),
        (f"{J}/App.java::App.main", "calls", "add", False),
        (f"{J}/App.java::App.main", "calls", "describe", False),
        (f"{J}/App.java::App.main", "calls", "isFree", False),
        (f"{J}/App.java::App.main", "calls", "println", False),
        (inv, "imports", "com.acme.core.Entity", False),
        (inv, "imports", "com.acme.core.Money", False),  # import static ...Money.round
        (inv, "imports", "com.acme.core.Payable", False),
        (inv, "imports", "java.util.ArrayList", False),
        (inv, "imports", "java.util.List", False),
        (f"{inv}::Invoice", "inherits", "Entity", False),
        (f"{inv}::Invoice", "inherits", "Payable", False),
        (f"{inv}::Invoice.Invoice#2", "calls", "ArrayList", False),
        (f"{inv}::Invoice.add", "calls", "Line", False),
        (f"{inv}::Invoice.add", "calls", "add", False),
        (f"{inv}::Invoice.total", "calls", "amount", False),
        (f"{inv}::Invoice.total", "calls", "round", False),
        (f"{inv}::Invoice.total#2", "calls", "total", True),
        (f"{J}/core/Entity.java::Entity.describe", "calls", "id", True),
        (f"{J}/core/Money.java::Money.round", "calls", "round", False),
        (f"{J}/core/Payable.java::Payable.isFree", "calls", "total", False),
    }


def test_bindings():
    r = extract(f"{J}/billing/Invoice.java", open(f"{ROOT}/{J}/billing/Invoice.java", "rb").read())
    assert {(b.local, b.source) for b in r.bindings} == {
        ("Entity", "com.acme.core.Entity"),
        ("Payable", "com.acme.core.Payable"),
        ("ArrayList", "java.util.ArrayList"),
        ("List", "java.util.List"),
        ("round", "com.acme.core.Money"),
    }


def test_import_candidates():
    # The importer's own source root comes first, then the usual layouts.
    cands = java("com.acme.core.Entity", f"svc/{J}/billing/Invoice.java")
    assert cands[:3] == [f"svc/{J}/core/Entity.java", "com/acme/core/Entity.java", f"{J}/core/Entity.java"]
    # A nested class: the file of its outer class, after the full name.
    cands = java("com.acme.billing.Invoice.Line", f"{J}/App.java")
    assert cands[0] == f"{J}/billing/Invoice/Line.java"
    assert f"{J}/billing/Invoice.java" in cands


SOURCE = """\
package com.acme;

public class Prices extends Base {
    private int rate = 2;
    private int[] steps = {1, 2, 3};

    public Prices(int rate) {
        this.rate = rate;
    }

    public int price(int qty, String unit) {
        int base = qty * rate + 1;
        return scale(base, "per " + unit);
    }

    private static int scale(int v, String label) {
        return v > 0 ? v : -v;
    }
}
"""

REFORMATTED = """\
package com.acme;

/**
 * Prices, reformatted.
 */
public class Prices
\textends Base
{
\tprivate int rate=2; // per unit
\tprivate int[] steps = {
\t\t1,
\t\t2,
\t\t3,
\t};

\t/** Builds prices. */
\tpublic Prices( int rate )
\t{
\t\tthis.rate = (rate);
\t}

\tpublic int price(
\t\tint qty,
\t\tString unit
\t) {
\t\tint base = (qty * rate) + 1; /* grouping only */
\t\treturn scale(base, ("per " + unit));
\t}

\tprivate static int scale(int v, String label) { return v > 0 ? v : -v; }
}
"""


def _hashes(src: str) -> dict[str, tuple[str, str]]:
    return symbol_hashes("Prices.java", src)


def test_fingerprint_ignores_formatting():
    before = _hashes(SOURCE)
    assert set(before) == {"Prices.java::Prices", "Prices.java::Prices.Prices",
                           "Prices.java::Prices.price", "Prices.java::Prices.scale"}
    assert _hashes(REFORMATTED) == before


@pytest.mark.parametrize("old, new, changed, body_only", [
    ("qty * rate", "qty + rate", "Prices.price", True),  # operator
    ("v > 0", "v > 1", "Prices.scale", True),  # literal
    ("this.rate = rate", "this.rate = -rate", "Prices.Prices", True),  # token added
    ('"per "', '"per  "', "Prices.price", True),  # whitespace inside a string
    ("scale(base, ", "scale(rate, ", "Prices.price", True),  # argument
    ('"per "', "'p'", "Prices.price", True),  # a char is not a string
    ("rate = 2", "rate = 3", "Prices", True),  # field initialiser: the class's own code
    ("int price(int qty", "long price(int qty", "Prices.price", False),  # signature
])
def test_fingerprint_sees_token_changes(old, new, changed, body_only):
    before = _hashes(SOURCE)
    assert SOURCE.count(old) == 1
    after = _hashes(SOURCE.replace(old, new))
    assert set(after) == set(before)
    assert {i for i in before if before[i][0] != after[i][0]} == {f"Prices.java::{changed}"}
    same_sig = before[f"Prices.java::{changed}"][1] == after[f"Prices.java::{changed}"][1]
    assert same_sig == body_only
