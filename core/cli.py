"""The `tether` command: argument parsing and output formatting over `Project`.

Every failure a user can cause ends in one line on stderr and a non-zero exit code:
1 for errors, 2 for bad arguments and unknown or ambiguous names.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from typing import Callable

from tether.core.errors import TetherError

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints usage + exits 2; keep it to one line
        raise TetherError(f"{message} (see: {self.prog} --help)", exit_code=EXIT_USAGE)


def _emit_json(data) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _symbol_json(s) -> dict:
    return dataclasses.asdict(s)


class _ProgressBar:
    """A progress line on stderr for runs that last over a second, only on a terminal."""

    def __init__(self, label: str):
        self.label = label
        self.start = time.monotonic()
        self.shown = False
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.start < 1.0 or total == 0:
            return
        width = 30
        filled = int(width * done / total)
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 70 + "\r")
            sys.stderr.flush()


# -- commands ----------------------------------------------------------------------------


def cmd_init(project, args) -> int:
    created = project.init()
    print(f"{'initialised' if created else 'already initialised'}: {project.dir}")
    return EXIT_OK


def cmd_index(project, args) -> int:
    bar = _ProgressBar("indexing")
    try:
        report = project.index(full=args.full, progress=bar)
    finally:
        bar.close()
    if args.json:
        _emit_json({
            "files": report.files, "parsed": report.parsed, "removed": report.removed,
            "symbols": report.symbols, "edges": report.edges, "seconds": round(report.seconds, 3),
            "commit": report.commit, "full": report.full,
            "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
            "syntax_errors": report.syntax_errors,
        })
        return EXIT_OK
    print(f"{report.files} files ({report.parsed} parsed, {report.removed} removed), "
          f"{report.symbols} symbols, {report.edges} edges in {report.seconds:.2f}s")
    if report.skipped:
        print(f"skipped {len(report.skipped)}:")
        for s in report.skipped[:20]:
            print(f"  {s.path}: {s.reason}")
        if len(report.skipped) > 20:
            print(f"  … {len(report.skipped) - 20} more (tether index --json lists all)")
    if report.syntax_errors:
        print(f"syntax errors (indexed what parsed) in {len(report.syntax_errors)}: "
              + ", ".join(report.syntax_errors[:10]))
    return EXIT_OK


def cmd_symbols(project, args) -> int:
    found = project.symbols(args.pattern, kind=args.kind, file=args.file, limit=args.limit)
    if args.json:
        _emit_json([_symbol_json(s) for s in found])
        return EXIT_OK
    if not found:
        print("no symbols match", file=sys.stderr)
        return EXIT_ERROR
    for s in found:
        print(f"{s.kind:<10} {s.id}  ({s.path}:{s.start_line})")
    return EXIT_OK


def cmd_show(project, args) -> int:
    view = project.show(args.symbol)
    s = view.symbol
    if args.json:
        edge = lambda e: {"src": e.src, "kind": e.kind, "dst": e.dst, "resolved": e.resolved, "line": e.line}
        _emit_json({**_symbol_json(s), "source": view.source,
                    "callers": [edge(e) for e in view.callers], "callees": [edge(e) for e in view.callees]})
        return EXIT_OK
    print(f"{s.id}  [{s.kind}, {s.language}]")
    print(f"{s.path}:{s.start_line}-{s.end_line}")
    print(f"signature: {s.signature}")
    print()
    print(view.source.rstrip("\n"))
    for title, edges, key in (("callers", view.callers, "src"), ("callees", view.callees, "dst")):
        print(f"\n{title} ({len(edges)}):")
        for e in edges:
            mark = "" if e.resolved else "  (unresolved)"
            print(f"  {e.kind:<9} {getattr(e, key)}{mark}")
    return EXIT_OK


def cmd_demo(_project, args) -> int:
    from tether.core import demo

    project = demo.prepare(args.path, reset=args.reset)
    report = project.index()
    langs = project.languages()
    print(f"demo project: {project.root}")
    print(f"  {report.files} files, {report.symbols} symbols, {report.edges} edges")
    print("  " + ", ".join(f"{lang} {n}" for lang, n in langs.items()))
    print(f"try: tether --repo {project.root} symbols Service")
    print(f"     tether --repo {project.root} show UserService.refresh")
    return EXIT_OK


# -- parser ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="tether", description="Code-linked session memory for AI coding agents.")
    p.add_argument("--repo", metavar="PATH", help="repository root (default: the one containing the current directory)")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    s = sub.add_parser("init", help="create .tether/ and its database")
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("index", help="update the symbol index (only what changed)")
    s.add_argument("--full", action="store_true", help="re-parse every file")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_index)

    s = sub.add_parser("symbols", help="list symbols matching a pattern, best first")
    s.add_argument("pattern", nargs="?")
    s.add_argument("--kind")
    s.add_argument("--file", metavar="PATH")
    s.add_argument("--limit", type=int, default=50)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_symbols)

    s = sub.add_parser("show", help="a symbol's location, signature, source, callers and callees")
    s.add_argument("symbol")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_show)

    s = sub.add_parser("demo", help="build (or reuse) the demo project and index it")
    s.add_argument("--path", metavar="DIR", help="where to build it (default: ~/.cache/tether/demo)")
    s.add_argument("--reset", action="store_true", help="rebuild it from scratch")
    s.set_defaults(func=cmd_demo, no_project=True)
    return p


def run(argv: list[str]) -> int:
    from tether.core.project import Project

    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return EXIT_OK
    project = None if getattr(args, "no_project", False) else Project.open(args.repo)
    return args.func(project, args)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        code = run(argv)
    except TetherError as e:
        print(f"tether: {e}", file=sys.stderr)
        code = e.exit_code
    except KeyboardInterrupt:
        print("tether: interrupted", file=sys.stderr)
        code = 130
    except BrokenPipeError:
        code = EXIT_OK
    except Exception as e:  # never a traceback for a user; TETHER_DEBUG=1 shows it
        if str(e) == "Query interrupted":  # DuckDB's form of a Ctrl-C during a query
            print("tether: interrupted", file=sys.stderr)
            return 130
        if os.environ.get("TETHER_DEBUG"):
            raise
        print(f"tether: internal error: {type(e).__name__}: {e} (TETHER_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        code = EXIT_ERROR
    sys.stdout.flush()
    return code


if __name__ == "__main__":
    sys.exit(main())
