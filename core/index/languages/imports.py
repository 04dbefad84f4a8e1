"""Import resolution: each language maps an import source to candidate repository paths.

The indexer keeps the first candidate that is a real file of the repository; an import
with none stays an edge to the module name.
"""

from __future__ import annotations

import posixpath


def no_candidates(source: str, importer: str) -> list[str]:
    return []


def python(source: str, importer: str) -> list[str]:
    """`a.b` -> a/b.py, a/b/__init__.py (also under src/); `.x` / `..x` relative to the importer."""
    dots = len(source) - len(source.lstrip("."))
    rest = source[dots:].replace(".", "/")
    if dots:
        base = posixpath.dirname(importer)
        for _ in range(dots - 1):
            base = posixpath.dirname(base)
        stem = posixpath.join(base, rest) if rest else base
        roots = [stem]
    else:
        roots = [rest, f"src/{rest}", posixpath.join(posixpath.dirname(importer), rest)]
    out = []
    for r in roots:
        r = posixpath.normpath(r) if r else r
        out += [f"{r}.py", f"{r}.pyi", f"{r}/__init__.py"]
    return out


def relative_path(source: str, importer: str, extensions: tuple[str, ...]) -> list[str]:
    """JS/TS/C-style: a source starting with . or / (or a bare header) resolved beside the importer."""
    base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), source))
    out = [base] + [base + ext for ext in extensions]
    out += [f"{base}/index{ext}" for ext in extensions]
    return out


_JAVA_ROOTS = ("", "src/main/java", "src/test/java", "src", "app/src/main/java")


def java(source: str, importer: str) -> list[str]:
    """`com.x.Y` -> com/x/Y.java under the importer's own source root (the directories above its
    package) or a usual one; then without trailing names (`com.x.Y.Inner`, static members)."""
    parts = [p for p in source.split(".") if p and p != "*"]
    if not parts:
        return []
    dirs = posixpath.dirname(importer).split("/")
    roots = ["/".join(dirs[:i]) for i in range(len(dirs)) if dirs[i] == parts[0]]
    roots += _JAVA_ROOTS
    out = []
    for k in range(len(parts), 0, -1):
        rel = "/".join(parts[:k]) + ".java"
        out += [posixpath.join(r, rel) for r in roots]
    return list(dict.fromkeys(out))
