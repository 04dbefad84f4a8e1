"""Go fixture: exact symbol ids, kinds and raw edges; fingerprints blind to gofmt, not to tokens."""


import pytest

from tether.core.index.extract import extract
from tether.core.index.languages import language_for
from tests.helpers import assert_only_symbol_changed, extract_fixture, fixture_imports, symbol_hashes

ROOT = "tests/fixtures/go"


def test_symbols_and_kinds():
    symbols, _ = extract_fixture(ROOT)
    assert symbols == {
        "cmd/server/main.go::init": "function",
        "cmd/server/main.go::init#2": "function",
        "cmd/server/main.go::main": "function",
        "internal/api/server.go::Base": "struct",
        "internal/api/server.go::Base.Name": "method",
        "internal/api/server.go::Handler": "interface",
        "internal/api/server.go::Named": "interface",
        "internal/api/server.go::Named.Name": "method",
        "internal/api/server.go::NewServer": "function",
        "internal/api/server.go::Port": "type",
        "internal/api/server.go::Server": "struct",
        "internal/api/server.go::Server.ServeHTTP": "method",
        "internal/api/server.go::Server.Start": "method",
        "internal/api/server.go::Server.addr": "method",
        "internal/api/server.go::Server.log": "method",
        "internal/store/store.go::Item": "struct",
        "internal/store/store.go::Memory": "struct",
        "internal/store/store.go::Memory.Get": "method",
        "internal/store/store.go::Memory.Put": "method",
        "internal/store/store.go::NewMemory": "function",
        "internal/store/store.go::Store": "interface",
        "internal/store/store.go::Store.Get": "method",
        "internal/store/store.go::Store.Put": "method",
    }


def test_edges():
    # Receiver names vary, so calls on the receiver (`s.log()`) are not marked as self calls.
    _, refs = extract_fixture(ROOT)
    main, store, api = "cmd/server/main.go", "internal/store/store.go", "internal/api/server.go"
    assert refs == {
        (main, "imports", "flag", False),
        (main, "imports", "log", False),
        (main, "imports", "example.com/shop/internal/api", False),
        (main, "imports", "example.com/shop/internal/store", False),
        (main, "calls", "Int", False),
        (f"{main}::init", "calls", "Parse", False),
        (f"{main}::init#2", "calls", "SetFlags", False),
        (f"{main}::main", "calls", "NewServer", False),
        (f"{main}::main", "calls", "NewMemory", False),
        (f"{main}::main", "calls", "Start", False),
        (f"{main}::main", "calls", "Fatal", False),
        (store, "imports", "sync", False),
        (f"{store}::Memory", "inherits", "Mutex", False),
        (f"{store}::NewMemory", "calls", "make", False),
        (f"{store}::Memory.Get", "calls", "Lock", False),
        (f"{store}::Memory.Get", "calls", "Unlock", False),
        (f"{store}::Memory.Put", "calls", "Lock", False),
        (f"{store}::Memory.Put", "calls", "Unlock", False),
        (api, "imports", "errors", False),
        (api, "imports", "fmt", False),
        (api, "imports", "net/http", False),
        (api, "imports", "example.com/shop/internal/store", False),
        (f"{api}::Handler", "inherits", "Handler", False),
        (f"{api}::Handler", "inherits", "Named", False),
        (f"{api}::Server", "inherits", "Base", False),
        (f"{api}::Server.Start", "calls", "New", False),
        (f"{api}::Server.Start", "calls", "log", False),
        (f"{api}::Server.Start", "calls", "ListenAndServe", False),
        (f"{api}::Server.Start", "calls", "addr", False),
        (f"{api}::Server.addr", "calls", "Sprintf", False),
        (f"{api}::Server.log", "calls", "Println", False),
        (f"{api}::Server.log", "calls", "Name", False),
        (f"{api}::Server.ServeHTTP", "calls", "Get", False),
        (f"{api}::Server.ServeHTTP", "calls", "Error", False),
        (f"{api}::Server.ServeHTTP", "calls", "Fprintf", False),
    }


def test_import_alias_binding():
    r = extract("cmd/server/main.go", open(f"{ROOT}/cmd/server/main.go", "rb").read())
    assert [(b.local, b.source) for b in r.bindings] == [("mem", "example.com/shop/internal/store")]


ORIGINAL = """package shop

import (
	"fmt"
	"strings"
)

type Cart struct {
	Items []string
	Total int
}

type Pricer interface {
	Price(item string) int
}

func (c *Cart) Add(item string, p Pricer) int {
	c.Items = append(c.Items, strings.ToLower(item))
	c.Total += p.Price(item) * 2
	return c.Total
}

func Describe(c *Cart) string {
	return fmt.Sprintf("%d items: %s", len(c.Items), strings.Join(c.Items, ", "))
}

const Limit = 0x1F
"""

# What gofmt turns back into ORIGINAL: other layout, trailing commas, parentheses, comments.
REFORMATTED = """package shop
import ( "fmt"
    "strings" )

// Cart holds items.
type Cart struct { Items []string; Total int }

// Pricer prices.
type Pricer interface {
    // Price of one item.
    Price(item string,) int
}

// Add appends an item.
func (c *Cart) Add(item string, p Pricer,) int {
    c.Items = append(c.Items, strings.ToLower((item)))
    /* doubled */ c.Total += (p.Price(item) * 2)
    return c.Total }

func Describe(c *Cart) string { return fmt.Sprintf("%d items: %s", len(c.Items),
        strings.Join(c.Items, ", "),
    )
}

const Limit = 0X1F
"""


def _hashes(src: str) -> dict[str, tuple[str, str]]:
    return symbol_hashes("shop/cart.go", src, short=True)


def test_formatting_keeps_fingerprints():
    before = _hashes(ORIGINAL)
    assert set(before) == {"", "Cart", "Pricer", "Pricer.Price", "Cart.Add", "Describe"}
    assert _hashes(REFORMATTED) == before


@pytest.mark.parametrize("old, new, symbol, sig_changes", [
    ("* 2", "* 3", "Cart.Add", False),
    ("* 2", "+ 2", "Cart.Add", False),
    ("ToLower", "ToUpper", "Cart.Add", False),
    ("(c.Items, \", \")", "(c.Items, \" | \")", "Describe", False),
    ("%d items", "%d  items", "Describe", False),
    ("len(c.Items)", "len(c.Items[1:])", "Describe", False),
    ("Total int\n", "Total int64\n", "Cart", False),
    ("Price(item string) int", "Price(item string) bool", "Pricer.Price", True),
    ("p Pricer) int", "p Pricer) int64", "Cart.Add", True),
])
def test_token_change_changes_only_its_symbol(old, new, symbol, sig_changes):
    assert_only_symbol_changed("shop/cart.go", ORIGINAL, old, new, symbol, sig_changes)


def test_import_resolution():
    # A Go import names a package directory: it resolves to the file named after the package
    # (store/store.go) when there is one; the standard library never resolves.
    main = "cmd/server/main.go"
    assert fixture_imports(ROOT)[1] == {
        (main, "flag"): None,
        (main, "log"): None,
        (main, "example.com/shop/internal/api"): None,  # its file is server.go, not api.go
        (main, "example.com/shop/internal/store"): "internal/store/store.go",
        ("internal/store/store.go", "sync"): None,
        ("internal/api/server.go", "errors"): None,
        ("internal/api/server.go", "fmt"): None,
        ("internal/api/server.go", "net/http"): None,
        ("internal/api/server.go", "example.com/shop/internal/store"): "internal/store/store.go",
    }


def test_import_candidates():
    go = language_for("x.go").import_candidates
    # Every possible module prefix, under the importer's directories (a nested go.mod), nearest first.
    cands = go("example.com/svc/internal/db", "services/svc/main.go")
    assert cands.index("services/svc/internal/db/db.go") < cands.index("internal/db/db.go")
    assert go("net/http", "main.go") == []
