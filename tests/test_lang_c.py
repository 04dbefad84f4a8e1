"""C fixture: exact symbol ids, kinds and raw edges; fingerprints blind to clang-format, not to tokens."""


from pathlib import Path

import pytest

from tether.core.index.languages import C, language_for
from tests.helpers import assert_only_symbol_changed, extract_fixture, fixture_imports, symbol_hashes

ROOT = "tests/fixtures/c"


def test_c_headers_stay_c():
    """The indexer reads a `.h` as C++ only for C++ outside `#ifdef __cplusplus` (see test_lang_cpp)."""
    headers = sorted(Path(ROOT).rglob("*.h"))
    assert len(headers) == 3
    assert all(language_for(f.relative_to(ROOT).as_posix(), f.read_bytes()) is C for f in headers)


def test_symbols_and_kinds():
    symbols, _ = extract_fixture(ROOT)
    assert symbols == {
        "include/compat.h::version": "struct",  # C++ declarations guarded by __cplusplus: still C
        "include/list.h::list_t": "struct",  # anonymous struct: the typedef names it
        "include/list.h::list_visit_fn": "type",
        "include/list.h::node": "struct",  # tagged struct: the tag names it
        "src/list.c::add": "function",
        "src/list.c::list_each": "function",
        "src/list.c::list_new": "function",
        "src/list.c::list_push": "function",
        "src/list.c::list_sum": "function",
        "src/list.c::node_new": "function",
        "src/main.c::main": "function",
        "src/main.c::pause_ms": "function",
        "src/main.c::pause_ms#2": "function",  # the #else branch
        "src/shape.c::shape_square": "function",
        "src/shape.c::square_area": "function",
        "src/shape.h::shape": "struct",
        "src/shape.h::shape_kind": "enum",
        "src/shape.h::shape_ops": "struct",
        "src/shape.h::shape_value": "union",
    }


def test_edges():
    _, refs = extract_fixture(ROOT)
    lst, main = "src/list.c", "src/main.c"
    assert refs == {
        ("include/list.h", "imports", "stddef.h", False),
        (lst, "imports", "stdlib.h", False),
        (lst, "imports", "list.h", False),
        (f"{lst}::node_new", "calls", "malloc", False),
        (f"{lst}::list_new", "calls", "calloc", False),
        (f"{lst}::list_push", "calls", "node_new", False),
        (f"{lst}::list_each", "calls", "fn", False),
        (f"{lst}::list_sum", "calls", "list_each", False),
        ("src/shape.c", "imports", "shape.h", False),
        (main, "imports", "stdio.h", False),
        (main, "imports", "../include/list.h", False),
        (main, "imports", "shape.h", False),
        (main, "imports", "windows.h", False),
        (main, "imports", "unistd.h", False),
        (f"{main}::pause_ms", "calls", "Sleep", False),
        (f"{main}::pause_ms#2", "calls", "usleep", False),
        (f"{main}::main", "calls", "list_new", False),
        (f"{main}::main", "calls", "list_push", False),
        (f"{main}::main", "calls", "shape_square", False),
        (f"{main}::main", "calls", "pause_ms", False),
        (f"{main}::main", "calls", "printf", False),
        (f"{main}::main", "calls", "list_sum", False),
        (f"{main}::main", "calls", "area", False),
    }


ORIGINAL = """#include <stdio.h>

typedef struct {
    int count;
    double total;
} stats_t;

struct buffer {
    char *data;
    int len;
};

static int clamp(int v, int lo, int hi) {
    if (v < lo) return lo;
    return v > hi ? hi : v;
}

void stats_add(stats_t *s, double x) {
    s->count += 1;
    s->total += x * 2.0;
    printf("n=%d total=%f\\n", s->count, s->total);
}

int first_prime(void) {
    static const int primes[] = {2, 3, 5};
    return primes[0];
}
"""

# What clang-format turns back into ORIGINAL: other layout and braces, parentheses, comments.
REFORMATTED = """#include <stdio.h>
/** Running statistics. */
typedef struct
{
    int count;      // samples
    double total;   /* sum */
} stats_t;

struct buffer { char* data; int len; };

/* Clamps v. */
static int
clamp(int v,
      int lo,
      int hi)
{
    if ((v < lo))
        return lo;
    return (v > hi) ? hi : v;
}

void stats_add(stats_t* s, double x)
{
    s->count += 1;
    s->total += (x * 2.0);
    printf("n=%d total=%f\\n",
           s->count,
           s->total);
}

int first_prime(void) {
    static const int primes[] = {
        2, 3, 5,
    };
    return primes[0];
}
"""


def _hashes(src: str) -> dict[str, tuple[str, str]]:
    return symbol_hashes("src/stats.c", src, short=True)


def test_formatting_keeps_fingerprints():
    before = _hashes(ORIGINAL)
    assert set(before) == {"", "stats_t", "buffer", "clamp", "stats_add", "first_prime"}
    assert _hashes(REFORMATTED) == before


@pytest.mark.parametrize("old, new, symbol, sig_changes", [
    ("x * 2.0", "x * 3.0", "stats_add", False),
    ("s->count += 1", "s->count -= 1", "stats_add", False),
    ("total=%f", "total =%f", "stats_add", False),
    ("s->count, s->total", "s->total, s->count", "stats_add", False),
    ("v < lo", "v <= lo", "clamp", False),
    ("return lo;", "return hi;", "clamp", False),
    ("{2, 3, 5}", "{2, 3, 7}", "first_prime", False),
    ("int len;", "long len;", "buffer", False),
    ("double total;", "float total;", "stats_t", False),
    ("static int clamp(int v", "int clamp(int v", "clamp", True),
    ("double x)", "float x)", "stats_add", True),
])
def test_token_change_changes_only_its_symbol(old, new, symbol, sig_changes):
    assert_only_symbol_changed("src/stats.c", ORIGINAL, old, new, symbol, sig_changes)


def test_import_resolution():
    # Quoted includes beside the including file, then in the directories above it and their include/.
    assert fixture_imports(ROOT)[1] == {
        ("include/list.h", "stddef.h"): None,
        ("src/list.c", "stdlib.h"): None,
        ("src/list.c", "list.h"): "include/list.h",
        ("src/shape.c", "shape.h"): "src/shape.h",
        ("src/main.c", "stdio.h"): None,
        ("src/main.c", "../include/list.h"): "include/list.h",
        ("src/main.c", "shape.h"): "src/shape.h",
        ("src/main.c", "windows.h"): None,
        ("src/main.c", "unistd.h"): None,
    }
