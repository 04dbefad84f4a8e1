"""Presentation helpers shared by the screens: status colours, badges, ages, diffs, source."""

from __future__ import annotations

from datetime import datetime, timezone

from rich.syntax import Syntax
from rich.text import Text

from tether.core.model import STATUS_ORDER, Note

# Worst first, as in the core. Colours are ANSI names: Textual maps them through the theme.
STATUS_STYLE = {
    "orphaned": "bold red",
    "stale": "red",
    "moved": "magenta",
    "suspect": "yellow",
    "fresh": "green",
}
STATUS_MARK = {"orphaned": "✗", "stale": "!", "moved": "→", "suspect": "?", "fresh": ""}

KIND_ICON = {
    "class": ("C", "bold cyan"), "interface": ("I", "bold cyan"), "struct": ("S", "bold cyan"),
    "enum": ("E", "bold cyan"), "trait": ("T", "bold cyan"), "union": ("U", "bold cyan"),
    "impl": ("⊢", "cyan"), "object": ("O", "bold cyan"), "module": ("M", "bold blue"),
    "namespace": ("N", "bold blue"), "type": ("τ", "blue"), "function": ("ƒ", "bold green"),
    "method": ("m", "green"), "constructor": ("m", "green"),
}

LEXERS = {
    "python": "python", "javascript": "javascript", "typescript": "typescript", "tsx": "tsx",
    "go": "go", "rust": "rust", "java": "java", "c": "c", "cpp": "cpp", "csharp": "csharp",
    "ruby": "ruby", "php": "php",
}


def worst(statuses) -> str:
    statuses = list(statuses)
    return min(statuses, key=STATUS_ORDER.index) if statuses else "fresh"


def status_text(status: str, width: int = 0) -> Text:
    return Text(status.ljust(width), style=STATUS_STYLE.get(status, ""))


def badge(count: int, status: str) -> Text:
    """A symbol's note count, coloured by the worst status of its links; a mark when not fresh."""
    if not count:
        return Text()
    mark = STATUS_MARK.get(status, "")
    return Text(f" {count}{mark} ", style=f"reverse {STATUS_STYLE.get(status, '')}")


def kind_icon(kind: str) -> Text:
    icon, style = KIND_ICON.get(kind, ("·", "dim"))
    return Text(icon, style=style)


def parse_stamp(stamp: str) -> datetime | None:
    try:
        return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


def age(stamp: str, now: datetime, short: bool = False) -> str:
    """'just now', '5m ago', '3h ago', '12d ago', then the date for anything older than 60 days
    (`short`: 'now', '5m', '3h', '12d')."""
    then = parse_stamp(stamp)
    if then is None:
        return stamp
    secs = (now - then).total_seconds()
    if secs >= 60 * 86400:
        return then.strftime("%Y-%m-%d")
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if secs >= size:
            return f"{int(secs // size)}{unit}" + ("" if short else " ago")
    return "now" if short else "just now"


def short_target(target: str) -> str:
    """`api/users.py::UserService.refresh` -> `users.py::UserService.refresh`."""
    path, sep, rest = target.partition("::")
    return f"{path.rsplit('/', 1)[-1]}{sep}{rest}"


def links_label(note: Note, width: int = 40, names_only: bool = False) -> str:
    if not note.links:
        return "(project-wide)"
    target = note.links[0].target
    first = target.split("::", 1)[1] if names_only and "::" in target else short_target(target)
    more = f" +{len(note.links) - 1}" if len(note.links) > 1 else ""
    if len(first) + len(more) > width:
        first = "…" + first[-(width - len(more) - 1):]
    return first + more


def one_line(text: str, width: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def diff_text(diff: str) -> Text:
    """A unified diff, coloured: removed lines red, added green, hunk headers cyan."""
    out = Text()
    for line in diff.rstrip("\n").splitlines():
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("@@"):
            style = "cyan"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        else:
            style = "dim"
        out.append(line + "\n", style=style)
    return out


def source_syntax(source: str, language: str | None, start_line: int = 1, dark: bool = True) -> Syntax:
    return Syntax(source.rstrip("\n") or " ", LEXERS.get(language or "", "text"), line_numbers=True,
                  start_line=start_line, word_wrap=False, indent_guides=False,
                  theme="ansi_dark" if dark else "ansi_light")


def commit_line(c: dict) -> Text:
    when = datetime.fromtimestamp(c["time"], timezone.utc).strftime("%Y-%m-%d") if c.get("time") else ""
    out = Text()
    out.append(c["id"][:10], style="yellow")
    out.append(f"  {when}  ", style="dim")
    out.append(c.get("summary", ""))
    out.append(f"  — {c['author']}" if c.get("author") else "", style="dim")
    return out


def note_markdown(note: Note, status: str, links: list, now: datetime, show_links: bool = True) -> str:
    """One note as markdown: a header line (type, id, status, who, when), the text, its links."""
    who = note.source + (f" / {note.session}" if note.session else "")
    head = f"**{note.type}** · `{note.id}` · {status} · {who} · {age(note.updated_at, now)}"
    if note.tags:
        head += " · " + " ".join(f"#{t}" for t in note.tags)
    if note.state != "active":
        head += f" · *{note.state}*"
    if note.pinned:
        head += " · pinned"
    parts = [head, "", note.text]
    if show_links and links:
        parts.append("")
        for st in links:
            arrow = f" → `{st.to}`" if st.to and st.to != st.target else ""
            reason = f" — {st.reason}" if st.reason else ""
            parts.append(f"- {st.status}: `{st.target}`{arrow}{reason}")
    return "\n".join(parts)
