"""The capsule: focus, relevance over a known call graph, scoring, budget, rendering, --diff, CLI."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tether.core import capsule as cap
from tether.core.capsule import CapsuleNote, estimate_tokens, pack
from tether.core.cli import main
from tether.core.errors import NotFound, TetherError
from tether.core.model import LinkStatus, Note, Symbol
from tether.core.notes import Draft
from tests.helpers import commit, write_files

FIXTURE = Path(__file__).parent / "fixtures" / "capsule"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
HANDLE, LOAD, ENDPOINT, QUERY = ("pkg/service.py::handle", "pkg/repo.py::load", "pkg/api.py::endpoint",
                                 "pkg/db.py::query")
LONELY = "misc/unrelated.py::lonely"


def fixture_files() -> dict[str, str]:
    return {p.relative_to(FIXTURE).as_posix(): p.read_text("utf-8") for p in sorted(FIXTURE.rglob("*")) if p.is_file()}


@pytest.fixture
def graph(make_project, clock):
    """The fixture project with one note per symbol of the chain, and two unrelated ones, all written
    two hours before NOW whatever today's date."""
    clock((NOW - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    project, repo = make_project(fixture_files())
    ids = {
        "focus": project.add_note("handle() must stay pure: no I/O here.", [HANDLE], type="gotcha").id,
        "load": project.add_note("load() retries twice on a timeout.", [LOAD], type="insight").id,
        "endpoint": project.add_note("endpoint() is the only public entry.", [ENDPOINT], type="insight").id,
        "query": project.add_note("query() returns rows unchanged.", [QUERY], type="insight").id,
        "lonely": project.add_note("lonely() answers 42, always.", [LONELY], type="gotcha").id,
        "island": project.add_note("Island.visit is a leftover.", ["Island.visit"], type="gotcha").id,
    }
    return project, repo, ids


def by_id(c) -> dict[str, CapsuleNote]:
    return {x.note.id: x for x in c.notes}


# -- relevance -----------------------------------------------------------------------------


def test_known_graph_focus_first_one_hop_before_two_unrelated_out(graph):
    project, _, ids = graph
    c = project.capsule(symbols=["handle"], now=NOW)
    got = by_id(c)
    assert ids["focus"] in got and c.notes[0].note.id == ids["focus"]
    assert got[ids["load"]].score > got[ids["query"]].score
    assert got[ids["endpoint"]].score > got[ids["query"]].score
    order = [x.note.id for x in c.notes]
    assert order.index(ids["load"]) < order.index(ids["query"])
    listed = set(got) | {x.note.id for x in c.omitted}
    assert ids["lonely"] not in listed and ids["island"] not in listed  # not relevant: not even omitted
    assert c.omitted == [] and c.seeds == 1
    # the markdown: grouped by symbol, with path:line and signature
    md = c.markdown
    assert md.startswith("## Notes from tether\n_Focus: `pkg/service.py::handle`._\n")
    assert "### `pkg/service.py::handle` (pkg/service.py:5)\n`def handle(request)`\n" in md
    assert f"- **gotcha** (today, `{ids['focus']}`): handle() must stay pure: no I/O here.\n" in md
    assert "lonely" not in md


def test_relevance_decays_with_distance(graph):
    project, _, _ = graph
    with project.store.read() as con:
        rel = cap.relevance(project.store, con, {HANDLE: 1.0})
    assert rel[HANDLE] == 1.0
    assert rel[LOAD] > rel[QUERY] > 0 and rel[ENDPOINT] > rel[QUERY]
    assert "pkg/service.py" in rel  # files are nodes too
    assert LONELY not in rel and "misc/unrelated.py" not in rel


def test_focus_notes_always_in_when_the_budget_allows(make_project):
    project, _ = make_project(fixture_files())
    focus = project.add_note("The focus note.", [HANDLE], type="todo").id  # the lowest type weight
    rng = random.Random(7)
    drafts = []
    for i in range(30):
        words = " ".join(rng.choice(["cache", "retry", "always", "never", "slow"]) for _ in range(rng.randint(5, 40)))
        link = [rng.choice([LOAD, ENDPOINT, QUERY, LONELY])] if i % 3 else []
        drafts.append(Draft(f"Filler {i}: {words}.", link, type=rng.choice(["gotcha", "bug", "decision"])))
    project.add_notes(drafts)
    # header, footer, the symbol's heading and the note take about 110 tokens
    for budget in (120, 150, 400, 2000):
        c = project.capsule(symbols=["handle"], budget=budget, now=NOW)
        assert c.tokens <= budget and c.notes[0].note.id == focus, budget
        assert all(o.reason == "not in focus" for o in c.omitted) or "did not fit" in c.markdown
    c = project.capsule(symbols=["handle"], budget=60, now=NOW)
    assert c.notes == [] and c.omitted[0].note.id == focus  # did not fit: listed first


def test_files_as_focus_and_directories(graph):
    project, _, ids = graph
    c = project.capsule(files=["pkg/repo.py"], now=NOW)
    assert c.notes[0].note.id == ids["load"]
    c = project.capsule(files=["misc"], now=NOW)
    assert {ids["lonely"], ids["island"]} <= set(by_id(c))
    assert ids["query"] not in by_id(c)
    with pytest.raises(NotFound, match="unknown file 'nope.py'"):
        project.capsule(files=["nope.py"])
    with pytest.raises(TetherError, match="outside the repository"):
        project.capsule(files=["../elsewhere.py"])


def test_task_text_names_symbols_files_and_words(graph):
    project, _, ids = graph
    c = project.capsule(task="Why does `load` time out?", now=NOW)
    assert c.notes[0].note.id == ids["load"]
    c = project.capsule(task="look at unrelated.py", now=NOW)
    assert {ids["lonely"], ids["island"]} <= set(by_id(c))
    c = project.capsule(task="timeouts and retries", now=NOW)  # words only: matched in note text ("retries")
    assert [x.note.id for x in c.notes] == [ids["load"]]
    c = project.capsule(task="the and of", now=NOW)
    assert c.notes == []
    assert "_No relevant notes._" in c.markdown


def test_project_wide_notes_compete_and_no_focus_is_the_whole_project(graph):
    project, _, ids = graph
    wide = project.add_note("We use black; CI fails otherwise.", type="gotcha").id
    about = project.add_note("handle() must stay idempotent: clients retry.", type="gotcha").id
    pinned = project.add_note("Never log request bodies.", type="gotcha", pinned=True).id
    c = project.capsule(symbols=["handle"], now=NOW)
    got = by_id(c)
    # a project-wide note earns its place: its text names the focus, or it is pinned
    assert wide not in got and about in got and pinned in got
    assert got[about].score < got[ids["focus"]].score <= got[pinned].score
    assert [(o["id"], o["reason"]) for o in c.to_json()["omitted"]] == [(wide, "not in focus")]
    assert "_1 project-wide note not about this focus left out; `tether capsule --format json` lists them._" \
        in c.markdown
    assert c.markdown.index("### Project-wide") < c.markdown.index("### `pkg/service.py::handle`")
    # the task's words bring it in; so does naming the focus's file or its directory
    assert wide in by_id(project.capsule(task="reformat with black", now=NOW))
    dir_note = project.add_note("Everything in pkg/ is typed.").id
    assert dir_note in by_id(project.capsule(symbols=["handle"], now=NOW))
    assert dir_note in by_id(project.capsule(files=["pkg"], now=NOW))
    project.edit_note(wide, pinned=True)
    assert wide in by_id(project.capsule(symbols=["handle"], now=NOW))
    whole = project.capsule(now=NOW)
    assert whole.notes[0].note.id in {wide, about, pinned, dir_note}  # project-wide notes lead without a focus
    assert set(by_id(whole)) == set(ids.values()) | {wide, about, pinned, dir_note}
    assert whole.markdown.startswith("## Notes from tether\n_Focus: the whole project._\n")


# -- statuses ------------------------------------------------------------------------------


def test_stale_ranked_lower_with_a_warning_line(graph):
    project, repo, ids = graph
    fresh = project.capsule(symbols=["handle"], now=NOW)
    commit(repo, "change load", {"pkg/repo.py": fixture_files()["pkg/repo.py"].replace("return query(request)",
                                                                                      "return query(request) or []")})
    project.index()
    c = project.capsule(symbols=["handle"], now=NOW)
    got = by_id(c)
    assert got[ids["load"]].status == "stale"
    assert got[ids["load"]].score == pytest.approx(by_id(fresh)[ids["load"]].score * cap.FRESHNESS["stale"])
    assert f"`{ids['load']}`): load() retries twice on a timeout.\n  ⚠ stale: body changed (signature unchanged)\n" \
        in c.markdown
    data = c.to_json()
    row = next(n for n in data["notes"] if n["id"] == ids["load"])
    assert row["status"] == "stale" and row["reason"] == "body changed (signature unchanged)"


def test_orphaned_only_when_directly_in_focus(graph):
    project, repo, ids = graph
    commit(repo, "drop misc", {"misc/unrelated.py": None})
    project.index()
    assert ids["lonely"] not in by_id(project.capsule(now=NOW))  # no focus: orphaned stay out
    c = project.capsule(files=["misc/unrelated.py"], now=NOW)  # the deleted file named directly
    assert {ids["lonely"], ids["island"]} <= set(by_id(c))
    assert "⚠ orphaned: the symbol is gone and nothing matches it" in c.markdown
    assert "### `misc/unrelated.py::lonely` (gone)" in c.markdown
    c = project.capsule(symbols=["lonely"], now=NOW)  # a gone name that notes still link to
    assert set(by_id(c)) == {ids["lonely"]}
    with pytest.raises(NotFound):
        project.capsule(symbols=["never_existed"])


def test_archived_and_deleted_never(graph):
    project, _, ids = graph
    project.set_state([ids["focus"]], "archived")
    project.set_state([ids["load"]], "deleted")
    got = by_id(project.capsule(symbols=["handle"], now=NOW))
    assert ids["focus"] not in got and ids["load"] not in got
    with pytest.raises(TetherError, match="is archived"):
        project.capsule(symbols=["handle"], include=[ids["focus"]])


def test_moved_link_counts_where_the_code_now_is(graph):
    project, repo, ids = graph
    files = fixture_files()
    commit(repo, "rename", {"pkg/db.py": files["pkg/db.py"].replace("def query(", "def fetch("),
                            "pkg/repo.py": files["pkg/repo.py"].replace("query", "fetch")})
    project.index()
    c = project.capsule(symbols=["pkg/db.py::fetch"], now=NOW)
    got = by_id(c)
    assert got[ids["query"]].status == "moved" and got[ids["query"]].group == "pkg/db.py::fetch"
    assert "### `pkg/db.py::fetch` (pkg/db.py:4)" in c.markdown
    assert "⚠ moved: renamed to pkg/db.py::fetch" in c.markdown


# -- curation, determinism -----------------------------------------------------------------


def test_include_pins_first_and_exclude_drops(graph):
    project, _, ids = graph
    c = project.capsule(symbols=["handle"], include=[ids["lonely"][:6]], exclude=[ids["focus"]], now=NOW)
    assert c.notes[0].note.id == ids["lonely"]
    assert ids["focus"] not in by_id(c) and c.excluded == [ids["focus"]]
    assert "### `misc/unrelated.py::lonely`" in c.markdown
    with pytest.raises(TetherError, match="both included and excluded"):
        project.capsule(include=[ids["load"]], exclude=[ids["load"]])
    with pytest.raises(NotFound, match="--include: unknown note 'zzzz'"):
        project.capsule(include=["zzzz"])
    # a pin that does not fit is listed, not dropped silently
    c = project.capsule(symbols=["handle"], include=[ids["lonely"]], budget=30, now=NOW)
    assert ids["lonely"] in {x.note.id for x in c.omitted}


def test_same_inputs_same_capsule(graph):
    project, _, _ = graph
    a = project.capsule(symbols=["handle"], task="retry load", budget=120, now=NOW)
    b = project.capsule(symbols=["handle"], task="retry load", budget=120, now=NOW)
    assert a.markdown == b.markdown and a.to_json() == b.to_json()


def test_private_notes_stay_out_of_files_and_are_counted(graph):
    project, _, ids = graph
    secret = project.add_note("The staging password rotates on Mondays.", [HANDLE], private=True).id
    assert secret in by_id(project.capsule(symbols=["handle"], now=NOW))
    c = project.capsule(symbols=["handle"], for_file=True, now=NOW)
    assert secret not in by_id(c) and secret not in c.markdown
    assert [(x.note.id, x.reason) for x in c.omitted] == [(secret, "private")]
    assert "1 private note left out of files" in c.markdown
    assert "(2026-11-25, `" in c.markdown  # dates, not ages, in files


def test_age_buckets():
    assert cap.age("2026-11-25T08:00:00Z", NOW) == "today"
    assert cap.age("2026-11-20T08:00:00Z", NOW) == "5d ago"
    assert cap.age("2026-10-01T08:00:00Z", NOW) == "7w ago"
    assert cap.age("2025-11-01T08:00:00Z", NOW) == "12mo ago"
    assert cap.age("2020-11-01T08:00:00Z", NOW) == "6y ago"


def test_stem_joins_word_forms():
    assert {cap.stem(w) for w in ("charge", "charges", "charging", "charged")} == {"charg"}
    assert cap.stem("retries") == cap.stem("retry") and cap.stem("class") == "class"


# -- budget --------------------------------------------------------------------------------

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=300)


def _entry(i: int, text: str, kind: str, status: str, nlinks: int, group: str | None) -> CapsuleNote:
    note = Note(f"n{i:09d}", text, kind, [], "user", None, "2026-11-01T00:00:00Z", "2026-11-01T00:00:00Z", None,
                "active", False)
    links = [LinkStatus(note.id, f"a.py::f{j}", "symbol", status if j == 0 else "fresh", None, "why " * j, "none")
             for j in range(nlinks)]
    return CapsuleNote(note, status, links, 1.0 / (i + 1), group if nlinks else None)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_TEXT, st.sampled_from(list(cap.TYPE_WEIGHTS)), st.sampled_from(list(cap.FRESHNESS)),
                          st.integers(0, 3), st.sampled_from(["a.py::f0", "a.py::f1", "b.py", "gone.py::x"])),
                max_size=25),
       st.integers(1, 600), st.one_of(st.none(), st.integers(1, 3000)), st.integers(0, 3),
       st.lists(_TEXT, max_size=3), st.booleans(), st.booleans())
def test_budget_never_exceeded(rows, budget, max_chars, private, focus, dates, compact):
    entries = [_entry(i, *row) for i, row in enumerate(rows)]
    sym = Symbol("a.py::f0", "function", "f0", "a.py", "python", 3, 9, 0, 10, "def f0(x: `int`)", None, "", "", "")
    md, taken, left = pack(entries, budget, max_chars, focus, {"a.py::f0": sym}, dates, NOW, private,
                           compact=compact)
    assert estimate_tokens(md) <= budget
    assert max_chars is None or len(md) <= max_chars
    assert sorted(e.note.id for e in taken + left) == sorted(e.note.id for e in entries)  # nothing lost
    assert all(e.reason == "budget" for e in left)
    for e in taken:
        assert f"`{e.note.id}`" in md
    if left and (taken if compact else md):  # a compact capsule without notes says nothing
        counted = f"(+{len(left)} related note" if compact else f"{len(left)} more relevant note"
        assert counted in md  # counted in the footer
    kept = {e.note.id for e in taken}  # taken in the order given
    assert [e.note.id for e in taken] == [e.note.id for e in entries if e.note.id in kept]


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """A project with 40 notes of random unicode text and random links."""
    from tether.core.project import Project
    from tests.helpers import git_repo

    root = tmp_path_factory.mktemp("many") / "repo"
    root.mkdir()
    git_repo(root, fixture_files())
    project = Project(root)
    rng = random.Random(11)
    alphabet = "abc xyz éü 字符 🙂 `code` **b** \n- item\n<!-- tether:end -->\n"
    targets = [HANDLE, LOAD, ENDPOINT, QUERY, LONELY, "Island.visit"]
    drafts = []
    for _ in range(40):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 400))).strip() or "x"
        drafts.append(Draft(text, rng.sample(targets, rng.randint(0, 2)), type=rng.choice(list(cap.TYPE_WEIGHTS))))
    project.add_notes(drafts)
    return project


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(1, 1500), st.one_of(st.none(), st.integers(1, 5000)),
       st.sampled_from([(), ("handle",), ("query", "lonely")]), st.booleans())
def test_budget_never_exceeded_on_a_real_project(many, budget, max_chars, symbols, for_file):
    c = many.capsule(symbols=symbols, budget=budget, max_chars=max_chars, for_file=for_file, now=NOW)
    assert c.tokens <= budget and estimate_tokens(c.markdown) == c.tokens
    assert max_chars is None or c.chars <= max_chars
    assert "<!-- tether:end -->" not in c.markdown  # marker lines in notes are escaped
    if c.omitted:
        assert not c.markdown or "did not fit" in c.markdown or "private" in c.markdown


def test_budget_limits_are_checked():
    for bad in (0, -5, "10", True):
        with pytest.raises(TetherError, match="budget must be a positive number"):
            cap.check_limits(bad, None)
    with pytest.raises(TetherError, match="max-chars"):
        cap.check_limits(10, 0)


# -- --diff --------------------------------------------------------------------------------


def test_diff_focuses_on_uncommitted_edits(graph):
    project, repo, ids = graph
    assert project.capsule(diff="", now=NOW).notes == []  # nothing changed yet
    write_files(project.root, {"pkg/repo.py": fixture_files()["pkg/repo.py"].replace(
        "return query(request)", "request = dict(request)\n    return query(request)")})
    c = project.capsule(diff="", now=NOW)
    assert c.notes[0].note.id == ids["load"]  # the edited function: directly in focus
    assert c.focus == ["uncommitted changes"]
    got = by_id(c)
    assert ids["lonely"] not in got and ids["island"] not in got
    assert got[ids["load"]].status == "stale"  # --diff indexes first


def test_diff_counts_untracked_files(graph):
    project, _, _ = graph
    write_files(project.root, {"pkg/extra.py": "from pkg.db import query\n\n\ndef extra():\n    return query(1)\n"})
    project.index()
    note = project.add_note("extra() is experimental.", ["extra"]).id
    c = project.capsule(diff="", now=NOW)
    assert c.notes[0].note.id == note


def test_diff_against_a_revision_and_the_branch_point(graph):
    project, repo, ids = graph
    files = fixture_files()
    base = repo.head.target
    commit(repo, "change db", {"pkg/db.py": files["pkg/db.py"].replace("return request", "return list(request)")})
    project.index()
    assert project.capsule(diff="", now=NOW).notes == []  # committed: no uncommitted change
    c = project.capsule(diff="HEAD~1", now=NOW)
    assert c.notes[0].note.id == ids["query"] and c.focus == ["changes since HEAD~1"]
    repo.branches.local.create("topic", repo[repo.head.target])
    repo.set_head("refs/heads/topic")  # the same commit: the working tree stays as it is
    repo.references["refs/heads/main"].set_target(base)  # main is back at the branch point
    assert by_id(project.capsule(diff="main...", now=NOW))[ids["query"]]
    with pytest.raises(TetherError, match="unknown revision 'nope'"):
        project.capsule(diff="nope")


def test_diff_outside_git(tmp_path):
    from tether.core.project import Project

    (tmp_path / "a.py").write_text("def f():\n    return 1\n")
    with pytest.raises(TetherError, match="needs a git repository"):
        Project(tmp_path).capsule(diff="")


# -- command line --------------------------------------------------------------------------


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_markdown_and_json(graph, capsys):
    project, _, ids = graph
    root = str(project.root)
    code, out, err = run(capsys, "--repo", root, "capsule", "--symbol", "handle")
    assert code == 0 and err == "" and out.startswith("## Notes from tether\n") and ids["focus"] in out
    code, out, _ = run(capsys, "--repo", root, "capsule", "--symbol", "handle", "--format", "json", "--budget", "500")
    data = json.loads(out)
    assert set(data) >= {"budget", "tokens", "chars", "notes", "omitted", "markdown"}
    assert data["budget"] == 500 and data["tokens"] <= 500 and data["chars"] == len(data["markdown"])
    assert set(data["notes"][0]) >= {"id", "type", "text", "symbols", "score", "status"}
    assert data["notes"][0]["id"] == ids["focus"] and data["notes"][0]["symbols"] == [HANDLE]
    code, out, _ = run(capsys, "--repo", root, "capsule", "--symbol", "handle", "--format", "json", "--budget", "40")
    data = json.loads(out)
    assert data["omitted"] and set(data["omitted"][0]) >= {"id", "line"}


def test_cli_budget_from_config(graph, capsys):
    project, _, _ = graph
    (project.dir / "config.toml").write_text("[capsule]\nbudget = 77\n")
    code, out, _ = run(capsys, "--repo", str(project.root), "capsule", "--format", "json")
    assert code == 0 and json.loads(out)["budget"] == 77


@pytest.mark.parametrize("argv, message", [
    (["--symbol", "nosuch"], "unknown symbol 'nosuch'"),
    (["--budget", "0"], "budget must be a positive number of tokens"),
    (["--budget", "lots"], "argument --budget: invalid int value: 'lots'"),
    (["--max-chars", "-1"], "max-chars must be a positive number"),
    (["--dry-run"], "--dry-run goes with --write"),
    (["--include", "zzzzzz"], "--include: unknown note 'zzzzzz'"),
    (["--diff", "nope"], "unknown revision 'nope'"),
    (["--write", "../outside.md"], "outside the repository"),
])
def test_cli_errors_are_one_line_exit_2(graph, capsys, argv, message):
    project, _, _ = graph
    code, out, err = run(capsys, "--repo", str(project.root), "capsule", *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("tether: ") and message in err


def test_cli_write_then_unchanged_then_dry_run(graph, capsys, monkeypatch):
    project, _, ids = graph
    monkeypatch.chdir(project.root)
    (project.root / "CLAUDE.md").write_text("# Project\r\n\r\nOur rules.", "utf-8", newline="")
    code, out, _ = run(capsys, "capsule", "--symbol", "handle", "--write")
    assert code == 0 and out.startswith("CLAUDE.md: block appended (")
    data = (project.root / "CLAUDE.md").read_bytes()
    assert data.startswith(b"# Project\r\n\r\nOur rules.\r\n\r\n<!-- tether:begin -->\r\n## Notes from tether\r\n")
    assert data.endswith(b"<!-- tether:end -->\r\n") and ids["focus"].encode() in data
    code, out, _ = run(capsys, "capsule", "--symbol", "handle", "--write")
    assert code == 0 and out.startswith("CLAUDE.md: unchanged (")
    code, out, _ = run(capsys, "capsule", "--symbol", "load", "--write", "--dry-run")
    assert code == 0 and out.startswith("--- a/CLAUDE.md\n+++ b/CLAUDE.md\n")
    assert "+_Focus: `pkg/repo.py::load`._" in out and "-_Focus: `pkg/service.py::handle`._" in out
    assert (project.root / "CLAUDE.md").read_bytes() == data
    code, out, _ = run(capsys, "capsule", "--symbol", "load", "--write", "--format", "json")
    written = json.loads(out)["write"]
    assert written == {"path": "CLAUDE.md", "changed": True, "created": False, "dry_run": False}


def test_cli_write_malformed_markers_leave_the_file(graph, capsys):
    project, _, _ = graph
    path = project.root / "CLAUDE.md"
    path.write_bytes(b"intro\n<!-- tether:begin -->\nold\n")
    code, _, err = run(capsys, "--repo", str(project.root), "capsule", "--write")
    assert code == 1 and "CLAUDE.md:2: '<!-- tether:begin -->' has no matching '<!-- tether:end -->'" in err
    assert err.count("\n") == 1 and path.read_bytes() == b"intro\n<!-- tether:begin -->\nold\n"


def test_cli_copy_falls_back_to_osc52(graph, capsys, monkeypatch, tmp_path):
    import base64

    import pyperclip

    from tether.core.outputs import clipboard

    project, _, _ = graph

    def no_clipboard(text):
        raise pyperclip.PyperclipException("Pyperclip could not find a copy/paste mechanism for your system.")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    (tmp_path / "tty").write_bytes(b"")  # a file standing in for the terminal
    monkeypatch.setattr(clipboard, "TTY", str(tmp_path / "tty"))
    monkeypatch.delenv("TMUX", raising=False)
    code, out, err = run(capsys, "--repo", str(project.root), "capsule", "--symbol", "handle", "--copy")
    assert code == 0 and err == ""
    assert out.startswith("copied 4 notes, ~") and "OSC 52" in out and "could not find a copy/paste mechanism" in out
    sent = (tmp_path / "tty").read_bytes()
    assert sent.startswith(b"\x1b]52;c;") and sent.endswith(b"\x07")
    markdown = base64.b64decode(sent[7:-1]).decode()
    assert markdown == project.capsule(symbols=["handle"]).markdown


def test_diff_before_the_first_commit_and_the_warning(make_project):
    project, _ = make_project(fixture_files(), commit=False)  # nothing committed: everything is new
    note = project.add_note("query() is the bottom.", [QUERY]).id
    c = project.capsule(diff="", now=NOW)
    assert note in by_id(c) and by_id(c)[note].score == pytest.approx(cap.TYPE_WEIGHTS["insight"])


def test_diff_without_code_changes_warns(graph, capsys):
    project, _, _ = graph
    (project.root / "notes.txt").write_text("not code\n")
    c = project.capsule(diff="", now=NOW)
    assert c.warnings == [] and c.notes == []  # a changed file that is indexed (as a file) is a change
    (project.root / "notes.txt").unlink()
    c = project.capsule(diff="", now=NOW)
    assert c.warnings == ["--diff: no indexed code changed in the working tree"]
    code, out, err = run(capsys, "--repo", str(project.root), "capsule", "--diff")
    assert code == 0 and err == "tether: warning: --diff: no indexed code changed in the working tree\n"


def test_cli_indexes_a_never_indexed_repository_first(make_project, capsys):
    project, _ = make_project(fixture_files())
    assert run(capsys, "--repo", str(project.root), "init")[0] == 0  # a database, no index yet
    code, out, _ = run(capsys, "--repo", str(project.root), "capsule", "--symbol", "handle", "--max-chars", "300",
                       "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["notes"] == [] and data["chars"] <= 300 and data["max_chars"] == 300
    assert data["markdown"] == "## Notes from tether\n_Focus: `pkg/service.py::handle`._\n\n_No relevant notes._\n"
