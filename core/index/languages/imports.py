"""Import resolution: each language maps an import source to candidate repository paths.

The indexer keeps the first candidate that is a real file of the repository; an import
with none stays an edge to the module name.
"""

from __future__ import annotations

import posixpath


def no_candidates(source: str, importer: str) -> list[str]:
    return []


def _python_files(source: str, importer: str) -> list[str]:
    dots = len(source) - len(source.lstrip("."))
    rest = source[dots:].replace(".", "/")
    if dots:
        base = posixpath.dirname(importer)
        for _ in range(dots - 1):
            if not base:
                return []  # above the repository root
            base = posixpath.dirname(base)
        if not rest:  # the package itself
            return [posixpath.join(base, "__init__.py")]
        roots = [posixpath.join(base, rest)]
    else:
        roots = [rest, f"src/{rest}", posixpath.join(posixpath.dirname(importer), rest)]
    out = []
    for r in roots:
        r = posixpath.normpath(r)
        out += [f"{r}.py", f"{r}.pyi", f"{r}/__init__.py"]
    return out


def python(source: str, importer: str) -> list[str]:
    """`a.b` -> a/b.py, a/b.pyi, a/b/__init__.py (also under src/ and beside the importer); `.x` / `..x`
    relative to the importer's package. Then the module one level up (a.py, a/__init__.py): the indexer
    makes `from a import b` an import of `a.b`, which is a/__init__.py when `b` is no submodule but
    a name defined there."""
    out = _python_files(source, importer)
    dots = len(source) - len(source.lstrip("."))
    if "." in source[dots:]:
        out += _python_files(source.rsplit(".", 1)[0], importer)
    elif dots and source[dots:]:
        out += _python_files(source[:dots], importer)
    return list(dict.fromkeys(out))


def relative_path(source: str, importer: str, extensions: tuple[str, ...]) -> list[str]:
    """JS/TS/C-style: a source starting with . or / (or a bare header) resolved beside the importer."""
    base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), source))
    out = [base] + [base + ext for ext in extensions]
    out += [f"{base}/index{ext}" for ext in extensions]
    return out


_JS_EXTS = (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".d.ts", ".json")
_TS_EXTS = (".ts", ".tsx", ".d.ts", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json")
# TypeScript's ES modules import the emitted name: `./x.js` is the source x.ts.
_TS_SOURCE_OF = {".js": (".ts", ".tsx"), ".jsx": (".tsx",), ".mjs": (".mts",), ".cjs": (".cts",)}


def _ecmascript(source: str, importer: str, extensions: tuple[str, ...]) -> list[str]:
    if not source.startswith("."):
        return []  # a package (node_modules) or a bundler alias
    out = relative_path(source, importer, extensions)
    stem, ext = posixpath.splitext(out[0])
    out += [stem + e for e in _TS_SOURCE_OF.get(ext, ())]
    return out


def javascript(source: str, importer: str) -> list[str]:
    """`./x` -> x.js, x.jsx, ... x.ts, x/index.js ...; package names resolve to nothing."""
    return _ecmascript(source, importer, _JS_EXTS)


def typescript(source: str, importer: str) -> list[str]:
    """Like `javascript`, TypeScript files first; `./x.js` also names x.ts / x.tsx."""
    return _ecmascript(source, importer, _TS_EXTS)


_JAVA_ROOTS = ("", "src/main/java", "src/test/java", "src", "app/src/main/java")


def java(source: str, importer: str) -> list[str]:
    """`com.x.Y` -> com/x/Y.java under the importer's own source root (the directories above its
    package) or a usual one; then without trailing names (a nested class `com.x.Y.Inner`)."""
    parts = [p for p in source.split(".") if p and p != "*"]
    if not parts:
        return []
    dirs = posixpath.dirname(importer).split("/")
    roots = ["/".join(dirs[:i]) for i in range(len(dirs)) if dirs[i] == parts[0]]
    roots += _JAVA_ROOTS
    out = []
    for k in range(len(parts), min(2, len(parts)) - 1, -1):
        rel = "/".join(parts[:k]) + ".java"
        out += [posixpath.join(r, rel) for r in roots]
    return list(dict.fromkeys(out))


def ruby(source: str, importer: str) -> list[str]:
    """require_relative / require: beside the importer, then under lib/ and the repository root."""
    rel = source if source.endswith(".rb") else source + ".rb"
    here = posixpath.normpath(posixpath.join(posixpath.dirname(importer), rel))
    if source.startswith("."):
        return [here]
    return list(dict.fromkeys([here, f"lib/{rel}", rel]))


def _dirs_up(importer: str) -> list[str]:
    """The importer's directory and every one above it, nearest first ("" is the root)."""
    d = posixpath.dirname(importer)
    out = [d]
    while d:
        d = posixpath.dirname(d)
        out.append(d)
    return out


def go(source: str, importer: str) -> list[str]:
    """`host/mod/internal/db` names a package directory, not a file: the candidates are the
    file named after the package (internal/db/db.go) for every possible module prefix, under
    the importer's directory and those above it (a go.mod may sit below the root). Standard
    library paths (no dot in the first element) have none."""
    parts = [p for p in source.split("/") if p]
    if len(parts) < 2 or "." not in parts[0]:
        return []
    out = []
    for k in range(1, len(parts)):
        rel = "/".join(parts[k:] + [parts[-1] + ".go"])
        out += [posixpath.join(d, rel) for d in _dirs_up(importer)]
    return list(dict.fromkeys(out))


def _rust_module_files(d: str, crate_root: str) -> list[str]:
    if d == crate_root:
        return [posixpath.join(d, "lib.rs"), posixpath.join(d, "main.rs")]
    return [f"{d}.rs", f"{d}/mod.rs"]


def rust(source: str, importer: str) -> list[str]:
    """`crate::a::b` -> src/a/b.rs, src/a/b/mod.rs, then src/a.rs, src/a/mod.rs (the crate root is
    the importer's nearest `src` directory); `self::` / `super::` and bare paths (`mod x;`, 2018
    uniform paths) from the importer's own module directory; `crate` alone -> lib.rs / main.rs."""
    parts = [p for p in source.split("::") if p and p != "*"]
    dirs = posixpath.dirname(importer).split("/") if "/" in importer else []
    root = "/".join(dirs[: len(dirs) - dirs[::-1].index("src")]) if "src" in dirs else "src"
    stem = posixpath.splitext(posixpath.basename(importer))[0]
    here = posixpath.dirname(importer)
    module_dir = here if stem in ("lib", "main", "mod") else posixpath.join(here, stem)
    if parts and parts[0] == "crate":
        base, parts = root, parts[1:]
    elif parts and parts[0] in ("self", "super"):
        base = module_dir
        while parts and parts[0] in ("self", "super"):
            if parts.pop(0) == "super":
                if base == root:
                    return []  # above the crate root
                base = posixpath.dirname(base)
        if not parts:
            return [] if base == module_dir else _rust_module_files(base, root)
    else:
        base = module_dir
    if not parts:
        return _rust_module_files(root, root)
    out = []
    for k in range(len(parts), 0, -1):
        out += _rust_module_files(posixpath.join(base, *parts[:k]), root)
    return out


def c_include(source: str, importer: str) -> list[str]:
    """`#include "a/b.h"`: beside the including file, then in each directory above it and its include/."""
    out = []
    for d in _dirs_up(importer):
        out += [posixpath.join(d, source), posixpath.join(d, "include", source)]
    out = [posixpath.normpath(p) for p in out]
    return list(dict.fromkeys(p for p in out if not p.startswith("../")))


def php(source: str, importer: str) -> list[str]:
    r"""A require/include path beside the importer (or from the root); a `use`d name
    `App\Models\User` -> App/Models/User.php, or PSR-4 style with its vendor prefix
    mapped to src/, app/ or lib/ (src/Models/User.php, app/Models/User.php ...)."""
    if "/" in source or source.endswith((".php", ".inc")):
        rel = source.lstrip("/")
        out = [posixpath.normpath(posixpath.join(posixpath.dirname(importer), rel)), posixpath.normpath(rel)]
        return list(dict.fromkeys(p for p in out if not p.startswith("../")))
    parts = [p for p in source.split("\\") if p]
    if not parts:
        return []
    out = ["/".join(parts) + ".php"]
    for root in ("src", "app", "lib"):
        out += [f"{root}/" + "/".join(parts[k:]) + ".php" for k in range(min(3, len(parts)))]
    return list(dict.fromkeys(out))
