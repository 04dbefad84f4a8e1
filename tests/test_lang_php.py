"""PHP fixture: exact symbol ids, kinds and raw edges; fingerprints blind to formatting."""

import pytest

from tether.core.index.extract import extract
from tether.core.index.languages.imports import php
from tests.helpers import extract_fixture, symbol_hashes

ROOT = "tests/fixtures/php"


def test_symbols_and_kinds():
    symbols, _ = extract_fixture(ROOT)
    assert symbols == {
        "src/Billing/HasLines.php::HasLines": "trait",
        "src/Billing/HasLines.php::HasLines.log": "method",
        "src/Billing/HasLines.php::HasLines.push": "method",
        "src/Billing/Invoice.php::Invoice": "class",
        "src/Billing/Invoice.php::Invoice.__construct": "method",
        "src/Billing/Invoice.php::Invoice.add": "method",
        "src/Billing/Invoice.php::Invoice.total": "method",
        "src/Billing/Line.php::Line": "class",
        "src/Billing/Line.php::Line.__construct": "method",
        "src/Billing/Line.php::Line.amount": "method",
        "src/Core/Entity.php::Currency": "enum",
        "src/Core/Entity.php::Currency.symbol": "method",
        "src/Core/Entity.php::Entity": "class",
        "src/Core/Entity.php::Entity.__construct": "method",
        "src/Core/Entity.php::Entity.describe": "method",
        "src/Core/Entity.php::Entity.id": "method",
        "src/Core/Entity.php::Money": "class",
        "src/Core/Entity.php::Money.round": "method",
        "src/Core/Entity.php::Payable": "interface",
        "src/Core/Entity.php::Payable.total": "method",
        "src/helpers.php::cents": "function",
        "src/helpers.php::cents#2": "function",  # the polyfill's other branch
    }


def test_edges():
    _, refs = extract_fixture(ROOT)
    inv = "src/Billing/Invoice.php"
    assert refs == {
        ("index.php", "calls", "Invoice", False),
        ("index.php", "calls", "add", False),
        ("index.php", "calls", "cents", False),
        ("index.php", "calls", "describe", False),
        ("index.php", "calls", "total", False),
        ("index.php", "imports", "/vendor/autoload.php", False),  # __DIR__ . '/vendor/autoload.php'
        ("index.php", "imports", "Acme\\Billing\\Invoice", False),
        ("src/Billing/HasLines.php::HasLines.log", "calls", "error_log", False),
        ("src/Billing/HasLines.php::HasLines.push", "calls", "amount", False),  # inside "{...}"
        ("src/Billing/HasLines.php::HasLines.push", "calls", "log", True),  # static::log()
        (inv, "imports", "/../helpers.php", False),
        (inv, "imports", "Acme\\Core", False),  # group use: its prefix only
        (inv, "imports", "Acme\\Core\\Entity", False),
        (inv, "imports", "Acme\\Core\\Payable", False),
        (f"{inv}::Invoice", "inherits", "Entity", False),
        (f"{inv}::Invoice", "inherits", "HasLines", False),  # trait use
        (f"{inv}::Invoice", "inherits", "Payable", False),
        (f"{inv}::Invoice.__construct", "calls", "__construct", False),  # parent::__construct()
        (f"{inv}::Invoice.add", "calls", "Line", False),
        (f"{inv}::Invoice.add", "calls", "push", True),
        (f"{inv}::Invoice.total", "calls", "amount", False),
        (f"{inv}::Invoice.total", "calls", "array_map", False),
        (f"{inv}::Invoice.total", "calls", "array_sum", False),
        (f"{inv}::Invoice.total", "calls", "round", False),
        ("src/Core/Entity.php::Entity.describe", "calls", "id", True),  # self::id()
        ("src/Core/Entity.php::Entity.describe", "calls", "sprintf", False),
        ("src/Core/Entity.php::Money.round", "calls", "round", False),
        ("src/helpers.php::cents", "calls", "number_format", False),
        ("src/helpers.php::cents#2", "calls", "sprintf", False),
    }


def test_bindings():
    r = extract("src/Billing/Invoice.php", open(f"{ROOT}/src/Billing/Invoice.php", "rb").read())
    assert {(b.local, b.source) for b in r.bindings} == {
        ("Entity", "Acme\\Core\\Entity"),
        ("Payable", "Acme\\Core\\Payable"),
        ("Money", "Acme\\Core"),
        ("Cur", "Acme\\Core"),
    }


def test_import_candidates():
    assert php("/../helpers.php", "src/Billing/Invoice.php")[0] == "src/helpers.php"
    assert php("config.php", "index.php") == ["config.php"]
    assert "src/Core/Entity.php" in php("Acme\\Core\\Entity", "src/Billing/Invoice.php")
    assert "app/Models/User.php" in php("\\App\\Models\\User", "app/Http/Controller.php")


SOURCE = """\
<?php

namespace Acme;

class Prices extends Base
{
    private array $steps = [1, 2, 3];

    public function __construct(private int $rate)
    {
        $this->rate = $rate;
    }

    public function price(int $qty, string $unit): int
    {
        $base = $qty * $this->rate + 1;
        return $this->scale($base, 'per ' . $unit, "each $unit");
    }

    private static function scale(int $v, string $label, string $kind): int
    {
        return $v > 0 ? $v : -$v;
    }
}
"""

REFORMATTED = """\
<?php
namespace Acme;

/**
 * Prices, reformatted.
 */
class Prices extends Base {
  private array $steps = [
    1,
    2,
    3,
  ];

  # Builds prices.
  public function __construct(
    private int $rate,
  ) {
    $this->rate = ($rate);
  }

  public function price(int $qty, string $unit): int {
    $base = ($qty * $this->rate) + 1; // grouping only
    return $this->scale(
      $base,
      ('per ' . $unit),
      "each $unit",
    );
  }

  /* Scales. */
  private static function scale(int $v, string $label, string $kind): int { return $v > 0 ? $v : -$v; }
}
"""


def _hashes(src: str) -> dict[str, tuple[str, str]]:
    return symbol_hashes("Prices.php", src)


def test_fingerprint_ignores_formatting():
    before = _hashes(SOURCE)
    assert set(before) == {"Prices.php::Prices", "Prices.php::Prices.__construct",
                           "Prices.php::Prices.price", "Prices.php::Prices.scale"}
    assert _hashes(REFORMATTED) == before


@pytest.mark.parametrize("old, new, changed, body_only", [
    ("$qty * $this", "$qty + $this", "Prices.price", True),  # operator
    ("$v > 0", "$v > 1", "Prices.scale", True),  # literal
    ("$this->rate = $rate", "$this->rate = -$rate", "Prices.__construct", True),  # token added
    ("'per '", "'per  '", "Prices.price", True),  # whitespace inside a string
    ("scale($base, ", "scale($qty, ", "Prices.price", True),  # argument
    ('"each $unit"', "'each $unit'", "Prices.price", True),  # single quotes: no interpolation
    ("[1, 2, 3]", "[1, 2, 4]", "Prices", True),  # property default: the class's own code
    ("string $unit): int", "string $unit): float", "Prices.price", False),  # signature
])
def test_fingerprint_sees_token_changes(old, new, changed, body_only):
    before = _hashes(SOURCE)
    assert SOURCE.count(old) == 1
    after = _hashes(SOURCE.replace(old, new))
    assert set(after) == set(before)
    assert {i for i in before if before[i][0] != after[i][0]} == {f"Prices.php::{changed}"}
    same_sig = before[f"Prices.php::{changed}"][1] == after[f"Prices.php::{changed}"][1]
    assert same_sig == body_only
