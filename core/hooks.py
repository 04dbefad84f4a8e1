"""Claude Code hooks: `tether hook session-start`, `tether hook user-prompt` and
`tether hook post-tool-use`.

Each reads the hook's JSON from stdin (`session_id`, `cwd`, `hook_event_name`, and `prompt`
for UserPromptSubmit, `tool_name` and `tool_input` for PostToolUse) and answers with Claude
Code's documented JSON, `{"hookSpecificOutput": {"hookEventName": ..., "additionalContext": ...}}`, whose text the
agent receives as context. The whole answer stays within Claude Code's 10,000-character cap.

A hook never blocks the agent: whatever goes wrong, it exits 0 with nothing on stdout and one
line on stderr. A repository without a `.tether/` folder gets nothing (a user-wide install
must not create one in every repository Claude Code opens).
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tether.core.errors import TetherError

HOOK_LIMIT = 10_000  # characters Claude Code keeps of a hook's output
EVENTS = {"session-start": "SessionStart", "user-prompt": "UserPromptSubmit", "post-tool-use": "PostToolUse"}
TOUCH_TOOLS = {"Read": "read", "Edit": "edit", "MultiEdit": "edit", "Write": "edit"}
TOUCH_WAIT = 0.2  # seconds post-tool-use waits for a busy database before it says nothing
EDIT_INSTRUCTION = ("If one of these notes no longer holds after your edit, save the corrected fact with the tether "
                    "MCP tool `save_observation` and archive the old note with `archive_note`; if it still holds, "
                    "call `confirm_note` with its id.")
_SESSION_ID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
_SESSION_DAYS = 7  # remembered note ids of older sessions are forgotten
# At session start on a branch, notes scoring less than this (two hops from the changes, say) stay
# out: every session pays for what the hook gives; get_capsule brings them when a task needs them.
SESSION_MIN_SCORE = 0.05


@dataclass(slots=True)
class HookResult:
    stdout: str = ""  # what to print (empty: nothing)
    error: str | None = None  # the one stderr line, when something failed
    notes: list[str] = field(default_factory=list)  # ids of the notes given to the agent


def run_hook(name: str, stdin_text: str, repo: str | None = None, now=None) -> HookResult:
    """Run one hook on its stdin text; never raises."""
    try:
        payload = _payload(stdin_text)
        if name == "post-tool-use" and payload.get("tool_name") not in TOUCH_TOOLS:
            return HookResult()  # before anything is loaded: most tool calls are not ours
        project = _project(payload, repo)
        if project is None:
            return HookResult()
        if name == "session-start":
            return session_start(project, payload, now=now)
        if name == "user-prompt":
            return user_prompt(project, payload, now=now)
        if name == "post-tool-use":
            return post_tool_use(project, payload, now=now)
        return HookResult(error=f"unknown hook '{name}' (one of: {', '.join(EVENTS)})")
    except KeyboardInterrupt:
        return HookResult(error="interrupted")
    except Exception as e:  # a hook never blocks the agent: one line, no traceback
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        if not isinstance(e, TetherError):
            msg = f"internal error: {type(e).__name__}: {msg}"
        return HookResult(error=msg)


def main(name: str, repo: str | None = None) -> int:
    """The CLI entry: read stdin, print the answer; always exit 0."""
    try:
        text = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
    except (OSError, ValueError, UnicodeDecodeError) as e:
        text, early = "", f"cannot read the hook input: {e}"
    else:
        early = None
    result = HookResult(error=early) if early else run_hook(name, text, repo)
    if result.error:
        print(f"tether hook {name}: {result.error}", file=sys.stderr)
    elif result.stdout:
        try:
            sys.stdout.write(result.stdout)
            sys.stdout.flush()
        except (BrokenPipeError, OSError):
            pass
    return 0


# -- the hooks ---------------------------------------------------------------------------


def session_start(project, payload: dict, now=None) -> HookResult:
    """The capsule for the current branch (its changes against the default branch, plus the
    working tree), how many notes wait for triage, and how to save what the agent learns."""
    rev, label = branch_focus(project.root)
    # what changed, read from git while a child process brings the index up to date
    focus = (lambda: _focus_changes(project.root, rev, label)) if rev is not None else None
    behind, found = index_within(project, project.config.hook_index_seconds, focus)  # statuses, notes pulled
    with project.store.reading():  # what follows only reads: one opening of the database
        return _session_answer(project, payload, behind, found, rev, label, now)


def _session_answer(project, payload: dict, behind: str | None, found, rev, label, now) -> HookResult:
    if behind and not project.indexed():
        return HookResult(_context("SessionStart", "tether has not indexed this repository yet: the first index "
                                   "takes longer than a hook may run. `tether index` in a terminal builds it once."))
    diff, changes = rev, None
    if found is not None:
        diff, label, changes = found
        changed = [p for p in [*changes.files, *changes.deleted] if not p.startswith(".tether/")]
        if not changed:  # nothing changed on this branch: the whole project
            diff, changes, label = None, None, "no changes on this branch yet: the project's most important notes"
    # Every session pays for these lines: the MCP server's instructions explain the tools, so
    # the hook only says what is true now, in one short line each.
    triage, suspect = _triage_counts(project)
    queued = len(project.queued_notes())
    lines = []
    if triage:
        lines.append(f"{triage} tether note{'s' if triage != 1 else ''} to triage ({'its' if triage == 1 else 'their'} "
                     "code changed" + (f"; {suspect} more only depend on changed code" if suspect else "")
                     + "): `list_stale`.")
    elif suspect:
        lines.append(f"{suspect} tether note{'s' if suspect != 1 else ''} only depend on changed code: `list_stale`.")
    if queued:
        lines.append(f"{queued} note{'s' if queued != 1 else ''} saved while the database was busy "
                     f"{'are' if queued != 1 else 'is'} queued for tether's next write.")
    if behind:
        lines.append(f"tether's index {behind}, so statuses may be behind.")
    lines.append("Save what a later session should know with `save_observation`.")
    trailer = "\n" + "\n".join(lines) + "\n"
    intro = f"tether notes ({label}):\n" if label else ""
    result = _answer(project, "SessionStart", intro, trailer,
                     dict(diff=diff, changes=changes, budget=project.config.budget,
                          min_score=SESSION_MIN_SCORE if diff is not None else 0.0),
                     now=now, need_notes=diff is not None)
    if not result.stdout:  # nothing noted about this branch's changes: the project's most important notes
        intro = f"tether notes ({label}: nothing noted about these changes, so the project's most " \
                "important notes):\n"
        result = _answer(project, "SessionStart", intro, trailer, dict(budget=project.config.budget), now=now)
    _remember(project, payload.get("session_id"), result.notes, fresh=True)
    return result


def index_within(project, seconds: float, meanwhile=None) -> tuple[str | None, object]:
    """Bring the index up to date in a child process, waiting at most `seconds`; past that the
    child is killed and the answer comes from the index as it was. Returns (None when the index
    is current, else why it is not; what `meanwhile()` returned, called here while the child
    works, or None).

    A hook that Claude Code kills at its timeout gives the agent nothing, so the hook stops first.
    An index run writes in one transaction, so a killed one leaves the previous index intact, and
    its workers end with it (core/index/run.py)."""
    pid = os.fork()
    if pid == 0:  # the child: index, then leave without running the parent's clean-up
        code = 1
        try:
            project.index()
            code = 0
        finally:
            os._exit(code)
    deadline = time.monotonic() + seconds
    try:
        value = meanwhile() if meanwhile is not None else None
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return (None if os.waitstatus_to_exitcode(status) == 0 else
                    "could not be brought up to date (`tether index` in a terminal says why)"), value
        if time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return f"could not be brought up to date within {seconds:g} s (`tether index` in a terminal catches up)", value
        time.sleep(0.01)


def _focus_changes(root: Path, rev: str, label: str):
    """(revision, label, gitdiff.Changes) of a session's focus: the changes against `rev`, or the
    working tree's alone when git cannot compare with `rev` (no merge base with the default
    branch, say)."""
    from tether.core.gitdiff import changed_lines

    try:
        return rev, label, changed_lines(root, rev)
    except TetherError:
        return "", "uncommitted changes", changed_lines(root, "")


def user_prompt(project, payload: dict, now=None) -> HookResult:
    """The notes relevant to the prompt's text that this session has not been given yet;
    nothing when `[hooks] user_prompt` is off (the default) or nothing is relevant."""
    if not project.config.hook_user_prompt:
        return HookResult()
    prompt = payload.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip() or prompt.lstrip().startswith("/"):
        return HookResult()
    from tether.core.project import query_words

    if not query_words(prompt):
        return HookResult()
    prompt = prompt[:2000]
    shown = _shown(project, payload.get("session_id"))
    result = _answer(project, "UserPromptSubmit", "tether notes relevant to this prompt:\n", "",
                     dict(task=prompt, budget=max(1, project.config.budget // 2), exclude=shown),
                     now=now, need_notes=True)
    _remember(project, payload.get("session_id"), result.notes)
    return result


def post_tool_use(project, payload: dict, now=None) -> HookResult:
    """After a Read: the notes on the lines read and on the file that this session was not given
    yet. After an Edit, MultiEdit or Write: the notes on the code the edit changed (given before
    or not), with what to do about them. Only reads the database, and says nothing when it is
    busy for longer than TOUCH_WAIT."""
    config = project.config
    kind = TOUCH_TOOLS.get(payload.get("tool_name"))
    tool_input = payload.get("tool_input")
    if not config.hook_on_touch or config.hook_on_touch_chars < 1 or kind is None \
            or not isinstance(tool_input, dict) or not project.store.path.exists():
        return HookResult()
    path = _repo_path(project, tool_input.get("file_path"), payload.get("cwd"))
    if path is None or project.is_secret(path):
        return HookResult()
    try:
        data = (project.root / path).read_bytes()
    except OSError:
        return HookResult()
    if b"\0" in data[:8192]:  # binary
        return HookResult()
    from tether.core import touch

    session = payload.get("session_id")
    first, last = _lines(tool_input) if kind == "read" else (1, None)
    with project.store.patience(TOUCH_WAIT), project.store.read() as con:
        shown = _shown(project, session, con)
        if kind == "read":
            found = touch.read_notes(project, con, path, data, first, last, set(shown))
        else:
            found = touch.edit_notes(project, con, path, data)
    if found is None or not found.notes:
        return HookResult()
    from tether.core.capsule import pack

    chars = config.hook_on_touch_chars
    if kind == "read":
        where = f"`{path}`" + ("" if (first, last) == (1, None) else
                               f" lines {first}–{last}" if last is not None else f" from line {first}")
        intro, trailer = f"tether notes on the code you just read ({where}):\n", ""
    else:
        intro = f"tether notes on code your edit of `{path}` just changed (a note may no longer hold):\n"
        trailer = "\n" + EDIT_INSTRUCTION + "\n"
    markdown, chosen, _ = pack(found.notes, chars, chars, (), found.symbols, now=now, compact=True)
    if not chosen:
        return HookResult()
    text = json.dumps({"hookSpecificOutput": {"hookEventName": "PostToolUse",
                                              "additionalContext": intro + markdown + trailer}},
                      ensure_ascii=False) + "\n"
    ids = [c.note.id for c in chosen]
    _remember(project, session, ids, before=shown)
    return HookResult(text, None, ids)


# -- helpers ------------------------------------------------------------------------------


def _repo_path(project, file_path, cwd) -> str | None:
    """A tool's `file_path` relative to the repository root; None outside it (or in .git/, .tether/)."""
    if not isinstance(file_path, str) or not file_path.strip():
        return None
    path = Path(file_path)
    if not path.is_absolute():
        path = Path(cwd if isinstance(cwd, str) and cwd else project.root) / path
    try:
        rel = path.resolve().relative_to(project.root).as_posix()
    except (ValueError, OSError):
        return None
    if rel == "." or rel.split("/", 1)[0] in (".git", ".tether"):
        return None
    return rel


def _lines(tool_input: dict) -> tuple[int, int | None]:
    """(first line, last line or None for the end) of a Read: `offset` is the line it starts at,
    `limit` how many lines; the whole file without them."""

    def number(key):
        value = tool_input.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None

    first = number("offset") or 1
    limit = number("limit")
    return first, (first + limit - 1 if limit else None)


def _payload(text: str) -> dict:
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError as e:
        raise TetherError(f"the hook input is not JSON ({e})") from None
    if not isinstance(data, dict):
        raise TetherError("the hook input is not a JSON object")
    return data


def _project(payload: dict, repo: str | None):
    from tether.core.project import TETHER_DIR, Project, find_root

    if repo:
        start = Path(repo)
    else:
        cwd = payload.get("cwd") or os.environ.get("CLAUDE_PROJECT_DIR") or os.getcwd()
        start = Path(cwd)
    if not start.is_dir():
        raise ValueError(f"{start}: not a directory")
    root = find_root(start)
    if not (root / TETHER_DIR).is_dir():
        return None  # tether is not set up here: nothing to say
    return Project(root)


def branch_focus(root: Path) -> tuple[str | None, str | None]:
    """(revision for the capsule's diff, label): the merge base with the default branch
    (`origin/HEAD`, else a local main or master) — the branch's own commits plus the working
    tree — or "" (the working tree only) when there is no default branch; (None, None) outside git."""
    import pygit2

    try:
        repo = pygit2.Repository(str(root))
    except pygit2.GitError:
        return None, None
    if repo.head_is_unborn:
        return "", "uncommitted changes"
    current = None if repo.head_is_detached else repo.head.shorthand
    default = default_branch(repo)
    if default is None:
        return "", "uncommitted changes"
    if current and default.split("/", 1)[-1] == current and not default.startswith("origin/"):
        return "", f"branch {current}: uncommitted changes"
    where = f"branch {current}" if current else "detached HEAD"
    return f"{default}...", f"{where}: changes against {default}, plus uncommitted ones"


def default_branch(repo) -> str | None:
    """origin's default branch (refs/remotes/origin/HEAD), else a local main or master."""
    ref = repo.references.get("refs/remotes/origin/HEAD")
    if ref is not None:
        target = ref.target if isinstance(ref.target, str) else None
        if target and target.startswith("refs/remotes/") and repo.references.get(target) is not None:
            return target[len("refs/remotes/"):]
    for name in ("main", "master"):
        if repo.references.get(f"refs/heads/{name}") is not None:
            return name
    return None


def _triage_counts(project) -> tuple[int, int]:
    """(notes with a stale, moved or orphaned link; notes only suspect), as of the current index."""
    found = project.stale(reindex=False)
    triage = {s.note_id for s in found if s.status != "suspect"}
    suspect = {s.note_id for s in found if s.status == "suspect"} - triage
    return len(triage), len(suspect)


def _answer(project, event: str, intro: str, trailer: str, options: dict, now=None,
            need_notes: bool = False) -> HookResult:
    """The hook's JSON with the capsule between intro and trailer, the whole of it within
    HOOK_LIMIT characters (the capsule is built to fit what is left)."""
    overhead = len(_context(event, intro + trailer))
    room = HOOK_LIMIT - overhead
    capsule = None
    while room > 200:
        capsule = project.capsule(max_chars=room, now=now, compact=True, reindex=False, **options)
        out = _context(event, intro + capsule.markdown + trailer)
        if len(out) <= HOOK_LIMIT:
            break
        room -= len(out) - HOOK_LIMIT + 50  # JSON escapes made it longer: build a smaller one
        capsule = None
    if capsule is None or not capsule.notes:  # no notes: the trailer alone, if anything
        if need_notes or not trailer.strip() or len(_context(event, trailer)) > HOOK_LIMIT:
            return HookResult()
        return HookResult(_context(event, trailer.lstrip("\n")))
    return HookResult(out, None, [c.note.id for c in capsule.notes])


def _context(event: str, text: str) -> str:
    """What Claude Code adds to the agent's context: the hook's JSON line."""
    return json.dumps({"hookSpecificOutput": {"hookEventName": event, "additionalContext": text}},
                      ensure_ascii=False) + "\n"


def _session_file(project, session_id) -> Path | None:
    if not isinstance(session_id, str) or not _SESSION_ID.match(session_id):
        return None
    return project.dir / "sessions" / f"{session_id}.json"


def _shown(project, session_id, con=None) -> list[str]:
    """Ids of the notes this session was given already (they are not repeated); `con`: an open
    connection to use."""
    path = _session_file(project, session_id)
    if path is None:
        return []
    try:
        ids = json.loads(path.read_text("utf-8")).get("notes", [])
    except (OSError, ValueError, AttributeError):
        return []
    if not isinstance(ids, list):
        return []
    ids = [i for i in ids if isinstance(i, str)]
    if not ids:
        return []
    if con is None:
        with project.store.read() as own:
            return _shown(project, session_id, own)
    # only notes that still exist (the capsule refuses unknown ids)
    return sorted(n.id for n in project.store.notes(con, ids, ("active", "archived", "deleted")))


def _remember(project, session_id, note_ids: list[str], fresh: bool = False, before: list[str] | None = None) -> None:
    """Add to the notes this session was given; `fresh` starts over (a new or cleared session);
    `before`: what it was given, when the caller has read it already."""
    path = _session_file(project, session_id)
    if path is None:
        return
    try:
        path.parent.mkdir(exist_ok=True)
        if before is None:
            before = [] if fresh else _shown(project, session_id)
        data = json.dumps({"notes": sorted(set(before) | set(note_ids))})
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(data, "utf-8")
        os.replace(tmp, path)
        # by the file system's clock, which wrote them all (the process's clock may differ)
        cutoff = path.stat().st_mtime - _SESSION_DAYS * 86400
        for old in path.parent.glob("*.json"):
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # remembering is a nicety; the answer stands
