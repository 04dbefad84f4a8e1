"""`tether mcp`, driven over stdio by the MCP SDK's own client, as Claude Code drives it."""

import json
import os
import sys

import anyio
import pytest

from tests.test_journal import hold_database, impatient

FILES = {
    "app/users.py": "class UserService:\n    def refresh(self):\n        return 1\n\n    def reset(self):\n"
                    "        return self.refresh()\n",
    "app/admin.py": "class Admin:\n    def refresh(self):\n        pass\n",
    "app/.env.py": "def load_keys():\n    return 'sk-live-SECRETVALUE'\n",
    ".env": "API_KEY=sk-live-SECRETVALUE\n",
    "deploy/server.pem": "-----BEGIN PRIVATE KEY----- SECRETVALUE\n",
}
TOOLS = {"save_observation", "get_capsule", "search_notes", "list_stale", "get_symbol", "confirm_note", "archive_note",
         "pin_note"}


@pytest.fixture
def project(make_project):
    p, _ = make_project(FILES)
    p.index()
    return impatient(p, queue_after=0.3, lock_timeout=1.0)


def session(root, steps):
    """Run `steps(call, client)` against a `tether mcp` server process for `root`; `call(name, **args)`
    returns (text, is_error)."""
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    params = StdioServerParameters(command=sys.executable, args=["-m", "tether.core.cli", "--repo", str(root), "mcp"],
                                   env={"PYTHONPATH": os.pathsep.join(sys.path)})

    async def go():
        async with stdio_client(params, errlog=sys.stderr) as (read, write):
            async with ClientSession(read, write) as client:
                await client.initialize()

                async def call(tool, **args):
                    r = await client.call_tool(tool, args)
                    assert len(r.content) == 1
                    text = r.content[0].text
                    if r.is_error:  # the SDK's prefix, then tether's one line
                        prefix = f"Error executing tool {tool}: "
                        assert text.startswith(prefix) and "\n" not in text and "Traceback" not in text, text
                        text = text[len(prefix):]
                    return text, bool(r.is_error)

                return await steps(call, client)

    return anyio.run(go)


def test_tools_and_what_they_say(project):
    async def steps(call, client):
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == TOOLS
        for t in tools.values():
            assert len(t.description) > 80, t.name
        props = tools["save_observation"].input_schema["properties"]
        assert set(props) == {"content", "linked_symbols", "type", "tags", "linked_files"}
        assert "gotcha" in str(props["type"]) and tools["save_observation"].input_schema["required"] == ["content"]
        assert set(tools["get_capsule"].input_schema["properties"]) == {"task", "symbols", "files", "diff", "budget"}
        assert set(tools["search_notes"].input_schema["properties"]) >= {"query", "symbol", "status"}
        return True

    assert session(project.root, steps)


def test_save_search_triage_round_trip(project):
    users = project.root / "app/users.py"

    async def steps(call, client):
        text, err = await call("save_observation", content="refresh must hold the pool lock", type="gotcha",
                               linked_symbols=["UserService.refresh"], tags=["db"])
        assert not err and text.startswith("saved note ")
        nid = text.split()[2]
        assert "- app/users.py::UserService.refresh (symbol)" in text

        # names that do not resolve: nothing saved, candidates given
        text, err = await call("save_observation", content="x", linked_symbols=["refresh", "UserSrvice.rset"])
        assert err and text.startswith("not saved: ambiguous symbol 'refresh': app/admin.py::Admin.refresh, "
                                       "app/users.py::UserService.refresh")
        assert "unknown symbol 'UserSrvice.rset'; did you mean:" in text and "\n" not in text
        text, err = await call("save_observation", content="x", linked_files=["../outside.txt"])
        assert err and "outside the repository" in text
        text, err = await call("save_observation", content="about admin", linked_files=["app/admin.py"])
        assert not err and "- app/admin.py (file)" in text

        text, err = await call("search_notes", query="pool lock")
        assert not err and text.startswith("1 note match") and nid in text and "[gotcha, fresh]" in text
        text, _ = await call("search_notes", symbol="UserService.refresh")
        assert nid in text and "about admin" not in text
        text, _ = await call("search_notes")
        assert text.startswith("2 notes match")
        text, _ = await call("get_capsule", task="change how refresh takes the pool lock",
                             symbols=["UserService.refresh"])
        assert text.startswith("## Notes from tether") and "refresh must hold the pool lock" in text

        text, err = await call("get_symbol", name="UserService.refresh")
        assert not err and text.startswith("app/users.py::UserService.refresh  [method, python]")
        assert "location: app/users.py:2-3" in text and "signature: def refresh(self)" in text
        assert "callers (1): app/users.py::UserService.reset" in text and nid in text
        text, err = await call("get_symbol", name="refresh")
        assert err and "ambiguous symbol 'refresh'" in text

        text, _ = await call("list_stale")
        assert text == "every note is fresh: nothing to triage"
        users.write_text(users.read_text().replace("return 1", "return 2"))
        text, _ = await call("list_stale")
        assert text.startswith("1 note to triage") and nid in text and "stale (high)" in text
        text, _ = await call("search_notes", status="stale")
        assert nid in text and "! stale" in text
        text, err = await call("confirm_note", id=nid[:6])
        assert not err and text.startswith(f"confirmed note {nid}")
        assert (await call("list_stale"))[0].startswith("every note is fresh")
        text, err = await call("archive_note", id=nid)
        assert not err and text.startswith(f"archived note {nid}")
        assert nid not in (await call("search_notes", query="pool"))[0]
        text, err = await call("confirm_note", id="zzzzzz")
        assert err and text == "unknown note 'zzzzzz'"
        return nid

    nid = session(project.root, steps)
    note = project.note(nid)
    assert note.state == "archived" and note.source == "agent"
    shared = (project.dir / "notes" / f"{nid}.md").read_text()  # exported for git at once
    assert "refresh must hold the pool lock" in shared and 'state = "archived"' in shared
    assert [h["actor"] for h in project.history(nid)] == ["agent", "agent", "agent"]


def test_secrets_never_reach_an_answer(project):
    async def steps(call, client):
        answers = []
        for name, args in [("get_symbol", {"name": "load_keys"}),
                           ("get_capsule", {"files": [".env"]}),
                           ("get_capsule", {"files": ["app/.env.py"]}),
                           ("get_capsule", {"task": "rotate the API_KEY in load_keys"}),
                           ("save_observation", {"content": "keys", "linked_files": [".env"]}),
                           ("save_observation", {"content": "keys", "linked_files": ["deploy/server.pem"]}),
                           ("save_observation", {"content": "keys", "linked_symbols": ["load_keys"]}),
                           ("search_notes", {"query": "SECRETVALUE"}),
                           ("list_stale", {})]:
            answers.append(await call(name, **args))
        return answers

    answers = session(project.root, steps)
    for text, _ in answers:
        assert "SECRETVALUE" not in text
    assert answers[4] == ("not saved: '.env' matches a secret pattern ([secrets] patterns): tether never reads "
                          "or links it", True)
    assert project.symbols("load_keys") == []  # secret files are not even indexed
    assert project.all_notes() == []


def test_busy_database_queues_the_observation(project):
    async def steps(call, client):
        with hold_database(project):
            text, err = await call("save_observation", content="learned while indexing",
                                   linked_symbols=["UserService.reset"])
            assert not err and text.startswith("queued note ") and "Do not save it again" in text
            queued = text.split()[2]
            text, err = await call("search_notes")  # a read while busy: a clear error, no traceback
            assert err and text.startswith("the tether database is busy") and "\n" not in text
        text, _ = await call("list_stale")  # re-indexes: the next write applies the journal
        text, _ = await call("search_notes", query="indexing")
        assert queued in text and "app/users.py::UserService.reset" in text
        return queued

    queued = session(project.root, steps)
    assert project.note(queued).source == "agent"


def test_errors_are_one_line_tool_errors(project):
    (project.dir / "config.toml").write_text("[store]\nlock_timout = 3\n")  # a typo: every call fails cleanly

    async def steps(call, client):
        text, err = await call("search_notes", query="x")
        assert err and text.endswith("unknown key store.lock_timout (known: lock_timeout, queue_after)")
        assert "\n" not in text and "Traceback" not in text
        (project.dir / "config.toml").unlink()  # the next call reads the fixed configuration
        text, err = await call("search_notes", query="x")
        assert not err and text == "no notes match"
        text, err = await call("get_capsule", budget=10)  # refused by the schema, in one line too
        assert err and text == "invalid arguments: budget: Input should be greater than or equal to 50"
        text, err = await call("save_observation", content="x", type="rumour", linked_symbols="nope")
        assert err and text.startswith("invalid arguments: ") and "type: Input should be 'insight'" in text
        text, err = await call("get_capsule", files=["/etc"])
        assert err and "outside the repository" in text
        return True

    assert session(project.root, steps)


def test_outside_a_repository_nothing_is_created(tmp_path):
    (tmp_path / "notes.txt").write_text("a plain folder\n")

    async def steps(call, client):
        return await call("get_capsule", task="anything")

    text, err = session(tmp_path, steps)
    assert err and text.endswith("is neither a git repository nor set up for tether; run `tether init` there first")
    assert not (tmp_path / ".tether").exists()


def test_secret_text_is_withheld_even_when_indexed(make_project):
    from tether.core import mcp_server
    from tether.core.project import Project

    p, _ = make_project(FILES)
    (p.dir).mkdir(exist_ok=True)
    (p.dir / "config.toml").write_text('[index]\ninclude = ["app/.env.py", ".env"]\n')  # re-admitted by hand
    p = Project(p.root)
    p.index()
    view = p.show("load_keys")
    assert view.source == "<app/.env.py matches a secret pattern; its text is withheld>"
    assert view.symbol.signature == "<withheld: the file matches a secret pattern>"
    assert "SECRETVALUE" not in mcp_server.get_symbol(p, name="load_keys")
    note = p.add_note("keys live here", symbols=["load_keys"], files=[".env"])
    assert all("SECRETVALUE" not in l.anchor.text for l in note.links)
    (p.root / ".env").write_text("API_KEY=sk-live-OTHERSECRET\n")
    p.index()
    detail = p.note_detail(note.id)
    assert "SECRET" not in json.dumps([d.get("diff", "") for d in detail.links])


def test_project_wide_note_is_offered_links_and_pin_note_sets_always_on(project):
    async def steps(call, client):
        text, err = await call("save_observation", content="UserService.reset drops the cache; never call it twice")
        assert not err and "- none: a project-wide note" in text
        assert "Its text names this code" in text and "- app/users.py::UserService.reset (symbol)" in text
        nid = text.split()[2]
        text, err = await call("save_observation", content="reset is linked", linked_symbols=["UserService.reset"])
        assert not err and "Its text names" not in text
        text, err = await call("pin_note", id=nid)
        assert not err and text.startswith(f"pinned note {nid}")
        return nid

    nid = session(project.root, steps)
    assert project.note(nid).pinned and project.note(nid).links == []
    assert nid in {c.note.id for c in project.capsule(symbols=["Admin.refresh"]).notes}
