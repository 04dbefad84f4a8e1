"""Formatter benchmark for the other languages: do fingerprints ignore each formatter, and see
every change of nesting?

    .venv/bin/python tests/bench/bench_formatters_langs.py [--langs js,ts,tsx,go,rust,c,cpp] [--quick]
        [--only TEXT] [--no-mutations] [--show N]
    make test-formatters-langs [LANGS=go,rust]

Corpora (fetched once into ~/.cache/tether-bench/langs by the registries' own clients):
  js    axios and express (`npm pack`): their lib/ sources; lodash: its modules (not lodash.min.js)
  ts    @tanstack/query-core (`npm pack`): its src/
  tsx   @tanstack/react-query and @tanstack/react-router (`npm pack`): their src/ (.ts and .tsx)
  go    cobra, pflag, testify and gorilla/mux (Debian's golang-github-*-dev ship the sources)
  rust  regex-syntax and serde_json (Debian's librust-*-dev ship the crates)
  c     stb (Debian's libstb-dev: single-file C libraries, implementation included), and
        Linux 6.12's lib/*.c (linux-source-6.12, as tests/bench/bench_kernel.py fetches it)
  cpp   {fmt} (Debian's libfmt-dev: its headers hold the implementation)

Formatting runs, each over a copy of the corpus:
  prettier      print width 40, 80, 120; at 80 each option flipped alone (semi, singleQuote,
                trailingComma, arrowParens, bracketSpacing); all flipped together at 40
  gofmt         as shipped, and after the corpus lost every line's indentation (own rewrite)
  rustfmt       max_width 60 and 100
  clang-format  LLVM, Google and GNU styles
For each: symbols compared (same id before and after, no parse error either side), symbols whose
code_hash changed, with each one's text before and after, to be argued against the formatter's own
promise to keep the program (the README names every one), and symbols left out because tree-sitter
read the formatted file otherwise (a parse error, overloads renumbered).

Mutations that keep every token but change the nesting, one per symbol and kind where it applies:
an argument moved out of a nested call into the outer one (`f(g(a), b)` -> `f(g(a, b))`),
a block's last statement moved out of the block, an operator regrouped (`a * (b + c)` ->
`(a * b) + c`). Counted: mutants that parse, and of them those whose symbol's code_hash changed
(target 100%).

Prints a markdown table for the README; exits 0 whatever the results.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tether.core.index.extract import extract
from tether.core.index.languages import compiled, language_for

CACHE = Path.home() / ".cache" / "tether-bench" / "langs"
PRETTIER = "3.4.2"
NPM = {"js": [("axios@1.7.9", "lib/"), ("express@4.21.2", "lib/"), ("lodash@4.17.21", "")],
       "ts": [("@tanstack/query-core@5.62.0", "src/")],
       "tsx": [("@tanstack/react-query@5.62.0", "src/"), ("@tanstack/react-router@1.87.0", "src/")]}
DEBIAN = {"go": [("golang-github-spf13-cobra-dev", "usr/share/gocode/src/"),
                 ("golang-github-gorilla-mux-dev", "usr/share/gocode/src/"),
                 ("golang-github-spf13-pflag-dev", "usr/share/gocode/src/"),
                 ("golang-github-stretchr-testify-dev", "usr/share/gocode/src/")],
          "rust": [("librust-regex-syntax-dev", "usr/share/cargo/registry/"),
                   ("librust-serde-json-dev", "usr/share/cargo/registry/")],
          "c": [("libstb-dev", "usr/include/")],
          "cpp": [("libfmt-dev", "usr/include/")]}
EXTENSIONS = {"js": (".js",), "ts": (".ts",), "tsx": (".ts", ".tsx"), "go": (".go",), "rust": (".rs",),
              "c": (".c", ".h"), "cpp": (".h", ".cc")}


def _npm_corpus(lang: str) -> tuple[dict[str, bytes], list[str]]:
    files, names = {}, []
    for spec, under in NPM[lang]:
        name, version = spec.rsplit("@", 1)
        tgz = CACHE / "npm" / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
        if not tgz.exists():
            tgz.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["npm", "pack", "-q", spec], cwd=tgz.parent, check=True, stdout=subprocess.DEVNULL)
        with tarfile.open(tgz) as tar:
            for m in tar.getmembers():
                rel = m.name.removeprefix("package/")
                if m.isfile() and rel.startswith(under) and rel.endswith(EXTENSIONS[lang]) \
                        and not rel.endswith((".d.ts", ".min.js")):
                    files[f"{name.lstrip('@')}/{rel}"] = tar.extractfile(m).read()
        names.append(spec)
    return files, names


def _debian_corpus(lang: str) -> tuple[dict[str, bytes], list[str]]:
    files, names = {}, []
    for package, under in DEBIAN[lang]:
        root = CACHE / "deb" / package
        if not root.exists():
            (CACHE / "deb").mkdir(parents=True, exist_ok=True)
            subprocess.run(["apt-get", "download", "-q", package], cwd=CACHE / "deb", check=True,
                           stdout=subprocess.DEVNULL)
            deb = next((CACHE / "deb").glob(f"{package}_*.deb"))
            subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
        deb = next((CACHE / "deb").glob(f"{package}_*.deb"))
        names.append(f"{package} {deb.name.split('_')[1]}")
        for p in sorted((root / under).rglob("*")):
            rel = str(p.relative_to(root / under))
            if p.is_file() and not p.is_symlink() and p.suffix in EXTENSIONS[lang] and "/testdata/" not in rel:
                files[f"{package}/{rel}"] = p.read_bytes()
    return files, names


def _kernel_lib() -> tuple[dict[str, bytes], list[str]]:
    """lib/*.c of Linux 6.12 (tests/bench/bench_kernel.py fetches Debian's linux-source-6.12)."""
    from tests.bench.bench_kernel import PACKAGE, prepare

    root = prepare(CACHE.parent)
    deb = sorted(CACHE.parent.glob(f"{PACKAGE}_*.deb"))
    version = deb[-1].name.split("_")[1] if deb else "6.12"
    return {f"linux/lib/{p.name}": p.read_bytes() for p in sorted((root / "lib").glob("*.c"))}, \
        [f"{PACKAGE} {version} (lib/*.c)"]


def corpus(lang: str) -> tuple[dict[str, bytes], list[str]]:
    """{path: bytes} of the corpus's files, and the corpus's names."""
    files, names = (_npm_corpus if lang in NPM else _debian_corpus)(lang)
    if lang == "c":
        more, more_names = _kernel_lib()
        files, names = files | more, names + more_names
    return files, names


def _errors(path: str, data: bytes) -> list[tuple[int, int]]:
    """The byte ranges tree-sitter could not parse (C macros, mostly)."""
    stack, out = [compiled(language_for(path, data))[0].parse(data).root_node], []
    while stack:
        n = stack.pop()
        if n.is_error or n.is_missing:
            out.append((n.start_byte, n.end_byte))
        else:
            stack.extend(c for c in n.children if c.has_error or c.is_missing)
    return out


def symbol_hashes(path: str, data: bytes) -> dict[str, tuple[str, bytes]]:
    """{symbol id: (code_hash, its text)} of the symbols without a parse error inside."""
    errors = _errors(path, data)
    return {s.id: (s.code_hash, data[s.start_byte : s.end_byte]) for s in extract(path, data).symbols
            if not any(a < s.end_byte and s.start_byte < b for a, b in errors)}


# --- formatters -----------------------------------------------------------------------------

def _prettier() -> str:
    bin_ = CACHE / "prettier" / "node_modules" / ".bin" / "prettier"
    if not bin_.exists():
        subprocess.run(["npm", "install", "-q", "--prefix", str(CACHE / "prettier"), f"prettier@{PRETTIER}"],
                       check=True, stdout=subprocess.DEVNULL)
    return str(bin_)


def _prettier_runs():
    base = {"w": 80, "semi": True, "single": False, "comma": "all", "arrows": "always", "spacing": True}
    flips = [("no semicolons", {"semi": False}), ("single quotes", {"single": True}),
             ("trailing commas none", {"comma": "none"}), ("arrow parens avoid", {"arrows": "avoid"}),
             ("no bracket spacing", {"spacing": False})]
    runs = [(f"width {w}", base | {"w": w}) for w in (40, 80, 120)]
    runs += [(f"width 80, {name}", base | flip) for name, flip in flips]
    everything = base | {k: v for _, f in flips for k, v in f.items()}
    runs.append(("width 40, all five flipped", everything | {"w": 40}))
    for name, o in runs:
        yield "prettier", name, [
            _prettier(), "--write", "--log-level", "silent", "--no-config", "--no-editorconfig",
            "--print-width", str(o["w"]), *(["--no-semi"] if not o["semi"] else []),
            *(["--single-quote"] if o["single"] else []), "--trailing-comma", o["comma"],
            "--arrow-parens", o["arrows"], *(["--no-bracket-spacing"] if not o["spacing"] else [])], None


def _dedent(files: dict[str, bytes]) -> dict[str, bytes]:
    """Every line's indentation removed, except lines that start inside a multi-line raw string
    (whose text it is): Go's own rewrite before gofmt puts the indentation back."""
    out = {}
    for path, data in files.items():
        inside = []
        tree = compiled(language_for(path, data))[0].parse(data)
        stack = [tree.root_node]
        while stack:
            n = stack.pop()
            if n.type == "raw_string_literal" and n.start_point[0] != n.end_point[0]:
                inside.append((n.start_point[0] + 1, n.end_point[0]))
            elif n.child_count and n.end_point[0] != n.start_point[0]:
                stack.extend(n.children)
        keep = {i for a, b in inside for i in range(a, b + 1)}
        lines = data.split(b"\n")
        out[path] = b"\n".join(line if i in keep else line.lstrip(b" \t") for i, line in enumerate(lines))
    return out


def runs(lang: str):
    """(formatter, setting, command run over the files, rewrite applied first or None)."""
    if lang in NPM:
        yield from _prettier_runs()
    elif lang == "go":
        yield "gofmt", "as shipped", ["gofmt", "-w"], None
        yield "gofmt", "after every line's indentation was removed", ["gofmt", "-w"], _dedent
    elif lang == "rust":
        for w in (60, 100):
            yield "rustfmt", f"max_width {w}", ["rustfmt", "--edition", "2021", "--config", f"max_width={w}"], None
    else:
        for style in ("LLVM", "Google", "GNU"):
            yield "clang-format", f"{style} style", ["clang-format", "-i", f"--style={style}"], None


def run_formatter(files: dict[str, bytes], work: Path, command: list[str], rewrite) -> dict[str, bytes]:
    """Write the corpus under `work` (rewritten first), run `command` on its files, read it back."""
    shutil.rmtree(work, ignore_errors=True)
    data = rewrite(files) if rewrite else files
    paths = []
    for path, content in data.items():
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_bytes(content)
        paths.append(str(work / path))
    targets = [str(work)] if command[0].endswith("prettier") else paths
    for i in range(0, len(targets), 50):
        subprocess.run([*command, *targets[i : i + 50]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
    return {path: (work / path).read_bytes() for path in files}


def _left_out(before: dict, after: dict) -> set[str]:
    """Ids not compared because tree-sitter read the formatted file otherwise: a symbol with a parse
    error after formatting (C macros), or overloads (`f#2`) renumbered because one of the name
    was found more or less."""
    def counts(ids):
        out: dict[str, int] = {}
        for sid in ids:
            out[sid.split("#")[0]] = out.get(sid.split("#")[0], 0) + 1
        return out

    b, a = counts(before), counts(after)
    return (before.keys() - after.keys()) | {sid for sid in before.keys() & after.keys()
                                             if b[sid.split("#")[0]] != a[sid.split("#")[0]]}


def compare(base: dict[str, dict], files: dict[str, bytes], formatted: dict[str, bytes]):
    """(symbols compared, [(path, id, text before, text after)] of those whose code_hash changed,
    ids left out (`_left_out`))."""
    n, changed, left_out = 0, [], []
    for path, data in formatted.items():
        before = base[path]
        after = before if data == files[path] else symbol_hashes(path, data)
        moved = _left_out(before, after)
        left_out += sorted(moved)
        for sid in before.keys() & after.keys() - moved:
            n += 1
            if before[sid][0] != after[sid][0]:
                changed.append((path, sid, before[sid][1], after[sid][1]))
    return n, changed, left_out


# --- mutations ------------------------------------------------------------------------------

_CALLS = ("call_expression", "call")
_BLOCKS = ("statement_block", "block", "compound_statement")
_BINARY = ("binary_expression",)


def _sites(root, kind: str):
    """(node, edits) for each place `kind` applies: edits are (start, end, new bytes)."""
    stack = [root]
    while stack:
        n = stack.pop()
        stack.extend(n.children)
        edits = _mutation(n, kind)
        if edits:
            yield n, edits


def _named(node):
    return [c for c in node.named_children if "comment" not in c.type]


def _mutation(n, kind: str):
    if kind == "argument moved into the nested call" and n.type in _CALLS:
        args = n.child_by_field_name("arguments")
        kids = _named(args) if args is not None else []
        if len(kids) >= 2 and kids[0].type in _CALLS:
            inner = kids[0].child_by_field_name("arguments")
            if inner is not None and inner.type in ("arguments", "argument_list") and args.type == inner.type:
                # f(g(a), b) -> f(g(a, b)): g's `)` moves to before f's.
                return [(inner.end_byte - 1, inner.end_byte, b""), (args.end_byte - 1, args.end_byte - 1, b")")]
    if kind == "statement moved out of its block" and n.type in _BLOCKS and n.parent is not None \
            and n.parent.type in ("for_statement", "while_statement", "for_in_statement", "for_expression",
                                  "while_expression", "if_statement", "if_expression", "for_range_loop"):
        kids = _named(n)
        close = n.children[-1] if n.children else None
        if kids and close is not None and close.type == "}" and n.parent.children[-1] == n:
            if len(kids) == 1 and kids[0].type == "statement_list":  # Go
                kids = _named(kids[0])
            if len(kids) < 2:
                return None
            last = kids[-1]
            # { a; b; } -> { a; } b;
            return [(last.start_byte, last.start_byte, b"}\n"), (close.start_byte, close.end_byte, b"")]
    if kind == "operator regrouped" and n.type in _BINARY:
        right = n.child_by_field_name("right")
        if right is not None and right.type == "parenthesized_expression":
            inner = _named(right)
            if len(inner) == 1 and inner[0].type in _BINARY:
                left_of_inner = inner[0].child_by_field_name("left")
                # a * (b + c) -> (a * b) + c
                return [(n.start_byte, n.start_byte, b"("), (right.start_byte, right.start_byte + 1, b""),
                        (left_of_inner.end_byte, left_of_inner.end_byte, b")"),
                        (right.end_byte - 1, right.end_byte, b"")]
    return None


MUTATIONS = ("argument moved into the nested call", "statement moved out of its block", "operator regrouped")


def _apply(data: bytes, edits) -> bytes:
    for s, e, new in sorted(edits, reverse=True):
        data = data[:s] + new + data[e:]
    return data


def mutation_rates(files: dict[str, bytes], base: dict[str, dict]) -> dict[str, list[int]]:
    """{kind: [mutants that parse, of which the symbol's code_hash changed]}: one site per symbol
    (its innermost symbol) and kind; each mutant is the file with one edit."""
    rates = {k: [0, 0] for k in MUTATIONS}
    for path, data in files.items():
        spans = sorted((s.start_byte, -s.end_byte, s.id) for s in extract(path, data).symbols)
        tree = compiled(language_for(path, data))[0].parse(data)
        for kind in MUTATIONS:
            seen = set()
            for node, edits in _sites(tree.root_node, kind):
                owner = None
                for s, neg_e, sid in spans:  # innermost symbol holding the site
                    if s <= node.start_byte and node.end_byte <= -neg_e:
                        owner = sid
                if owner is None or owner in seen:
                    continue
                seen.add(owner)
                after = symbol_hashes(path, _apply(data, edits))
                if owner not in after or owner not in base[path]:
                    continue
                rates[kind][0] += 1
                rates[kind][1] += after[owner][0] != base[path][owner][0]
                if after[owner][0] == base[path][owner][0]:
                    print(f"  missed: {kind}: {path}::{owner}", flush=True)
    return rates


# --- main -----------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--langs", default="js,ts,tsx,go,rust,c,cpp")
    ap.add_argument("--quick", action="store_true", help="the first 20 files of each corpus only")
    ap.add_argument("--show", type=int, default=5, help="hash changes shown in full per run")
    ap.add_argument("--only", default="", help="the runs whose formatter and setting contain this text only")
    ap.add_argument("--no-mutations", action="store_true")
    args = ap.parse_args()
    needed = {"go": ("gofmt", "golang-go"), "rust": ("rustfmt", "rustfmt"), "c": ("clang-format", "clang-format"),
              "cpp": ("clang-format", "clang-format")}
    for lang in args.langs.split(","):
        tool, package = needed.get(lang, ("npm", "npm"))
        if not shutil.which(tool):
            sys.exit(f"{lang} needs {tool}, which is not on PATH: install it first (Debian: apt-get install {package})")
    started = time.time()
    rows, mutations, corpora = [], [], []
    for lang in args.langs.split(","):
        files, names = corpus(lang)
        if args.quick:
            files = dict(list(files.items())[:20])
        base = {p: symbol_hashes(p, d) for p, d in files.items()}
        total = sum(len(b) for b in base.values())
        corpora.append(f"{lang}: {', '.join(names)} ({len(files)} files, {total} symbols)")
        print(corpora[-1], flush=True)
        work = CACHE / "work" / lang
        for formatter, setting, command, rewrite in runs(lang):
            if args.only not in f"{formatter} {setting}":
                continue
            n, changed, left_out = compare(base, files, run_formatter(files, work, command, rewrite))
            rows.append((lang, formatter, setting, n, len(changed), len(left_out)))
            print(f"{lang} | {formatter} | {setting}: {n} symbols, {len(changed)} code_hash changed, "
                  f"{len(left_out)} left out (tree-sitter read them otherwise) {left_out[:10]}", flush=True)
            for path, sid, old, new in changed[: args.show]:
                print(f"  changed: {sid}\n--- before\n{old.decode(errors='replace')}\n--- after\n"
                      f"{new.decode(errors='replace')}\n---", flush=True)
            for path, sid, old, new in changed[args.show :]:
                print(f"  changed: {sid}", flush=True)
        shutil.rmtree(work, ignore_errors=True)
        if not args.no_mutations:
            mutations.append((lang, mutation_rates(files, base)))
            print(lang, mutations[-1][1], flush=True)

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"\nMachine: {os.cpu_count()} CPUs, load average {load}, {stamp}; {time.time() - started:.0f} s.")
    print("Corpora: " + "; ".join(corpora))
    print("\n| language | formatter | setting | symbols compared | code_hash changed | left out |")
    print("|---|---|---|---:|---:|---:|")
    for lang, formatter, setting, n, changed, left_out in rows:
        print(f"| {lang} | {formatter} | {setting} | {n} | {changed} | {left_out} |")
    print("\n| language | mutation (same tokens, other nesting) | mutants | code_hash changed |")
    print("|---|---|---:|---:|")
    for lang, rates in mutations:
        for kind, (n, c) in rates.items():
            print(f"| {lang} | {kind} | {n} | {c} ({100 * c / max(n, 1):.1f}%) |")


if __name__ == "__main__":
    main()
