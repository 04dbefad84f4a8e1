"""Kernel-scale benchmark: tether's daily paths on Linux 6.12, as whole processes.

    .venv/bin/python tests/bench/bench_kernel.py [--workdir DIR] [--skip-cold]

Set-up, once, kept in the work directory (default ~/.cache/tether-bench/): `apt-get download
linux-source-6.12` (Debian's package, about 150 MB), unpacked, its `.gitignore` without the two
lines Debian's packaging appends (`/*`, `!/debian/`: they ignore everything at the top level),
committed into a new git repository (about 86,000 files; a few minutes). `--skip-cold` keeps an
existing index instead of building it again.

Rows, each the median of 3 runs unless said (wall seconds, and the peak RSS of the process and
its workers from wait4):
  cold index        `tether index --full` after deleting .tether/ (once)
  no change         `tether index` with nothing changed
  5 files edited    a function appended to each of 5 C files, then `tether index`
  stale             `tether stale` with 2 notes, the index up to date
  capsule           `tether capsule --symbol kernel/sched/core.c::schedule`
  session start     `tether hook session-start` with 5 files edited on the default branch, the
                    index up to date before the edits
  symbols           `tether symbols schedule`
  UI first screen   the terminal UI's symbol tree shown, from the process's launch (tests/bench/bench_tui.py)
  UI filter         `schedule` typed into Browse's filter, to its matches shown
and, measured in the same run for reference: `tether --help` (the start-up floor) and
`git status` (git's own stat pass over the same tree). Edited files are restored at the end.
Prints a markdown table for the README; exits 0 whatever the results.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench import bench_tui  # noqa: E402
from tests.bench.bench_index import TETHER, Run, run  # noqa: E402

PACKAGE = "linux-source-6.12"
EDITED = ("kernel/sched/core.c", "mm/slub.c", "fs/namei.c", "net/core/dev.c", "drivers/base/core.c")
NOTED = ("kernel/sched/core.c::schedule", "mm/slub.c::kmem_cache_free")
TARGETS = {"cold index": 180, "no change": 1.0, "5 files edited": 1.5, "stale": 1.5, "capsule": 0.5,
           "session start": 2.0, "symbols": 0.3, "UI first screen": 1.0, "UI filter": 1.0}


def prepare(workdir: Path) -> Path:
    """The kernel's sources in a git repository with one commit (made once)."""
    import pygit2

    repo_dir = workdir / "linux-6.12"
    if (repo_dir / ".git").is_dir():
        return repo_dir
    workdir.mkdir(parents=True, exist_ok=True)
    debs = sorted(workdir.glob(f"{PACKAGE}_*.deb"))
    if not debs:
        subprocess.run(["apt-get", "download", PACKAGE], cwd=workdir, check=True)
        debs = sorted(workdir.glob(f"{PACKAGE}_*.deb"))
    unpacked = workdir / "deb"
    shutil.rmtree(unpacked, ignore_errors=True)
    subprocess.run(["dpkg-deb", "-x", str(debs[-1]), str(unpacked)], check=True)
    tarball = next((unpacked / "usr/src").glob(f"{PACKAGE}.tar.*"))
    subprocess.run(["tar", "-xf", str(tarball), "-C", str(workdir)], check=True)
    shutil.rmtree(unpacked)
    (workdir / PACKAGE).rename(repo_dir)
    ignore = repo_dir / ".gitignore"
    lines = ignore.read_text().splitlines(keepends=True)
    ignore.write_text("".join(line for line in lines if line.strip() not in ("/*", "!/debian/")))
    repo = pygit2.init_repository(str(repo_dir), initial_head="main")
    repo.index.add_all()
    repo.index.write()
    who = pygit2.Signature("bench", "bench@example.invalid")
    repo.create_commit("HEAD", who, who, "Linux 6.12", repo.index.write_tree(), [])
    return repo_dir


def tether(repo: Path, *args: str, stdin: str | None = None):
    cmd = [str(TETHER), "--repo", str(repo), *args]
    if stdin is None:
        return run(cmd)
    proc = subprocess.run(cmd[:1] + list(args), input=stdin, capture_output=True, text=True, cwd=repo)
    if proc.returncode:
        sys.exit(f"{' '.join(args)} failed: {proc.stderr}")
    return proc


def median(cmd) -> tuple[float, float]:
    runs = [cmd() for _ in range(3)]
    return statistics.median(r.seconds for r in runs), max(r.rss for r in runs)


def edit(repo: Path, serial: int) -> None:
    for path in EDITED:
        with (repo / path).open("a") as f:
            f.write(f"\nstatic int tether_bench_{serial}(void)\n{{\n\treturn {serial};\n}}\n")


def restore(repo: Path) -> None:
    import pygit2

    pygit2.Repository(str(repo)).checkout_head(strategy=pygit2.enums.CheckoutStrategy.FORCE)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workdir", type=Path, default=Path.home() / ".cache" / "tether-bench")
    ap.add_argument("--skip-cold", action="store_true", help="keep an existing index")
    args = ap.parse_args()
    repo = prepare(args.workdir)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    stamp = f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC"
    print(f"tether kernel benchmark: {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
          f"Python {platform.python_version()}, load average {load}, {stamp}")
    rows: dict[str, tuple[float, float | None]] = {}
    restore(repo)
    if not (args.skip_cold and (repo / ".tether" / "tether.duckdb").exists()):
        shutil.rmtree(repo / ".tether", ignore_errors=True)
        r = tether(repo, "index", "--full", "--json")
        rows["cold index"] = (r.seconds, r.rss)
        print(f"  cold index: {r.seconds:.1f} s, {r.rss:.0f} MB, {json.loads(r.out)['symbols']} symbols")
    tether(repo, "index")
    for target in NOTED:
        tether(repo, "note", "add", f"bench note on {target}", "--link", target)
    rows["no change"] = median(lambda: tether(repo, "index", "--json"))
    serials = iter(range(1, 100))

    def edited_index():
        edit(repo, next(serials))  # 5 more functions each time: each run has 5 changed files
        return tether(repo, "index", "--json")

    rows["5 files edited"] = median(edited_index)
    rows["stale"] = median(lambda: tether(repo, "stale", "--json"))
    rows["capsule"] = median(lambda: tether(repo, "capsule", "--symbol", NOTED[0], "--format", "json"))
    payload = json.dumps({"session_id": "bench", "cwd": str(repo), "hook_event_name": "SessionStart"})
    answers = []

    def session_start():
        restore(repo)
        tether(repo, "index")
        edit(repo, next(serials))
        started = datetime.datetime.now()
        answer = tether(repo, "hook", "session-start", stdin=payload).stdout
        answers.append(answer)
        return Run((datetime.datetime.now() - started).total_seconds(), 0.0, answer, 0.0)

    rows["session start"] = (median(session_start)[0], None)
    behind = any("may be behind" in a for a in answers)
    rows["symbols"] = median(lambda: tether(repo, "symbols", "schedule"))
    ui = bench_tui.measure(repo, "schedule")
    rows["UI first screen"] = (ui["first_screen"], None)
    rows["UI filter"] = (ui["filter"], None)
    floor = median(lambda: run([str(TETHER), "--help"]))[0]
    git = median(lambda: run(["git", "-C", str(repo), "status", "--porcelain"]))[0]
    restore(repo)

    print(f"\nMachine: {os.cpu_count()} CPUs, load average {load} at the start, {stamp}; "
          f"Linux 6.12, {len(EDITED)} files edited.\n")
    print("| path | seconds | peak MB | target | |\n|---|---:|---:|---:|---|")
    for name, (seconds, rss) in rows.items():
        target = TARGETS[name]
        verdict = "PASS" if seconds <= target else "FAIL"
        note = " (index cut short: statuses may be behind)" if name == "session start" and behind else ""
        print(f"| {name} | {seconds:.2f} | {'' if rss is None else f'{rss:.0f}'} | ≤ {target:g} s | {verdict}{note} |")
    print(f"| reference: `tether --help` (start-up) | {floor:.2f} | | | |")
    print(f"| reference: `git status` | {git:.2f} | | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
