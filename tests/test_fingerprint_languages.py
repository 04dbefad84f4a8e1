"""Fingerprints in the other eleven languages: what each formatter does to a function keeps its
code_hash (prettier, gofmt, rustfmt, clang-format, google-java-format, csharpier, rubocop,
php-cs-fixer habits, as they print them), and the same code nested otherwise changes it (an
argument moved between nested calls, an operator regrouped: the same tokens; a statement moved out
of its block)."""

import pytest

from tests.helpers import symbol_hashes

# (file, symbol, as written, [as a formatter prints it], [the same tokens, another program])
CASES = [
    ("m.js", "f",
     "function f(a, b) {\n  for (const i of a) {\n    t += i;\n    log(t);\n  }\n  return g(h(a), b) * (c + d);\n}\n",
     ["function f(a,b){for(const i of a){t+=i;log(t)}return g(h(a),b)*(c+d)}\n",
      "function f(a, b) {\n  for (const i of a) {\n    t += i\n    log(t)\n  }\n  return (\n    g(\n      h(a),\n      b,\n    ) *\n    (c + d)\n  )\n}\n",
      "function f(a, b) {\n  // sum\n  for (const i of a) {\n    t += i;\n    log(t);\n  };\n  return g(h(a), b) * (c + d);\n}\n"],
     ["function f(a, b) {\n  for (const i of a) {\n    t += i;\n  }\n  log(t);\n  return g(h(a), b) * (c + d);\n}\n",
      "function f(a, b) {\n  for (const i of a) {\n    t += i;\n    log(t);\n  }\n  return g(h(a, b)) * (c + d);\n}\n",
      "function f(a, b) {\n  for (const i of a) {\n    t += i;\n    log(t);\n  }\n  return (g(h(a), b) * c) + d;\n}\n"]),
    ("m.ts", "f",
     "const f = (x: number[]) => {\n  return g(h(x), 'a', x.map(y => y * 2));\n};\n",
     ['const f = (x: number[]) => {\n  return g(\n    h(x),\n    "a",\n    x.map((y) => y * 2),\n  )\n}\n'],
     ["const f = (x: number[]) => {\n  return g(h(x, 'a'), x.map(y => y * 2));\n};\n",
      "const f = (x: number[]) => {\n  return g(h(x), 'a', x.map(y => y) * 2);\n};\n"]),
    ("m.tsx", "View",
     "function View({ a, b }: P) {\n  return <div className='x'>{f(g(a), b)}</div>;\n}\n",
     ['function View({a, b}: P) {\n  return (\n    <div className="x">\n      {f(\n        g(a),\n        b,\n      )}\n    </div>\n  )\n}\n'],
     ["function View({ a, b }: P) {\n  return <div className='x'>{f(g(a, b))}</div>;\n}\n"]),
    ("m.go", "F",
     "package m\n\nfunc F(a, b int) int {\n\tif (a > b) {\n\t\treturn g(h(a), b) * (a + b)\n\t}\n\treturn 0\n}\n",
     ["package m\n\nfunc F(a, b int) int {\n    if a > b {\n        return g(h(a), b) * (a + b)\n    }\n    return 0\n}\n",
      "package m\n\nfunc F(a, b int) int {\n\tif a > b {\n\t\treturn g(\n\t\t\th(a),\n\t\t\tb,\n\t\t) * (a + b)\n\t}\n\treturn 0;\n}\n"],
     ["package m\n\nfunc F(a, b int) int {\n\tif a > b {\n\t\treturn g(h(a, b)) * (a + b)\n\t}\n\treturn 0\n}\n",
      "package m\n\nfunc F(a, b int) int {\n\tif a > b {\n\t\treturn (g(h(a), b) * a) + b\n\t}\n\treturn 0\n}\n"]),
    ("m.rs", "f",
     "fn f(a: i32, b: i32) -> i32 {\n    for i in 0..a {\n        log(i);\n    }\n    g(h(a), b) * (a + b)\n}\n",
     ["fn f(\n    a: i32,\n    b: i32,\n) -> i32 {\n    for i in 0..a { log(i); }\n    g(\n        h(a),\n        b,\n    ) * (a + b)\n}\n"],
     ["fn f(a: i32, b: i32) -> i32 {\n    for i in 0..a {\n        log(i);\n    }\n    g(h(a, b)) * (a + b)\n}\n",
      "fn f(a: i32, b: i32) -> i32 {\n    for i in 0..a {\n        log(i);\n    }\n    (g(h(a), b) * a) + b\n}\n"]),
    ("m.c", "f",
     "int f(int a, int b) {\n  for (int i = 0; i < a; i++) {\n    log(i);\n  }\n  return g(h(a), b) * (a + b);\n}\n",
     ["int f(int a, int b)\n{\n    for (int i = 0; i < a; i++)\n    {\n        log(i);\n    }\n    return g(h(a),\n             b) * (a + b);\n}\n",
      "int\nf (int a, int b)\n{\n  for (int i = 0; i < a; i++)\n    {\n      log (i);\n    }\n  return g (h (a), b) * (a + b);\n}\n"],
     ["int f(int a, int b) {\n  for (int i = 0; i < a; i++) {\n    log(i);\n  }\n  return g(h(a, b)) * (a + b);\n}\n",
      "int f(int a, int b) {\n  for (int i = 0; i < a; i++) {\n    log(i);\n  }\n  return (g(h(a), b) * a) + b;\n}\n"]),
    ("m.cpp", "f",
     "int f(std::vector<int> a, int b) {\n  for (auto i : a) {\n    log(i);\n  }\n  return g(h(a), b) * (b + 1);\n}\n",
     ["int f(std::vector<int> a,\n      int b) {\n  for (auto i : a) {\n    log(i);\n  }\n  return g(h(a), b) *\n         (b + 1);\n}\n"],
     ["int f(std::vector<int> a, int b) {\n  for (auto i : a) {\n    log(i);\n  }\n  return g(h(a, b)) * (b + 1);\n}\n",
      "int f(std::vector<int> a, int b) {\n  for (auto i : a) {\n    log(i);\n  }\n  return (g(h(a), b) * b) + 1;\n}\n"]),
    ("M.java", "M.f",
     "class M {\n  int f(int a, int b) {\n    return g(h(a), b) * (a + b);\n  }\n}\n",
     ["class M {\n    int f(int a, int b) {\n        return g(\n                h(a),\n                b) * (a + b);\n    }\n}\n"],
     ["class M {\n  int f(int a, int b) {\n    return g(h(a, b)) * (a + b);\n  }\n}\n",
      "class M {\n  int f(int a, int b) {\n    return (g(h(a), b) * a) + b;\n  }\n}\n"]),
    ("M.cs", "M.F",
     "class M {\n  int F(int a, int b) {\n    return G(H(a), b) * (a + b);\n  }\n}\n",
     ["class M\n{\n    int F(int a, int b)\n    {\n        return G(\n            H(a),\n            b\n        ) * (a + b);\n    }\n}\n"],
     ["class M {\n  int F(int a, int b) {\n    return G(H(a, b)) * (a + b);\n  }\n}\n",
      "class M {\n  int F(int a, int b) {\n    return (G(H(a), b) * a) + b;\n  }\n}\n"]),
    ("m.rb", "f",
     "def f(a, b)\n  a.each do |i|\n    log(i)\n  end\n  g(h(a), b) * (a + b)\nend\n",
     ["def f(a, b)\n  a.each do |i|\n    log i\n  end\n  g(\n    h(a),\n    b,\n  ) * (a + b)\nend\n"],
     ["def f(a, b)\n  a.each do |i|\n    log(i)\n  end\n  g(h(a, b)) * (a + b)\nend\n",
      "def f(a, b)\n  a.each do |i|\n    log(i)\n  end\n  (g(h(a), b) * a) + b\nend\n"]),
    ("m.php", "f",
     "<?php\nfunction f($a, $b) {\n  foreach ($a as $i) {\n    log_it($i);\n  }\n  return g(h($a), $b) * ($a + $b);\n}\n",
     ["<?php\n\nfunction f($a, $b)\n{\n    foreach ($a as $i) {\n        log_it($i);\n    }\n\n    return g(\n        h($a),\n        $b,\n    ) * ($a + $b);\n}\n"],
     ["<?php\nfunction f($a, $b) {\n  foreach ($a as $i) {\n    log_it($i);\n  }\n  return g(h($a, $b)) * ($a + $b);\n}\n",
      "<?php\nfunction f($a, $b) {\n  foreach ($a as $i) {\n    log_it($i);\n  }\n  return (g(h($a), $b) * $a) + $b;\n}\n"]),
]


def _hash(path: str, symbol: str, source: str) -> str:
    return symbol_hashes(path, source, short=True)[symbol][0]


@pytest.mark.parametrize("path, symbol, source, printed, nested", CASES, ids=[c[0] for c in CASES])
def test_formatters_keep_the_code_hash(path, symbol, source, printed, nested):
    before = _hash(path, symbol, source)
    for variant in printed:
        assert _hash(path, symbol, variant) == before, variant


@pytest.mark.parametrize("path, symbol, source, printed, nested", CASES, ids=[c[0] for c in CASES])
def test_the_same_tokens_nested_otherwise_change_the_code_hash(path, symbol, source, printed, nested):
    before = _hash(path, symbol, source)
    for variant in nested:
        assert _hash(path, symbol, variant) != before, variant


# What the formatters did to real code (tests/bench/bench_formatters_langs.py), one pair each:
# (file, symbol, as written, as the formatter printed it, other programs spelled alike).
PRINTED = [
    # rustfmt adds and removes the braces of a match arm's or closure's one-expression body.
    ("m.rs", "f", "fn f(a: u8) -> u8 {\n    match a {\n        0 => g(1),\n        _ => match a { 1 => 2, _ => 3 },\n    }\n}\n",
     "fn f(a: u8) -> u8 {\n    match a {\n        0 => {\n            g(1)\n        }\n        _ => {\n            match a {\n                1 => 2,\n                _ => 3,\n            }\n        }\n    }\n}\n",
     ["fn f(a: u8) -> u8 {\n    match a {\n        0 => { g(1); }\n        _ => match a { 1 => 2, _ => 3 },\n    }\n}\n",
      "fn f(a: u8) -> u8 {\n    match a {\n        0 => g(1),\n        _ => { match a { 1 => 2, _ => 3 }; }\n    }\n}\n"]),
    ("m.rs", "f", "fn f(v: &[u8]) -> usize {\n    v.iter().map(|x| { h(x) }).count()\n}\n",
     "fn f(v: &[u8]) -> usize {\n    v.iter().map(|x| h(x)).count()\n}\n",
     ["fn f(v: &[u8]) -> usize {\n    v.iter().map(|x| { h(x); }).count()\n}\n"]),
    # clang-format splits a long string literal into adjacent ones.
    ("m.c", "f", 'void f(void) {\n  printf("a long line %d\\n", 1);\n}\n',
     'void f(void) {\n  printf("a long "\n         "line %d\\n",\n         1);\n}\n',
     ['void f(void) {\n  printf("a long line %d\\n", "", 1);\n}\n']),
    ("m.cpp", "f", 'void f() {\n  std::puts("a long line");\n}\n', 'void f() {\n  std::puts ("a long "\n             "line");\n}\n',
     ['void f() {\n  std::puts("a long", "line");\n}\n']),
    ("m.c", "f", 'void f() {\n  g("%" PRId64 " items", n);\n}\n',
     'void f() {\n  g ("%" PRId64\n     " it"\n     "ems",\n     n);\n}\n',
     ['void f() {\n  g("%" " items", n);\n}\n', 'void f() {\n  g("%" PRId64 " it" PRId64 "ems", n);\n}\n']),
    # clang-format's GNU style closes nested template arguments with `> >`, which tree-sitter-cpp
    # alone reads as comparisons; a string holding `> >` is still its own text.
    ("m.cpp", "f", 'int f() {\n  return g(n::h<A<B<C>>>(x), ">>");\n}\n',
     'int f ()\n{\n  return g (n::h<A<B<C> > > (x), ">>");\n}\n',
     ['int f() {\n  return g(n::h<A<B<C>>>(x, ">>"));\n}\n', 'int f() {\n  return g(n::h<A<B<C>>>(x), "> >");\n}\n']),
    # prettier unquotes object keys, adds `()` to `new Foo`, drops the parentheses of a bound
    # function, breaks a union type before each `|`.
    ("m.js", "f", "function f() {\n  return { 'a': 1, '0': new Foo };\n}\n",
     'function f() {\n  return { a: 1, 0: new Foo() };\n}\n',
     ["function f() {\n  return { 'a': 1, '1.0': new Foo };\n}\n", "function f() {\n  return { 'a': 1, '0': new Foo(x) };\n}\n"]),
    ("m.js", "f", "var f = (function f(a) {\n  return a;\n});\n", "var f = function f(a) {\n  return a;\n};\n",
     ["var f = (function f(a) {\n  return [a];\n});\n"]),
    ("m.ts", "f", "function f(a: A | B & C): void {}\n",
     "function f(\n  a:\n    | A\n    | B & C,\n): void {}\n",
     ["function f(a: (A | B) & C): void {}\n"]),
    ("m.ts", "f", "function f(a: A & B): void {}\n", "function f(\n  a:\n    & A\n    & B,\n): void {}\n",
     ["function f(a: A | B): void {}\n"]),
]


@pytest.mark.parametrize("path, symbol, source, printed, others", PRINTED, ids=[c[0] for c in PRINTED])
def test_what_formatters_did_to_real_code_keeps_the_code_hash(path, symbol, source, printed, others):
    before = _hash(path, symbol, source)
    assert _hash(path, symbol, printed) == before
    for other in others:
        assert _hash(path, symbol, other) != before, other


def test_the_named_exception_still_changes_the_code_hash():
    """The README's exception: prettier drops the parentheses of `a && (b && c)` (a regrouping, the
    same value only because `&&` is associative)."""
    assert _hash("m.js", "f", "function f() {\n  return a && (b && c);\n}\n") != \
        _hash("m.js", "f", "function f() {\n  return a && b && c;\n}\n")
