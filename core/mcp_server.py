"""`tether mcp`: the Model Context Protocol server Claude Code talks to, over stdio only.

Formatting only: every tool calls the `Project` facade. Each call opens a fresh Project (so
a changed `.tether/config.toml` counts at once) and the calls run one at a time (DuckDB
connections of one process must not mix read-only and read-write). A failure is a tool error
with one line — what went wrong and what to do — never a traceback.
"""

import functools
import os
import threading
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from tether.core.errors import NotFound, StoreBusy, TetherError
from tether.core.model import NOTE_TYPES

NoteType = Literal["insight", "decision", "gotcha", "convention", "todo", "bug"]
Status = Literal["fresh", "stale", "moved", "orphaned", "suspect"]
assert set(NoteType.__args__) == set(NOTE_TYPES)

INSTRUCTIONS = """\
tether is this repository's memory across sessions: notes linked to code symbols (functions, \
classes, methods, files), flagged for triage when the code they describe changes.

- Before working on a task, call get_capsule with the task (and the symbols or files involved) \
to get what earlier sessions learned about that code.
- When you learn something a later session would need and could not see quickly from the code \
— a gotcha, a decision and its reason, a convention, a subtle bug — call save_observation, \
linked to the symbols it is about. One fact per note, a few sentences.
- Don't save what the code or git history already says plainly, and never save secrets.
- Use list_stale to see notes whose code changed; confirm_note what still holds, archive_note \
what no longer does."""

_TEXT_SHOWN = 600  # characters of a note's text in search results


class _Server:
    def __init__(self, root: Path):
        self.root = root
        self.lock = threading.Lock()

    def project(self):
        from tether.core.project import TETHER_DIR, Project

        if not (self.root / TETHER_DIR).is_dir() and not (self.root / ".git").exists():
            # a user-wide server started outside any repository must not index, say, a home folder
            raise TetherError(f"{self.root} is neither a git repository nor set up for tether; "
                              "run `tether init` there first")
        return Project(self.root)


def _tool(fn):
    """Run one tool call at a time and turn every failure into a one-line tool error."""
    from mcp.server.mcpserver.exceptions import ToolError

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        server = wrapper.server
        with server.lock:
            try:
                return fn(server.project(), *args, **kwargs)
            except ToolError:
                raise
            except StoreBusy:
                raise ToolError("the tether database is busy (another tether process is writing, probably an "
                                "index run); try again in a few seconds") from None
            except TetherError as e:
                raise ToolError(_one_line(str(e))) from None
            except Exception as e:
                if os.environ.get("TETHER_DEBUG"):  # the traceback on the server's stderr only
                    import traceback

                    traceback.print_exc()
                raise ToolError(_one_line(f"internal error: {type(e).__name__}: {e}")) from None

    return wrapper


def _one_line(msg: str) -> str:
    return " ".join(msg.split()) or "failed"


def _server_class():
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
    from pydantic import ValidationError

    class TetherMCP(MCPServer):
        async def call_tool(self, name, arguments, context=None):
            """Arguments that fail the schema: one line too, naming each field and what is wrong."""
            try:
                return await super().call_tool(name, arguments, context)
            except ToolError as e:
                cause = e.__cause__
                if isinstance(e, UnexpectedToolError) or not isinstance(cause, ValidationError):
                    raise
                problems = "; ".join(f"{'.'.join(map(str, err['loc'])) or 'arguments'}: {err['msg']}"
                                     for err in cause.errors())
                raise ToolError(_one_line(f"Error executing tool {name}: invalid arguments: {problems}")) from cause

    return TetherMCP


def build_server(root: Path):
    """The MCPServer for the repository at `root`."""
    from mcp_types import ToolAnnotations

    server = _Server(root)
    mcp = _server_class()("tether", instructions=INSTRUCTIONS, log_level="WARNING")
    for fn, title, read_only in ((save_observation, "Save an observation", False),
                                 (get_capsule, "Notes for a task", False),
                                 (search_notes, "Search notes", True),
                                 (list_stale, "Notes whose code changed", False),
                                 (get_symbol, "A symbol and its notes", True),
                                 (confirm_note, "Confirm a note", False),
                                 (archive_note, "Archive a note", False),
                                 (pin_note, "Pin a note always on", False)):
        wrapped = _tool(fn)
        wrapped.server = server
        _drop_project_param(wrapped, fn)
        mcp.add_tool(wrapped, name=fn.__name__, title=title, description=_description(fn),
                     annotations=ToolAnnotations(readOnlyHint=read_only, destructiveHint=False,
                                                 openWorldHint=False),
                     structured_output=False)
    return mcp


def _drop_project_param(wrapper, fn) -> None:
    """The tool's signature without its first parameter (the Project the wrapper passes)."""
    import inspect

    sig = inspect.signature(fn)
    wrapper.__signature__ = sig.replace(parameters=list(sig.parameters.values())[1:])
    wrapper.__annotations__ = {k: v for k, v in fn.__annotations__.items() if k != "project"}
    del wrapper.__wrapped__


def _description(fn) -> str:
    import inspect

    return inspect.cleandoc(fn.__doc__ or "")


def serve(repo: str | None = None) -> int:
    """Run the server on stdin/stdout until the client goes away."""
    from tether.core.project import find_root

    start = Path(repo) if repo else Path(os.environ.get("CLAUDE_PROJECT_DIR") or os.getcwd())
    if not start.is_dir():
        raise TetherError(f"{start}: not a directory")
    build_server(find_root(start)).run("stdio")
    return 0


# -- tools: the docstrings are what the agent reads ---------------------------------------


def save_observation(
    project,
    content: Annotated[str, Field(description="The note, in markdown: one fact, a few sentences (at most 4,000 "
                                              "characters). Say why, not only what.")],
    linked_symbols: Annotated[list[str], Field(description="Symbols the note is about: a full id like "
                                                           "'api/users.py::UserService.refresh' or a short "
                                                           "unambiguous name like 'UserService.refresh'.")] = [],
    type: Annotated[NoteType, Field(description="gotcha (a trap), decision (a choice and its reason), "
                                                "convention (how things are done here), bug, todo, or insight "
                                                "(anything else).")] = "insight",
    tags: Annotated[list[str], Field(description="Optional short tags, e.g. 'auth', 'perf'.")] = [],
    linked_files: Annotated[list[str], Field(description="Files (paths relative to the repository root) the note "
                                                         "is about, when no single symbol fits.")] = [],
) -> str:
    """Save something you learned about this codebase so later sessions know it.

    Use it for what the code does not say plainly: a gotcha, a decision and its reason, a
    convention, a subtle bug. Link the note to the symbols (functions, classes, methods) it is
    about: it then shows up whenever that code is in focus, and is flagged for review when that
    code changes. A note without links is project-wide. Never put secrets in a note.

    Returns the note id and its links as resolved. A name that does not resolve to exactly one
    symbol is an error listing the candidates, and nothing is saved: call again with one of
    them (or without that link). If the database is busy the note is queued and added
    automatically a moment later; do not save it again."""
    try:
        note = project.add_note(content, symbols=linked_symbols, files=linked_files, type=type, tags=tags,
                                source="agent", queue_if_busy=True)
    except NotFound as first:
        problems: list[NotFound] = []  # every name that does not resolve, not only the first
        for name in linked_symbols:
            try:
                project.resolve(name)
            except NotFound as e:
                problems.append(e)
        if not problems:  # a file, then
            raise _error(f"not saved: {first}") from None
        hint = ("Call save_observation again with the full id of the right candidate in linked_symbols, or "
                "without that name." if any(p.candidates for p in problems) else
                "Check the name (get_symbol finds symbols) or save the note without it.")
        raise _error("not saved: " + "; ".join(map(str, problems)) + ". " + hint) from None
    if note.state == "queued":
        wanted = ", ".join(list(linked_symbols) + list(linked_files)) or "none (project-wide)"
        return (f"queued note {note.id} ({note.type}): another tether process holds the database (probably an "
                f"index run), so the note waits in .tether/journal.jsonl and is added automatically at tether's "
                f"next write, its links resolved then ({wanted}). Do not save it again.")
    project.share()
    links = "\n".join(f"- {l.target} ({l.kind})" for l in note.links) or "- none: a project-wide note"
    offer = "" if note.links else _offer(project.suggest_links(note.text))
    return f"saved note {note.id} ({note.type}) linked to:\n{links}{offer}"


def _offer(found) -> str:
    """The links a project-wide note's text suggests, for the agent to act on."""
    if not found.any:
        return ""
    names = [f"- {s} (symbol)" for s in found.symbols] + [f"- {f} (file)" for f in found.files]
    return ("\nIts text names this code (suggested links; a project-wide note loads in every capsule, a linked one "
            "only when its code is in focus):\n" + "\n".join(names) + "\nIf the note is about it, save it again "
            "with these in linked_symbols/linked_files and archive_note this one.")


def get_capsule(
    project,
    task: Annotated[str, Field(description="What you are about to do, in a sentence or two; its words "
                                           "find notes and symbols.")] = "",
    symbols: Annotated[list[str], Field(description="Symbols in focus (ids or short unambiguous names).")] = [],
    files: Annotated[list[str], Field(description="Files or directories in focus, relative to the "
                                                  "repository root.")] = [],
    diff: Annotated[str | None, Field(description="Put the changed code in focus: '' for uncommitted changes, "
                                                  "a revision ('HEAD~3'), or 'main...' for everything since "
                                                  "the branch left main.")] = None,
    budget: Annotated[int | None, Field(description="At most this many tokens (default: the project's "
                                                    "setting, 2000 unless configured).", ge=50,
                                        le=50_000)] = None,
) -> str:
    """The notes relevant to a task, most relevant first, as markdown within a token budget.

    Call it before you start on a task: give the task in words and, when you know them, the
    symbols, files or changes involved. Notes are grouped by the symbol they are linked to;
    a note whose code changed since it was written carries a warning line — check it against
    the code before relying on it. With nothing in focus you get the project's most important
    notes."""
    files = [project._normalise_path(f) for f in files]  # confined to the repository
    capsule = project.capsule(symbols=symbols, files=files, task=task or None, diff=diff, budget=budget)
    text = capsule.markdown
    if capsule.warnings:
        text += "\n" + "\n".join(f"_note: {w}_" for w in capsule.warnings) + "\n"
    return text


def search_notes(
    project,
    query: Annotated[str, Field(description="Words to look for in the notes' text, tags and linked symbols; "
                                            "empty lists every note.")] = "",
    symbol: Annotated[str | None, Field(description="Only notes linked to this symbol.")] = None,
    status: Annotated[Status | None, Field(description="Only notes with a link in this state: stale (the code "
                                                       "changed), moved, orphaned (the code is gone), suspect "
                                                       "(a dependency changed), fresh.")] = None,
    limit: Annotated[int, Field(description="At most this many notes.", ge=1, le=200)] = 20,
) -> str:
    """Find notes by words, by the symbol they are linked to, or by status.

    Notes matching the most words come first, then the most recently updated. Each result has
    the note's id (for confirm_note and archive_note), type, status, links and text. Use
    get_capsule instead to get the notes that matter for a task."""
    views = _without_secrets(project, project.search_notes(query, symbol=symbol, status=status))
    if not views:
        return "no notes match"
    head = f"{len(views)} note{'s' if len(views) != 1 else ''} match"
    if len(views) > limit:
        head += f"; the first {limit}"
    return head + ":\n\n" + "\n\n".join(_note_block(v) for v in views[:limit])


def list_stale(project) -> str:
    """Notes whose linked code changed since they were written (after updating the index).

    stale: the code changed; moved: it now lives elsewhere (renamed or moved); orphaned: it is
    gone; suspect: only something it calls or inherits from changed (low severity). Read the
    code, then confirm_note(id) if the note still holds, or archive_note(id) if it does not;
    to fix a note, save a corrected one and archive the old one."""
    found = project.stale()
    if not found:
        return "every note is fresh: nothing to triage"
    by_note: dict[str, list] = {}
    for s in found:
        by_note.setdefault(s.note_id, []).append(s)
    notes = {n.id: n for n in project.all_notes(("active",))}
    blocks = []
    for nid, links in by_note.items():
        note = notes.get(nid)
        lines = [f"{nid} [{note.type if note else '?'}] {note.title if note else ''}".rstrip()]
        for s in links:
            arrow = f" -> {s.to}" if s.to and s.to != s.target else ""
            lines.append(f"  {s.status} ({s.severity}): {s.target}{arrow}: {s.reason}")
        blocks.append("\n".join(lines))
    return f"{len(by_note)} note{'s' if len(by_note) != 1 else ''} to triage:\n\n" + "\n\n".join(blocks)


def get_symbol(
    project,
    name: Annotated[str, Field(description="A symbol id ('api/users.py::UserService.refresh') or a short "
                                           "unambiguous name ('UserService.refresh', 'refresh').")],
) -> str:
    """A symbol's id, kind, signature and location, its callers and callees, and the notes linked to it.

    A name that matches several symbols, or none, is an error listing the candidates."""
    view = project.show(name)
    s = view.symbol  # the facade withholds what a secret file says
    lines = [f"{s.id}  [{s.kind}, {s.language}]",
             f"location: {s.path}:{s.start_line}-{s.end_line}",
             f"signature: {s.signature}"]
    for title, edges, key in (("callers", view.callers, "src"), ("callees", view.callees, "dst")):
        shown = [getattr(e, key) + ("" if e.resolved else " (unresolved)") for e in edges[:15]]
        more = f", +{len(edges) - 15} more" if len(edges) > 15 else ""
        lines.append(f"{title} ({len(edges)}): " + (", ".join(shown) + more if shown else "none"))
    views = _without_secrets(project, project.find_notes(symbol=s.id))
    lines.append(f"\nnotes ({len(views)}):" if views else "\nno notes linked")
    text = "\n".join(lines)
    if views:
        text += "\n\n" + "\n\n".join(_note_block(v) for v in views)
    return text


def confirm_note(
    project,
    id: Annotated[str, Field(description="The note id (or a unique prefix of it).")],
) -> str:
    """Mark a note as still true after its code changed: its links are re-anchored to the code as it is now.

    Only confirm after reading the current code and checking the note against it."""
    project.index()  # anchor to the code as it is now, edits of this session included
    note = project.confirm_notes([id], actor="agent")[0]
    project.share()
    return f"confirmed note {note.id}: its {len(note.links)} link{'s' if len(note.links) != 1 else ''} now " \
           f"anchor to the current code"


def archive_note(
    project,
    id: Annotated[str, Field(description="The note id (or a unique prefix of it).")],
) -> str:
    """Archive a note that no longer holds: it leaves capsules and searches but is kept (the user can restore it).

    To correct a note rather than drop it, save the corrected version first, then archive the old one."""
    note = project.set_state([id], "archived", actor="agent")[0]
    project.share()
    return f"archived note {note.id} ({note.title[:80]})"


def pin_note(
    project,
    id: Annotated[str, Field(description="The note id (or a unique prefix of it).")],
    pinned: Annotated[bool, Field(description="true: always on; false: back to loading only when relevant.")] = True,
) -> str:
    """Pin a note always on: it comes into every capsule, whatever the task, like a line of CLAUDE.md.

    Only for what truly applies to every task (a rule of the house); other notes load when their
    code or words are in focus, which keeps the context small. pinned=false unpins."""
    note = project.edit_note(id, pinned=pinned, actor="agent")
    project.share()
    return f"{'pinned' if note.pinned else 'unpinned'} note {note.id} ({note.title[:80]})"


def _without_secrets(project, views: list) -> list:
    """The views of notes that hold no secret: the agent never reads one back."""
    clean = {n.id for n in project.without_secrets([v.note for v in views])}
    return [v for v in views if v.note.id in clean]


def _note_block(view) -> str:
    n = view.note
    where = ", ".join(l.target for l in n.links) or "project-wide"
    head = f"{n.id} [{n.type}, {view.status}] {where}"
    if n.tags:
        head += f" (tags: {', '.join(n.tags)})"
    warn = [f"  ! {s.status}: {s.target}: {s.reason}" for s in view.links if s.status != "fresh"]
    text = n.text if len(n.text) <= _TEXT_SHOWN else n.text[:_TEXT_SHOWN].rstrip() + " …"
    return "\n".join([head, *warn, *("  " + l for l in text.splitlines())])


def _error(msg: str):
    from mcp.server.mcpserver.exceptions import ToolError

    return ToolError(_one_line(msg))
