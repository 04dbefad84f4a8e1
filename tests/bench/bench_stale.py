"""Staleness benchmark: `tether stale` after a real upgrade, with 2,000 notes.

    .venv/bin/python tests/bench/bench_stale.py [--workdir DIR] [--notes N]

A git repository holds sympy 1.13.3 as its first commit; tether indexes it and 2,000 notes are
linked to symbols picked at random (fixed seed). The working tree then becomes sympy 1.14.0
(files changed, added and deleted) and is committed, as a pull would leave it. Timed as whole
processes:
  stale, first run   `tether stale --json`: the incremental re-index of what the upgrade
                     changed, auto-relink, then every link's status
  stale, indexed     the same again, nothing left to re-index (median of 3)
and how many links landed in each status. Target: `tether stale` <= 1.5 s. For reference,
parsing alone the files the upgrade changed, in one process (the first run must re-parse them).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
from collections import Counter
from pathlib import Path

import pygit2

sys.path.insert(0, str(Path(__file__).parent))
from bench_index import TETHER, machine, make_repo, parse_only, run, sympy_sources  # noqa: E402

from tether.core.notes import Draft  # noqa: E402
from tether.core.project import Project  # noqa: E402
from tether.core.sharing import export_notes  # noqa: E402

OLD, NEW = "1.13.3", "1.14.0"
NOTE_TYPES = ("insight", "gotcha", "decision", "convention", "todo", "bug")


def upgrade(repo_dir: Path, workdir: Path) -> list[Path]:
    """Make the working tree the NEW release and commit it; the files it wrote."""
    new = dict(sympy_sources(workdir, NEW))
    for path in list(repo_dir.rglob("*.py")):
        rel = path.relative_to(repo_dir).as_posix()
        if rel not in new:
            path.unlink()
    written = []
    for rel, data in new.items():
        p = repo_dir / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if not p.exists() or p.read_bytes() != data:
            p.write_bytes(data)
            written.append(p)
    repo = pygit2.Repository(str(repo_dir))
    index = repo.index
    index.add_all()
    index.write()
    sig = pygit2.Signature("bench", "bench@example.invalid")
    repo.create_commit("HEAD", sig, sig, f"sympy {NEW}", index.write_tree(), [repo.head.target])
    return written


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, default=Path.home() / ".cache" / "tether-bench")
    ap.add_argument("--notes", type=int, default=2000)
    args = ap.parse_args()
    repo_dir = args.workdir / "sympy-stale"
    make_repo(repo_dir, sympy_sources(args.workdir, OLD))
    project = Project(repo_dir)
    project.index()
    rng = random.Random(7)
    symbols = sorted(s.id for s in project.symbols(limit=None))
    picked = rng.sample(symbols, args.notes)
    project.add_notes([Draft(f"Observation {i} about {sid.split('::')[1]}", [sid], type=rng.choice(NOTE_TYPES))
                       for i, sid in enumerate(picked)])
    export_notes(project)  # as `tether note add` does (notes.auto_export)
    changed = upgrade(repo_dir, args.workdir)
    parse = parse_only(changed)

    first, _, out, _ = run([str(TETHER), "--repo", str(repo_dir), "stale", "--json"])
    counts = Counter(item["status"] for item in json.loads(out))
    again = statistics.median(run([str(TETHER), "--repo", str(repo_dir), "stale", "--json"])[0] for _ in range(3))
    fresh = args.notes - len({item["note"] for item in json.loads(out)})

    print(f"tether staleness benchmark: {machine()}")
    print(f"sympy {OLD} -> {NEW}, {args.notes} notes each linked to one symbol of {len(symbols)}")
    print(f"  parse-only of the {len(changed)} changed files, one process, in-process  {parse:6.2f} s")
    print(f"  stale, first run (re-index + statuses)  {first:6.2f} s")
    print(f"  stale, indexed (median of 3)           {again:6.2f} s")
    print("  links by status: " + ", ".join(f"{k} {counts[k]}" for k in ("stale", "moved", "orphaned", "suspect"))
          + f", fresh {fresh}")
    for label, value in (("first run", first), ("indexed", again)):
        print(f"  {'PASS' if value <= 1.5 else 'FAIL'}  tether stale, {label} <= 1.5 s ({value:.2f} s)")
    print("\n| sympy 1.13.3 -> 1.14.0, 2,000 notes | seconds |\n|---|---:|")
    print(f"| parse-only of the {len(changed)} changed files (one process, no start-up) | {parse:.2f} |")
    print(f"| `tether stale`, first run (re-index + statuses) | {first:.2f} |")
    print(f"| `tether stale`, indexed | {again:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
