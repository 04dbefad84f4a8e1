"""JavaScript fixture: exact symbol ids, kinds and raw edges; imports resolved to fixture files;
fingerprints that survive a prettier reformat and follow real token changes."""


import pytest

from tether.core.index.extract import extract
from tests.helpers import extract_fixture, fixture_imports, symbol_hashes

ROOT = "tests/fixtures/javascript"


def test_symbols_and_kinds():
    symbols, _ = extract_fixture(ROOT)
    assert symbols == {
        "src/app.jsx::App": "function",
        "src/app.jsx::App.renderRow": "function",
        "src/app.jsx::Row": "function",
        "src/app.jsx::List": "function",
        "src/lib/store.js::Store": "class",
        "src/lib/store.js::Store.constructor": "constructor",
        "src/lib/store.js::Store.size": "method",
        "src/lib/store.js::Store.size#2": "method",
        "src/lib/store.js::Store.save": "method",
        "src/lib/store.js::Store.validate": "method",
        "src/lib/store.js::Store.values": "method",
        "src/lib/store.js::withTimestamps": "function",
        "src/lib/store.js::withTimestamps.Timestamped": "class",
        "src/lib/store.js::withTimestamps.Timestamped.touch": "method",
        "src/models/user.js::UserStore": "class",
        "src/models/user.js::UserStore.constructor": "constructor",
        "src/models/user.js::UserStore.add": "method",
        "src/models/user.js::UserStore.create": "method",
        "src/models/user.js::byName": "function",
        "src/models/user.js::Legacy": "function",
        "src/models/user.js::Legacy.greet": "method",
        "src/util/format.js::pad": "function",
        "src/util/format.js::formatName": "function",
        "src/util/format.js::slug": "function",
    }


def test_edges():
    _, refs = extract_fixture(ROOT)
    assert refs == {
        ("src/app.jsx", "imports", "react", False),
        ("src/app.jsx", "imports", "./models/user", False),
        ("src/app.jsx", "imports", "./util/format", False),
        ("src/app.jsx::App", "calls", "create", False),
        ("src/app.jsx::App", "calls", "forEach", False),
        ("src/app.jsx::App", "calls", "add", False),
        ("src/app.jsx::App", "calls", "List", False),
        ("src/app.jsx::App", "calls", "map", False),
        ("src/app.jsx::App.renderRow", "calls", "Row", False),
        ("src/app.jsx::App.renderRow", "calls", "slug", False),
        ("src/lib/store.js::Store", "calls", "Map", False),
        ("src/lib/store.js::Store.size#2", "calls", "Error", False),
        ("src/lib/store.js::Store.save", "calls", "validate", True),
        ("src/lib/store.js::Store.save", "calls", "set", False),
        ("src/lib/store.js::Store.validate", "calls", "TypeError", False),
        ("src/lib/store.js::Store.values", "calls", "values", False),
        ("src/lib/store.js::withTimestamps.Timestamped", "inherits", "Base", False),
        ("src/lib/store.js::withTimestamps.Timestamped.touch", "calls", "now", False),
        ("src/models/user.js", "imports", "../lib/store.js", False),
        ("src/models/user.js", "imports", "../util/format", False),
        ("src/models/user.js::UserStore", "inherits", "Store", False),
        ("src/models/user.js::UserStore.add", "calls", "save", True),
        ("src/models/user.js::UserStore.add", "calls", "formatName", False),
        ("src/models/user.js::UserStore.create", "calls", "UserStore", False),
        ("src/models/user.js::byName", "calls", "find", False),
        ("src/util/format.js::pad", "calls", "String", False),
        ("src/util/format.js::pad", "calls", "padEnd", False),
        ("src/util/format.js::formatName", "calls", "pad", False),
        ("src/util/format.js::slug", "calls", "toLowerCase", False),
        ("src/util/format.js::slug", "calls", "replace", False),
    }


def test_bindings_and_import_resolution():
    bindings, resolved = fixture_imports(ROOT)
    assert bindings == {
        ("src/app.jsx", "React", "react"),
        ("src/app.jsx", "UserStore", "./models/user"),
        ("src/app.jsx", "slug", "./util/format"),
        ("src/models/user.js", "Store", "../lib/store.js"),
        ("src/models/user.js", "format", "../util/format"),
    }
    assert resolved == {
        ("src/app.jsx", "react"): None,
        ("src/app.jsx", "./models/user"): "src/models/user.js",
        ("src/app.jsx", "./util/format"): "src/util/format.js",
        ("src/models/user.js", "../lib/store.js"): "src/lib/store.js",
        ("src/models/user.js", "../util/format"): "src/util/format.js",
    }


ORIGINAL = """\
import {Store} from './store'

export class Cart extends Store {
    constructor(owner) { super('cart'); this.owner = owner }

    total(items) {
        return items.map(i => i.price * i.qty).reduce((a, b) => a + b, 0)
    }

    get label() { return `Cart of ${ this.owner.name }` }
    set label(v) { this.owner = {name: v, tags: ['a','b',]} }

    add(item, qty = 1) {
        if ((qty > 0)) this.save({...item, qty})
        return (this.total([item]))
    }

    static from(list) { return list.reduce((cart, item) => (cart.add(item), cart), new Cart('anon')) }
}

export const discount = (price, rate) => price * (1 - rate)

export function checkout(cart, opts) {
    const fee = opts.express ? 0XFF : 1E3
    ;[fee].forEach(f => log(f))
    return format(cart.total(cart.items) + fee, opts.currency, opts.locale, opts.precision ?? 2)
}
"""

# prettier 3 output for ORIGINAL, then comments and JSDoc added.
PRETTIER = """\
import { Store } from "./store";

/**
 * A shopping cart.
 * @extends Store
 */
export class Cart extends Store {
  constructor(owner) {
    super("cart"); // the store's name
    this.owner = owner;
  }

  /** Sum of price times quantity. */
  total(items) {
    return items.map((i) => i.price * i.qty).reduce((a, b) => a + b, 0);
  }

  get label() {
    return `Cart of ${this.owner.name}`;
  }
  set label(v) {
    this.owner = { name: v, tags: ["a", "b"] };
  }

  add(item, qty = 1) {
    if (qty > 0) this.save({ ...item, qty });
    return this.total([item]);
  }

  static from(list) {
    return list.reduce(
      (cart, item) => (cart.add(item), cart),
      new Cart("anon"),
    );
  }
}

export const discount = (price, rate) => price * (1 - rate); /* rate in [0, 1] */

export function checkout(cart, opts) {
  const fee = opts.express ? 0xff : 1e3;
  [fee].forEach((f) => log(f));
  return format(
    cart.total(cart.items) + fee,
    opts.currency,
    opts.locale,
    opts.precision ?? 2,
  );
}
"""


def _hashes(source: str) -> dict[str, tuple[str, str]]:
    return symbol_hashes("cart.js", source)


def test_prettier_reformat_keeps_fingerprints():
    before, after = _hashes(ORIGINAL), _hashes(PRETTIER)
    assert set(before) == {
        "cart.js::Cart", "cart.js::Cart.constructor", "cart.js::Cart.total", "cart.js::Cart.label",
        "cart.js::Cart.label#2", "cart.js::Cart.add", "cart.js::Cart.from", "cart.js::discount",
        "cart.js::checkout",
    }
    assert after == before
    assert extract("cart.js", PRETTIER.encode()).code_hash == extract("cart.js", ORIGINAL.encode()).code_hash


@pytest.mark.parametrize("old, new, symbol, signature", [
    ("i.price * i.qty", "i.price + i.qty", "Cart.total", False),  # operator
    ("a + b, 0)", "a + b, 1)", "Cart.total", False),  # literal
    ("super('cart')", "super('carts')", "Cart.constructor", False),  # string value
    ("{name: v", "{title: v", "Cart.label#2", False),  # identifier
    ("`Cart of", "`Cart  of", "Cart.label", False),  # whitespace inside a template literal
    ("['a','b',]", "['a','b','c']", "Cart.label#2", False),  # element added
    ("new Cart('anon')", "new Cart('anon', 1)", "Cart.from", False),  # argument
    ("price * (1 - rate)", "price * 1 - rate", "discount", False),  # grouping that changes meaning
    ("0XFF", "0XFE", "checkout", False),
    ("log(f)", "log(fee)", "checkout", False),
    ("qty = 1", "qty = 2", "Cart.add", True),  # default parameter
    ("(price, rate) =>", "(price, rate, tax) =>", "discount", True),
    ("extends Store", "extends Base", "Cart", True),
])
def test_token_change_changes_only_its_symbol(old, new, symbol, signature):
    assert ORIGINAL.count(old) == 1
    before, after = _hashes(ORIGINAL), _hashes(ORIGINAL.replace(old, new))
    assert set(after) == set(before)
    assert {k for k in before if after[k][0] != before[k][0]} == {f"cart.js::{symbol}"}
    assert {k for k in before if after[k][1] != before[k][1]} == ({f"cart.js::{symbol}"} if signature else set())
