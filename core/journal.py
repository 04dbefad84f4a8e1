"""The journal: agent-side notes that could not get the database in time.

DuckDB admits one writing process at a time, and while a long write runs (a full re-index of
a large repository) nobody else can even open the file. A note the agent saves meanwhile must
not be lost, so it is appended to `.tether/journal.jsonl` instead — one JSON object per line,
written in one `write()` under an advisory lock and flushed to disk before the caller is told
"queued" — and the next process that opens the database for writing applies it (see
`Store.write` and `NoteOps.apply_journal`).

Each queued note carries the id it will have, chosen when it was queued, so applying is
idempotent: a process killed after committing but before trimming the journal leaves entries
whose ids the database already knows, and they are skipped the next time. Lines are removed
only after the transaction that applied them committed; a torn last line (a writer killed in
mid-append, never acknowledged) is skipped and dropped.
"""

from __future__ import annotations

import json
import os
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

JOURNAL = "journal.jsonl"
REJECTED = "journal.rejected.jsonl"
_LOCK = "journal.lock"
VERSION = 1
# what a queued note must carry; anything else in a line is ignored
DRAFT_KEYS = ("id", "text", "symbols", "files", "type", "tags", "source", "session", "private", "origin",
              "created_at", "commit", "secret")


def path(folder: Path) -> Path:
    return Path(folder) / JOURNAL


def pending(folder: Path) -> bool:
    """Is anything waiting? One stat: cheap enough to ask before every write."""
    try:
        return os.stat(path(folder)).st_size > 0
    except OSError:
        return False


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive advisory lock on .tether/journal.lock (POSIX; elsewhere appends are still
    single write() calls on an O_APPEND file)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(Path(folder) / _LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def append(folder: Path, drafts: list[dict]) -> str:
    """Queue notes (dicts with DRAFT_KEYS); returns the entry id once the line is on disk."""
    folder = Path(folder)
    entry = {"v": VERSION, "entry": secrets.token_hex(8), "pid": os.getpid(),
             "drafts": [{k: d.get(k) for k in DRAFT_KEYS} for d in drafts]}
    line = (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    created = not path(folder).exists()
    with _locked(folder):
        fd = os.open(path(folder), os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size and (os.lseek(fd, size - 1, os.SEEK_SET), os.read(fd, 1))[1] != b"\n":
                line = b"\n" + line  # a torn line before us stays alone on its line
            _write_all(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
    if created:
        _fsync_dir(folder)
    return entry["entry"]


def read(folder: Path) -> list[dict]:
    """The entries waiting, oldest first; lines that are not a whole entry are left out."""
    try:
        data = path(folder).read_bytes()
    except OSError:
        return []
    return [e for e in (_parse(line) for line in data.split(b"\n")) if e is not None]


def queued_notes(folder: Path) -> list[dict]:
    """Every note waiting in the journal (the draft dicts)."""
    return [d for e in read(folder) for d in e["drafts"]]


def remove(folder: Path, entry_ids: set[str], rejected: list[dict] = ()) -> None:
    """Drop applied entries (and torn lines); `rejected` entries go to journal.rejected.jsonl.
    Called only after the transaction that applied them committed."""
    if not entry_ids and not rejected:
        return
    folder = Path(folder)
    with _locked(folder):
        try:
            data = path(folder).read_bytes()
        except OSError:
            return
        keep = []
        for line in data.split(b"\n"):
            e = _parse(line)
            if e is not None and e["entry"] not in entry_ids:
                keep.append(line + b"\n")
        if rejected:
            fd = os.open(folder / REJECTED, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                _write_all(fd, b"".join(json.dumps(e, ensure_ascii=False).encode() + b"\n" for e in rejected))
                os.fsync(fd)
            finally:
                os.close(fd)
        if not keep:
            path(folder).unlink(missing_ok=True)
            return
        tmp = folder / f".{JOURNAL}.{secrets.token_hex(4)}.tmp"
        with open(tmp, "wb") as f:
            f.write(b"".join(keep))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path(folder))
    _fsync_dir(folder)


def _parse(line: bytes) -> dict | None:
    line = line.strip()
    if not line:
        return None
    try:
        e = json.loads(line)
    except ValueError:
        return None
    if not isinstance(e, dict) or not isinstance(e.get("entry"), str) or not isinstance(e.get("drafts"), list):
        return None
    return e


def valid_draft(d) -> bool:
    """Does a queued note have what applying needs (a line written by another version, or by hand)?"""
    return (isinstance(d, dict) and isinstance(d.get("id"), str) and isinstance(d.get("text"), str)
            and isinstance(d.get("type"), str) and isinstance(d.get("created_at"), str)
            and all(isinstance(d.get(k) or [], list) for k in ("symbols", "files", "tags")))


def _write_all(fd: int, data: bytes) -> None:
    while data:
        n = os.write(fd, data)
        data = data[n:]


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
