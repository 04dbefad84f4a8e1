"""The block tether manages in CLAUDE.md, between `<!-- tether:begin -->` and `<!-- tether:end -->`.

- Everything outside the block is kept byte for byte: line endings (LF, CRLF), a byte-order
  mark, a missing final newline, any UTF-8 text. The marker lines themselves are kept as they
  are; only what lies between them is replaced, in the file's own line ending.
- A file without the block gets it appended (after a blank line); a missing file is created.
- The same content twice writes nothing. The write is atomic: a temporary file in the same
  directory, given the original's permissions, then renamed over it.
- Markers are recognised as the importer (core/claude_md_import.py) recognises them: a whole line
  (`<!-- tether:begin ... -->` is accepted), outside fenced code and multi-line HTML comments.
  A begin without an end, an end without a begin (or before it), or two blocks: a TetherError
  naming the line, and the file is left untouched.
- The path must lie inside the repository (symbolic links resolved), and not inside .git/.
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tether.core.errors import TetherError

BEGIN_MARKER = "<!-- tether:begin -->"
END_MARKER = "<!-- tether:end -->"
DEFAULT_PATH = "CLAUDE.md"

_BOM = b"\xef\xbb\xbf"
_BEGIN = re.compile(rb"^<!--\s*tether:begin\b.*-->$")
_END = re.compile(rb"^<!--\s*tether:end\b.*-->$")
_FENCE = re.compile(rb"^ {0,3}(`{3,}|~{3,})")
_ANY_MARKER = re.compile(r"^\s*<!--\s*tether:(begin|end)\b.*-->\s*$")


@dataclass(slots=True)
class BlockWrite:
    path: Path  # the file (symbolic links resolved)
    rel: str  # relative to the repository root, for messages
    changed: bool  # the content differs (written, unless dry_run)
    created: bool  # the file did not exist
    appended: bool  # the file had no block: it was added at the end
    diff: str  # unified diff from the old content to the new
    dry_run: bool


def target(root: Path, path: str | Path) -> tuple[Path, str]:
    """The file to write, resolved, and its path relative to the root; refuses anything outside."""
    root = Path(root).resolve()
    p = Path(path)
    if not p.is_absolute():
        p = root / p
    real = p.resolve()
    try:
        rel = real.relative_to(root)
    except ValueError:
        raise TetherError(f"{path}: outside the repository ({root}); tether writes only inside it",
                          exit_code=2) from None
    if not rel.parts or rel.parts[0] == ".git":
        raise TetherError(f"{path}: not a file tether writes to", exit_code=2)
    if real.is_dir():
        raise TetherError(f"{path}: is a directory", exit_code=2)
    return real, rel.as_posix()


def _newline(lines: list[bytes]) -> bytes:
    for line in lines:
        if line.endswith(b"\r\n"):
            return b"\r\n"
        if line.endswith(b"\n"):
            return b"\n"
        if line.endswith(b"\r"):
            return b"\r"
    return b"\n"


def _comment(line: bytes, inside: bool) -> bool:
    """Whether an HTML comment is still open after `line`."""
    i = 0
    while True:
        if inside:
            j = line.find(b"-->", i)
            if j < 0:
                return True
            inside, i = False, j + 3
        else:
            j = line.find(b"<!--", i)
            if j < 0:
                return False
            inside, i = True, j + 4


def find_block(data: bytes, name: str = DEFAULT_PATH) -> tuple[int, int] | None:
    """(begin line, end line), 0-based, of the managed block in `data`; None when it has none.
    Malformed markers raise TetherError."""
    lines = data.splitlines(keepends=True)
    begin = end = None
    fence: bytes | None = None
    comment = False
    for i, line in enumerate(lines):
        body = line.rstrip(b"\r\n")
        if i == 0 and body.startswith(_BOM):
            body = body[len(_BOM):]
        stripped = body.strip()
        n = i + 1
        if begin is not None and end is None:  # inside the block: only markers matter
            if _END.match(stripped):
                end = i
            elif _BEGIN.match(stripped):
                raise TetherError(f"{name}:{n}: a second '{BEGIN_MARKER}' before the '{END_MARKER}' of line "
                                  f"{begin + 1}; fix the markers by hand (the file is left untouched)")
            continue
        if fence is not None:
            if stripped.startswith(fence) and not stripped.lstrip(fence[:1]).strip():
                fence = None
            continue
        if not comment:
            if _BEGIN.match(stripped):
                if end is not None:
                    raise TetherError(f"{name}:{n}: a second tether block (the first is at lines {begin + 1}-"
                                      f"{end + 1}); remove one (the file is left untouched)")
                begin = i
                continue
            if _END.match(stripped):
                raise TetherError(f"{name}:{n}: '{END_MARKER}' without a '{BEGIN_MARKER}' before it; "
                                  "fix the markers by hand (the file is left untouched)")
            m = _FENCE.match(body)
            if m:
                fence = m.group(1)
                continue
        if comment or b"<!--" in body:
            comment = _comment(body, comment)
    if begin is not None and end is None:
        raise TetherError(f"{name}:{begin + 1}: '{BEGIN_MARKER}' has no matching '{END_MARKER}'; "
                          "fix the markers by hand (the file is left untouched)")
    return None if begin is None else (begin, end)


def splice(data: bytes, content: str, name: str = DEFAULT_PATH) -> bytes:
    """`data` with the managed block holding `content` (the block replaced, or appended)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TetherError(f"{name}: UTF-16 text is not supported; save it as UTF-8 (the file is left untouched)")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise TetherError(f"{name}: not UTF-8 (invalid byte at offset {e.start}); the file is left untouched") from None
    for line in content.splitlines():
        if _ANY_MARKER.match(line):
            raise TetherError(f"the text to write holds a tether marker line ({line.strip()}); nothing written")
    lines = data.splitlines(keepends=True)
    nl = _newline(lines)
    text = content.replace("\r\n", "\n").replace("\r", "\n")
    if text and not text.endswith("\n"):
        text += "\n"
    body = text.replace("\n", nl.decode()).encode("utf-8")
    found = find_block(data, name)
    if found is not None:
        begin, end = found
        return b"".join(lines[: begin + 1]) + body + b"".join(lines[end:])
    block = BEGIN_MARKER.encode() + nl + body + END_MARKER.encode() + nl
    if not data:
        return block
    sep = nl if data.endswith((b"\n", b"\r")) else nl + nl
    return data + sep + block


def unified_diff(old: bytes, new: bytes, rel: str) -> str:
    out = []
    for line in difflib.unified_diff(old.decode("utf-8", "replace").splitlines(keepends=True),
                                     new.decode("utf-8", "replace").splitlines(keepends=True),
                                     f"a/{rel}", f"b/{rel}"):
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def write_block(root: Path, path: str | Path, content: str, dry_run: bool = False) -> BlockWrite:
    """Put `content` in the managed block of `path` (relative to `root`, or absolute inside it)."""
    real, rel = target(root, path)
    created = not real.exists()
    try:
        old = b"" if created else real.read_bytes()
    except OSError as e:
        raise TetherError(f"{rel}: cannot read: {e.strerror}") from None
    new = splice(old, content, rel)
    appended = not created and find_block(old, rel) is None
    result = BlockWrite(real, rel, new != old, created, appended, unified_diff(old, new, rel) if new != old else "",
                        dry_run)
    if dry_run or not result.changed:
        return result
    atomic_write(real, new, None if created else real.stat().st_mode & 0o7777)
    return result


def atomic_write(path: Path, data: bytes, mode: int | None) -> None:
    """Write `data` to a temporary file beside `path`, then rename it over `path` (mode None: a
    new file's default permissions)."""
    if mode is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tether.tmp", dir=path.parent)
    except OSError as e:
        raise TetherError(f"{path}: cannot write: {e.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise TetherError(f"{path}: cannot write: {e.strerror}") from None
        raise
