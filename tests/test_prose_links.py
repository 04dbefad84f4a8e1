"""Linking from prose (core/prose_links.py): what a note's text names, resolved against a real
index; directory links through staleness and the capsule; links offered for a note added without."""

import json

import pytest

from tether.core.claude_md_import import apply_import, plan_import
from tether.core.prose_links import mentions, words
from tests.helpers import commit

USERS = """class UserService:
    def refresh(self):
        return self.load()

    def load(self):
        return 1


class Admin:
    def refresh(self):
        return 2
"""

AGENT = """class Agent:
    def run(self):
        return 1

    def run_sync(self):
        return self.run()

    def tool(self, fn):
        return fn


class RunContext:
    pass


def build_graph():
    return Agent()
"""

FILES = {
    "api/users.py": USERS,
    "agents/agent.py": AGENT,
    "agents/models/openai.py": "def complete(prompt):\n    return prompt\n",
    "agents/models/base.py": "class Model:\n    pass\n",
    "tests/test_agent.py": "class TestModel:\n    pass\n\n\ndef build_graph():\n    return None\n\n\nclass Error:\n    pass\n",
    "tests/cassettes/one.yaml": "a: 1\n",
    "docs/index.md": "# Docs\n",
    "examples/demo.py": "def complete(prompt):\n    return None\n",
    "Makefile": "test:\n\tpytest\n",
    "errors.py": "class Tests:\n    pass\n",
}


@pytest.fixture
def project(make_project):
    return make_project(FILES)[0]


def test_mentions_read_code_spellings():
    text = ("`Agent[AgentDepsT, OutputDataT]`, `RunContext[Deps]`, `@agent.tool`, `@cache`, `run_sync()`, "
            "`docs/`, `tests/cassettes/`; never call .refresh() in a task; see build_graph() and Model[T]; "
            "decorate with @agent.tool or mail a@b.org")
    assert mentions(text) == ["Agent", "RunContext", "@agent.tool", "@cache", "run_sync", "docs/", "tests/cassettes/",
                              ".refresh", "build_graph", "Model"]
    # plain words: only CamelCase with an inner capital, snake_case and Makefile-like names
    assert words("UserService and TestModel use run_sync; Tests, Error, The, HTTPServer; see the Makefile. "
                 "`NotThis` e.g. i.e.") == ["UserService", "TestModel", "HTTPServer", "run_sync", "Makefile"]


def test_the_seeds_example_links_the_class_and_its_method(project):
    (project.root / "CLAUDE.md").write_text(
        "# Notes\n\n- UserService has a threading issue with the connection pool — never call .refresh() in a "
        "background task\n", "utf-8")
    plan = plan_import(project)
    [entry] = plan.new
    assert sorted(entry.symbols) == ["api/users.py::UserService", "api/users.py::UserService.refresh"]
    assert entry.unresolved == []
    [note] = apply_import(project, plan)
    assert sorted(l.target for l in note.links) == sorted(entry.symbols)


def _links(project, text, headings=()):
    from tether.core.prose_links import Resolver

    with project.store.read() as con:
        return Resolver(project, con).link_text(text, headings)


def test_generics_calls_decorators_members_files_and_directories(project):
    project.index()
    found = _links(project, "Build with `Agent[Deps, Out]` and `RunContext[Deps]`; tools register with "
                            "`@agent.tool`. Entry points: `run()`, `run_sync()` methods. TestModel fakes it. "
                            "`Makefile` runs it; models live in `agents/models/`, cassettes in tests/cassettes/.")
    assert found.symbols == ["agents/agent.py::Agent", "agents/agent.py::RunContext", "agents/agent.py::Agent.tool",
                             "agents/agent.py::Agent.run", "agents/agent.py::Agent.run_sync",
                             "tests/test_agent.py::TestModel"]
    assert found.files == ["Makefile", "agents/models", "tests/cassettes"]
    # a member under a heading about its class
    assert _links(project, "Never call `.refresh()` from a thread.", ("UserService",)).symbols == [
        "api/users.py::UserService.refresh"]


def test_source_wins_and_ambiguity_is_reported_not_guessed(project):
    project.index()
    # build_graph and complete are defined in the source and in tests/examples: the source's wins
    found = _links(project, "`build_graph()` and `complete` are the entry points")
    assert found.symbols == ["agents/agent.py::build_graph", "agents/models/openai.py::complete"]
    # refresh is a method of two source classes, and no class is named: reported with candidates
    found = _links(project, "careful with `refresh` and .refresh()")
    assert found.symbols == []
    why = dict(found.unresolved)
    assert "api/users.py::Admin.refresh" in why["refresh"] and "api/users.py::UserService.refresh" in why["refresh"]
    assert why[".refresh"].startswith("no class named alongside")


def test_plain_english_words_that_are_symbol_names_are_not_links(project):
    project.index()
    found = _links(project, "Tests must pass. Error handling matters. Model quality too.")
    assert (found.symbols, found.files, found.unresolved) == ([], [], [])
    # but in a code span they are names
    assert _links(project, "`Tests` and `Error`").symbols == ["errors.py::Tests", "tests/test_agent.py::Error"]


def test_directory_link_applies_below_never_stale_orphaned_when_gone(make_project):
    project, repo = make_project(FILES)
    note = project.add_note("the models share one HTTP client", files=["agents/models/"])
    assert [(l.target, l.kind) for l in note.links] == [("agents/models", "dir")]
    from tether.core.sharing import parse, render

    assert parse(render(note), note.id).links[0].kind == "dir"  # shared through git as it is
    other = project.add_note("unrelated", symbols=["Admin"])
    cap = project.capsule(symbols=["agents/models/openai.py::complete"], budget=500)
    assert [c.note.id for c in cap.notes] == [note.id]
    assert "### `agents/models/` (directory)" in cap.markdown
    assert other.id not in {c.note.id for c in cap.notes}
    # a change inside: still fresh
    commit(repo, "change", {"agents/models/openai.py": "def complete(prompt):\n    return prompt * 2\n"})
    project.index()
    assert project.views([project.note(note.id)])[0].status == "fresh"
    # the directory goes: orphaned
    commit(repo, "remove", {"agents/models/openai.py": None, "agents/models/base.py": None})
    project.index()
    [st] = project.views([project.note(note.id)])[0].links
    assert (st.status, st.reason) == ("orphaned", "the directory is gone")


def test_note_add_offers_the_links_its_text_names(make_project, capsys, monkeypatch):
    from tether.core.cli import main

    project, _ = make_project(FILES)
    monkeypatch.chdir(project.root)
    assert main(["note", "add", "UserService is slow; see `agents/models/`", "--json"]) == 0
    out = capsys.readouterr()
    data = json.loads(out.out)
    assert data["links"] == []
    assert data["suggested_links"] == {"symbols": ["api/users.py::UserService"], "files": ["agents/models"]}
    assert f"tether note link {data['id']} api/users.py::UserService" in out.err
    assert f"tether note link {data['id']} --file agents/models" in out.err
    # linked: nothing offered
    assert main(["note", "add", "UserService is slow", "--link", "UserService"]) == 0
    assert "to link it" not in capsys.readouterr().err


def test_an_ambiguous_name_links_to_the_one_in_a_file_or_directory_the_entry_names(make_project):
    project, _ = make_project({**FILES, "lib/cells.py": "def cell_len(text):\n    return len(text)\n",
                               "api/text.py": "class Text:\n    def cell_len(self):\n        return 0\n"})
    project.index()
    assert _links(project, "always use `cell_len` from lib/cells.py").symbols == ["lib/cells.py::cell_len"]
    assert _links(project, "use `cell_len`, never len()", ("The library (`lib/`)",)).symbols == [
        "lib/cells.py::cell_len"]
    # named nowhere: still reported with both candidates, not guessed
    found = _links(project, "`cell_len` counts terminal cells")
    assert found.symbols == [] and "api/text.py::Text.cell_len" in dict(found.unresolved)["cell_len"]
    # a place holding neither candidate does not decide either
    assert _links(project, "`cell_len` is used by api/users.py").symbols == []


def test_a_name_defined_repeatedly_in_one_scope_links_every_definition(make_project):
    deco = ("from typing import overload\n\n\n@overload\ndef command(name: str) -> int: ...\n\n\n"
            "@overload\ndef command(name: None) -> None: ...\n\n\ndef command(name=None):\n    return name\n")
    core = "class Group:\n    def command(self):\n        return 1\n"
    project, _ = make_project({**FILES, "cli/deco.py": deco, "cli/core.py": core})
    project.index()
    assert {s.id for s in project.symbols("command", limit=10)} >= {
        "cli/deco.py::command", "cli/deco.py::command#2", "cli/deco.py::command#3", "cli/core.py::Group.command"}
    # the overloads and the implementation are one name: the note about it follows all three
    assert _links(project, "Decorators live in cli/deco.py (`command`).").symbols == [
        "cli/deco.py::command", "cli/deco.py::command#2", "cli/deco.py::command#3"]
    # with a method of the same name elsewhere and no place named, still ambiguous
    found = _links(project, "`command` builds the parser")
    assert found.symbols == [] and "cli/core.py::Group.command" in dict(found.unresolved)["command"]


def test_a_decorator_on_an_object_named_unlike_its_class_uses_the_class_the_entry_names(project):
    project.index()
    assert _links(project, "Tools register with `@bot.tool` on an `Agent`.").symbols == [
        "agents/agent.py::Agent.tool", "agents/agent.py::Agent"]
    # no class named alongside: nothing to go on
    assert _links(project, "Tools register with `@bot.tool`.").symbols == []
