"""Rust fixture: exact symbol ids, kinds and raw edges; fingerprints blind to rustfmt, not to tokens."""


import pytest

from tether.core.index.extract import extract
from tether.core.index.languages import language_for
from tests.helpers import assert_only_symbol_changed, extract_fixture, fixture_imports, symbol_hashes

ROOT = "tests/fixtures/rust"


def test_symbols_and_kinds():
    symbols, _ = extract_fixture(ROOT)
    assert symbols == {
        "src/lib.rs::run": "function",
        "src/lib.rs::util": "module",
        "src/lib.rs::util.clamp": "function",
        "src/model.rs::Count": "type",
        "src/model.rs::Describe": "trait",
        "src/model.rs::Describe.describe": "method",
        "src/model.rs::Describe.name": "method",
        "src/model.rs::Item": "struct",
        "src/model.rs::Item.fmt": "method",
        "src/model.rs::Item.fmt#2": "method",
        "src/model.rs::Item.is_empty": "method",
        "src/model.rs::Item.name": "method",
        "src/model.rs::Item.new": "method",
        "src/model.rs::Kind": "enum",
        "src/store/memory.rs::MemoryStore": "struct",
        "src/store/memory.rs::MemoryStore.key": "method",
        "src/store/memory.rs::MemoryStore.len": "method",
        "src/store/memory.rs::MemoryStore.new": "method",
        "src/store/memory.rs::MemoryStore.put": "method",
        "src/store/mod.rs::Store": "trait",
        "src/store/mod.rs::Store.is_empty": "method",
        "src/store/mod.rs::Store.len": "method",
        "src/store/mod.rs::Store.put": "method",
    }


def test_edges():
    # `impl Trait for Type` sits outside the type's span, so it gives no inherits edge.
    _, refs = extract_fixture(ROOT)
    lib, model, store, mem = "src/lib.rs", "src/model.rs", "src/store/mod.rs", "src/store/memory.rs"
    assert refs == {
        (lib, "imports", "model", False),
        (lib, "imports", "store", False),
        (lib, "imports", "crate::store", False),
        (f"{lib}::util.clamp", "calls", "max", False),
        (f"{lib}::util.clamp", "calls", "min", False),
        (f"{lib}::run", "calls", "new", False),
        (f"{lib}::run", "calls", "put", False),
        (f"{lib}::run", "calls", "clamp", False),
        (f"{lib}::run", "calls", "len", False),
        (f"{lib}::run", "calls", "is_empty", False),  # inside debug_assert!(...)
        (model, "imports", "std", False),
        (f"{model}::Describe.describe", "calls", "name", True),
        (f"{model}::Describe.describe", "calls", "push", False),
        (f"{model}::Item.new", "calls", "to_string", False),
        (f"{model}::Item.name", "calls", "clone", False),
        (f"{model}::Item.fmt#2", "calls", "debug_struct", False),
        (f"{model}::Item.fmt#2", "calls", "field", False),
        (f"{model}::Item.fmt#2", "calls", "finish", False),
        (store, "imports", "memory", False),
        (store, "imports", "self::memory", False),
        (store, "imports", "crate::model", False),
        (f"{store}::Store", "inherits", "Send", False),
        (f"{store}::Store.is_empty", "calls", "len", True),
        (mem, "imports", "std::collections", False),
        (mem, "imports", "super", False),
        (mem, "imports", "crate::model", False),
        (f"{mem}::MemoryStore.new", "calls", "default", True),
        (f"{mem}::MemoryStore.key", "calls", "describe", False),
        (f"{mem}::MemoryStore.put", "calls", "key", True),
        (f"{mem}::MemoryStore.put", "calls", "insert", False),
        (f"{mem}::MemoryStore.len", "calls", "len", False),
    }


def test_use_bindings():
    r = extract("src/store/memory.rs", open(f"{ROOT}/src/store/memory.rs", "rb").read())
    assert [(b.local, b.source) for b in r.bindings] == [
        ("HashMap", "std::collections"), ("Store", "super"), ("Describe", "crate::model"), ("Entry", "crate::model"),
    ]


ORIGINAL = """use std::collections::HashMap;

/// A priced thing.
pub trait Priced {
    fn price(&self) -> u32;

    fn total(&self, n: u32) -> u32 {
        self.price() * n
    }
}

pub struct Cart {
    items: HashMap<String, u32>,
    owner: String,
}

impl Cart {
    pub fn add(&mut self, name: &str, qty: u32) -> u32 {
        let entry = self.items.entry(name.to_lowercase()).or_insert(0);
        *entry += qty * 2;
        *entry
    }

    pub fn label(&self) -> String {
        format!("{}: {} items", self.owner, self.items.len())
    }
}

mod limits {
    pub const MAX: u32 = 0x1F;

    pub fn check(n: u32) -> bool {
        n <= MAX && n != 0
    }
}
"""

# What rustfmt turns back into ORIGINAL: other layout, trailing commas, parentheses, (doc) comments.
REFORMATTED = """//! Carts.
use std::collections::HashMap;
/// A priced thing.
/// Really.
pub trait Priced
{
    /// The unit price.
    fn price(&self) -> u32 ;
    fn total(&self, n: u32,) -> u32 { (self.price() * n) }
}

pub struct Cart {
    /** The lines. */
    items: HashMap<String, u32>, owner: String, }

impl Cart {
    // Adds an item.
    pub fn add(
        &mut self,
        name: &str,
        qty: u32,
    ) -> u32 {
        let entry = self
            .items
            .entry(name.to_lowercase())
            .or_insert(0);
        *entry += (qty * 2);
        *entry
    }
    /* Label. */
    pub fn label(&self) -> String { format!("{}: {} items", self.owner, self.items.len(),) }
}

mod limits { //! Limits.
    pub const MAX: u32 = 0x1F; /// Checks.
    pub fn check(n: u32) -> bool { n <= MAX && n != 0 } }
"""


def _hashes(src: str) -> dict[str, tuple[str, str]]:
    return symbol_hashes("src/cart.rs", src, short=True)


def test_formatting_keeps_fingerprints():
    before = _hashes(ORIGINAL)
    assert set(before) == {"", "Priced", "Priced.price", "Priced.total", "Cart", "Cart.add", "Cart.label",
                           "limits", "limits.check"}
    assert _hashes(REFORMATTED) == before


@pytest.mark.parametrize("old, new, symbol, sig_changes", [
    ("qty * 2", "qty * 3", "Cart.add", False),
    ("*entry += qty", "*entry -= qty", "Cart.add", False),
    ("to_lowercase", "to_uppercase", "Cart.add", False),
    ("or_insert(0)", "or_insert(1)", "Cart.add", False),
    ('"{}: {} items"', '"{} - {} items"', "Cart.label", False),
    ("self.items.len()", "self.items.capacity()", "Cart.label", False),
    ("n <= MAX", "n < MAX", "limits.check", False),
    ("0x1F", "0x2F", "limits", False),
    ("self.price() * n", "self.price() * n * n", "Priced.total", False),
    ("owner: String", "owner: Box<str>", "Cart", False),
    ("fn price(&self) -> u32;", "fn price(&self) -> u64;", "Priced.price", True),
    ("qty: u32) -> u32 {", "qty: u64) -> u32 {", "Cart.add", True),
    ("pub fn label", "fn label", "Cart.label", True),
])
def test_token_change_changes_only_its_symbol(old, new, symbol, sig_changes):
    assert_only_symbol_changed("src/cart.rs", ORIGINAL, old, new, symbol, sig_changes)


def test_import_resolution():
    lib, store, mem = "src/lib.rs", "src/store/mod.rs", "src/store/memory.rs"
    assert fixture_imports(ROOT)[1] == {
        (lib, "model"): "src/model.rs",  # mod model;
        (lib, "store"): store,
        (lib, "crate::store"): store,
        ("src/model.rs", "std"): None,
        (store, "memory"): mem,
        (store, "self::memory"): mem,
        (store, "crate::model"): "src/model.rs",
        (mem, "std::collections"): None,
        (mem, "super"): store,
        (mem, "crate::model"): "src/model.rs",
    }


def test_import_candidates():
    rust = language_for("x.rs").import_candidates
    # The crate root is the importer's nearest src/ (a workspace member here); longest path first.
    assert rust("crate::db::pool", "crates/core/src/api/http.rs") == [
        "crates/core/src/db/pool.rs", "crates/core/src/db/pool/mod.rs",
        "crates/core/src/db.rs", "crates/core/src/db/mod.rs",
    ]
    assert rust("crate", "src/a.rs") == ["src/lib.rs", "src/main.rs"]
    assert rust("super::super::x", "src/a/b.rs") == ["src/x.rs", "src/x/mod.rs"]
    assert rust("super", "src/lib.rs") == []  # above the crate root
