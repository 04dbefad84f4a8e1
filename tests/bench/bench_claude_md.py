"""Coming from CLAUDE.md: how much of it links, how much is linked wrongly, and what a session
loads before and after `tether import-claude-md --move`.

Four repositories, each a real git repository in a temporary directory with its CLAUDE.md from
tests/bench/claude_md/: the article's example (a small service with `class UserService`), and
three packages of real code installed with tether — rich (a CLAUDE.md of architecture notes),
mcp (commands and where things are), click (conventions). For each:

1. entries, entries that name code (by the hand-labelled oracle, tests/bench/claude_md/links.json,
   written from the packages' sources with grep, not with tether), entries tether links, links
   right and wrong (a link outside the entry's oracle list), names missed;
2. `import-claude-md --move` on main, committed; then a branch that changes one linked function;
   the session-start hook's answer on that branch (as Claude Code receives it). Tokens at session
   start: CLAUDE.md as it was, versus CLAUDE.md after the move plus the hook's answer (both
   estimated as ceil(UTF-8 bytes / 3), the capsule's own estimate); and whether every note linked
   to the changed function is in the answer.

Run: .venv/bin/python tests/bench/bench_claude_md.py
"""

from __future__ import annotations

import json
import platform
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from tests.helpers import commit, git_repo  # noqa: E402
from tether.core.capsule import estimate_tokens  # noqa: E402
from tether.core.claude_md_import import apply_import, plan_import  # noqa: E402
from tether.core.hooks import run_hook  # noqa: E402
from tether.core.project import Project  # noqa: E402

ARTICLE_CODE = {
    "api/users.py": '''"""Users, cached in memory."""

from api.db import ConnectionPool


class UserService:
    def __init__(self, pool: ConnectionPool):
        self.pool = pool
        self.cache = {}

    def get(self, user_id):
        if user_id not in self.cache:
            self.refresh()
        return self.cache.get(user_id)

    def refresh(self):
        with self.pool.acquire() as conn:
            self.cache = {row["id"]: row for row in conn.execute("SELECT * FROM users")}
        return len(self.cache)
''',
    "api/db.py": '''class ConnectionPool:
    def __init__(self, size=4):
        self.size = size

    def acquire(self):
        raise NotImplementedError
''',
    "api/billing.py": "def charge(amount_cents: int) -> str:\n    return f'charged {amount_cents}'\n",
    "Makefile": "test:\n\tpytest\n",
}

# (name, CLAUDE.md fixture, package to copy or None, the linked function the branch changes)
CASES = [
    ("article", "article.md", None, "api/users.py::UserService.refresh"),
    ("rich", "rich.md", "rich", "rich/segment.py::Segment.split_and_crop_lines"),
    ("mcp", "mcp.md", "mcp", "mcp/server/mcpserver/tools/tool_manager.py::ToolManager.call_tool"),
    ("click", "click.md", "click", "click/core.py::Command.make_context"),
]


def build(root: Path, fixture: str, package: str | None):
    files = dict(ARTICLE_CODE) if package is None else {}
    if package is not None:
        src = Path(__import__(package).__file__).parent
        shutil.copytree(src, root / package, ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd"))
    files["CLAUDE.md"] = (HERE / "claude_md" / fixture).read_text("utf-8")
    return git_repo(root, files)


def score_links(plan, oracle: dict[str, list[str]]):
    """(entries, naming code, linked, right, wrong, missed, the wrong ones, the missed ones)."""
    entries = plan.new
    names_code = linked = right = wrong = missed = 0
    wrong_list, missed_list = [], []
    for p in entries:
        keys = [k for k in oracle if k in p.text]
        assert len(keys) <= 1, keys
        expected = set(oracle[keys[0]]) if keys else set()
        # `f#2`, `f#3`: further definitions of the name `f` in one scope (overloads), which the oracle names once
        got = {re.sub(r"#\d+$", "", t) for t in p.symbols} | set(p.files)
        names_code += bool(expected)
        linked += bool(got)
        right += len(got & expected)
        wrong += len(got - expected)
        missed += len(expected - got)
        wrong_list += [(p.text.splitlines()[0][:50], t) for t in sorted(got - expected)]
        missed_list += sorted(expected - got)
    return len(entries), names_code, linked, right, wrong, missed, wrong_list, missed_list


def change_function(project: Project, repo, symbol_id: str) -> None:
    """On a new branch `change`, a statement added at the end of `symbol_id`'s body, committed."""
    import pygit2

    sym = project.resolve(symbol_id)
    path = project.root / sym.path
    lines = path.read_text("utf-8").split("\n")
    n = sym.start_line - 1
    while not lines[n].lstrip().startswith(("def ", "async def ")):  # decorators come first
        n += 1
    indent = lines[n][: len(lines[n]) - len(lines[n].lstrip())] + "    "
    lines.insert(sym.end_line, f"{indent}_changed_on_this_branch = True")
    branch = repo.branches.local.create("change", repo.head.peel(pygit2.Commit))
    repo.checkout(branch)
    commit(repo, "change " + symbol_id, {sym.path: "\n".join(lines)})


def run_case(name: str, fixture: str, package: str | None, changed: str, oracle: dict) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"tether-bench-{name}-") as tmp:
        root = Path(tmp) / name
        root.mkdir()
        repo = build(root, fixture, package)
        project = Project(root)
        project.init()
        t0 = time.perf_counter()
        plan = plan_import(project)
        entries, names_code, linked, right, wrong, missed, wrong_list, missed_list = score_links(plan, oracle)
        before = (root / "CLAUDE.md").read_text("utf-8")
        apply_import(project, plan, move=True)
        import_seconds = time.perf_counter() - t0
        after = (root / "CLAUDE.md").read_text("utf-8")
        commit(repo, "CLAUDE.md: linked entries moved into tether notes")
        change_function(project, repo, changed)
        t0 = time.perf_counter()
        result = run_hook("session-start", json.dumps({"session_id": "bench", "cwd": str(root)}))
        hook_seconds = time.perf_counter() - t0
        assert result.error is None, result.error
        context = json.loads(result.stdout)["hookSpecificOutput"]["additionalContext"]
        on_changed = [n.id for n in project.all_notes() if any(l.target == changed for l in n.links)]
        shown = [nid for nid in on_changed if nid in context]
        t_before = estimate_tokens(before)
        t_after, t_hook = estimate_tokens(after), estimate_tokens(context)
        # the capsule: between the first line (what the notes are for) and the closing lines
        # after the last blank line (triage, save_observation)
        start, end = context.find("\n"), context.rfind("\n\n")
        t_capsule = estimate_tokens(context[start + 1:end + 1]) if 0 <= start < end else 0
        return {"case": name, "entries": entries, "names_code": names_code, "linked": linked, "right": right,
                "wrong": wrong, "missed": missed, "wrong_list": wrong_list, "missed_list": missed_list, "moved": len(plan.moved),
                "tokens_before": t_before, "tokens_claude_md_after": t_after, "tokens_hook": t_hook,
                "tokens_capsule": t_capsule,
                "saving": 1 - (t_after + t_hook) / t_before, "changed": changed,
                "notes_on_changed": len(on_changed), "in_answer": len(shown), "hook_notes": len(result.notes),
                "import_seconds": import_seconds, "hook_seconds": hook_seconds}


def main() -> int:
    oracle = json.loads((HERE / "claude_md" / "links.json").read_text("utf-8"))
    rows = [run_case(name, fx, pkg, changed, oracle[name]) for name, fx, pkg, changed in CASES]
    print(f"tether import-claude-md benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"Python {platform.python_version()}, {platform.machine()}")
    head = ("case", "entries", "name code", "linked", "links right", "wrong", "missed", "moved",
            "CLAUDE.md before", "after --move", "+ hook (its capsule)", "saving", "changed fn's notes in answer")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print(f"| {r['case']} | {r['entries']} | {r['names_code']} | {r['linked']} | {r['right']} | {r['wrong']} | "
              f"{r['missed']} | {r['moved']} | {r['tokens_before']:,} | {r['tokens_claude_md_after']:,} | "
              f"{r['tokens_hook']:,} ({r['tokens_capsule']:,}) | {r['saving']:.0%} | "
              f"{r['in_answer']} of {r['notes_on_changed']} |")
    total_before = sum(r["tokens_before"] for r in rows)
    total_after = sum(r["tokens_claude_md_after"] + r["tokens_hook"] for r in rows)
    print(f"\nall four: {total_before:,} tokens before, {total_after:,} after (CLAUDE.md + hook): "
          f"{1 - total_after / total_before:.0%} fewer; wrong links: {sum(r['wrong'] for r in rows)}")
    for r in rows:
        for entry, target in r["wrong_list"]:
            print(f"  wrong link in {r['case']}: {entry!r} -> {target}")
        if r["missed_list"]:
            print(f"  missed in {r['case']}: {', '.join(r['missed_list'])}")
        print(f"  {r['case']}: changed {r['changed']}; import {r['import_seconds']:.2f} s, hook {r['hook_seconds']:.2f} s, "
              f"{r['hook_notes']} notes in the hook's answer")
    ok = all(r["wrong"] == 0 and r["in_answer"] == r["notes_on_changed"] for r in rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
