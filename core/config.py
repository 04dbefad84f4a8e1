"""`.tether/config.toml`: every key optional, unknown keys refused so typos don't pass silently."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from functools import cached_property
from pathlib import Path

from tether.core.errors import TetherError

DEFAULT_EXCLUDE = (
    ".git/", ".tether/", "node_modules/", "vendor/", "third_party/", "bower_components/",
    ".venv/", "venv/", "__pycache__/", "dist/", "build/", "target/", ".tox/", ".mypy_cache/",
    "*.min.js", "*.min.css", "*.bundle.js", "*.map", "*_pb2.py", "*_pb2_grpc.py", "*.pb.go",
    "*.generated.*", "*.g.dart", "package-lock.json", "yarn.lock", "pnpm-lock.yaml",
    "Cargo.lock", "poetry.lock", "go.sum",
)
# Files whose text never reaches an index, a capsule, a symbol view or an MCP answer.
DEFAULT_SECRETS = (".env*", "*.pem", "*.key", "id_rsa*", "id_ed25519*", "*.p12", "*.pfx")


@dataclass(frozen=True)
class Config:
    # [index]
    max_file_size: int = 1_000_000
    exclude: tuple[str, ...] = ()  # added to DEFAULT_EXCLUDE (gitignore-style globs)
    include: tuple[str, ...] = ()  # re-admit paths the defaults exclude
    workers: int = 0  # 0: one per core
    # [notes]
    auto_relink: bool = True
    auto_export: bool = True
    # [capsule]
    budget: int = 2000
    # [secrets]
    secret_patterns: tuple[str, ...] = DEFAULT_SECRETS
    # [store]
    lock_timeout: float = 10.0
    queue_after: float = 3.0  # seconds an agent-side note waits before it goes to the journal
    # [hooks]
    hook_user_prompt: bool = False  # the UserPromptSubmit hook adds notes relevant to each prompt
    hook_on_touch: bool = True  # the PostToolUse hook gives the notes on code the agent reads or edits
    hook_on_touch_chars: int = 2000  # characters of notes it gives at most per tool call
    # seconds the SessionStart hook spends bringing the index up to date, below the 30 s Claude Code
    # gives it; past that it answers from the index it has
    hook_index_seconds: float = 20.0

    @property
    def exclude_patterns(self) -> tuple[str, ...]:
        # secret files are never indexed (and Project filters them again wherever text is shown)
        return DEFAULT_EXCLUDE + self.secret_patterns + self.exclude

    @cached_property
    def _secret_spec(self):
        import pathspec

        return pathspec.GitIgnoreSpec.from_lines(self.secret_patterns)

    def is_secret(self, path: str) -> bool:
        """Does a repository-relative path match a secret pattern (gitignore-style, any depth)?"""
        return bool(path) and self._secret_spec.match_file(path)


_SECTIONS = {
    "index": {"max_file_size": "max_file_size", "exclude": "exclude", "include": "include", "workers": "workers"},
    "notes": {"auto_relink": "auto_relink", "auto_export": "auto_export"},
    "capsule": {"budget": "budget"},
    "secrets": {"patterns": "secret_patterns"},
    "store": {"lock_timeout": "lock_timeout", "queue_after": "queue_after"},
    "hooks": {"user_prompt": "hook_user_prompt", "on_touch": "hook_on_touch", "on_touch_chars": "hook_on_touch_chars",
              "index_seconds": "hook_index_seconds"},
}
_TYPES = {f.name: f.type for f in fields(Config)}


def load_config(path: Path) -> Config:
    if not path.is_file():
        return Config()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise TetherError(f"{path}: invalid TOML: {e}") from None
    values = {}
    for section, body in data.items():
        keys = _SECTIONS.get(section)
        if keys is None or not isinstance(body, dict):
            raise TetherError(f"{path}: unknown section [{section}] (known: {', '.join(_SECTIONS)})")
        for key, value in body.items():
            if key not in keys:
                raise TetherError(f"{path}: unknown key {section}.{key} (known: {', '.join(keys)})")
            name = keys[key]
            values[name] = _check(path, f"{section}.{key}", _TYPES[name], value)
    return Config(**values)


def _check(path: Path, key: str, typ: str, value):
    if typ.startswith("tuple"):
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise TetherError(f"{path}: {key} must be a list of strings")
    expected = {"int": int, "bool": bool, "float": (int, float)}[typ]
    if isinstance(value, expected) and (typ == "bool" or not isinstance(value, bool)):
        if typ != "bool" and value < 0:
            raise TetherError(f"{path}: {key} must not be negative")
        return value
    raise TetherError(f"{path}: {key} must be {typ}")
