"""`tether install claude` / `tether uninstall claude`: merge into Claude Code's settings, touch
nothing else, idempotent, a dry run shows the diff, uninstall removes exactly what was added."""

import json
import os
import stat

import pytest

from tether.core import install
from tether.core.cli import main
from tether.core.errors import TetherError

OTHER_MCP = {"mcpServers": {"github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"],
                                       "env": {"GITHUB_TOKEN": "x"}}},
             "extra": [1, 2, {"keep": True}]}
OTHER_SETTINGS = {
    "permissions": {"allow": ["Bash(npm test:*)"], "deny": []},
    "hooks": {
        "SessionStart": [{"matcher": "startup", "hooks": [{"type": "command", "command": "echo hello"}]}],
        "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "./check.sh", "timeout": 5}]}],
        "Stop": [],
    },
    "env": {"FOO": "bar"},
}


def dump(doc) -> str:
    return json.dumps(doc, indent=2) + "\n"


@pytest.fixture
def root(tmp_path):
    r = tmp_path / "repo"
    r.mkdir()
    return r


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_fresh_install_then_idempotent_then_uninstall(root, capsys):
    code, out, err = cli(capsys, "--repo", str(root), "install", "claude")
    assert code == 0
    assert out.splitlines()[:3] == [f"installed tether for Claude Code (project: {root}):",
                                    '  .mcp.json: MCP server "tether" (tether mcp)',
                                    "  .claude/settings.json: SessionStart hook (tether hook session-start)"]
    assert "initialised .tether/" in out and (root / ".tether" / "tether.duckdb").exists()
    assert json.loads((root / ".mcp.json").read_text()) == {
        "mcpServers": {"tether": {"type": "stdio", "command": "tether", "args": ["mcp"]}}}
    assert json.loads((root / ".claude/settings.json").read_text()) == {"hooks": {"SessionStart": [
        {"matcher": "startup|clear|compact",
         "hooks": [{"type": "command", "command": "tether hook session-start", "timeout": 30}]}],
        "PostToolUse": [{"matcher": "Read|Edit|MultiEdit|Write",
                         "hooks": [{"type": "command", "command": "tether hook post-tool-use", "timeout": 30}]}]}}
    assert "  .claude/settings.json: PostToolUse hook (tether hook post-tool-use)" in out.splitlines()
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (root / ".mcp.json", root / ".claude/settings.json")}
    code, out, _ = cli(capsys, "--repo", str(root), "install", "claude", "--project")
    assert code == 0 and out.startswith("nothing changed: tether is already installed")
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in before} == before
    code, out, _ = cli(capsys, "--repo", str(root), "uninstall", "claude")
    assert code == 0 and out.startswith("removed tether from Claude Code")
    assert not (root / ".mcp.json").exists() and not (root / ".claude/settings.json").exists()  # they held only ours
    assert (root / ".tether").is_dir()  # the notes stay
    code, out, _ = cli(capsys, "--repo", str(root), "uninstall", "claude")
    assert out.startswith("nothing changed: tether is not installed")
    assert not (root / ".mcp.json").exists()


def test_merge_keeps_everything_else_and_uninstall_restores_it(root, capsys):
    (root / ".claude").mkdir()
    (root / ".mcp.json").write_text(dump(OTHER_MCP))
    (root / ".claude/settings.json").write_text(dump(OTHER_SETTINGS))
    (root / ".claude/settings.json").chmod(0o600)
    assert cli(capsys, "--repo", str(root), "install", "claude")[0] == 0
    mcp = json.loads((root / ".mcp.json").read_text())
    assert mcp["mcpServers"]["github"] == OTHER_MCP["mcpServers"]["github"] and mcp["extra"] == OTHER_MCP["extra"]
    assert list(mcp["mcpServers"]) == ["github", "tether"]
    settings = json.loads((root / ".claude/settings.json").read_text())
    assert settings["permissions"] == OTHER_SETTINGS["permissions"] and settings["env"] == {"FOO": "bar"}
    assert settings["hooks"]["PreToolUse"] == OTHER_SETTINGS["hooks"]["PreToolUse"]
    assert settings["hooks"]["Stop"] == []
    assert settings["hooks"]["SessionStart"][0] == OTHER_SETTINGS["hooks"]["SessionStart"][0]
    assert settings["hooks"]["SessionStart"][1]["hooks"][0]["command"] == "tether hook session-start"
    assert stat.S_IMODE((root / ".claude/settings.json").stat().st_mode) == 0o600  # mode kept
    assert not list(root.rglob("*.tmp"))
    assert cli(capsys, "--repo", str(root), "uninstall", "claude")[0] == 0
    assert (root / ".mcp.json").read_text() == dump(OTHER_MCP)  # byte for byte
    assert (root / ".claude/settings.json").read_text() == dump(OTHER_SETTINGS)


def test_dry_run_shows_the_diff_and_writes_nothing(root, capsys):
    (root / ".mcp.json").write_text(dump(OTHER_MCP))
    code, out, _ = cli(capsys, "--repo", str(root), "install", "claude", "--dry-run")
    assert code == 0
    assert "--- a/.mcp.json\n+++ b/.mcp.json\n" in out and '+    "tether": {\n' in out
    assert "--- /dev/null\n+++ b/.claude/settings.json\n" in out and '+            "command": "tether hook session-start",' in out
    assert out.rstrip().endswith("(dry run: nothing written; without --dry-run this would install tether for "
                                 f"Claude Code (project: {root}))")
    assert (root / ".mcp.json").read_text() == dump(OTHER_MCP) and not (root / ".claude").exists()
    assert not (root / ".tether").exists()
    cli(capsys, "--repo", str(root), "install", "claude")
    code, out, _ = cli(capsys, "--repo", str(root), "uninstall", "claude", "--dry-run")
    assert '-    "tether": {' in out and "--- a/.claude/settings.json\n+++ /dev/null\n" in out
    assert (root / ".claude/settings.json").exists()
    code, out, _ = cli(capsys, "--repo", str(root), "install", "claude", "--dry-run")
    assert out.startswith("nothing would change: tether is already installed")


def test_malformed_json_is_one_line_and_untouched(root, capsys):
    (root / ".claude").mkdir()
    bad = '{\n  "hooks": {\n    "SessionStart": [,]\n  }\n}\n'
    (root / ".claude/settings.json").write_text(bad)
    code, out, err = cli(capsys, "--repo", str(root), "install", "claude")
    assert code == 1 and out == ""
    assert err == ("tether: .claude/settings.json: not valid JSON (line 3, column 22: Expecting value); "
                   "fix it or move it away; nothing was changed\n")
    assert (root / ".claude/settings.json").read_text() == bad
    assert not (root / ".mcp.json").exists()  # all or nothing
    (root / ".claude/settings.json").write_text('{"hooks": []}')
    code, _, err = cli(capsys, "--repo", str(root), "install", "claude")
    assert code == 1 and err == 'tether: .claude/settings.json: "hooks" is not a JSON object; nothing was changed\n'
    (root / ".claude/settings.json").write_text("[]")
    assert "expected a JSON object" in cli(capsys, "--repo", str(root), "uninstall", "claude")[2]


def test_someone_elses_tether_server_is_refused(root):
    (root / ".mcp.json").write_text(dump({"mcpServers": {"tether": {"command": "node", "args": ["tether.js"]}}}))
    with pytest.raises(TetherError, match="mcpServers.tether already exists and does not run `tether mcp`"):
        install.plan_install(root)
    plan = install.plan_uninstall(root)
    assert not plan.changed  # not ours: left alone


def test_moved_executable_is_updated_in_place(root, capsys):
    install.apply(install.plan_install(root, command="/old/venv/bin/tether"))
    (root / ".claude/settings.json").write_text(
        (root / ".claude/settings.json").read_text().replace('"timeout": 30', '"timeout": 45'))  # a user's edit
    plan = install.plan_install(root, command="/opt/tools/tether")
    install.apply(plan)
    assert json.loads((root / ".mcp.json").read_text())["mcpServers"]["tether"]["command"] == "/opt/tools/tether"
    groups = json.loads((root / ".claude/settings.json").read_text())["hooks"]["SessionStart"]
    assert groups == [{"matcher": "startup|clear|compact", "hooks": [
        {"type": "command", "command": "/opt/tools/tether hook session-start", "timeout": 45}]}]
    install.apply(install.plan_install(root, command="/path with space/tether"))
    groups = json.loads((root / ".claude/settings.json").read_text())["hooks"]["SessionStart"]
    assert groups[0]["hooks"][0]["command"] == "'/path with space/tether' hook session-start"
    install.apply(install.plan_uninstall(root))
    assert not (root / ".claude/settings.json").exists()


def test_user_prompt_hook_follows_the_config(root, capsys):
    (root / ".tether").mkdir()
    (root / ".tether/config.toml").write_text("[hooks]\nuser_prompt = true\n")
    code, out, _ = cli(capsys, "--repo", str(root), "install", "claude")
    assert "  .claude/settings.json: UserPromptSubmit hook (tether hook user-prompt)" in out
    hooks = json.loads((root / ".claude/settings.json").read_text())["hooks"]
    assert hooks["UserPromptSubmit"] == [{"hooks": [{"type": "command", "command": "tether hook user-prompt",
                                                     "timeout": 30}]}]
    (root / ".tether/config.toml").write_text("[hooks]\nuser_prompt = false\n")
    cli(capsys, "--repo", str(root), "install", "claude")
    hooks = json.loads((root / ".claude/settings.json").read_text())["hooks"]
    assert list(hooks) == ["SessionStart", "PostToolUse"]


def test_post_tool_use_hook_round_trip_leaves_other_hooks_alone(root, capsys):
    (root / ".claude").mkdir()
    theirs = {**OTHER_SETTINGS, "hooks": {**OTHER_SETTINGS["hooks"], "PostToolUse": [
        {"matcher": "Edit|Write", "hooks": [{"type": "command", "command": "prettier --write", "timeout": 10}]}]}}
    (root / ".claude/settings.json").write_text(dump(theirs))
    assert cli(capsys, "--repo", str(root), "install", "claude")[0] == 0
    groups = json.loads((root / ".claude/settings.json").read_text())["hooks"]["PostToolUse"]
    assert groups == [theirs["hooks"]["PostToolUse"][0],
                      {"matcher": "Read|Edit|MultiEdit|Write",
                       "hooks": [{"type": "command", "command": "tether hook post-tool-use", "timeout": 30}]}]
    (root / ".tether/config.toml").write_text("[hooks]\non_touch = false\n")
    code, out, _ = cli(capsys, "--repo", str(root), "install", "claude")  # switched off: installing removes it
    assert code == 0 and "PostToolUse" not in out
    hooks = json.loads((root / ".claude/settings.json").read_text())["hooks"]
    assert hooks["PostToolUse"] == theirs["hooks"]["PostToolUse"]
    assert "tether hook session-start" in json.dumps(hooks["SessionStart"])
    (root / ".tether/config.toml").write_text("")
    cli(capsys, "--repo", str(root), "install", "claude")
    assert cli(capsys, "--repo", str(root), "uninstall", "claude")[0] == 0
    assert (root / ".claude/settings.json").read_text() == dump(theirs)  # byte for byte


def test_user_scope(root, tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    (home / ".claude").mkdir(parents=True)
    state = {"numStartups": 12, "projects": {"/x": {"mcpServers": {}}}, "mcpServers": {"other": {"command": "o"}}}
    (home / ".claude.json").write_text(json.dumps(state))  # one line, as written by another tool
    monkeypatch.setenv("HOME", str(home))
    code, out, err = cli(capsys, "--repo", str(root), "install", "claude", "--user", "--command", "tether")
    assert code == 0 and "~/.claude.json: MCP server" in out and "~/.claude/settings.json: SessionStart" in out
    assert not (root / ".mcp.json").exists() and not (root / ".tether").exists()  # nothing in the repository
    doc = json.loads((home / ".claude.json").read_text())
    assert doc["numStartups"] == 12 and doc["projects"] == state["projects"]
    assert doc["mcpServers"] == {"other": {"command": "o"},
                                 "tether": {"type": "stdio", "command": "tether", "args": ["mcp"]}}
    assert "tether hook session-start" in (home / ".claude/settings.json").read_text()
    code, out, _ = cli(capsys, "--repo", str(root), "uninstall", "claude", "--user")
    assert json.loads((home / ".claude.json").read_text()) == state
    assert not (home / ".claude/settings.json").exists()
    code, _, err = cli(capsys, "install", "claude", "--user", "--project")
    assert code == 2 and "not allowed with argument" in err


def test_warns_when_the_command_is_not_on_path(root, capsys, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    code, out, err = cli(capsys, "--repo", str(root), "install", "claude", "--dry-run")
    assert code == 0 and "warning: 'tether' is not on PATH" in err
    monkeypatch.setenv("PATH", os.environ.get("PATH", "") + os.pathsep + str(root))
    exe = root / "tether"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", str(root))
    assert "warning" not in cli(capsys, "--repo", str(root), "install", "claude", "--dry-run")[2]
