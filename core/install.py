"""`tether install claude` / `tether uninstall claude`: register tether's MCP server and hooks
in Claude Code's settings, merging with what is there.

| scope | MCP server | hooks |
|---|---|---|
| project (default) | `.mcp.json` at the repository root (shared through git) | `.claude/settings.json` |
| user | `~/.claude.json` (top-level `mcpServers`) | `~/.claude/settings.json` |

Only tether's own entries are ever added, changed or removed: the `mcpServers.tether` entry
that runs `tether mcp`, and hook commands that run `tether hook session-start|user-prompt|post-tool-use`
(recognised by their command, so an install from another path is updated in place, not
duplicated). Everything else — other servers, other hooks, other keys, their order — is kept.
Installing twice changes nothing; uninstalling removes exactly tether's entries and the
containers they left empty (a file left with nothing in it is removed). A file that is not
valid JSON is refused with one line and left untouched; files are written by temp + rename.
"""

from __future__ import annotations

import difflib
import json
import os
import secrets
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tether.core.errors import TetherError

SERVER_NAME = "tether"
HOOK_TIMEOUT = 30  # seconds; Claude Code goes on without the hook's output after that
SESSION_START_MATCHER = "startup|clear|compact"  # not "resume": a resumed session has its capsule
TOUCH_MATCHER = "Read|Edit|MultiEdit|Write"  # the tools whose files post-tool-use has notes for
HOOKS = (  # (hook name, Claude Code event, matcher or None)
    ("session-start", "SessionStart", SESSION_START_MATCHER),
    ("user-prompt", "UserPromptSubmit", None),
    ("post-tool-use", "PostToolUse", TOUCH_MATCHER),
)


@dataclass(slots=True)
class FileChange:
    path: Path
    shown: str  # the path as shown to the user
    before: str | None  # None: the file does not exist
    after: str | None  # None: remove the file

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self) -> str:
        a = (self.before or "").splitlines(keepends=True)
        b = (self.after or "").splitlines(keepends=True)
        lines = difflib.unified_diff(a, b, f"a/{self.shown}" if self.before is not None else "/dev/null",
                                     f"b/{self.shown}" if self.after is not None else "/dev/null")
        return "".join(l if l.endswith("\n") else l + "\n\\ No newline at end of file\n" for l in lines)


@dataclass(slots=True)
class Plan:
    scope: str
    changes: list[FileChange]
    summary: list[str] = field(default_factory=list)  # what was (or would be) registered or removed
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.changes)

    def diff(self) -> str:
        return "".join(c.diff() for c in self.changes if c.changed)


def targets(scope: str, root: Path, home: Path | None = None) -> tuple[tuple[Path, str], tuple[Path, str]]:
    """((MCP file, shown as), (settings file, shown as)) for a scope."""
    if scope == "project":
        return (root / ".mcp.json", ".mcp.json"), (root / ".claude" / "settings.json", ".claude/settings.json")
    if scope == "user":
        home = home or Path.home()
        return (home / ".claude.json", "~/.claude.json"), (home / ".claude" / "settings.json",
                                                           "~/.claude/settings.json")
    raise TetherError(f"unknown scope '{scope}' (project or user)", exit_code=2)


def plan_install(root: Path, scope: str = "project", command: str = "tether", user_prompt: bool = False,
                 on_touch: bool = True, home: Path | None = None) -> Plan:
    """What installing would change. `command`: the tether executable Claude Code runs;
    `user_prompt`: register the UserPromptSubmit hook too, `on_touch` the PostToolUse one (a
    hook not wanted is removed when an earlier install added it)."""
    command = command.strip()
    if not command:
        raise TetherError("--command must not be empty", exit_code=2)
    (mcp_path, mcp_shown), (set_path, set_shown) = targets(scope, Path(root), home)
    plan = Plan(scope, [])

    mcp_doc, mcp_text, indent = _load(mcp_path, mcp_shown)
    servers = _object(mcp_doc, "mcpServers", mcp_shown, create=True)
    entry = {"type": "stdio", "command": command, "args": ["mcp"]}
    old = servers.get(SERVER_NAME)
    if old is not None and not _is_our_server(old):
        raise TetherError(f"{mcp_shown}: mcpServers.{SERVER_NAME} already exists and does not run "
                          f"`tether mcp`; rename or remove it, then install again; nothing was changed")
    if old != entry:
        servers[SERVER_NAME] = entry
    plan.summary.append(f"{mcp_shown}: MCP server \"{SERVER_NAME}\" ({command} mcp)")
    plan.changes.append(FileChange(mcp_path, mcp_shown, mcp_text, _after(mcp_text, mcp_doc, indent)))

    set_doc, set_text, indent = _load(set_path, set_shown)
    hooks = _object(set_doc, "hooks", set_shown, create=True)
    removed = False
    for name, event, matcher in HOOKS:
        wanted = {"user-prompt": user_prompt, "post-tool-use": on_touch}.get(name, True)
        cmd = f"{shlex.quote(command)} hook {name}"
        groups = _groups(hooks, event, set_shown, create=wanted)
        found = False
        for group in groups or []:
            for hook in _hook_list(group):
                if _is_our_hook(hook, name):
                    if wanted and not found:
                        found = True
                        if hook.get("command") != cmd:
                            hook["command"] = cmd
                    else:
                        hook["_tether_remove"] = True  # a duplicate, or a hook no longer wanted
        if wanted and not found:
            group = {"matcher": matcher} if matcher is not None else {}
            group["hooks"] = [{"type": "command", "command": cmd, "timeout": HOOK_TIMEOUT}]
            groups.append(group)
        removed |= _prune(hooks, event)
        if wanted:
            plan.summary.append(f"{set_shown}: {event} hook ({cmd})")
    if removed:
        _prune_empty(set_doc, "hooks")
    plan.changes.append(FileChange(set_path, set_shown, set_text, _after(set_text, set_doc, indent, removed)))

    if shutil.which(shlex.split(command)[0] if command else command) is None:
        plan.warnings.append(f"'{command}' is not on PATH, so Claude Code will not find it: install tether "
                             f"where Claude Code can run it (`pipx install .` in a clone of tether), or give --command /full/path/to/tether")
    return plan


def plan_uninstall(root: Path, scope: str = "project", home: Path | None = None) -> Plan:
    """What uninstalling would change: tether's entries out, nothing else."""
    (mcp_path, mcp_shown), (set_path, set_shown) = targets(scope, Path(root), home)
    plan = Plan(scope, [])
    mcp_doc, mcp_text, indent = _load(mcp_path, mcp_shown)
    if mcp_text is not None:
        servers = _object(mcp_doc, "mcpServers", mcp_shown, create=False)
        removed = servers is not None and SERVER_NAME in servers and _is_our_server(servers[SERVER_NAME])
        if removed:
            del servers[SERVER_NAME]
            plan.summary.append(f"{mcp_shown}: MCP server \"{SERVER_NAME}\"")
            _prune_empty(mcp_doc, "mcpServers")
        plan.changes.append(FileChange(mcp_path, mcp_shown, mcp_text, _after(mcp_text, mcp_doc, indent, removed)))

    set_doc, set_text, indent = _load(set_path, set_shown)
    if set_text is not None:
        hooks = _object(set_doc, "hooks", set_shown, create=False)
        removed = False
        for name, event, _ in HOOKS:
            groups = _groups(hooks, event, set_shown, create=False) if hooks is not None else None
            for group in groups or []:
                for hook in _hook_list(group):
                    if _is_our_hook(hook, name):
                        hook["_tether_remove"] = True
            if _prune(hooks, event) if hooks is not None else False:
                removed = True
                plan.summary.append(f"{set_shown}: {event} hook (tether hook {name})")
        if removed:
            _prune_empty(set_doc, "hooks")
        plan.changes.append(FileChange(set_path, set_shown, set_text, _after(set_text, set_doc, indent, removed)))
    return plan


def apply(plan: Plan) -> None:
    """Write the plan's files (temp + rename: a file is either as before or as planned)."""
    for c in plan.changes:
        if not c.changed:
            continue
        if c.after is None:
            try:
                c.path.unlink()
            except FileNotFoundError:
                pass
            except OSError as e:
                raise TetherError(f"{c.shown}: cannot remove it: {e.strerror}") from None
            continue
        _write_atomic(c.path, c.shown, c.after)


# -- recognising tether's entries ---------------------------------------------------------


def _is_tether_program(word: str) -> bool:
    name = Path(word).name.lower()
    return name in ("tether", "tether.exe") or name.startswith("tether-")


def _is_our_server(entry) -> bool:
    if not isinstance(entry, dict) or not isinstance(entry.get("command"), str):
        return False
    args = entry.get("args") or []
    return isinstance(args, list) and args[-1:] == ["mcp"] and _is_tether_program(entry["command"])


def _is_our_hook(hook, name: str) -> bool:
    if not isinstance(hook, dict) or not isinstance(hook.get("command"), str):
        return False
    try:
        words = shlex.split(hook["command"])
    except ValueError:
        return False
    return len(words) >= 3 and words[-2:] == ["hook", name] and _is_tether_program(words[0])


# -- JSON documents -----------------------------------------------------------------------


def _load(path: Path, shown: str) -> tuple[dict, str | None, int | str]:
    """(document, text as it was or None when missing, indent to write it back with)."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return {}, None, 2
    except (OSError, UnicodeDecodeError) as e:
        raise TetherError(f"{shown}: cannot read it ({getattr(e, 'strerror', None) or e}); nothing was changed") from None
    if not text.strip():
        return {}, text, 2
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise TetherError(f"{shown}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg}); "
                          "fix it or move it away; nothing was changed") from None
    if not isinstance(doc, dict):
        raise TetherError(f"{shown}: expected a JSON object at the top; nothing was changed")
    return doc, text, _indent(text)


def _indent(text: str) -> int | str:
    for line in text.splitlines()[1:]:
        stripped = line.lstrip(" \t")
        if stripped and stripped != line:
            lead = line[: len(line) - len(stripped)]
            return "\t" if lead.startswith("\t") else len(lead)
    return 2


def _dump(doc: dict, indent: int | str) -> str:
    return json.dumps(doc, indent=indent, ensure_ascii=False) + "\n"


def _object(doc: dict, key: str, shown: str, create: bool) -> dict | None:
    value = doc.get(key)
    if value is None:
        if not create:
            return None
        value = doc[key] = {}
    if not isinstance(value, dict):
        raise TetherError(f"{shown}: \"{key}\" is not a JSON object; nothing was changed")
    return value


def _groups(hooks: dict, event: str, shown: str, create: bool) -> list | None:
    value = hooks.get(event)
    if value is None:
        if not create:
            return None
        value = hooks[event] = []
    if not isinstance(value, list):
        raise TetherError(f"{shown}: \"hooks.{event}\" is not a JSON list; nothing was changed")
    return value


def _hook_list(group) -> list:
    if isinstance(group, dict) and isinstance(group.get("hooks"), list):
        return group["hooks"]
    return []


def _marked(hook) -> bool:
    return isinstance(hook, dict) and bool(hook.get("_tether_remove"))


def _prune(hooks: dict, event: str) -> bool:
    """Drop the hooks marked for removal, then the groups and the event list that this left
    empty (and only those). True when something was removed."""
    groups = hooks.get(event)
    if not isinstance(groups, list):
        return False
    removed, kept = False, []
    for group in groups:
        lst = _hook_list(group)
        if any(_marked(h) for h in lst):
            removed = True
            group["hooks"] = [h for h in lst if not _marked(h)]
            if not group["hooks"]:
                continue
        kept.append(group)
    if removed:
        if kept:
            hooks[event] = kept
        else:
            del hooks[event]
    return removed


def _prune_empty(doc: dict, key: str) -> None:
    if isinstance(doc.get(key), dict) and not doc[key]:
        del doc[key]


def _after(before: str | None, doc: dict, indent, removed: bool = False) -> str | None:
    """The file's new text: unchanged when the document is (whatever its formatting); None
    (remove the file) when our removal left it empty."""
    if before is not None and before.strip():
        try:
            if json.loads(before) == doc:
                return before
        except ValueError:
            pass
    if removed and not doc:
        return None
    if before is not None and not before.strip() and not doc:
        return before
    return _dump(doc, indent)


def _write_atomic(path: Path, shown: str, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = None
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8", newline="") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            if mode is not None:
                os.chmod(tmp, mode)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as e:
        raise TetherError(f"{shown}: cannot write it ({e.strerror or e})") from None
