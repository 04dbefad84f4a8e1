"""The one exception type surfaces turn into a one-line message and an exit code."""


class TetherError(Exception):
    """A user-facing failure: `str(err)` is the one line shown; `exit_code` is what the CLI returns."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


class NotFound(TetherError):
    """An unknown or ambiguous name; exit code 2 like any bad argument."""

    def __init__(self, message: str, candidates: list[str] | None = None, ambiguous: bool = False):
        super().__init__(message, exit_code=2)
        self.candidates = candidates or []
        self.ambiguous = ambiguous


class StoreBusy(TetherError):
    """Another process holds the database for writing and it did not come free in time."""
