"""C++ fixture: exact symbol ids, kinds and raw edges; fingerprints blind to clang-format, not to tokens."""


from pathlib import Path

import pytest

from tether.core.index.extract import extract
from tether.core.index.languages import C, CPP, language_for
from tests.helpers import assert_only_symbol_changed, fixture_imports, symbol_hashes

ROOT = "tests/fixtures/cpp"


def extract_fixture(root: str):
    """helpers.extract_fixture with each file in the language the indexer reads it as (run.extract_file):
    a `.h` header by its content."""
    symbols, refs = {}, set()
    for f in sorted(p for p in Path(root).rglob("*") if p.is_file()):
        rel, data = f.relative_to(root).as_posix(), f.read_bytes()
        if spec := language_for(rel, data):
            r = extract(rel, data, spec)
            symbols.update({s.id: s.kind for s in r.symbols})
            refs |= {(x.src, x.kind, x.target, x.self_call) for x in r.refs}
    return symbols, refs


def test_symbols_and_kinds():
    symbols, _ = extract_fixture(ROOT)
    hpp, cpp, reg, ui = "include/geo/shape.hpp", "src/geo/shape.cpp", "src/app/registry.hpp", "src/ui/widget.h"
    assert symbols == {
        f"{hpp}::geo": "namespace",
        f"{hpp}::geo.Area": "type",
        f"{hpp}::geo.Point": "struct",
        f"{hpp}::geo.Rect": "class",
        f"{hpp}::geo.Rect.Rect": "method",
        f"{hpp}::geo.Rect.area": "method",
        f"{hpp}::geo.Shape": "class",
        f"{hpp}::geo.Shape.area": "method",  # pure virtual
        f"{hpp}::geo.Shape.name": "method",
        f"{hpp}::geo.Shape.~Shape": "method",
        f"{hpp}::geo.Unit": "enum",
        # Defined out of class: `Shape::describe` inside `namespace geo`.
        f"{cpp}::geo": "namespace",
        f"{cpp}::geo.Rect.name": "method",
        f"{cpp}::geo.Rect.scaled": "method",
        f"{cpp}::geo.Rect.scaled#2": "method",  # overload
        f"{cpp}::geo.Shape.describe": "method",
        f"{cpp}::geo.unit_square": "function",
        f"{reg}::app": "namespace",
        f"{reg}::app.detail": "namespace",  # namespace app::detail
        f"{reg}::app.detail.next_id": "function",
        f"{reg}::app.Registry": "class",
        f"{reg}::app.Registry.add": "method",
        f"{reg}::app.Registry.changed": "method",
        f"{reg}::app.Registry.items": "method",
        f"{reg}::app.Registry.version": "method",
        f"{reg}::app.Store": "class",
        f"{reg}::app.Store.changed": "method",
        f"{reg}::app.Store.put": "method",
        f"{reg}::app.Store.~Store": "method",
        "src/app/main.cpp::main": "function",
        "src/app/main.cpp::total": "function",  # in an anonymous namespace
        # C++ in a `.h` header
        f"{ui}::ui": "namespace",
        f"{ui}::ui.Widget": "class",
        f"{ui}::ui.Widget.area": "method",
        f"{ui}::ui.Widget.draw": "method",
    }


def test_edges():
    _, refs = extract_fixture(ROOT)
    hpp, cpp, reg, main = "include/geo/shape.hpp", "src/geo/shape.cpp", "src/app/registry.hpp", "src/app/main.cpp"
    ui = "src/ui/widget.h"
    assert refs == {
        (hpp, "imports", "string", False),
        (f"{hpp}::geo.Rect", "inherits", "Shape", False),
        (cpp, "imports", "geo/shape.hpp", False),
        (cpp, "imports", "sstream", False),
        (f"{cpp}::geo.Shape.describe", "calls", "name", False),
        (f"{cpp}::geo.Shape.describe", "calls", "area", True),
        (f"{cpp}::geo.Shape.describe", "calls", "str", False),
        (f"{cpp}::geo.Rect.scaled", "calls", "scaled", False),
        (f"{cpp}::geo.Rect.scaled#2", "calls", "Rect", False),
        (f"{cpp}::geo.unit_square", "calls", "Rect", False),
        (f"{cpp}::geo.unit_square", "calls", "scaled", False),
        (reg, "imports", "memory", False),
        (reg, "imports", "utility", False),
        (reg, "imports", "vector", False),
        (reg, "imports", "geo/shape.hpp", False),
        (f"{reg}::app.Registry", "inherits", "Store", False),
        (f"{reg}::app.Store.put", "calls", "push_back", False),
        (f"{reg}::app.Store.put", "calls", "move", False),
        (f"{reg}::app.Store.put", "calls", "changed", True),
        (f"{reg}::app.Registry.add", "calls", "put", False),
        (f"{reg}::app.Registry.add", "calls", "move", False),
        (f"{reg}::app.Registry.changed", "calls", "next_id", False),
        (main, "imports", "iostream", False),
        (main, "imports", "memory", False),
        (main, "imports", "registry.hpp", False),
        (f"{main}::total", "calls", "area", False),
        (f"{main}::main", "calls", "add", False),
        (f"{main}::main", "calls", "make_unique", False),
        (f"{main}::main", "calls", "Rect", False),  # new geo::Rect(1, 1)
        (f"{main}::main", "calls", "describe", False),
        (f"{main}::main", "calls", "total", False),
        (f"{main}::main", "calls", "items", False),
        (ui, "imports", "string", False),
        (ui, "imports", "geo/shape.hpp", False),
        (f"{ui}::ui.Widget", "inherits", "Shape", False),
        (f"{ui}::ui.Widget.draw", "calls", "describe", False),
    }


ORIGINAL = """#include <string>
#include <vector>

namespace shop {

class Cart : public Base {
 public:
  explicit Cart(std::string owner) : owner_(std::move(owner)) {}
  int add(const std::string& item, int qty) {
    items_.push_back(item);
    total_ += qty * 2;
    return this->size();
  }
  int size() const;

 private:
  std::string owner_;
  std::vector<std::string> items_;
  int total_ = 0;
};

int Cart::size() const { return static_cast<int>(items_.size()); }

std::string label(const Cart& c) { return "cart of " + std::to_string(c.size()); }

template <typename T>
T twice(T v) {
  return v * 2;
}

std::vector<int> sizes() { return {1, 2, 3}; }

}  // namespace shop
"""

# What clang-format turns back into ORIGINAL: other layout and braces, parentheses, comments.
REFORMATTED = """#include <string>
#include <vector>
namespace shop
{
/// A shopping cart.
class Cart : public Base
{
public:
    explicit Cart(std::string owner)
        : owner_(std::move(owner))
    {
    }
    /** Adds an item. */
    int add(const std::string &item,
            int qty)
    {
        items_.push_back(item);
        total_ += (qty * 2);  // doubled
        return this->size();
    }
    int size() const;
private:
    std::string owner_;
    std::vector<std::string> items_;
    int total_ = 0;
};

int Cart::size() const
{
    return static_cast<int>(items_.size());
}

std::string label(const Cart &c)
{
    return "cart of " + std::to_string(c.size());
}

template <typename T> T twice(T v) { return v * 2; }

std::vector<int> sizes() {
    return {
        1, 2, 3,
    };
}
} // namespace shop
"""


def _hashes(src: str) -> dict[str, tuple[str, str]]:
    return symbol_hashes("src/cart.cpp", src, short=True)


def test_formatting_keeps_fingerprints():
    before = _hashes(ORIGINAL)
    assert set(before) == {"", "shop", "shop.Cart", "shop.Cart.Cart", "shop.Cart.add", "shop.Cart.size",
                           "shop.label", "shop.twice", "shop.sizes"}
    assert _hashes(REFORMATTED) == before


@pytest.mark.parametrize("old, new, symbol, sig_changes", [
    ("qty * 2", "qty * 3", "shop.Cart.add", False),
    ("total_ +=", "total_ -=", "shop.Cart.add", False),
    ("push_back(item)", "push_back(owner_)", "shop.Cart.add", False),
    ("this->size()", "size()", "shop.Cart.add", False),
    ('"cart of "', '"cart for "', "shop.label", False),
    ("int total_ = 0;", "int total_ = 1;", "shop.Cart", False),
    ("v * 2", "v * 4", "shop.twice", False),
    ("{1, 2, 3}", "{1, 2, 4}", "shop.sizes", False),
    ("items_.size()", "owner_.size()", "shop.Cart.size", False),
    ("template <typename T>", "template <class T>", "shop.twice", True),
    ("int Cart::size() const", "long Cart::size() const", "shop.Cart.size", True),
    ("int qty)", "long qty)", "shop.Cart.add", True),
])
def test_token_change_changes_only_its_symbol(old, new, symbol, sig_changes):
    assert_only_symbol_changed("src/cart.cpp", ORIGINAL, old, new, symbol, sig_changes)


def test_import_resolution():
    hpp = "include/geo/shape.hpp"
    assert fixture_imports(ROOT)[1] == {
        (hpp, "string"): None,
        ("src/geo/shape.cpp", "geo/shape.hpp"): hpp,
        ("src/geo/shape.cpp", "sstream"): None,
        ("src/app/registry.hpp", "memory"): None,
        ("src/app/registry.hpp", "utility"): None,
        ("src/app/registry.hpp", "vector"): None,
        ("src/app/registry.hpp", "geo/shape.hpp"): hpp,
        ("src/app/main.cpp", "iostream"): None,
        ("src/app/main.cpp", "memory"): None,
        ("src/app/main.cpp", "registry.hpp"): "src/app/registry.hpp",
        ("src/ui/widget.h", "string"): None,
        ("src/ui/widget.h", "geo/shape.hpp"): hpp,
    }


AUDIT_HEADER = "namespace app { class Widget : public Base { void draw() const {} }; }\n"


@pytest.mark.parametrize("source, cpp", [
    (AUDIT_HEADER, True),
    ("namespace {\nint hidden();\n}\n", True),
    ("namespace a::b\n{\n}\n", True),  # brace on the next line
    ("namespace std _GLIBCXX_VISIBILITY(default)\n{\n}\n", True),
    ("namespace fs = std::filesystem;\n", True),
    ("using namespace std;\n", True),
    ("template <typename T>\nT twice(T v);\n", True),
    ("class Widget;\n", True),
    ("class API_EXPORT Widget final : public Base {\n};\n", True),
    ("struct S {\n  private:\n  int x;\n};\n", True),
    ("#include <vector>\nint f();\n", True),
    ("#if __cplusplus >= 201703L\nnamespace x {}\n#endif\n", True),  # a C++ header's version check
    ("typedef struct node { int v; } node_t;\nint sum(const node_t *n);\n", False),
    ("#include <stdio.h>\n#include \"list.h\"\nint namespace_count;\n", False),
    ("/* This namespace is not a class Foo {\n * template <T>\n */\n// public: nothing\nint x;\n", False),
    ("int f(int class_, int namespace);\nstruct s { unsigned flag : 1; };\n", False),
    # C++ only where a C header guards it for C++ users
    (("#ifdef __cplusplus\nextern \"C\" {\n#endif\nint f(void);\n#ifdef __cplusplus\n}\n"
      "#if __cplusplus >= 201103L\ntemplate <class T> struct is_f;\n#endif\nclass Guard {\n};\n#endif\n"), False),
    ("#if defined(__cplusplus)\nnamespace n {}\n#endif\nint g(void);\nnamespace x {}\n", True),  # after the guard
    ("// a long C preamble\n" + "int f(void);\n" * 6000 + "namespace late {}\n", False),  # beyond the first 64 KB
])
def test_h_header_language_is_chosen_by_content(source, cpp):
    assert language_for("include/w.h", source.encode()) is (CPP if cpp else C)
    assert language_for("include/w.h") is C  # by name alone (the TUI, resolve_import): still C
    assert language_for("include/w.hpp", source.encode()) is CPP  # other extensions never change
    assert language_for("src/w.c", source.encode()) is C


def test_index_reads_a_cpp_h_header_as_cpp(make_project):
    """The audit's header: no symbols and a syntax error as C; as C++ the same as a `.hpp` would give,
    with ids by path (only language and kinds change)."""
    project, _ = make_project({"w.h": AUDIT_HEADER, "w.hpp": AUDIT_HEADER, "c.h": "struct point { int x; };\n"})
    report = project.index()
    assert report.syntax_errors == []
    got = {s.id: (s.kind, s.language) for s in project.symbols(limit=None)}
    assert got == {
        **{f"{f}::{name}": (kind, "cpp") for f in ("w.h", "w.hpp") for name, kind in
           [("app", "namespace"), ("app.Widget", "class"), ("app.Widget.draw", "method")]},
        "c.h::point": ("struct", "c"),
    }
    assert project.languages() == {"cpp": 2, "c": 1}
