"""Formatter benchmark: do fingerprints ignore every formatter and see every change of nesting?

    .venv/bin/python tests/bench/bench_formatters.py [--workdir DIR] [--quick]
    make test-formatters

Corpus: every function of the running interpreter's standard library (site-packages and test
directories left out; files that Python or tree-sitter cannot parse left out). The oracle is
Python's own `ast` (tests/mutations.py: `ast.dump` without positions or docstrings).

Formatting runs (each over a copy of the corpus; black and ruff from the `bench` extra):
  black         line length 40, 60, 88, 120; magic trailing comma on and off
  ruff format   line length 40, 60, 88, 120; double and single quotes; magic trailing comma on, off
  tuple parens  optional tuple parentheses added, removed (tests/mutations.py `tuple_parens`)
For each: functions compared (present before and after), code_hash changed, ast changed, and the
exceptions: hash changed with the same ast (a false `stale`), ast changed with the same hash
(a missed change). The target is 0 exceptions.

Mutations that keep every token but change the ast (tests/mutations.py `MUTATIONS`), applied to
each function once per kind where they apply: the share whose code_hash changed (target 100%).

Prints a markdown table for the README; exits 0 whatever the results. `--quick`: 200 files.
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.mutations import MUTATIONS, functions, mutants, program, tuple_parens  # noqa: E402
from tether.core.index.extract import extract  # noqa: E402

WIDTHS = (40, 60, 88, 120)
_TEST_DIRS = {"test", "tests", "idle_test"}


def corpus(limit: int | None) -> dict[str, bytes]:
    """{relative path: bytes} of the standard library's .py files (no tests, no site-packages)."""
    root = Path(sysconfig.get_paths()["stdlib"])
    out = {}
    for p in sorted(root.rglob("*.py")):
        rel = p.relative_to(root)
        if "site-packages" in rel.parts or _TEST_DIRS & set(rel.parts[:-1]):
            continue
        data = p.read_bytes()
        try:
            functions(data.decode())
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        out[str(rel)] = data
    return dict(list(out.items())[:limit]) if limit else out


def hashes(path: str, data: bytes) -> dict[str, str] | None:
    """{dotted name: code_hash} of the file's functions, None when tree-sitter finds an error."""
    r = extract(path, data)
    if r.syntax_errors:
        return None
    return {s.id.split("::", 1)[1]: s.code_hash for s in r.symbols if s.kind in ("function", "method")}


def oracle(data: bytes) -> str | None:
    """The module's dump by the oracle, None when Python cannot parse it."""
    try:
        return program(data.decode())
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return None


class Baseline:
    def __init__(self, files: dict[str, bytes]):
        self.files, self.hashes, self.modules, self._functions = files, {}, {}, {}
        for path, data in files.items():
            h, a = hashes(path, data), oracle(data)
            if h is not None and a is not None:
                self.hashes[path], self.modules[path] = h, a

    def functions(self, path: str) -> dict[str, str]:
        if path not in self._functions:
            self._functions[path] = functions(self.files[path].decode())
        return self._functions[path]

    def compare(self, formatted: dict[str, bytes]) -> dict[str, object]:
        global _BASE
        _BASE = self
        items = [(p, d) for p, d in formatted.items() if p in self.hashes]
        changed = [(p, d) for p, d in items if d != self.files[p]]
        with multiprocessing.Pool(os.cpu_count()) as pool:
            results = pool.map(_compare_file, changed, chunksize=8)
        n = sum(len(self.hashes[p].keys() & self.functions(p).keys()) for p, d in items if d == self.files[p])
        hash_changed = ast_changed = false_stale = missed = 0
        examples = []
        for (path, _), r in zip(changed, results):
            if r is None:
                continue
            n += r[0]
            hash_changed += r[1]
            ast_changed += r[2]
            false_stale += len(r[3])
            missed += len(r[4])
            examples += [f"{path}::{x} (hash changed alone)" for x in r[3]]
            examples += [f"{path}::{x} (ast changed alone)" for x in r[4]]
        return dict(functions=n, hash_changed=hash_changed, ast_changed=ast_changed,
                    false_stale=false_stale, missed=missed, examples=examples[:10])


_BASE: Baseline | None = None  # set before the worker processes fork


def _compare_file(item: tuple[str, bytes]) -> tuple[int, int, int, list[str], list[str]] | None:
    """(functions, hash changed, ast changed, hash-alone names, ast-alone names) for one file."""
    path, data = item
    base = _BASE
    after_h, after = hashes(path, data), oracle(data)
    if after_h is None or after is None:
        return None
    before_h = base.hashes[path]
    if after == base.modules[path]:  # the same program: no function's ast changed
        names = before_h.keys() & after_h.keys() & base.functions(path).keys()
        changed = sorted(n for n in names if before_h[n] != after_h[n])
        return len(names), len(changed), 0, changed, []
    before_a, after_a = base.functions(path), functions(data.decode())
    names = before_a.keys() & after_a.keys() & before_h.keys() & after_h.keys()
    h = {n for n in names if before_h[n] != after_h[n]}
    a = {n for n in names if before_a[n] != after_a[n]}
    return len(names), len(h), len(a), sorted(h - a), sorted(a - h)


def run_formatter(files: dict[str, bytes], work: Path, command: list[str]) -> dict[str, bytes]:
    """Write the corpus under `work`, run `command` + [work] on it, read it back."""
    shutil.rmtree(work, ignore_errors=True)
    for path, data in files.items():
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_bytes(data)
    subprocess.run([*command, str(work)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return {path: (work / path).read_bytes() for path in files}


def settings(bin_dir: Path):
    black, ruff = str(bin_dir / "black"), str(bin_dir / "ruff")
    for w in WIDTHS:
        for magic in (True, False):
            yield ("black", f"{w} columns" + ("" if magic else ", no magic trailing comma"),
                   [black, "-q", "--fast", "-l", str(w), *([] if magic else ["-C"])])
    for w in WIDTHS:
        for quote in ("double", "single"):
            for magic in (True, False):
                yield ("ruff format", f"{w} columns, {quote} quotes" + ("" if magic else ", no magic trailing comma"),
                       [ruff, "format", "-q", "--no-cache", "--line-length", str(w),
                        "--config", f"format.quote-style='{quote}'",
                        "--config", f"format.skip-magic-trailing-comma={'false' if magic else 'true'}"])


def rewritten(files: dict[str, bytes], add: bool) -> dict[str, bytes]:
    out = {}
    for path, data in files.items():
        try:
            out[path] = tuple_parens(data.decode(), add).encode()
        except (SyntaxError, ValueError):
            continue
    return out


def mutation_rates(base: Baseline) -> dict[str, tuple[int, int]]:
    """{kind: (functions mutated, of which code_hash changed)}: each function on its own, dedented."""
    import ast

    rates = {kind: [0, 0] for kind in MUTATIONS}
    for path in base.hashes:
        source = base.files[path].decode()
        lines = source.splitlines(keepends=True)
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            text = textwrap.dedent("".join(lines[first - 1 : node.end_lineno]))
            try:
                ast.parse(text)
                before = _first_hash(text)
            except (SyntaxError, ValueError):  # a method whose lines do not dedent alike
                continue
            for kind in MUTATIONS:
                variant = next(mutants(text, kind), None)
                if variant is None:
                    continue
                try:
                    after = _first_hash(variant)
                except ValueError:
                    continue
                rates[kind][0] += 1
                rates[kind][1] += after != before
    return {k: (n, c) for k, (n, c) in rates.items()}


def _first_hash(source: str) -> str:
    r = extract("f.py", source.encode())
    if r.syntax_errors or not r.symbols:
        raise ValueError("no function")
    return r.symbols[0].code_hash


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workdir", type=Path, default=Path.home() / ".cache" / "tether-bench" / "formatters")
    ap.add_argument("--quick", action="store_true", help="the first 200 files only")
    ap.add_argument("--only", default="", help="run the formatter settings containing this text only")
    args = ap.parse_args()
    bin_dir = Path(sys.executable).parent
    for tool in ("black", "ruff"):
        if not (bin_dir / tool).exists():
            subprocess.run([sys.executable, "-m", "pip", "install", "-q", tool], check=True)
    started = time.time()
    files = corpus(200 if args.quick else None)
    base = Baseline(files)
    total = sum(len(base.hashes[p].keys() & base.functions(p).keys()) for p in base.hashes)
    print(f"corpus: {len(base.hashes)} files, {total} functions (standard library of Python "
          f"{platform.python_version()}, tests left out)", flush=True)
    rows = []
    work = args.workdir / "tree"
    for formatter, setting, command in settings(bin_dir):
        if args.only not in f"{formatter} {setting}":
            continue
        rows.append((formatter, setting, base.compare(run_formatter(files, work, command))))
        print(formatter, setting, rows[-1][2], flush=True)
    for add in (True, False) if args.only in "tuple parens" else ():
        setting = "optional tuple parentheses " + ("added" if add else "removed")
        rows.append(("tuple parens (own rewrite)", setting, base.compare(rewritten(files, add))))
        print(rows[-1][:2], rows[-1][2], flush=True)
    rates = mutation_rates(base)
    shutil.rmtree(work, ignore_errors=True)

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"\nMachine: {os.cpu_count()} CPUs, Python {platform.python_version()}, load average {load}, "
          f"{stamp}; {time.time() - started:.0f} s.")
    print("\n| formatter | setting | functions | code_hash changed | ast changed | hash changed, same ast | ast changed, same hash |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for formatter, setting, r in rows:
        print(f"| {formatter} | {setting} | {r['functions']} | {r['hash_changed']} | {r['ast_changed']} "
              f"| {r['false_stale']} | {r['missed']} |")
    print("\n| mutation (same tokens, another ast) | functions | code_hash changed |")
    print("|---|---:|---:|")
    for kind, (n, changed) in rates.items():
        print(f"| {kind} | {n} | {changed} ({100 * changed / max(n, 1):.1f}%) |")
    for formatter, setting, r in rows:
        for e in r["examples"]:
            print(f"exception: {formatter}, {setting}: {e}")


if __name__ == "__main__":
    main()
