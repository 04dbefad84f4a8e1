"""PostToolUse hook benchmark: how long `tether hook post-tool-use` takes as a whole process on a
large repository, for the payloads Claude Code sends after Read, Edit and other tools.

    .venv/bin/python tests/bench/bench_hooks.py [--workdir DIR] [--repeats N]

The corpus is bench_capsule.py's: sympy's package in a git repository, indexed once, with 2,000
notes linked to random symbols (built there and reused). The index is brought up to date once
before timing, as the session-start hook does, and never during it; every payload gets a new
session id, so no note is held back as given already (the most work).

Payloads, for FILES files that hold a noted function (fixed seed):
  read, whole file   {"tool_name": "Read", "tool_input": {"file_path": F}}
  read, 100 lines    the same with offset/limit around the noted function
  edit, real         the function's body gains a statement (written to disk first, as Claude
                     Code does), then the Edit payload; the file is parsed in memory
  edit, formatting   a comment line instead: the same parse, and nothing to say
  other tool         {"tool_name": "Bash", ...}: answered before anything is loaded
Each runs N times after a warm-up (wall clock, and user + system CPU from wait4, which another
process's load on the machine does not inflate as much; bytecode cache on); the
percentiles are over every run of every payload; the floor is a process that only imports what
the hook imports and opens the database. Target: p95 <= 0.25 s. Edited files are
restored afterwards. Prints the figures and a markdown table for the README; exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_capsule import build  # noqa: E402
from tests.bench.bench_index import SYMPY_VERSION, TETHER, machine  # noqa: E402

FILES = 10
SEED = 20261203
TARGET = 0.25
WINDOW = 100  # lines of a partial read


def timed(cmd: list[str], stdin: str = "") -> tuple[float, float, str]:
    """(wall seconds, user + system CPU seconds, stdout) of one process fed `stdin`."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as inp:
        inp.write(stdin.encode())
        inp.seek(0)
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=inp, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        problem = err.read().decode(errors="replace")
        if os.waitstatus_to_exitcode(status) or problem:
            sys.exit(f"{cmd} failed: {problem}")
        return wall, usage.ru_utime + usage.ru_stime, out.read().decode()


def hook(payload: dict) -> tuple[float, float, str]:
    return timed([str(TETHER), "hook", "post-tool-use"], json.dumps(payload))


def noted_functions(project) -> list:
    """FILES functions (one per file) that carry a note, picked with a fixed seed."""
    with project.store.read() as con:
        linked = sorted({l.target for n in project.all_notes() for l in n.links})
        symbols = project.store.symbols_by_ids(con, linked)
    candidates = sorted((s for s in symbols.values() if s.kind in ("function", "method")
                         and s.end_line - s.start_line >= 3), key=lambda s: s.id)
    random.Random(SEED).shuffle(candidates)
    picked, files = [], set()
    for s in candidates:
        if s.path not in files:
            picked.append(s)
            files.add(s.path)
        if len(picked) == FILES:
            break
    return picked


def with_line(path: Path, sym, line: str) -> bytes:
    """The file with `line` added after the function's last line, at that line's indentation."""
    data = path.read_bytes()
    start = data.rfind(b"\n", 0, sym.end_byte) + 1
    last = data[start:sym.end_byte]
    indent = last[: len(last) - len(last.lstrip())]
    return data[:sym.end_byte] + b"\n" + indent + line.encode() + data[sym.end_byte:]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, default=Path.home() / ".cache" / "tether-bench")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    print(f"tether post-tool-use hook benchmark: {machine()}")
    project = build(args.workdir.expanduser().resolve(), False)
    project.index()  # as the session-start hook does: nothing to parse (and any note never scanned for secrets is)
    root = project.root
    with project.store.read() as con:
        files, n_symbols, _ = project.store.totals(con)
    n_notes = len(project.all_notes())
    print(f"corpus: {files} files, {n_symbols} symbols, {n_notes} notes")

    times: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}
    said: dict[str, int] = {}
    runs = 0
    tag = f"bench-{os.getpid()}"  # session ids no earlier run used

    def measure(kind: str, payload: dict) -> None:
        nonlocal runs
        hook({**payload, "session_id": f"{tag}-warm-{runs}"})
        for _ in range(args.repeats):
            runs += 1
            seconds, cpu, out = hook({**payload, "session_id": f"{tag}-{runs}"})
            times.setdefault(kind, []).append(seconds)
            cpus.setdefault(kind, []).append(cpu)
        said[kind] = said.get(kind, 0) + bool(out)

    base = {"cwd": str(root), "hook_event_name": "PostToolUse", "transcript_path": "/tmp/bench.jsonl"}
    for sym in noted_functions(project):
        path = root / sym.path
        fp = str(path)
        measure("read, whole file", {**base, "tool_name": "Read", "tool_input": {"file_path": fp}})
        offset = max(1, sym.start_line - WINDOW // 2)
        measure(f"read, {WINDOW} lines", {**base, "tool_name": "Read",
                                          "tool_input": {"file_path": fp, "offset": offset, "limit": WINDOW}})
        original = path.read_bytes()
        try:
            for kind, line in (("edit, real", "_bench_probe = 1"), ("edit, formatting", "# a comment")):
                path.write_bytes(with_line(path, sym, line))
                measure(kind, {**base, "tool_name": "Edit",
                               "tool_input": {"file_path": fp, "old_string": "x", "new_string": "y",
                                              "replace_all": False}})
                path.write_bytes(original)
        finally:
            path.write_bytes(original)
        measure("other tool", {**base, "tool_name": "Bash", "tool_input": {"command": "ls"}})

    for f in (root / ".tether" / "sessions").glob(f"{tag}-*.json"):
        f.unlink()
    floor_cmd = [sys.executable, "-c", "import sys; from tether.core.cli import main; from tether.core.project import "
                 "Project; import tether.core.touch, tether.core.index.run; p = Project(sys.argv[1]); "
                 "r = p.store.read(); r.__enter__(); r.__exit__(None, None, None)", str(root)]
    floor = [timed(floor_cmd) for _ in range(args.repeats * 3)]
    floor_cpu = [c for _, c, _ in floor]
    floor = [w for w, _, _ in floor]

    def pct(values: list[float], q: float) -> float:
        values = sorted(values)
        return values[min(len(values) - 1, max(0, round(q * len(values)) - 1))]

    every = [t for ts in times.values() for t in ts]
    every_cpu = [t for ts in cpus.values() for t in ts]
    print(f"\n{'payload':<18} {'runs':>5} {'p50 s':>7} {'p95 s':>7} {'max s':>7} {'CPU p50':>8} {'CPU p95':>8}  answered")
    for kind, ts in times.items():
        cs = cpus[kind]
        print(f"{kind:<18} {len(ts):>5} {statistics.median(ts):>7.3f} {pct(ts, .95):>7.3f} {max(ts):>7.3f} "
              f"{statistics.median(cs):>8.3f} {pct(cs, .95):>8.3f}  {said[kind]}/{len(ts) // args.repeats}")
    p95 = pct(every, .95)
    print(f"{'all':<18} {len(every):>5} {statistics.median(every):>7.3f} {p95:>7.3f} {max(every):>7.3f} "
          f"{statistics.median(every_cpu):>8.3f} {pct(every_cpu, .95):>8.3f}")
    print(f"floor (Python, the hook's imports, opening the database): {statistics.median(floor):.3f} s wall, "
          f"{statistics.median(floor_cpu):.3f} s CPU")
    print(f"  {'PASS' if p95 <= TARGET else 'FAIL'}  post-tool-use p95 <= {TARGET} s as a whole process ({p95:.3f} s "
          f"wall; CPU p95 {pct(every_cpu, .95):.3f} s)")

    print(f"\nMachine: {machine()}; sympy {SYMPY_VERSION}, {n_symbols:,} symbols, {n_notes:,} notes; "
          f"{args.repeats} runs per payload.\n")
    print("| `tether hook post-tool-use`, whole process | wall p50 | wall p95 | CPU p50 | CPU p95 | answered |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind, ts in times.items():
        cs = cpus[kind]
        print(f"| {kind} | {statistics.median(ts):.3f} s | {pct(ts, .95):.3f} s | {statistics.median(cs):.3f} s | "
              f"{pct(cs, .95):.3f} s | {said[kind]} of {len(ts) // args.repeats} |")
    print(f"| **all** | {statistics.median(every):.3f} s | **{p95:.3f} s** | {statistics.median(every_cpu):.3f} s | "
          f"{pct(every_cpu, .95):.3f} s | |")
    print(f"| floor: Python, the hook's imports, opening the database | {statistics.median(floor):.3f} s | "
          f"{pct(floor, .95):.3f} s | {statistics.median(floor_cpu):.3f} s | {pct(floor_cpu, .95):.3f} s | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
