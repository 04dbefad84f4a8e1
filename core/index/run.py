"""One index run: find what changed since the last run, parse only that (on all cores when
there is much of it), and write everything in one transaction, so an interrupted run
leaves the previous index intact.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from tether.core.config import Config
from tether.core.index.discover import Candidate, Scan, discover
from tether.core.index.extract import extract
from tether.core.index.fill import fill
from tether.core.index.fingerprint import fingerprint
from tether.core.index.languages import language_for, resolve_import
from tether.core.model import FileResult, IndexReport, Skipped
from tether.core.store import FileState, Staging, StagingWriter, Store

# Below both, a process pool costs more than it saves: a few small files are parsed at once,
# a few large ones (a kernel source file is 100-300 KB) on every core.
PARALLEL_MIN = 64  # files
PARALLEL_MIN_BYTES = 256 * 1024
_MINIFIED_LINE = 1000  # mean bytes per line above which a big source file is minified

Progress = Callable[[int, int], None]


def git_blob_id(data: bytes) -> str:
    """The id git gives `data` as a blob: sha1 of "blob <size>\\0" and the bytes."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass(frozen=True, slots=True)
class Job:
    """What every file of one run is processed with."""

    root: str
    full: bool  # parse even what has not changed
    changed_fingerprints: bool  # fingerprint content new since the last index (else none: core/index/fill.py)
    paths: frozenset[str]  # the repository's files now, that imports resolve to


def process_file(job: Job, cand: Candidate, prev_blob: str | None, out: StagingWriter):
    """Read, classify, hash and extract one file, its imports resolved, staging its rows with
    `out`. Runs in workers. Fingerprints are computed where the content is not `prev_blob`
    (code may have moved there) when the job asks for them.

    Returns ("same", path, state) when the content is unchanged, else
    ("file", path, parsed, has syntax errors).
    """
    path = cand.path
    state = FileState(cand.size, cand.mtime_ns, None)
    result, reason = None, None
    try:
        with open(os.path.join(job.root, path), "rb") as f:
            data = f.read()
    except OSError as e:
        reason = f"unreadable: {e.strerror or e}"
    else:
        state.blob_id = git_blob_id(data)
        if not job.full and state.blob_id == prev_blob:
            return "same", path, state
        result, reason = parse_file(path, data, job.changed_fingerprints and state.blob_id != prev_blob)
    targets = {} if result is None else \
        {s: resolve_import(s, path, job.paths) for s in {r.target for r in result.refs if r.kind == "imports"}
         | {b.source for b in result.bindings}}
    out.add(result, path, state, reason, targets)
    return "file", path, result is not None, bool(result and result.syntax_errors)


def parse_file(path: str, data: bytes, fingerprints: bool = True) -> tuple[FileResult | None, str | None]:
    """(extraction, None) or (None, why the file is skipped)."""
    if b"\0" in data[:8192]:
        return None, "binary"
    spec = language_for(path, data)  # by content for a `.h`: C or C++
    if spec is None:  # no grammar: its words, so that only whitespace changes leave it fresh
        return FileResult(path, None, code_hash=fingerprint("", b" ".join(data.split()))), None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, f"invalid UTF-8 at byte {e.start}"
    if len(data) > 20_000 and len(data) > _MINIFIED_LINE * (data.count(b"\n") + 1):
        return None, "minified"
    try:
        return extract(path, data, spec, fingerprints), None
    except Exception as e:  # a grammar failure must not stop the run
        return None, f"parse failed: {type(e).__name__}: {e}"


_worker_out: StagingWriter | None = None
_worker_job: Job | None = None
_PR_SET_PDEATHSIG = 1


def _start_worker(folder: Path, parent: int, job: Job) -> None:
    global _worker_out, _worker_job
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _exit_with_parent(parent)
    _worker_out, _worker_job = StagingWriter(folder), job


def _exit_with_parent(parent: int) -> None:
    """End this worker as soon as the process that started it is gone, whatever killed it (a hook
    killed at its timeout, kill -9): an orphan would otherwise wait on its task queue forever.
    Linux delivers SIGKILL on the parent's death; elsewhere a thread watches the parent's pid."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux
        armed = False
    if armed:
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)
        return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="tether-parent-watch").start()


def _process_batch(batch):
    done = [process_file(_worker_job, c, prev, _worker_out) for c, prev in batch]
    _worker_out.flush()
    return done


def run_index(root: Path, store: Store, config: Config, full: bool = False,
              progress: Progress | None = None) -> IndexReport:
    started = time.perf_counter()
    with store.read() as con:
        known = store.file_states(con)
        last = store.last_run(con)
        reasons = dict(store.skipped_files(con)) if known and not full else {}
        scan = store.discovery_scan(con) if known and not full else None
        # Fingerprints where code may have moved (content new since the last index); a first
        # index computes none unless notes are linked already (they may have moved anywhere).
        changed_fingerprints = bool(known) or store.has_links(con)
    found = discover(root, config, known, reasons, Scan(**scan) if scan else None)

    report = IndexReport(commit=found.commit, full=full)
    present = {c.path for c in found.files} | {s.path for s in found.skipped}
    removed = sorted(set(known) - present)
    todo: list[tuple[Candidate, str | None]] = []
    for c in found.files:
        k = known.get(c.path)
        if full or k is None or k.size != c.size or k.mtime_ns != c.mtime_ns or (k.blob_id is None):
            todo.append((c, k.blob_id if k else None))
    skipped_now = [s for s in found.skipped if s.path not in known or known[s.path].blob_id is not None]

    staging = Staging(store.path.parent)
    try:
        same: dict[str, FileState] = {}
        written: list[str] = []  # paths whose rows are replaced
        errors: list[str] = []

        def sink(result) -> None:
            if result[0] == "same":
                same[result[1]] = result[2]
                return
            _, path, parsed, has_errors = result
            written.append(path)
            report.parsed += parsed
            if has_errors:
                errors.append(path)

        out = staging.writer()
        job = Job(str(root), full, changed_fingerprints, frozenset(present))
        _parse_all(job, todo, config.workers, progress, sink, staging, out)
        for s in skipped_now:
            out.add(None, s.path, FileState(None, None, None), s.reason)
            written.append(s.path)
        out.close()
        report.removed = len(removed)
        changed = bool(written or removed)
        rescanned = found.scan is not None and (scan is None or found.scan.rules != scan["rules"]
                                                or found.scan.index != scan.get("index"))
        if changed or same or rescanned or last is None or last[1] != found.commit:
            def write(con) -> list[tuple[str, str]]:
                if found.scan is not None:
                    store.set_discovery_scan(con, found.scan.to_json())
                before = store.symbol_keys(con, written + removed) if known and not full else None
                if full and known:  # an unchanged file keeps the fingerprints it had
                    store.keep_fingerprints(con, written)
                store.drop_files(con, written + removed)
                store.load_staged(con, staging)
                if full and known:
                    store.restore_fingerprints(con)
                store.touch_files(con, same)
                if changed:
                    added = any(p not in known for p in written)
                    # the files parsed come with their imports resolved; the others' may point elsewhere now
                    rebound = _resolve_imports(con, store, present, set(written)) if (added or removed) and not full \
                        else set()
                    if before is None:
                        store.resolve_names(con, None)
                    else:  # a body edited keeps its symbols: only symbols that came or went move names
                        after = store.symbol_keys(con, written)
                        store.resolve_names(con, {name for _, name in before ^ after}, sorted(set(written) | rebound),
                                            {sid for sid, _ in before - after})
                fill(root, store, con)  # where notes are linked
                report.seconds = time.perf_counter() - started
                report.symbols, report.edges = store.add_run(
                    con, found.commit, report.seconds, len(present), report.parsed, len(removed), len(found.skipped))
                return store.skipped_files(con)

            skipped = store.write_bounded(write)
            report.files = len(present)
        else:
            with store.read() as con:
                report.files, report.symbols, report.edges = store.totals(con)
                skipped = store.skipped_files(con)
    finally:
        staging.remove()
    report.skipped = [Skipped(p, reason) for p, reason in skipped]
    report.syntax_errors = sorted(errors)
    report.seconds = time.perf_counter() - started
    return report


def _parse_all(job: Job, todo, workers: int, progress: Progress | None, sink, staging: Staging,
               out: StagingWriter) -> None:
    """Process every file, staging its rows, handing each summary to `sink` as it arrives."""
    total = len(todo)
    n = workers or os.cpu_count() or 1
    if n == 1 or total < 2 or (total < PARALLEL_MIN and sum(c.size for c, _ in todo) < PARALLEL_MIN_BYTES):
        for i, (c, prev) in enumerate(todo):
            sink(process_file(job, c, prev, out))
            if progress and i % 50 == 0:
                progress(i, total)
    else:
        # Small batches keep both cores busy to the end; fork shares the loaded grammars. Many
        # files stay in path order (rows stored by path let DuckDB skip row groups when a query
        # reads a few files); a few large ones go one by one, the largest first.
        if total < PARALLEL_MIN:
            todo = sorted(todo, key=lambda t: -t[0].size)
        size = max(1, min(64, total // (n * 8)))
        batches = [todo[i : i + size] for i in range(0, total, size)]
        done = 0
        pool = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_start_worker, initargs=(staging.dir, os.getpid(), job))
        try:
            # Workers are forked (by map) with SIGINT blocked: a Ctrl-C reaches only this process.
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                parts = pool.map(_process_batch, batches)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            for part in parts:
                for result in part:
                    sink(result)
                done += len(part)
                if progress:
                    progress(done, total)
        finally:
            # On Ctrl-C stop at once and write nothing.
            pool.shutdown(wait=True, cancel_futures=True)
    if progress:
        progress(total, total)


def _resolve_imports(con, store: Store, paths: set[str], parsed: set[str]) -> set[str]:
    """Point the imports of the files not `parsed` (whose workers resolved theirs) at the files they
    name; returns the files whose bindings now point elsewhere."""
    rows = [r for r in store.import_sources(con) if r[0] not in parsed]
    found: dict[tuple[str, str], str | None] = {}  # an import is in refs and, with its names, in bindings
    for path, source, _ in rows:
        if (path, source) not in found:
            found[path, source] = resolve_import(source, path, paths)
    return store.set_import_targets(con, [(path, source, table, found[path, source]) for path, source, table in rows])
