"""`tether import-claude-md`: markdown to entries, mentions to links, plan, apply, de-duplication."""

import dataclasses

import pytest

from tether.core.prose_links import mentions
from tether.core.claude_md_import import (
    ALREADY_IMPORTED,
    apply_import,
    front_matter_paths,
    guess_type,
    plan_import,
    slugify,
    split_entries,
    text_origin,
)
from tether.core.errors import TetherError
from tests.helpers import commit

FENCE = "```"

CLAUDE_MD = f"""# CLAUDE.md

This is a small service. Café ☕ notes — unicode is welcome here.

## Build & test

Run the tests with:

{FENCE}bash
make test
- this is not a bullet
## nor a heading
{FENCE}

- We use `pytest`; always run `make check` before committing.
- Never call `UserService.refresh()` inside a request handler:
  it blocks on `load_users`.
  - The admin variant `Admin.refresh` is fine.
* `refresh` is overloaded, careful.

<!-- an HTML comment
- that looks like a bullet
-->

## Billing

When touching app/billing.py, remember:

1. Amounts are integers in cents.
2. TODO: retry `charge` on timeouts.

We decided to round with `round_cents` because the bank
rounds half-even, so totals match statements.

<!-- tether:begin -->
## tether notes
- managed line that must not be imported
<!-- tether:end -->

## Layout

| Command | Purpose |
|---|---|
| `make test` | unit tests |

See api.routes.list_users and `app/api/routes.py` (e.g. for new endpoints).
"""

# CRLF line endings, front matter with a literal path and a glob
API_RULES = (b'---\r\npaths:\r\n  - "app/api/routes.py"\r\n  - "app/**/*.py"\r\n---\r\n# API rules\r\n\r\n'
             b"- Prefer returning lists from `list_users`.\r\n"
             b"- There is a bug in `list_users` pagination:\r\n  it ignores `limit`.\r\n")

STYLE_RULES = """## Données & Ümlauts

- Keep functions small.
- Unicode names are fine; `load_users` returns them untouched.

## Review

- Keep functions small.
"""

FILES = {
    "app/__init__.py": "",
    "app/users.py": "class UserService:\n    def refresh(self):\n        return load_users()\n\n\n"
                    "def load_users():\n    return []\n",
    "app/admin.py": "class Admin:\n    def refresh(self):\n        pass\n",
    "app/billing.py": "def charge(amount_cents):\n    return round_cents(amount_cents)\n\n\n"
                      "def round_cents(x):\n    return x\n",
    "app/api/__init__.py": "",
    "app/api/routes.py": "def list_users(limit=10):\n    return []\n",
}
ALL_FILES = {**FILES, "CLAUDE.md": CLAUDE_MD, ".claude/rules/api.md": API_RULES, ".claude/rules/style.md": STYLE_RULES}

LEAD = "When touching app/billing.py, remember: "
# (text, type, tags, links) of every note the import creates, in order
EXPECTED = [
    ("This is a small service. Café ☕ notes — unicode is welcome here.", "insight", [], []),
    (f"Run the tests with:\n\n{FENCE}bash\nmake test\n- this is not a bullet\n## nor a heading\n{FENCE}",
     "convention", ["build-test"], []),
    ("We use `pytest`; always run `make check` before committing.", "convention", ["build-test"], []),
    ("Never call `UserService.refresh()` inside a request handler: it blocks on `load_users`.\n"
     "- The admin variant `Admin.refresh` is fine.", "gotcha", ["build-test"],
     [("symbol", "app/users.py::UserService.refresh"), ("symbol", "app/users.py::load_users"),
      ("symbol", "app/admin.py::Admin.refresh")]),
    ("`refresh` is overloaded, careful.", "gotcha", ["build-test"], []),  # ambiguous: not linked
    (LEAD + "Amounts are integers in cents.", "insight", ["billing"], [("file", "app/billing.py")]),
    (LEAD + "TODO: retry `charge` on timeouts.", "todo", ["billing"],
     [("symbol", "app/billing.py::charge"), ("file", "app/billing.py")]),
    ("We decided to round with `round_cents` because the bank rounds half-even, so totals match statements.",
     "decision", ["billing"], [("symbol", "app/billing.py::round_cents")]),
    ("| Command | Purpose |\n|---|---|\n| `make test` | unit tests |", "insight", ["layout"], []),
    ("See api.routes.list_users and `app/api/routes.py` (e.g. for new endpoints).", "insight", ["layout"],
     [("symbol", "app/api/routes.py::list_users"), ("file", "app/api/routes.py")]),
    ("Prefer returning lists from `list_users`.", "convention", ["api"],
     [("symbol", "app/api/routes.py::list_users"), ("file", "app/api/routes.py")]),
    ("There is a bug in `list_users` pagination: it ignores `limit`.", "bug", ["api"],
     [("symbol", "app/api/routes.py::list_users"), ("file", "app/api/routes.py")]),
    ("Keep functions small.", "convention", ["données-ümlauts", "style"], []),
    ("Unicode names are fine; `load_users` returns them untouched.", "insight", ["données-ümlauts", "style"],
     [("symbol", "app/users.py::load_users")]),
]


@pytest.fixture
def project(make_project):
    project, _ = make_project(ALL_FILES)
    project.index()
    return project


def everything(project):
    return project.all_notes(states=("active", "archived", "deleted"))


def summary(note):
    return note.text, note.type, note.tags, [(l.kind, l.target) for l in note.links]


# -- the parser ----------------------------------------------------------------------------


def test_split_entries_of_a_messy_file():
    got = [(e.line, e.kind, e.headings, e.text) for e in split_entries(CLAUDE_MD, "CLAUDE.md")]
    assert got == [
        (3, "paragraph", (), EXPECTED[0][0]),  # the single level-1 heading is a title, not context
        (7, "paragraph", ("Build & test",), EXPECTED[1][0]),  # the code block belongs to its paragraph
        (15, "bullet", ("Build & test",), EXPECTED[2][0]),
        (16, "bullet", ("Build & test",), EXPECTED[3][0]),  # continuation and sub-bullet join the item
        (19, "bullet", ("Build & test",), EXPECTED[4][0]),
        (29, "numbered", ("Billing",), EXPECTED[5][0]),  # the lead-in starts each item
        (30, "numbered", ("Billing",), EXPECTED[6][0]),
        (32, "paragraph", ("Billing",), EXPECTED[7][0]),  # wrapped lines joined
        (42, "table", ("Layout",), EXPECTED[8][0]),
        (46, "paragraph", ("Layout",), EXPECTED[9][0]),
    ]
    assert not any("managed" in e.text or "HTML comment" in e.text for e in split_entries(CLAUDE_MD))


def test_crlf_front_matter_and_line_numbers():
    text = API_RULES.decode()
    entries = split_entries(text)
    assert entries == split_entries(text.replace("\r\n", "\n"))
    assert [(e.line, e.headings, e.text) for e in entries] == [
        (8, (), "Prefer returning lists from `list_users`."),
        (9, (), "There is a bug in `list_users` pagination: it ignores `limit`."),
    ]
    assert front_matter_paths(text) == ["app/api/routes.py", "app/**/*.py"]
    assert front_matter_paths("---\npaths: [a.py, 'b/*.py']\n---\ntext") == ["a.py", "b/*.py"]
    assert front_matter_paths("no front matter") == []
    # a thematic break on line 1 is not front matter
    assert [e.text for e in split_entries("---\nsome text\n---\nmore\n")] == ["more"]  # a setext heading
    assert [e.text for e in split_entries("---\n\nsome text\n\n---\n\nmore\n")] == ["some text", "more"]


@pytest.mark.parametrize("markdown, expected", [
    # nested lists: sub-items, deeper levels and lazy lines stay with their top-level item
    ("- a\n  - b\n    - c\n  more of b\n- d\n", ["a\n- b\n  - c more of b", "d"]),
    # a loose item: a further paragraph (indented) stays; an unindented one is new
    ("1. first\n\n   still first\n\nnot in the list\n", ["first\n\nstill first", "not in the list"]),
    # a code block after a blank line joins the entry before it; never split on its lines
    (f"- item\n\n{FENCE}\n- x\n\n# y\n{FENCE}\nafter\n", [f"item\n\n{FENCE}\n- x\n\n# y\n{FENCE}", "after"]),
    # a code block first in its section is an entry of its own; an unclosed one runs to the end
    (f"# A\n\n- a\n\n## B\n\n~~~\ncode\n~~~\n\n{FENCE}py\nopen", ["a", f"~~~\ncode\n~~~\n\n{FENCE}py\nopen"]),
    # markers of the managed block inside code are content, in inline code nothing special
    (f"{FENCE}\n<!-- tether:begin -->\n{FENCE}\n", [f"{FENCE}\n<!-- tether:begin -->\n{FENCE}"]),
    ("Put `<!-- tether:begin -->` in the file.\n", ["Put `<!-- tether:begin -->` in the file."]),
    # comments: inline, multi-line, unclosed (to the end, as rendered)
    ("a <!-- x --> b\n<!--\n- hidden\n-->\nc\n<!-- open\nd\n", ["a  b c"]),
    # a hard break keeps the line; a blockquote is one entry
    ("one  \ntwo\nthree\n\n> quoted\n> still\n>\n> new para\n", ["one\ntwo three", "quoted still\n\nnew para"]),
    # a table without outer pipes, a setext heading, a thematic break
    ("a | b\n--|--\n1 | 2\n\nTitle\n=====\n\ntext\n\n***\n\n+ plus\n", ["a | b\n--|--\n1 | 2", "text", "plus"]),
    # a lead-in before a table joins it; a long colon paragraph is not a lead-in
    ("Commands:\n\n| a |\n|---|\n", ["Commands:\n| a |\n|---|"]),
    ("x" * 201 + ":\n- item\n", ["x" * 201 + ":", "item"]),
    # a task box is kept; an empty item is nothing; tabs indent like spaces
    ("- [ ] write it\n-\n-\tsub\n\t- nested\n", ["[ ] write it", "sub\n- nested"]),
    # a table inside an item stays a table; markup alone is nothing
    ("- Commands:\n\n  | a | b |\n  |---|---|\n\n<details>\n\n</details>\n", ["Commands:\n\n| a | b |\n|---|---|"]),
    # an indented code block after a paragraph stays with it
    ("Run:\n\n    make test\n    make lint\n\nnext\n", ["Run:\n\n    make test\n    make lint", "next"]),
])
def test_split_entries_cases(markdown, expected):
    assert [e.text for e in split_entries(markdown)] == expected


def test_heading_context_and_tags():
    md = "# One\n\na\n\n# Two\n\n## Sub `x` **bold**\n\nb\n\n### Déjà vu!\n\nc\n\n## Next\n\nd\n"
    got = [(e.text, e.headings) for e in split_entries(md)]
    assert got == [("a", ("One",)), ("b", ("Two", "Sub x bold")), ("c", ("Two", "Sub x bold", "Déjà vu!")),
                   ("d", ("Two", "Next"))]  # two level-1 headings: neither is a title
    assert [slugify(h) for h in ("Build & Test", "Déjà vu!", "🚀 Deploy", "snake_case `x`", "!!")] == [
        "build-test", "déjà-vu", "deploy", "snake-case-x", ""]


def test_a_bold_line_before_a_list_is_its_label_not_a_note():
    md = ("## Architecture\n\n**Agent System (`agent/`)**\n- `Agent`: the orchestrator\n- Entry points: `run()`\n\n"
          "after the list\n\n**Output Handling**\n\n| a |\n|---|\n\n"
          "**Never commit secrets.**\n- a sentence in bold is an entry\n\n**Dependency Injection**\n"
          f"{FENCE}python\nx = 1\n{FENCE}\n\n**Alone at the end**\n\n## Next\n\n- no label here\n")
    got = [(e.text, e.headings, e.label) for e in split_entries(md)]
    assert got == [
        ("`Agent`: the orchestrator", ("Architecture",), "Agent System (agent/)"),
        ("Entry points: `run()`", ("Architecture",), "Agent System (agent/)"),
        ("after the list", ("Architecture",), "Agent System (agent/)"),
        ("| a |\n|---|", ("Architecture",), "Output Handling"),
        ("**Never commit secrets.**", ("Architecture",), "Output Handling"),
        ("a sentence in bold is an entry", ("Architecture",), "Output Handling"),
        (f"**Dependency Injection**\n{FENCE}python\nx = 1\n{FENCE}", ("Architecture",), "Output Handling"),
        ("**Alone at the end**", ("Architecture",), "Output Handling"),
        ("no label here", ("Next",), ""),
    ]
    assert split_entries(md)[1].context == ("Architecture", "Agent System (agent/)")


def test_a_label_naming_a_directory_places_the_names_of_its_list(make_project):
    project, _ = make_project({
        "agent/abstract.py": "class AbstractAgent:\n    def run_sync(self):\n        return 1\n",
        "graph/runner.py": "class Runner:\n    def run_sync(self):\n        return 2\n",
        "CLAUDE.md": "**Agent System (`agent/`)**\n- Entry points: `run_sync()`\n\n"
                     "## Elsewhere\n\n- `run_sync()` is everywhere\n"})
    project.index()
    planned = {p.text: p for p in plan_import(project).new}
    assert planned["Entry points: `run_sync()`"].symbols == ["agent/abstract.py::AbstractAgent.run_sync"]
    assert planned["`run_sync()` is everywhere"].symbols == []  # no label, no place: ambiguous
    assert "Agent System (`agent/`)" not in " ".join(planned)


@pytest.mark.parametrize("text", [
    "- a\n<!-- tether:begin -->\n- b\n",  # begin without end
    "- a\n<!-- tether:end -->\n",  # end without begin
    "<!-- tether:begin -->\n<!-- tether:begin -->\n<!-- tether:end -->\n",  # nested
])
def test_malformed_managed_block_is_refused(text):
    with pytest.raises(TetherError) as err:
        split_entries(text, "CLAUDE.md")
    msg = str(err.value)
    assert msg.startswith("CLAUDE.md:2: ") and "\n" not in msg and "tether:" in msg


def test_mentions():
    assert mentions("Use `UserService.refresh()` and `charge(amount)` in `app/users.py:12`; "
                    "see api.users.UserService, src/app/users.py and ./docs/x.md.") == [
        "UserService.refresh", "charge", "app/users.py", "api.users.UserService", "src/app/users.py", "docs/x.md"]
    # not names: abbreviations, versions, URLs, e-mails, flags, words, code blocks
    assert mentions("e.g. i.e. v1.2.3 https://example.com/a/b x@y.org `--dry-run` `None` `1.5` "
                    f"`make test`\n{FENCE}\nimport app.users\n{FENCE}\n") == []
    # a code span with spaces is read like prose; duplicates once
    assert mentions("`pytest tests/test_x.py` and tests/test_x.py, `a::b`") == ["tests/test_x.py", "a::b"]


def test_guess_type():
    cases = {
        "TODO: add retries": "todo", "[ ] write the migration": "todo", "There is a bug in X": "bug",
        "Never call X": "gotcha", "Don’t use Y": "gotcha", "Be careful with Z": "gotcha",
        "We decided on DuckDB": "decision", "X, because Y": "decision", "We use ruff": "convention",
        "Always run tests": "convention", "Prefer dataclasses": "convention", "Use type hints": "convention",
        "The cache lives in .tether": "insight", "todo lists are rendered by X": "insight",
    }
    assert {text: guess_type(text) for text in cases} == cases


# -- planning and importing ----------------------------------------------------------------


def test_import_creates_the_expected_notes(project):
    plan = plan_import(project)
    assert plan.sources == ["CLAUDE.md", ".claude/rules/api.md", ".claude/rules/style.md"]
    skipped = [(p.source, p.line, p.skip) for p in plan.skipped]
    assert skipped == [(".claude/rules/style.md", 8, "same text as .claude/rules/style.md:3")]
    unresolved = {m: why for p in plan.entries for m, why in p.unresolved}
    assert unresolved["refresh"].startswith("ambiguous symbol 'refresh'")
    assert unresolved["pytest"].startswith("unknown symbol 'pytest'")

    notes = apply_import(project, plan)
    assert [summary(n) for n in notes] == EXPECTED
    order = [p.origin for p in plan.entries]
    assert [summary(n) for n in sorted(project.all_notes(), key=lambda n: order.index(n.origin))] == EXPECTED
    assert all(n.source == "user" and n.state == "active" and not n.private for n in notes)
    assert [n.origin for n in notes] == [p.origin for p in plan.new]
    assert notes[0].origin == text_origin("CLAUDE.md", EXPECTED[0][0])
    assert notes[0].origin.startswith("CLAUDE.md#") and len(notes[0].origin) == len("CLAUDE.md#") + 12
    assert sum(1 for n in notes if n.links) == 8
    # anchored like any link: the linked code as it is
    refresh = next(l for l in notes[3].links if l.target.endswith("UserService.refresh"))
    assert "def refresh(self):" in refresh.anchor.text
    # one batch: one undo reverts the whole import, and the import can then run again
    assert {h["batch"] for h in project.history()} == {1}
    assert sorted(op for op, _ in project.undo()) == ["add"] * len(EXPECTED)
    assert project.all_notes() == []
    assert len(apply_import(project, plan_import(project))) == len(EXPECTED)


def test_running_twice_imports_nothing_twice(project):
    apply_import(project, plan_import(project))
    again = plan_import(project)
    assert again.new == [] and {p.skip for p in again.entries} == {ALREADY_IMPORTED}
    assert apply_import(project, again) == []
    # a deleted or archived import stays out
    notes = project.all_notes()
    project.set_state([notes[0].id], "deleted")
    project.set_state([notes[1].id], "archived")
    assert plan_import(project).new == []
    # edits elsewhere in the file (lines shift) bring in only what is new or changed
    root = project.root
    text = (root / "CLAUDE.md").read_text("utf-8")
    text = text.replace("## Build & test\n", "## Build & test\n\n- Always use `uv`.\n")
    text = text.replace("Amounts are integers in cents.", "Amounts are integers in cents (never floats).")
    (root / "CLAUDE.md").write_text(text, "utf-8")
    plan = plan_import(project)
    assert [(p.line, p.text) for p in plan.new] == [
        (7, "Always use `uv`."), (31, LEAD + "Amounts are integers in cents (never floats).")]
    created = apply_import(project, plan)
    assert [n.type for n in created] == ["convention", "gotcha"]
    assert len(everything(project)) == len(EXPECTED) + 2
    assert plan_import(project).new == []


def test_a_plan_alone_writes_nothing(project):
    plan = plan_import(project)
    assert len(plan.new) == len(EXPECTED)
    assert everything(project) == [] and project.history() == []


def test_an_origin_that_appears_after_the_plan_is_skipped(project):
    plan = plan_import(project)
    apply_import(project, plan_import(project))
    new = plan.new
    assert apply_import(project, plan) == []
    assert plan.new == [] and {p.skip for p in new} == {ALREADY_IMPORTED}
    assert len(everything(project)) == len(EXPECTED)


def test_malformed_markers_refuse_before_anything(project):
    rules = project.root / ".claude" / "rules" / "zz.md"
    rules.write_text("- fine\n\n<!-- tether:begin -->\n- generated\n", "utf-8")
    with pytest.raises(TetherError) as err:
        plan_import(project)
    assert str(err.value) == (".claude/rules/zz.md:3: '<!-- tether:begin -->' has no matching "
                              "'<!-- tether:end -->'; nothing was imported")
    assert everything(project) == [] and project.history() == []


def test_long_entries_are_skipped_with_a_reason(make_project):
    long = "word " * 900
    project, _ = make_project({**FILES, "CLAUDE.md": f"- short one\n\n{long}\n"})
    plan = plan_import(project)
    assert [(p.line, p.skip) for p in plan.entries] == [
        (1, None), (3, "4499 characters; the limit is 4000 (split it in the file)")]
    assert [n.text for n in apply_import(project, plan)] == ["short one"]


def test_sources_given_and_missing(make_project):
    project, repo = make_project(FILES)
    with pytest.raises(TetherError, match=r"^no CLAUDE.md or .claude/rules/\*.md found in "):
        plan_import(project)
    with pytest.raises(TetherError, match="^docs/nope.md: no such file$") as err:
        plan_import(project, ["docs/nope.md"])
    assert err.value.exit_code == 2
    commit(repo, files={"docs/team.md": "- Prefer `charge` over raw math.\n", "docs/more/x.md": "x\n",
                        "bad.md": b"- caf\xe9\n", ".claude/CLAUDE.md": "- from .claude\n"})
    with pytest.raises(TetherError, match=r"^bad.md: not UTF-8 \(invalid byte at offset 5\); nothing was imported$"):
        plan_import(project, ["docs/team.md", "bad.md"])
    assert not project.store.path.exists()  # refused before anything, even the index
    outside = project.root.parent / "global.md"
    outside.write_text("- mine\n", "utf-8")
    with pytest.raises(TetherError, match="global.md: outside the repository"):
        plan_import(project, [outside])
    # relative to the root; a directory means its .md files; the same file once
    plan = plan_import(project, ["docs", str(project.root / "docs/team.md")])
    assert plan.sources == ["docs/more/x.md", "docs/team.md"]
    assert [(p.text, p.symbols) for p in plan.new] == [
        ("x", []), ("Prefer `charge` over raw math.", ["app/billing.py::charge"])]
    assert [p.text for p in plan_import(project).entries] == ["from .claude"]  # .claude/CLAUDE.md by default


def test_notes_link_through_any_state_of_the_index(make_project):
    """Never indexed: the plan indexes first. Moved module paths and file names resolve."""
    project, _ = make_project({**FILES, "CLAUDE.md": "- `users.py` and app.billing, `billing.charge`.\n"
                                                     "- `api/routes.py` vs `routes.py` vs `nope/x.py`\n"})
    plan = plan_import(project)
    got = [(p.symbols, p.files, p.unresolved) for p in plan.new]
    assert got == [
        (["app/billing.py::charge"], ["app/users.py", "app/billing.py"], []),
        ([], ["app/api/routes.py"], [("nope/x.py", "not an indexed file: 'nope/x.py'")]),
    ]
    notes = apply_import(project, plan)
    assert [l.target for l in notes[1].links] == ["app/api/routes.py"]


def test_plan_is_plain_data(project):
    """The CLI can print --json straight from the plan."""
    p = plan_import(project).entries[3]
    d = dataclasses.asdict(p)
    assert set(d) == {"source", "line", "end", "text", "type", "tags", "origin", "symbols", "files", "unresolved",
                      "skip", "secret"}
    assert p.linked and not plan_import(project).entries[0].linked


def test_any_text_parses_or_is_refused_in_one_line():
    from hypothesis import given, settings, strategies as st

    pieces = st.sampled_from(["- ", "* ", "1. ", "  ", "\t", "#", "## h", "```", "~~~", "`", "<!--", "-->", "|",
                              "---", "> ", ":", "\n", "\r\n", "\r", "text", "a.b", "x/y.py", "é", "[ ] ", "***",
                              "<!-- tether:begin -->\n", "<!-- tether:end -->\n", "==="])

    @settings(max_examples=400, deadline=None)
    @given(st.lists(pieces, max_size=40).map("".join))
    def check(text):
        try:
            entries = split_entries(text, "f.md")
        except TetherError as e:
            assert str(e).startswith("f.md:") and "\n" not in str(e)
            return
        for e in entries:
            assert e.text and e.text == e.text.strip() and e.line >= 1
            mentions(e.text)
            guess_type(e.text)

    check()


def test_cli_dry_run_then_import_once(tmp_path, monkeypatch, capsys):
    from tests.helpers import git_repo
    from tether.core.cli import main

    root = tmp_path / "cli"
    root.mkdir()
    git_repo(root, {"app/db.py": "class Pool:\n    pass\n",
                    "CLAUDE.md": "# P\n\n- `Pool` is not thread-safe.\n- We use ruff.\n"})
    monkeypatch.chdir(root)
    assert main(["import-claude-md", "--dry-run"]) == 0
    assert capsys.readouterr().out.startswith("would import 2 notes (1 linked, 1 project-wide)")
    assert main(["import-claude-md", "--json"]) == 0
    import json

    assert json.loads(capsys.readouterr().out)["counts"]["notes"] == 2
    assert main(["import-claude-md"]) == 0
    assert "imported 0 notes" in capsys.readouterr().out
    assert main(["import-claude-md", "missing.md"]) == 2
