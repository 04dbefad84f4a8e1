"""Indexing benchmark: how fast `tether index` is next to the limit of parsing alone.

    .venv/bin/python tests/bench/bench_index.py [--corpus stdlib|sympy|all] [--workdir DIR]

Corpora, each copied (its .py files only) into a fresh git repository with one commit under
the work directory (default ~/.cache/tether-bench/):
  stdlib  the running interpreter's standard library, site-packages excluded (~1,800 files)
  sympy   sympy's package from its wheel, downloaded once with pip into the work directory

On the same files, each timing the median of 3 runs:
  parse-only     one process reading and tree-sitter-parsing every file, timed in-process
                 (no interpreter start-up): the practical limit, and the baseline
  parse + query  the same plus running tether's tag query on each tree: the work in C that
                 extraction cannot skip, for reference
  cold index     `tether --repo R index --full --json` after deleting .tether/, whole process
  no change      `tether --repo R index --json` with nothing changed
  5 files edited the same, after inserting a statement into one function of 5 files
  ctags          `ctags -R --languages=Python -f /dev/null R`, for comparison
and the max RSS of each command (the largest of the process and its worker processes, from
wait4), in MB.

Targets: cold index <= 1.5x parse-only; no-change re-index <= 0.5 s; 5-file re-index <= 1 s;
peak memory <= 500 MB. Prints PASS/FAIL for each, and a markdown table for the README;
exits 0 whatever the results.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import zipfile
from pathlib import Path
from typing import NamedTuple

import pygit2
from tree_sitter import QueryCursor
from tree_sitter_language_pack import get_parser

from tether.core.index.languages import compiled, language_for

SYMPY_VERSION = "1.14.0"
REPEATS = 3
EDITED = 5
TETHER = Path(sys.executable).parent / "tether"
STEPS = ("parse-only", "parse + tag query", "tether cold index", "tether re-index, no change",
         f"tether re-index, {EDITED} files edited", "ctags")
COLD, NO_CHANGE, EDIT = STEPS[2:5]
TETHER_STEPS = (COLD, NO_CHANGE, EDIT)


# -- corpora -----------------------------------------------------------------------------


def stdlib_sources():
    root = Path(sysconfig.get_paths()["stdlib"])
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts[0] != "site-packages":
            yield rel.as_posix(), path.read_bytes()


def sympy_sources(workdir: Path, version: str = SYMPY_VERSION):
    cache = workdir / "downloads"
    wheel = cache / f"sympy-{version}-py3-none-any.whl"
    if not wheel.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", f"sympy=={version}", "--no-deps",
                        "--only-binary=:all:", "-q", "-d", str(cache)], check=True)
    with zipfile.ZipFile(wheel) as z:
        for name in sorted(z.namelist()):
            if name.startswith("sympy/") and name.endswith(".py"):
                yield name, z.read(name)


def make_repo(dest: Path, sources) -> list[Path]:
    """A fresh git repository at `dest` holding `sources` in one commit; its file paths."""
    shutil.rmtree(dest, ignore_errors=True)
    files = []
    for rel, data in sources:
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files.append(path)
    repo = pygit2.init_repository(str(dest))
    repo.index.add_all()
    repo.index.write()
    sig = pygit2.Signature("bench", "bench@example.invalid")
    repo.create_commit("HEAD", sig, sig, "corpus", repo.index.write_tree(), [])
    return files


# -- measurements ------------------------------------------------------------------------


def parse_only(files: list[Path]) -> float:
    parser = get_parser("python")
    start = time.perf_counter()
    for path in files:
        parser.parse(path.read_bytes())
    return time.perf_counter() - start


def parse_and_query(files: list[Path]) -> float:
    parser, query = compiled(language_for("x.py"))
    start = time.perf_counter()
    for path in files:
        QueryCursor(query).matches(parser.parse(path.read_bytes()).root_node)
    return time.perf_counter() - start


class Run(NamedTuple):
    seconds: float  # wall
    rss: float  # max RSS in MB of the process and its children
    out: str
    cpu: float  # user + system seconds


def run(cmd: list[str], ok: tuple[int, ...] = (0,)) -> Run:
    """Run `cmd` to its end, with the bytecode cache on as a user has it; an exit code not in
    `ok` stops the benchmark."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode not in ok:
            sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.read().decode(errors='replace')}")
        return Run(seconds, usage.ru_maxrss / 1024, out.read().decode(), usage.ru_utime + usage.ru_stime)


def tether_index(repo: Path, *flags: str) -> tuple[float, float, int]:
    """(wall seconds, max RSS MB, files parsed) of one `tether index` process."""
    seconds, rss, out, _ = run([str(TETHER), "--repo", str(repo), "index", "--json", *flags])
    return seconds, rss, json.loads(out)["parsed"]


def edited(data: bytes, value: int) -> bytes | None:
    """`data` with `_tether_bench = value` inserted before the first `return` starting a line
    of a function body; None when there is none."""
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return None
    lines = data.split(b"\n")
    for node in ast.walk(tree):
        if isinstance(node, ast.Return):
            indent = lines[node.lineno - 1][: node.col_offset]
            if indent and not indent.strip():
                lines.insert(node.lineno - 1, indent + b"_tether_bench = %d" % value)
                return b"\n".join(lines)
    return None


def pick_edits(files: list[Path]) -> dict[Path, bytes]:
    """`EDITED` files spread over the corpus that have a `return` to edit: {path: original}."""
    picked, step = {}, len(files) // EDITED
    for i in range(EDITED):
        for path in files[i * step :]:
            if path not in picked and edited(data := path.read_bytes(), 0):
                picked[path] = data
                break
    return picked


def bench(repo: Path, files: list[Path]) -> dict[str, tuple[float, float | None, int | None]]:
    """{step: (median seconds, max RSS MB, files parsed)} for one corpus repository."""
    samples: dict[str, list] = {step: [] for step in STEPS}
    ctags = ["ctags", "-R", "--languages=Python", "-f", "/dev/null", str(repo)]
    for _ in range(REPEATS):
        samples["parse-only"].append((parse_only(files), None, len(files)))
        samples["parse + tag query"].append((parse_and_query(files), None, len(files)))
        shutil.rmtree(repo / ".tether", ignore_errors=True)
        samples[COLD].append(tether_index(repo, "--full"))
    for _ in range(REPEATS):
        samples[NO_CHANGE].append(tether_index(repo))
    originals = pick_edits(files)
    for i in range(REPEATS):
        for path, data in originals.items():
            path.write_bytes(edited(data, i))
        samples[EDIT].append(tether_index(repo))
    for path, data in originals.items():
        path.write_bytes(data)
    tether_index(repo)
    for _ in range(REPEATS):
        samples["ctags"].append(run(ctags)[:2] + (None,))
    return {step: (statistics.median(s[0] for s in runs), _max(s[1] for s in runs), runs[-1][2])
            for step, runs in samples.items()}


def _max(values) -> float | None:
    values = [v for v in values if v is not None]
    return max(values) if values else None


def peak_rss(r) -> float:
    return max(r[step][1] for step in TETHER_STEPS)


# -- report ------------------------------------------------------------------------------


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((l.split(":", 1)[1].strip() for l in cpuinfo.splitlines() if l.startswith("model name")), "?")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{len(os.sched_getaffinity(0))} CPUs ({model}), Python {platform.python_version()}, "
            f"load average {load}, {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")


def targets(r) -> list[tuple[str, bool]]:
    base = r["parse-only"][0]
    peak = peak_rss(r)
    return [
        (f"cold index <= 1.5x parse-only ({r[COLD][0] / base:.2f}x)", r[COLD][0] <= 1.5 * base),
        (f"no-change re-index <= 0.5 s ({r[NO_CHANGE][0]:.2f} s)", r[NO_CHANGE][0] <= 0.5),
        (f"{EDITED}-file re-index <= 1 s ({r[EDIT][0]:.2f} s)", r[EDIT][0] <= 1.0),
        (f"peak memory <= 500 MB ({peak:.0f} MB)", peak <= 500),
    ]


def print_corpus(name: str, files: list[Path], r) -> None:
    size = sum(f.stat().st_size for f in files) / 1e6
    print(f"\n== {name}: {len(files)} files, {size:.1f} MB ==")
    print(f"{'step':<34}{'median s':>10}{'x parse':>9}{'parsed':>8}{'max RSS MB':>12}")
    for step, (seconds, rss, parsed) in r.items():
        print(f"{step:<34}{seconds:>10.3f}{seconds / r['parse-only'][0]:>9.2f}"
              f"{'' if parsed is None else parsed:>8}{'' if rss is None else f'{rss:.0f}':>12}")
    for label, ok in targets(r):
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")


def print_markdown(results: dict[str, tuple[int, dict]]) -> None:
    names = list(results)
    print("\n| | " + " | ".join(f"{n} ({results[n][0]} files)" for n in names) + " |")
    print("|---|" + "---:|" * len(names))
    for step in STEPS:
        cells = []
        for n in names:
            seconds = results[n][1][step][0]
            ratio = seconds / results[n][1]["parse-only"][0]
            cells.append(f"{seconds:.2f} s" + ("" if step == "parse-only" else f" ({ratio:.1f}×)"))
        print(f"| {step} | " + " | ".join(cells) + " |")
    peaks = [f"{peak_rss(results[n][1]):.0f} MB" for n in names]
    print("| tether peak memory (max RSS) | " + " | ".join(peaks) + " |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", choices=("stdlib", "sympy", "all"), default="all")
    ap.add_argument("--workdir", type=Path, default=Path.home() / ".cache" / "tether-bench")
    args = ap.parse_args()
    workdir = args.workdir.expanduser().resolve()
    corpora = {"stdlib": stdlib_sources, "sympy": lambda: sympy_sources(workdir)}
    names = list(corpora) if args.corpus == "all" else [args.corpus]

    print(f"tether indexing benchmark: {machine()}")
    results = {}
    for name in names:
        files = make_repo(workdir / name, corpora[name]())
        results[name] = (len(files), bench(workdir / name, files))
        print_corpus(name, files, results[name][1])
    print(f"\nMachine: {machine()}; sympy {SYMPY_VERSION}; median of {REPEATS} runs.")
    print_markdown(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
