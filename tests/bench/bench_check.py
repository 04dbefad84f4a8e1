"""`tether check` benchmark: a 5-file pull request on sympy with 2,000 shared notes, checked on a
fresh clone with no database, as CI runs it.

    .venv/bin/python tests/bench/bench_check.py [--workdir DIR] [--repeats N] [--rebuild]

The corpus is sympy's package (the wheel bench_index.py downloads, reused from the same work
directory, default ~/.cache/tether-bench/) in a git repository `sympy-check` on `main`, indexed
once, with 2,000 notes linked to random symbols (1-3 links each, fixed seed, as bench_capsule.py
makes them) exported to `.tether/notes/` and committed. A branch `pr` then edits 5 files holding
linked symbols (a statement added before a `return`, as bench_index.py's edit) in one commit.
`sympy-check-ci` is a fresh clone of it checked out at `pr`: no `.tether/tether.duckdb`, only the
committed note files. Built once and reused; --rebuild starts over.

Timed as a whole process, median of N runs after one warm-up, with Python's bytecode cache on:
  check   `tether --repo CI check --format json` (the default base: the merge base with origin's
          default branch, main)
  floor   `tether --repo CI check --help`: starting Python and importing the CLI, the part of
          every run that does not depend on the change (for reference)
Target: <= 3 s. Prints PASS/FAIL, the figures and a markdown table for the README; exits 0
whatever the results.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
from collections import Counter
from pathlib import Path

import pygit2

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_capsule import NOTES, SEED, options, random_notes  # noqa: E402
from tests.bench.bench_index import SYMPY_VERSION, TETHER, edited, machine, make_repo, run, sympy_sources  # noqa: E402

FILES = 5
TARGET = 3.0


def _commit(repo, message: str) -> None:
    index = repo.index
    index.add_all()
    index.write()
    sig = pygit2.Signature("bench", "bench@example.invalid")
    repo.create_commit("HEAD", sig, sig, message, index.write_tree(), [repo.head.target])


def build(workdir: Path, rebuild: bool) -> Path:
    """The CI clone (the source repository built first when needed)."""
    from tether.core.notes import Draft
    from tether.core.project import Project
    from tether.core.sharing import export_notes

    source, ci = workdir / "sympy-check", workdir / "sympy-check-ci"
    if ci.exists() and (source / ".tether" / "notes").is_dir() and not rebuild:
        return ci
    print(f"building {source} (sympy {SYMPY_VERSION}, {NOTES} notes, a {FILES}-file branch) …", flush=True)
    make_repo(source, sympy_sources(workdir))
    repo = pygit2.Repository(str(source))
    repo.references.create("refs/heads/main", repo.head.target, force=True)
    repo.set_head("refs/heads/main")
    run([str(TETHER), "--repo", str(source), "index"])
    project = Project(source)
    project.add_notes([Draft(text, links, [], kind, origin=origin)
                       for text, links, kind, origin in random_notes([s.id for s in project.symbols(limit=None)])])
    export_notes(project)  # as `tether note add` does (notes.auto_export)
    _commit(repo, "notes")

    linked = sorted({l.target.split("::", 1)[0] for n in project.all_notes() for l in n.links})
    random.Random(SEED + 2).shuffle(linked)
    repo.branches.local.create("pr", repo.head.peel(pygit2.Commit))
    repo.checkout("refs/heads/pr")
    done = 0
    for rel in linked:
        new = edited((source / rel).read_bytes(), 1)
        if new is not None:
            (source / rel).write_bytes(new)
            done += 1
        if done == FILES:
            break
    _commit(repo, f"edit {FILES} files")
    repo.checkout("refs/heads/main")

    import shutil

    shutil.rmtree(ci, ignore_errors=True)
    cloned = pygit2.clone_repository(str(source), str(ci), checkout_branch="pr")
    cloned.references.create("refs/remotes/origin/HEAD", "refs/remotes/origin/main", force=True)
    return ci


def median_run(cmd: list[str], repeats: int):
    run(cmd, ok=(0, 1))  # warm-up: the bytecode cache, the page cache
    runs = [run(cmd, ok=(0, 1)) for _ in range(repeats)]
    return statistics.median(r.seconds for r in runs), runs[-1]


def main() -> int:
    args = options(__doc__, 5)
    workdir = args.workdir
    print(f"tether check benchmark: {machine()}")
    ci = build(workdir, args.rebuild)
    assert not (ci / ".tether" / "tether.duckdb").exists(), "the CI clone must have no database"

    seconds, last = median_run([str(TETHER), "--repo", str(ci), "check", "--format", "json"], args.repeats)
    floor, _ = median_run([str(TETHER), "--repo", str(ci), "check", "--help"], args.repeats)
    report = json.loads(last.out)
    statuses = Counter(f["status"] for f in report["findings"])
    left = sorted(p for p in pygit2.Repository(str(ci)).status(untracked_files="all", ignored=True))

    print(f"corpus: sympy {SYMPY_VERSION}, {report['notes']} shared notes; the branch changes "
          f"{len(report['changed'])} files: {', '.join(report['changed'])}")
    print(f"  tether check, whole process (median of {args.repeats})   {seconds:6.2f} s"
          f"   (max RSS {last.rss:.0f} MB, CPU {last.cpu:.2f} s)")
    print(f"  floor: tether check --help                    {floor:6.2f} s")
    print("  findings: " + ", ".join(f"{k} {statuses[k]}" for k in ("stale", "moved", "orphaned", "suspect"))
          + f"; failing notes: {len({f['note'] for f in report['findings'] if f['fails']})}")
    print(f"  files left in the clone afterwards (untracked or ignored): {len(left)}")
    print(f"  {'PASS' if seconds <= TARGET else 'FAIL'}  tether check <= {TARGET:g} s ({seconds:.2f} s)")
    print(f"\n| sympy {SYMPY_VERSION}, {report['notes']:,} shared notes, {len(report['changed'])}-file branch, "
          "fresh clone, no database | seconds | target |\n|---|---:|---|")
    print(f"| `tether check`, whole process | {seconds:.2f} | ≤ {TARGET:g} s |")
    print(f"| of which the floor: Python and the CLI's imports | {floor:.2f} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
