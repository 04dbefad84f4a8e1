"""The terminal UI on a large index: time to the first screen, and a filter's answer.

    .venv/bin/python tests/bench/bench_tui.py REPO [--query schedule] [--runs 3]

REPO must be indexed already (`tether index`). Each run is a new process that opens the real
app headless (Textual's test driver, 120×40, the index run it starts on open included) and
reports, as wall seconds:
  first screen  from the process's launch (Python and Textual start-up included) to the symbol
                tree showing its top level;
  filter        from the query typed into Browse's filter (`/`, the whole query at once) to its
                matches shown.
Prints the median of the runs and each run's figures; exits 0 whatever the results.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


async def _child(repo: str, query: str, launched: float) -> dict:
    from textual.widgets import Input, Tree

    from tether.tui.app import TetherApp
    from tether.tui.widgets.symbol_tree import SymbolTree

    app = TetherApp(repo, poll=None)
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.screen.query_one("#tree", SymbolTree)
        while len(tree.root.children) < 2:  # the project-wide row comes first, then the top level
            await pilot.pause(0.01)
        first = time.time() - launched
        await pilot.press("slash")
        results = app.screen.query_one("#results", Tree)
        start = time.monotonic()
        app.screen.query_one("#filter", Input).value = query
        while not results.root.children:
            await pilot.pause(0.01)
        answered = time.monotonic() - start
        shown = len(results.root.children)
    return {"first_screen": first, "filter": answered, "files_shown": shown}


def measure(repo: Path, query: str = "schedule", runs: int = 3) -> dict:
    """Median first-screen and filter seconds over `runs` new processes, and every run."""
    each = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, __file__, "--child", str(repo), "--query", query,
                              "--launched", repr(time.time())], capture_output=True, text=True, check=True)
        each.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {"first_screen": statistics.median(r["first_screen"] for r in each),
            "filter": statistics.median(r["filter"] for r in each), "runs": each}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo", type=Path)
    parser.add_argument("--query", default="schedule")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--launched", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(_child(str(args.repo), args.query, args.launched))))
        return 0
    got = measure(args.repo.resolve(), args.query, args.runs)
    print(f"terminal UI on {args.repo}: first screen {got['first_screen']:.2f} s, "
          f"filter {args.query!r} {got['filter']:.2f} s (median of {args.runs})")
    for r in got["runs"]:
        print(f"  first screen {r['first_screen']:.2f} s, filter {r['filter']:.2f} s, {r['files_shown']} files shown")
    return 0


if __name__ == "__main__":
    sys.exit(main())
