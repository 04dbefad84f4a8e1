"""How the UI reaches the core: every database and index call runs in a thread worker.

`Backend` owns the one `Project` of the app and a lock. DuckDB refuses a read-only and a
read-write connection to the same file inside one process, so the app's own workers take
turns; other processes (the CLI, the agent) are handled by the store's retry with backoff.

`Jobs` is mixed into screens and widgets: `run_job(job, done)` runs `job(project)` in a
thread worker, which only posts a message back; the handler, on the event loop, calls
`done(result)`. A TetherError becomes an error notification, never a traceback.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from textual.message import Message
from textual.worker import Worker, get_current_worker

from tether.core import journal
from tether.core.errors import StoreBusy, TetherError
from tether.core.project import Project

log = logging.getLogger("tether.tui")
RELOOK = 5.0  # seconds between reads of the version when the files look unchanged


class Backend:
    def __init__(self, root: str | Path):
        self.project = Project(root)
        self.lock = threading.RLock()
        self._stat: tuple | None = None
        self._version: tuple | None = None
        self.clock = time.monotonic  # what the waits below are measured with
        self._looked = 0.0  # self.clock() at the last read of the version
        self._failures = 0  # jobs failed in a row
        self._retry_at = 0.0  # self.clock() before which a failed reload is not tried again

    def call(self, job: Callable[[Project], Any]) -> Any:
        with self.lock:
            return job(self.project)

    # -- live refresh ------------------------------------------------------------------

    def _stat_key(self) -> tuple:
        path = self.project.store.path
        key = []
        for p in (path, path.with_name(path.name + ".wal"), journal.path(self.project.dir)):
            try:
                st = os.stat(p)
                key.append((st.st_mtime_ns, st.st_size))
            except OSError:
                key.append(None)
        return tuple(key)

    def changed(self, force: bool = False) -> tuple | None:
        """The new data version when notes or the index changed since the last call (in any
        process), else None. Cheap when nothing changed: three stat calls, no connection. A poll
        never waits long: when our own workers or another process hold the database it answers
        None and the next poll tries again. `force` (after our own writes) looks and waits.
        Notes other processes queued while the database was busy are added here as soon as it is
        free: nobody else may write for a long time, and the UI should show them."""
        key = self._stat_key()
        # Two writes within one tick of the file system's clock can leave size and time as they
        # were: read the version anyway now and then.
        if key == self._stat and not force and self.clock() - self._looked < RELOOK:
            return None
        if not force and self.clock() < self._retry_at:
            return None
        if not self.lock.acquire(timeout=-1 if force else 0.05):
            return None
        store = self.project.store
        saved = store.lock_timeout
        try:
            if not force:
                store.lock_timeout = 0.3
            self.project.apply_queued()
            version = self.project.version()
        except StoreBusy:
            return None
        finally:
            store.lock_timeout = saved
            self.lock.release()
        self._stat, self._looked = key, self.clock()
        if version == self._version and not force:
            return None
        self._version = version
        return version


    def forget(self) -> None:
        """The screens may not show what was read last (a job failed: the database was busy, or a
        read failed under contention): a check reports a change again, the first time at once,
        then after longer and longer waits while jobs keep failing (up to a minute), so that a
        failure that persists is not retried, and shown, on every poll."""
        self._stat = self._version = None
        self._retry_at = self.clock() + (min(60.0, 0.5 * 2 ** (self._failures - 1)) if self._failures else 0.0)
        self._failures += 1

    def succeeded(self) -> None:
        self._failures = 0


class Recheck(Message):
    """Look for changed data now (after one of our own writes), not at the next poll."""


class DataChanged(Message):
    """Notes or the index changed (in this process or another): screens reload what they show."""

    def __init__(self, version: tuple):
        super().__init__()
        self.version = version


class JobDone(Message):
    def __init__(self, callback: Callable[[Any], None] | None, value: Any):
        super().__init__()
        self.callback = callback
        self.value = value


class JobFailed(Message):
    def __init__(self, error: str, callback: Callable[[str], None] | None):
        super().__init__()
        self.error = error
        self.callback = callback


@dataclass(slots=True)
class Progress:
    done: int
    total: int


class Jobs:
    """Mixed into a Screen or Widget: database work off the event loop."""

    def run_job(self, job: Callable[[Project], Any], done: Callable[[Any], None] | None = None, *,
                group: str = "job", exclusive: bool = False, failed: Callable[[str], None] | None = None,
                write: bool = False) -> Worker:
        """Run `job(project)` in a thread; `done(result)` runs on the event loop afterwards.
        `exclusive`: a newer job of the same group makes an older one's result be dropped.
        `write`: the job changes notes; every screen refreshes afterwards."""
        backend: Backend = self.app.backend  # type: ignore[attr-defined]
        app = self.app  # type: ignore[attr-defined]

        def work() -> None:
            try:
                value = backend.call(job)
            except Exception as e:
                # What the job would have shown waits for the next check, which reloads even if
                # nothing changes again (a busy database, a read that failed under contention).
                backend.forget()
                if isinstance(e, TetherError):
                    message = str(e)
                else:  # never a traceback in the UI
                    log.exception("job failed")
                    message = f"internal error: {type(e).__name__}: {e}"
                self.post_message(JobFailed(message, failed))  # type: ignore[attr-defined]
                return
            backend.succeeded()
            if not get_current_worker().is_cancelled:
                self.post_message(JobDone(done, value))  # type: ignore[attr-defined]
            if write:
                backend.call(Project.share)  # .tether/notes/ for git, as every note command does
                app.post_message(Recheck())

        return self.run_worker(work, thread=True, group=group, exclusive=exclusive,  # type: ignore
                               exit_on_error=False, name=group)

    def on_job_done(self, message: JobDone) -> None:
        message.stop()
        if message.callback is not None:
            try:
                message.callback(message.value)
            except Exception as e:  # a bug of ours: say so, keep the app running
                log.exception("handler failed")
                self.app.notify(f"internal error: {type(e).__name__}: {e}", title="tether",  # type: ignore
                                severity="error", timeout=8)

    def on_job_failed(self, message: JobFailed) -> None:
        message.stop()
        self.app.notify(message.error, title="tether", severity="error", timeout=8)  # type: ignore
        if message.callback is not None:
            message.callback(message.error)
