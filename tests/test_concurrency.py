"""Many processes, one store: a full re-index, the terminal UI open and four
writers (the CLI's `note add` and the MCP server) at once lose nothing and add nothing twice;
`kill -9` anywhere in an index run, a note write, a journal append or a journal apply leaves
every committed note in a database that opens.

Seeded by TETHER_TEST_SEED (default: random, shown in any failure)."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import alive, children, git_repo
from tests.test_journal import hold_database
from tether.core import journal
from tether.core.project import Project

ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
SEED = int(os.environ.get("TETHER_TEST_SEED") or random.randrange(1 << 30))
FILES, FUNCS = 400, 40
NOTES = 100  # per writer


def big_repo(root: Path, files: int = FILES) -> None:
    root.mkdir()
    git_repo(root, {f"pkg/m{i}.py": "".join(f"def f{j}(x):\n    return x + {i * j}\n\n" for j in range(FUNCS))
                    for i in range(files)})


def configure(root: Path, lock_timeout: float = 30.0, queue_after: float = 0.3, workers: int = 0) -> None:
    (root / ".tether").mkdir(exist_ok=True)
    (root / ".tether/config.toml").write_text(
        f"[store]\nlock_timeout = {lock_timeout}\nqueue_after = {queue_after}\n[notes]\nauto_export = false\n"
        f"[index]\nworkers = {workers}\n")


def spawn(code: str, *args, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], env=ENV, text=True, **kw)


# Runs `tether note add` (the CLI's own code path, in one process to spare 100 interpreter starts).
CLI_WRITER = """
import sys
from tether.core.cli import main
root, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(n):
    code = main(["--repo", root, "note", "add", f"{tag} {i}", "--link", f"pkg/m{i}.py::f{i % 40}",
                 "--type", "gotcha", "--source", "agent", "--json"])
    assert code == 0, code
"""

# A Claude Code stand-in: the SDK's client calling save_observation on a `tether mcp` server.
MCP_WRITER = """
import os, sys, anyio
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
root, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
params = StdioServerParameters(command=sys.executable, args=["-m", "tether.core.cli", "--repo", root, "mcp"],
                               env={"PYTHONPATH": os.environ["PYTHONPATH"]})
async def go():
    async with stdio_client(params) as (r, w):
        async with ClientSession(r, w) as s:
            await s.initialize()
            for i in range(n):
                res = await s.call_tool("save_observation", {"content": f"{tag} {i}", "type": "gotcha",
                                                             "linked_symbols": [f"pkg/m{i}.py::f{i % 40}"]})
                text = res.content[0].text
                assert not res.is_error, text
                print(text.split()[0], text.split()[2], flush=True)
anyio.run(go)
"""

# The real terminal UI, headless under Pilot, polling the store as it does on a terminal; the
# note count it shows never goes down. Once the writers have stopped (`stop`), it waits, with a
# generous deadline, until it shows all `expect` notes, and prints how long that took.
TUI = """
import asyncio, sys, time
from pathlib import Path
from tether.tui.app import TetherApp
root, stop, expect = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])

async def main():
    app = TetherApp(root, poll=0.5, index_on_start=False, mode="notes")
    reads, last, stopped = 0, 0, None
    async with app.run_test(size=(120, 30)) as pilot:
        while stopped is None or (last < expect and time.monotonic() < stopped + 60):
            await pilot.pause(0.2)
            shown = int(app.summary.split()[0]) if app.summary else 0
            assert shown >= last, (shown, last)
            reads, last = reads + (shown != last or reads == 0), shown
            if stopped is None and stop.exists():
                stopped = time.monotonic()
    print(reads, round(time.monotonic() - stopped, 1), last)

asyncio.run(main())
"""

INDEXER = """
import sys
from pathlib import Path
from tether.core.project import Project
root, stop = sys.argv[1], Path(sys.argv[2])
runs = 0
while not stop.exists() or runs == 0:
    Project(root).index(full=True)
    runs += 1
print(runs)
"""


def test_index_reader_and_four_writers_lose_nothing(tmp_path):
    root = tmp_path / "big"
    big_repo(root)
    configure(root, queue_after=0.1, workers=1)  # the re-index keeps one core busy, not both
    Project(root).index()
    stop = tmp_path / "stop"
    indexer = spawn(INDEXER, root, stop, stdout=subprocess.PIPE)
    reader = spawn(TUI, root, stop, 4 * NOTES, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(0.5)  # the re-index is under way
    writers = [spawn(CLI_WRITER, root, f"cli{k}", NOTES, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for k in range(2)]
    writers += [spawn(MCP_WRITER, root, f"mcp{k}", NOTES, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for k in range(2)]
    outs = [w.communicate(timeout=150) for w in writers]
    stop.touch()
    runs = int(indexer.communicate(timeout=60)[0])
    out, err = reader.communicate(timeout=90)
    assert reader.returncode == 0 and len(out.split()) == 3, err[-2000:]
    reads, after, seen = out.split()
    assert [w.returncode for w in writers] == [0] * 4, [o[1][-2000:] for o in outs]
    assert indexer.returncode == 0 and runs >= 1 and int(reads) > 0
    # the open UI shows every note the other processes wrote, queued or not, once they stop
    assert int(seen) == 4 * NOTES, f"the UI showed {seen} of {4 * NOTES} notes {after} s after the writers stopped"

    cli_ids = [d["id"] for out, _ in outs[:2] for d in json_stream(out)]
    mcp_ids = [line.split()[1] for out, _ in outs[2:] for line in out.splitlines()]
    queued = sum(out.count('"queued": true') for out, _ in outs[:2]) + sum(
        out.count("queued note") for out, _ in outs[2:])
    assert len(cli_ids) == len(mcp_ids) == 2 * NOTES

    project = Project(root)
    project.index()  # applies whatever is still queued
    assert not journal.pending(project.dir)
    notes = project.all_notes()
    texts = sorted(n.text for n in notes)
    expected = sorted(f"{tag}{k} {i}" for tag in ("cli", "mcp") for k in range(2) for i in range(NOTES))
    assert texts == expected, f"seed {SEED}, {queued} queued"  # all 400, each exactly once
    assert sorted(n.id for n in notes) == sorted(cli_ids + mcp_ids)
    for n in notes:  # queued or not, each got its link
        i = int(n.text.split()[1])
        assert [l.target for l in n.links] == [f"pkg/m{i}.py::f{i % 40}"], (n.text, n.tags, n.links)
    print(f"index runs {runs}, reads {reads}, queued {queued}, all shown {after} s after the writers stopped")


def json_stream(text: str) -> list[dict]:
    """The JSON documents printed one after another."""
    decoder, out, i = json.JSONDecoder(), [], 0
    while text[i:].strip():
        i = len(text) - len(text[i:].lstrip())
        doc, i = decoder.raw_decode(text, i)
        out.append(doc)
    return out


def _kill_at(proc: subprocess.Popen, delay: float) -> None:
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.kill()  # SIGKILL
        proc.wait()


def test_kill_9_mid_index_keeps_notes_and_index(tmp_path):
    rng = random.Random(SEED)
    root = tmp_path / "r"
    big_repo(root, 200)
    configure(root)
    project = Project(root)
    before = project.index().symbols
    ids = sorted(project.add_note(f"n{i}", symbols=[f"pkg/m{i}.py::f1"]).id for i in range(20))
    (root / "pkg/extra.py").write_text("".join(f"def e{j}():\n    pass\n\n" for j in range(50)))
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-m", "tether.core.cli", "--repo", str(root), "index", "--full"],
                                env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _kill_at(proc, rng.uniform(0.2, 1.5))
        with project.store.read() as con:  # the database opens
            symbols = con.execute("SELECT count(*) FROM symbols").fetchone()[0]
        assert symbols in (before, before + 50), f"seed {SEED}"
        assert sorted(n.id for n in project.all_notes()) == ids, f"seed {SEED}"
    assert project.index().symbols == before + 50
    assert sorted(n.id for n in project.all_notes()) == ids


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_kill_9_of_an_index_run_leaves_no_worker_behind(tmp_path):
    root = tmp_path / "r"
    big_repo(root)
    configure(root, workers=2)
    proc = subprocess.Popen([sys.executable, "-m", "tether.core.cli", "--repo", str(root), "index", "--full"],
                            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, workers = time.monotonic() + 60, []
    while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        workers = children(proc.pid)
    assert len(workers) == 2, "the index run never started its two workers"
    proc.kill()
    proc.wait()
    time.sleep(3)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:  # don't leave them to the next test either
        os.kill(pid, signal.SIGKILL)
    assert left == [], f"workers {left} outlived their killed parent by 3 s"


# A parent that forks one child running the portable watch (prctl made unavailable, as off Linux),
# prints the child's pid, then waits to be killed.
WATCHED_CHILD = """
import ctypes, os, sys, time
from tether.core.index import run
def no_libc(*a, **k):
    raise OSError("no prctl here")
ctypes.CDLL = no_libc
parent = os.getpid()
child = os.fork()
if child == 0:
    run._exit_with_parent(parent)
    time.sleep(120)
    os._exit(0)
print(child, flush=True)
time.sleep(120)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_without_prctl_a_worker_still_exits_with_its_parent():
    proc = spawn(WATCHED_CHILD, stdout=subprocess.PIPE)
    child = int(proc.stdout.readline())
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 3
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    if alive(child):
        os.kill(child, signal.SIGKILL)
        raise AssertionError("the child outlived its killed parent by 3 s")


NOTE_WRITER = """
import sys
from tether.core.project import Project
p = Project(sys.argv[1])
for i in range(10_000):
    n = p.add_note(f"w {i}", symbols=[f"pkg/m{i % 50}.py::f{i % 40}"], source="agent", queue_if_busy=True)
    print(n.id, n.state, flush=True)
"""


def test_kill_9_mid_note_write_loses_nothing_committed(tmp_path):
    rng = random.Random(SEED + 1)
    root = tmp_path / "r"
    big_repo(root, 50)
    configure(root)
    project = Project(root)
    project.index()
    acknowledged: list[str] = []
    for kills in range(1, 5):
        proc = spawn(NOTE_WRITER, root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        # killed mid-write: after a random number of acknowledged notes (whatever the machine's load)
        # and a random moment into the next one
        for _ in range(rng.randrange(2, 8)):
            line = proc.stdout.readline()
            assert line, "the writer stopped on its own"
            acknowledged += [line.split()[0]] if line.rstrip().endswith(" active") else []
        time.sleep(rng.uniform(0, 0.05))
        proc.kill()
        out = proc.communicate()[0]
        acknowledged += [line.split()[0] for line in out.splitlines() if line.endswith(" active")]
        have = {n.id for n in project.all_notes()}  # the database opens
        assert set(acknowledged) <= have, f"seed {SEED}"
        assert len(have) - len(acknowledged) <= kills, f"seed {SEED}"  # per kill, one committed but not printed
    assert len(acknowledged) > 5


def test_kill_9_mid_journal_append_and_apply(tmp_path):
    rng = random.Random(SEED + 2)
    root = tmp_path / "r"
    big_repo(root, 50)
    configure(root, lock_timeout=2.0, queue_after=0.05)
    project = Project(root)
    project.index()
    queued: list[str] = []
    with hold_database(project):  # every note goes to the journal
        for _ in range(3):
            proc = spawn(NOTE_WRITER, root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(1.0, 2.0))
            proc.kill()
            queued += [line.split()[0] for line in proc.communicate()[0].splitlines() if line.endswith(" queued")]
    assert len(queued) > 5
    assert {d["id"] for d in project.queued_notes()} >= set(queued)

    # kill the process applying the journal at random points: all or nothing, then exactly once
    apply = "import sys\nfrom tether.core.project import Project\nProject(sys.argv[1]).apply_queued()\n"
    for _ in range(3):
        proc = spawn(apply, root, stderr=subprocess.DEVNULL)
        _kill_at(proc, rng.uniform(0.1, 0.8))
        count = len(project.all_notes())
        assert count == 0 or count >= len(queued), f"seed {SEED}"
    project.apply_queued()
    notes = project.all_notes()
    assert not journal.pending(project.dir)
    ids = [n.id for n in notes]
    assert len(ids) == len(set(ids)) and set(queued) <= set(ids), f"seed {SEED}"
    for n in notes:
        i = int(n.text.split()[1])
        assert [l.target for l in n.links] == [f"pkg/m{i % 50}.py::f{i % 40}"]
