"""Capsule benchmark: how fast `tether capsule --symbol X` is on a large repository, and how
many tokens a capsule saves against writing every note into CLAUDE.md.

    .venv/bin/python tests/bench/bench_capsule.py [--workdir DIR] [--repeats N] [--rebuild]

The corpus is sympy's package (the wheel bench_index.py downloads, reused from the same work
directory, default ~/.cache/tether-bench/) copied into a git repository `sympy-capsule`, indexed
once, with 2,000 notes linked to random symbols (1-3 links each, random types and texts; a
fixed seed, so every run has the same notes). Built once and reused; --rebuild starts over.

For 10 focus symbols (picked with a fixed seed among symbols that carry a note and have a
neighbour in the graph), each measured as the median of N runs after one warm-up:
  time        `tether --repo R capsule --symbol X --format json`, the whole process (wall clock,
              and user+sys CPU from wait4), with Python's bytecode cache on as in an installed
              tether (PYTHONDONTWRITEBYTECODE is removed from the environment)
  tokens      the capsule's tokens (default budget 2,000), against the tokens of all 2,000
              notes rendered the same way with no budget — what a CLAUDE.md holding every note
              costs each session; the saving is 1 - capsule / all
  direct      how many of the notes linked to the focus symbol itself are in the capsule
and, for reference, the floor every capsule pays before any work: a process that starts Python,
imports what `tether capsule` imports and opens the database.

Target: a capsule for one symbol <= 0.3 s as a whole process. Prints PASS/FAIL, a table and a
markdown table for the README; exits 0 whatever the results.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_index import SYMPY_VERSION, TETHER, machine, make_repo, run, sympy_sources  # noqa: E402

NOTES = 2000
FOCUS = 10
SEED = 20261125
TARGET = 0.3
WORDS = ("cache", "simplify", "never", "always", "careful", "slow", "expression", "matrix", "assumption",
         "rational", "symbol", "returns", "raises", "when", "the", "a", "of", "to", "is", "not", "copy",
         "mutable", "hash", "order", "printing", "deprecated", "keep", "fast", "path", "recursion", "limit")
TYPES = ("insight", "decision", "gotcha", "convention", "todo", "bug")


def note_text(rng: random.Random, i: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 60))]
    return f"Note {i}: " + " ".join(words).capitalize() + "."


def random_notes(ids: list[str]) -> list[tuple[str, list[str], str, str]]:
    """NOTES notes (text, linked symbol ids, type, origin) on random symbols of `ids`, fixed seed."""
    ids = sorted(ids)
    rng = random.Random(SEED)
    return [(note_text(rng, i), rng.sample(ids, rng.choice((1, 1, 1, 1, 2, 2, 3))), rng.choice(TYPES), f"bench:{i}")
            for i in range(NOTES)]


def options(doc: str, repeats: int) -> argparse.Namespace:
    """The options every sympy benchmark with notes takes: --workdir, --repeats, --rebuild."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--workdir", type=Path, default=Path.home() / ".cache" / "tether-bench")
    ap.add_argument("--repeats", type=int, default=repeats)
    ap.add_argument("--rebuild", action="store_true", help="rebuild the corpus and its notes")
    args = ap.parse_args()
    args.workdir = args.workdir.expanduser().resolve()
    return args


def build(workdir: Path, rebuild: bool):
    """The corpus repository, indexed, with its notes: a Project."""
    from tether.core.project import Project

    repo = workdir / "sympy-capsule"
    project = Project(repo) if (repo / ".tether" / "tether.duckdb").exists() and not rebuild else None
    if project is not None and sum(1 for n in project.all_notes() if (n.origin or "").startswith("bench:")) == NOTES:
        return project
    print(f"building {repo} (sympy {SYMPY_VERSION}, {NOTES} notes) …", flush=True)
    make_repo(repo, sympy_sources(workdir))
    run([str(TETHER), "--repo", str(repo), "index"])
    project = Project(repo)
    with project.store.read() as con:
        ids = [s.id for s in project.store.find_symbols(con)]
    drafts = random_notes(ids)
    start = time.perf_counter()
    try:
        from tether.core.notes import Draft

        project.add_notes([Draft(text, links, [], kind, origin=origin) for text, links, kind, origin in drafts])
    except ImportError:  # an older tether: one note at a time
        for text, links, kind, origin in drafts:
            project.add_note(text, links, type=kind, origin=origin)
    print(f"  {NOTES} notes added in {time.perf_counter() - start:.1f} s", flush=True)
    return project


def focus_symbols(project) -> list[str]:
    """FOCUS symbols that carry a note and have at least one resolved neighbour."""
    linked = sorted({l.target for n in project.all_notes() for l in n.links})
    rng = random.Random(SEED + 1)
    rng.shuffle(linked)
    picked = []
    with project.store.read() as con:
        for sid in linked:
            if project.store.neighbours(con, sid, True) or project.store.neighbours(con, sid, False):
                picked.append(sid)
            if len(picked) == FOCUS:
                break
    return picked


def main() -> int:
    args = options(__doc__, 5)
    workdir = args.workdir
    print(f"tether capsule benchmark: {machine()}")
    project = build(workdir, args.rebuild)
    repo = str(project.root)
    notes = project.all_notes()
    all_md = project.capsule(budget=10**9, for_file=True).markdown
    from tether.core.capsule import estimate_tokens

    all_tokens = estimate_tokens(all_md)
    bullets = estimate_tokens("".join(f"- {n.text}\n" for n in notes))  # the texts alone, no headings or ids
    with project.store.read() as con:
        files, n_symbols, n_edges = project.store.totals(con)
    print(f"corpus: {files} files, {n_symbols} symbols, {n_edges} edges; {len(notes)} notes; "
          f"all notes as CLAUDE.md: {all_tokens:,} tokens ({len(all_md):,} characters; their texts alone as "
          f"bullets: {bullets:,} tokens)")

    floor_cmd = [sys.executable, "-c", "import sys; from tether.core.cli import main; from tether.core.project import "
                 "Project; import tether.core.capsule, tether.core.staleness; p = Project(sys.argv[1]); "
                 "r = p.store.read(); r.__enter__(); r.__exit__(None, None, None)", repo]
    run(floor_cmd)
    floor = [run(floor_cmd) for _ in range(args.repeats)]
    floor_wall = statistics.median(s[0] for s in floor)
    floor_cpu = statistics.median(s.cpu for s in floor)

    rows = []
    for sid in focus_symbols(project):
        cmd = [str(TETHER), "--repo", repo, "capsule", "--symbol", sid, "--format", "json"]
        run(cmd)  # warm-up: bytecode cache, file cache
        samples = [run(cmd) for _ in range(args.repeats)]
        data = json.loads(samples[-1].out)
        direct = [n.id for n in notes if any(l.target == sid for l in n.links)]
        inside = {n["id"] for n in data["notes"]}
        rows.append({"symbol": sid, "wall": statistics.median(s[0] for s in samples),
                     "cpu": statistics.median(s.cpu for s in samples), "tokens": data["tokens"],
                     "notes": len(data["notes"]), "omitted": len(data["omitted"]),
                     "direct": f"{sum(1 for d in direct if d in inside)}/{len(direct)}"})

    width = max(len(r["symbol"]) for r in rows)
    print(f"\n{'focus symbol':<{width}}  {'wall s':>7} {'cpu s':>6} {'tokens':>7} {'saving':>7} {'notes':>6} "
          f"{'left out':>8} {'direct':>7}")
    for r in rows:
        print(f"{r['symbol']:<{width}}  {r['wall']:>7.3f} {r['cpu']:>6.3f} {r['tokens']:>7} "
              f"{1 - r['tokens'] / all_tokens:>7.1%} {r['notes']:>6} {r['omitted']:>8} {r['direct']:>7}")
    wall = statistics.median(r["wall"] for r in rows)
    cpu = statistics.median(r["cpu"] for r in rows)
    worst = max(r["wall"] for r in rows)
    tokens = statistics.median(r["tokens"] for r in rows)
    print(f"\nmedian over {len(rows)} symbols: {wall:.3f} s wall ({cpu:.3f} s CPU), slowest {worst:.3f} s; "
          f"{tokens:.0f} tokens against {all_tokens:,} ({1 - tokens / all_tokens:.1%} saved; "
          f"{1 - tokens / bullets:.1%} against the bare texts)")
    print(f"floor (Python, imports, opening the database): {floor_wall:.3f} s wall ({floor_cpu:.3f} s CPU); "
          f"the capsule's own work: {wall - floor_wall:.3f} s wall ({cpu - floor_cpu:.3f} s CPU)")
    print(f"  {'PASS' if wall <= TARGET else 'FAIL'}  capsule for one symbol <= {TARGET} s as a whole process "
          f"(median {wall:.3f} s)")

    print(f"\nMachine: {machine()}; sympy {SYMPY_VERSION}, {n_symbols:,} symbols, {n_edges:,} edges, "
          f"{len(notes):,} notes; median of {args.repeats} runs per symbol.\n")
    print("| focus symbol | whole process | CPU | capsule tokens | all notes in CLAUDE.md | saving | notes in / left out |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| `{r['symbol']}` | {r['wall']:.3f} s | {r['cpu']:.3f} s | {r['tokens']:,} | {all_tokens:,} | "
              f"{1 - r['tokens'] / all_tokens:.1%} | {r['notes']} / {r['omitted']} |")
    print(f"| **median** | **{wall:.3f} s** | {cpu:.3f} s | {tokens:,.0f} | {all_tokens:,} | "
          f"{1 - tokens / all_tokens:.1%} | |")
    print(f"| floor: Python, imports, opening the database | {floor_wall:.3f} s | {floor_cpu:.3f} s | | | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
