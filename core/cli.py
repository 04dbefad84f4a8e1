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
    sync = report.notes_sync
    if args.json:
        _emit_json({
            "files": report.files, "parsed": report.parsed, "removed": report.removed,
            "symbols": report.symbols, "edges": report.edges, "seconds": round(report.seconds, 3),
            "commit": report.commit, "full": report.full,
            "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
            "syntax_errors": report.syntax_errors,
            "notes": {"imported": _asdict(sync.imported if sync else None),
                      "exported": _asdict(sync.exported if sync else None)},
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
    if sync and sync.imported and (sync.imported.changed or sync.imported.conflicts or sync.imported.errors):
        i = sync.imported
        print(f"notes from git: {len(i.added)} added, {len(i.updated)} updated")
        for nid, path, reason in i.conflicts:
            print(f"  conflict {nid} ({path}): {reason}")
        for path, reason in i.errors:
            print(f"  error {path}: {reason}")
    if report.syntax_errors:
        print(f"syntax errors (indexed what parsed) in {len(report.syntax_errors)}: "
              + ", ".join(report.syntax_errors[:10]))
    return EXIT_OK


def _asdict(result) -> dict | None:
    return None if result is None else dataclasses.asdict(result)


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


def _note_json(view) -> dict:
    n = view.note
    return {"id": n.id, "text": n.text, "type": n.type, "tags": n.tags, "source": n.source,
            "session": n.session, "created_at": n.created_at, "updated_at": n.updated_at,
            "commit": n.commit, "state": n.state, "private": n.private, "pinned": n.pinned, "status": view.status,
            "links": [{"target": s.target, "kind": s.kind, "status": s.status, "to": s.to,
                       "reason": s.reason, "severity": s.severity} for s in view.links]}


def _age(stamp: str) -> str:
    from datetime import datetime, timezone

    try:
        then = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return stamp
    secs = (datetime.now(timezone.utc) - then).total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if secs >= size:
            return f"{int(secs // size)}{unit} ago"
    return "just now"


def _read_text(arg: str) -> str:
    if arg != "-":
        return arg
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise TetherError(f"the text on stdin is not UTF-8 (byte {e.start})", exit_code=EXIT_USAGE) from None


_ALLOW_SECRET_HELP = "save it although the secret scan flags it (a false positive)"


def _secret_hint(fn):
    """A refusal for a secret, with the CLI's override named (the agent's surfaces do not offer it)."""
    from tether.core.secret_scan import SecretInNote

    try:
        return fn()
    except SecretInNote as e:
        raise TetherError(f"{e}; if it is not a secret, --allow-secret saves it", exit_code=e.exit_code) from None


def cmd_note_add(project, args) -> int:
    text = _read_text(args.text)
    note = _secret_hint(lambda: project.add_note(
        text, symbols=args.link, files=args.file, type=args.type, tags=args.tag, source=args.source,
        session=args.session, private=args.private, pinned=args.pin, queue_if_busy=True,
        allow_secret=args.allow_secret))
    queued = note.state == "queued"
    if not queued:
        project.share()
    else:  # another process held the database: the note waits in the journal
        print(f"tether: the database is busy (another tether process is writing); note {note.id} is queued in "
              ".tether/journal.jsonl and will be added, its links resolved, at tether's next write", file=sys.stderr)
    offer = project.suggest_links(note.text) if not (note.links or args.link or args.file or queued) else None
    if args.json:
        _emit_json({"id": note.id, "links": [{"target": l.target, "kind": l.kind} for l in note.links]}
                   | ({"queued": True} if queued else {})
                   | ({"suggested_links": {"symbols": offer.symbols, "files": offer.files}} if offer else {}))
    else:
        print(note.id)
    if offer and offer.any:
        commands = [f"tether note link {note.id} {s}" for s in offer.symbols]
        commands += [f"tether note link {note.id} --file {f}" for f in offer.files]
        print("tether: this project-wide note names code; to link it:\n  " + "\n  ".join(commands), file=sys.stderr)
    return EXIT_OK


def cmd_note_list(project, args) -> int:
    if args.secrets:
        found = project.secret_notes()
        if args.json:
            _emit_json([{"id": n.id, "type": n.type, "state": n.state, "secret": n.secret,
                         "links": [l.target for l in n.links]} for n in found])
            return EXIT_OK
        if not found:
            print("no note holds what looks like a secret", file=sys.stderr)
        for n in found:  # the finding, never the text: it holds the secret
            print(f"{n.id}  {n.type:<10} {n.state:<8} {n.secret}  (tether note edit {n.id})")
        return EXIT_OK
    states = ("active", "archived") if args.all else ("active",)
    views = project.find_notes(symbol=args.symbol, file=args.file, status=args.status, type=args.type,
                               tag=args.tag, search=args.search, states=states)
    if args.json:
        _emit_json([_note_json(v) for v in views])
        return EXIT_OK
    if not views:
        print("no notes match", file=sys.stderr)
        return EXIT_OK
    for v in views:
        n = v.note
        where = (", ".join(l.target for l in n.links) or "(project-wide)") + (" [pinned]" if n.pinned else "")
        state = "" if n.state == "active" else f" [{n.state}]"
        print(f"{n.id}  {n.type:<10} {v.status:<8} {_age(n.updated_at):>8}  {n.title[:60]}{state}")
        print(f"{'':12}{where}")
    return EXIT_OK


def cmd_note_show(project, args) -> int:
    detail = project.note_detail(args.id)
    v = detail.view
    if args.json:
        data = _note_json(v)
        for link, extra in zip(data["links"], detail.links):
            link.update(extra)
        _emit_json(data)
        return EXIT_OK
    n = v.note
    print(f"{n.id}  {n.type}  {v.status}  ({n.state}{', private' if n.private else ''}{', pinned' if n.pinned else ''})")
    print(f"by {n.source}{' / ' + n.session if n.session else ''}, created {n.created_at}, updated {n.updated_at}"
          + (f", tags: {', '.join(n.tags)}" if n.tags else ""))
    print()
    print(n.text)
    for st, extra in zip(v.links, detail.links):
        arrow = f" -> {st.to}" if st.to and st.to != st.target else ""
        print(f"\n[{st.status}] {st.target}{arrow}" + (f": {st.reason}" if st.reason else ""))
        for c in extra.get("commits", []):
            print(f"  {c['id'][:10]} {c['summary']}")
        if extra.get("diff"):
            print(extra["diff"].rstrip("\n"))
    return EXIT_OK


def cmd_note_edit(project, args) -> int:
    text = _read_text(args.text) if args.text is not None else None
    if text is None and args.type is None and args.tag is None and args.private is None and args.pin is None:
        text = _edit_in_editor(project.note(args.id).text)
    note = _secret_hint(lambda: project.edit_note(args.id, text=text, type=args.type, tags=args.tag,
                                                  private=args.private, pinned=args.pin,
                                                  allow_secret=args.allow_secret))
    project.share()
    print(note.id)
    return EXIT_OK


def _edit_in_editor(text: str) -> str:
    import shlex
    import subprocess
    import tempfile

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise TetherError("no $EDITOR set; give --text instead", exit_code=2)
    with tempfile.NamedTemporaryFile("w+", suffix=".md", delete=False, encoding="utf-8") as f:
        f.write(text)
        path = f.name
    try:
        try:
            code = subprocess.call([*shlex.split(editor), path])
        except (OSError, ValueError) as e:
            raise TetherError(f"cannot run the editor '{editor}' ({e}); give --text instead", exit_code=2) from None
        if code != 0:
            raise TetherError("the editor exited with an error; nothing changed")
        with open(path, encoding="utf-8") as f:
            return f.read()
    finally:
        os.unlink(path)


def _changed(project, notes) -> int:
    """After a note operation: share it (.tether/notes/), print the ids of the notes."""
    project.share()
    for n in notes:
        print(n.id)
    return EXIT_OK


def cmd_note_link(project, args) -> int:
    symbols = [] if args.file else [args.symbol]
    files = [args.symbol] if args.file else []
    return _changed(project, [project.link_note(args.id, symbols, files)])


def cmd_note_unlink(project, args) -> int:
    return _changed(project, [project.unlink_note(args.id, args.symbol)])


def cmd_note_confirm(project, args) -> int:
    ids = list(args.ids)
    if args.file:
        ids += project.stale_note_ids(args.file)
        if not ids:
            print(f"no stale notes in {args.file}", file=sys.stderr)
            return EXIT_OK
    return _changed(project, project.confirm_notes(ids))


def cmd_note_relink(project, args) -> int:
    return _changed(project, [project.relink_note(args.id, old=args.link, new=args.symbol)])


def cmd_note_state(project, args) -> int:
    if args.state == "deleted" and args.purge:
        return _changed(project, project.purge_notes(args.ids))
    return _changed(project, project.set_state(args.ids, args.state))


def cmd_undo(project, args) -> int:
    reverted = project.undo()
    project.share()
    for op, note_id in reverted:
        print(f"undid {op} of {note_id}")
    return EXIT_OK


def cmd_history(project, args) -> int:
    rows = project.history(args.id, limit=args.limit)
    if args.json:
        _emit_json(rows)
        return EXIT_OK
    for r in rows:
        extra = f" (reverts batch {r['undoes']})" if r["undoes"] else ""
        print(f"{r['seq']:>5} {r['at']} {r['actor']:<7} {r['op']:<12} {r['note']}{extra}")
    return EXIT_OK


def cmd_stale(project, args) -> int:
    found = project.stale()
    if args.json:
        _emit_json([{"note": s.note_id, "symbol": s.target, "kind": s.kind, "status": s.status, "to": s.to,
                     "reason": s.reason, "severity": s.severity} for s in found])
        return EXIT_OK
    if not found:
        print("every note is fresh")
        return EXIT_OK
    for s in found:
        arrow = f" -> {s.to}" if s.to and s.to != s.target else ""
        print(f"{s.status:<9} {s.note_id}  {s.target}{arrow}: {s.reason}")
    counts = {}
    for s in found:
        counts[s.status] = counts.get(s.status, 0) + 1
    print(", ".join(f"{n} {k}" for k, n in counts.items()) + " (suspect is low severity)" * ("suspect" in counts))
    return EXIT_OK


def cmd_import_claude_md(project, args) -> int:
    from tether.core.claude_md_import import ALREADY_IMPORTED, apply_import, plan_import, planned_moves

    # PATHs are typed relative to the current directory; the plan takes them relative to the root
    plan = plan_import(project, [os.path.relpath(os.path.abspath(p), project.root) for p in args.paths])
    notes = [] if args.dry_run else apply_import(project, plan, move=args.move)
    moved = (planned_moves(project, plan) if args.dry_run else plan.moved) if args.move else []
    if notes or moved:
        project.share()
    ids = {n.origin: n.id for n in notes}
    new, skipped = plan.new, plan.skipped
    linked = sum(1 for p in new if p.linked)
    already = sum(1 for p in skipped if p.skip == ALREADY_IMPORTED)
    if args.json:
        _emit_json({
            "dry_run": args.dry_run, "sources": plan.sources,
            "notes": [{"id": ids.get(p.origin), "source": p.source, "line": p.line, "text": p.text, "type": p.type,
                       "tags": p.tags, "origin": p.origin, "symbols": p.symbols, "files": p.files,
                       "unresolved": [{"mention": m, "reason": why} for m, why in p.unresolved]} for p in new],
            "skipped": [{"source": p.source, "line": p.line, "text": None if p.secret else p.text, "origin": p.origin,
                         "reason": p.skip} for p in skipped],
            "counts": {"notes": len(new), "linked": linked, "project_wide": len(new) - linked,
                       "already_imported": already, "skipped": len(skipped), "moved": len(moved)},
            "moved": [{"source": p.source, "line": p.line, "end": p.end, "origin": p.origin} for p in moved],
        })
        return EXIT_OK
    plural = lambda n, word: f"{n} {word}{'' if n == 1 else 's'}"
    summary = (f"{'would import' if args.dry_run else 'imported'} {plural(len(new), 'note')} "
               f"({linked} linked, {len(new) - linked} project-wide)")
    if already:
        summary += f", skipped {already} already imported"
    if len(skipped) > already:
        summary += f", {len(skipped) - already} not imported (below)"
    print(summary + f" from {', '.join(plan.sources)}")
    where = {p.origin: ids.get(p.origin) or f"{p.source}:{p.line}" for p in new}
    width = max(map(len, where.values()), default=0)
    for p in new:
        title = p.text.splitlines()[0]
        title = title if len(title) <= 72 else title[:71] + "…"
        print(f"  {where[p.origin]:<{width}}  {p.type:<10} {title}")
        for target in p.symbols + p.files:
            print(f"      -> {target}")
        if args.dry_run:
            for m, why in p.unresolved:
                print(f"      not linked: {m} ({why})")
    for p in skipped:
        if p.skip != ALREADY_IMPORTED:
            print(f"  not imported: {p.source}:{p.line}: {p.skip}")
    if args.move:
        files = sorted({p.source for p in moved})
        print(f"{'would move' if args.dry_run else 'moved'} {len(moved)} linked entr{'y' if len(moved) == 1 else 'ies'} out of "
              f"{', '.join(files) or 'no file'}" + ("" if args.dry_run or not moved else
                                                     " (they load when their code is in focus; tether undo puts "
                                                     "them back)"))
        if args.dry_run:
            for p in moved:
                print(f"  {p.source}:{p.line}-{p.end}  {p.text.splitlines()[0][:72]}")
    return EXIT_OK


def cmd_export(project, args) -> int:
    from tether.core.sharing import export_notes

    r = export_notes(project, force=args.force)
    if args.json:
        _emit_json(dataclasses.asdict(r))
        return EXIT_ERROR if r.errors else EXIT_OK
    print(f"{len(r.written)} written, {len(r.removed)} removed, {len(r.unchanged)} unchanged")
    for _, path, reason in r.held:
        print(f"  left as is {path}: {reason}")
    if r.missing:
        print(f"  {len(r.missing)} not written back (their files were removed by git; --force writes them)")
    for path, reason in r.errors:
        print(f"tether: {path}: {reason}", file=sys.stderr)
    return EXIT_ERROR if r.errors else EXIT_OK


def cmd_import(project, args) -> int:
    from tether.core.sharing import import_notes

    r = import_notes(project, theirs=args.theirs)
    bad = EXIT_ERROR if (r.errors or r.conflicts) else EXIT_OK
    if args.json:
        _emit_json(dataclasses.asdict(r))
        return bad
    print(f"{len(r.added)} added, {len(r.updated)} updated, {len(r.unchanged)} unchanged"
          + (" (tether undo reverts it)" if r.batch else ""))
    for nid, path, reason in r.conflicts:
        print(f"conflict {nid} ({path}): {reason}")
    for path, reason in r.errors:
        print(f"error {path}: {reason}")
    if r.missing:
        print(f"{len(r.missing)} kept here whose files are gone (deleted by a teammate, or not on this branch): "
              + ", ".join(i for i, _ in r.missing[:10]))
    return bad


_ROOT_CLAUDE_MD = object()  # `--write` without a PATH: CLAUDE.md at the repository root


def cmd_capsule(project, args) -> int:
    if args.dry_run and args.write is None:
        raise TetherError("--dry-run goes with --write", exit_code=EXIT_USAGE)
    capsule = project.capsule(symbols=args.symbol, files=args.file, task=args.task, diff=args.diff,
                              budget=args.budget, max_chars=args.max_chars, include=args.include,
                              exclude=args.exclude, for_file=args.write is not None, reindex=args.reindex or None)
    data = capsule.to_json() if args.format == "json" else None
    size = f"{len(capsule.notes)} note{'s' if len(capsule.notes) != 1 else ''}, ~{capsule.tokens} tokens" + (
        f"; {len(capsule.omitted)} left out" if capsule.omitted else "")
    lines = []
    if args.write is not None:
        # PATH is typed relative to the current directory; the default is CLAUDE.md at the root
        path = None if args.write is _ROOT_CLAUDE_MD else os.path.abspath(args.write)
        w = project.write_claude_md(capsule.markdown, path, dry_run=args.dry_run)
        if data is not None:
            data["write"] = {"path": w.rel, "changed": w.changed, "created": w.created, "dry_run": w.dry_run,
                             **({"diff": w.diff} if w.dry_run else {})}
        elif not w.changed:
            lines.append(f"{w.rel}: unchanged ({size})")
        elif w.dry_run:
            lines.append(w.diff.rstrip("\n"))
        else:
            what = "created" if w.created else "block appended" if w.appended else "block updated"
            lines.append(f"{w.rel}: {what} ({size})")
    if args.copy:
        from tether.core.outputs.clipboard import copy

        text = capsule.markdown if data is None else json.dumps(data, indent=2, ensure_ascii=False)
        copied = copy(text)
        if data is not None:
            data["copy"] = {"method": copied.method, "detail": copied.detail}
        else:
            lines.append(f"copied {size} to {copied.detail}")
    for warning in capsule.warnings:
        print(f"tether: warning: {warning}", file=sys.stderr)
    if data is not None:
        _emit_json(data)
    elif lines:
        print("\n".join(lines))
    else:
        sys.stdout.write(capsule.markdown)
    return EXIT_OK


def cmd_check(project, args) -> int:
    from tether.core.check import resolve_fail_on
    from tether.core.outputs.check_report import render

    fail_on = resolve_fail_on(args.fail_on)
    result = project.check(args.base, args.head, args.staged)
    sys.stdout.write(render(result, args.format, fail_on))
    return EXIT_ERROR if result.failing(fail_on) else EXIT_OK


def cmd_mcp(_project, args) -> int:
    from tether.core.mcp_server import serve

    return serve(args.repo)


def cmd_hook(_project, args) -> int:
    from tether.core.hooks import main as hook_main

    return hook_main(args.name, args.repo)


def cmd_install(_project, args) -> int:
    from pathlib import Path

    from tether.core import install
    from tether.core.project import TETHER_DIR, Project, find_root

    root = find_root(Path(args.repo) if args.repo else Path.cwd())
    scope = "user" if args.user else "project"
    verb = "install" if args.command == "install" else "uninstall"
    if verb == "install":
        config = Project(root).config
        plan = install.plan_install(root, scope, command=args.tether_command, user_prompt=config.hook_user_prompt,
                                    on_touch=config.hook_on_touch)
    else:
        plan = install.plan_uninstall(root, scope)
    where = f"Claude Code ({scope}{': ' + str(root) if scope == 'project' else ''})"
    if args.dry_run:
        if plan.changed:
            sys.stdout.write(plan.diff())
            print(f"(dry run: nothing written; without --dry-run this would {verb} tether for {where})")
        else:
            print(f"nothing would change: tether is {'already' if verb == 'install' else 'not'} installed for {where}")
        for w in plan.warnings:
            print(f"tether: warning: {w}", file=sys.stderr)
        return EXIT_OK
    if not plan.changed:
        print(f"nothing changed: tether is {'already' if verb == 'install' else 'not'} installed for {where}")
    else:
        install.apply(plan)
        print(f"{'installed tether for' if verb == 'install' else 'removed tether from'} {where}:")
        for line in plan.summary:
            print(f"  {line}")
    if verb == "install" and scope == "project":
        if not (root / TETHER_DIR).is_dir():
            Project(root).init()
            print(f"initialised {TETHER_DIR}/")
        if plan.changed:
            print("Commit .mcp.json, .claude/settings.json and .tether/ so your team gets the same set-up; "
                  "Claude Code asks each person once to approve the project's MCP server.")
    for w in plan.warnings:
        print(f"tether: warning: {w}", file=sys.stderr)
    return EXIT_OK


def _interactive() -> bool:
    """A terminal on both ends: the TUI may open (never in a pipe or a script)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _open_tui(root) -> int:
    from tether.tui import run as run_tui  # imported only here: the CLI starts fast without Textual

    return run_tui(root)


def cmd_demo(_project, args) -> int:
    from tether.core import demo

    project = demo.prepare(args.path, reset=args.reset)
    if not args.no_tui and _interactive():
        return _open_tui(project.root)
    report = project.index()
    langs = project.languages()
    print(f"demo project: {project.root}")
    print(f"  {report.files} files, {report.symbols} symbols, {report.edges} edges")
    print("  " + ", ".join(f"{lang} {n}" for lang, n in langs.items()))
    print(f"try: tether --repo {project.root} symbols Service")
    print(f"     tether --repo {project.root} show UserService.refresh")
    return EXIT_OK


# -- parser ------------------------------------------------------------------------------


def _positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    import argparse

    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not '{text}'")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="tether", description="Code-linked session memory for AI coding agents. "
                "Without a command, inside a repository, tether opens its terminal UI.")
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
    s.add_argument("--limit", type=_positive, default=50)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_symbols)

    s = sub.add_parser("show", help="a symbol's location, signature, source, callers and callees")
    s.add_argument("symbol")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_show)

    _add_note_commands(sub)

    s = sub.add_parser("stale", help="re-index, then list every note link that is not fresh")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_stale)

    s = sub.add_parser("capsule", help="the notes relevant to a task, ranked, within a token budget")
    s.add_argument("--symbol", action="append", default=[], metavar="S", help="focus on a symbol (repeatable)")
    s.add_argument("--file", action="append", default=[], metavar="PATH",
                   help="focus on a file or directory, relative to the root (repeatable)")
    s.add_argument("--task", metavar="TEXT", help="focus on what a task text names (identifiers, files, words)")
    s.add_argument("--diff", nargs="?", const="", metavar="REV",
                   help="focus on the working tree's changes against HEAD, or since REV (REV...: the branch point)")
    s.add_argument("--budget", type=int, metavar="N", help="token budget (default: [capsule] budget, 2000)")
    s.add_argument("--max-chars", type=int, metavar="N", help="character limit as well")
    s.add_argument("--format", choices=("md", "json"), default="md")
    s.add_argument("--copy", action="store_true", help="copy to the clipboard (pyperclip, else OSC 52)")
    s.add_argument("--write", nargs="?", const=_ROOT_CLAUDE_MD, metavar="PATH",
                   help="write into tether's block of CLAUDE.md (default: CLAUDE.md at the root)")
    s.add_argument("--dry-run", action="store_true", help="with --write: print the diff, write nothing")
    s.add_argument("--include", action="append", default=[], metavar="ID", help="pin a note (first, if it fits)")
    s.add_argument("--exclude", action="append", default=[], metavar="ID", help="drop a note")
    s.add_argument("--reindex", action="store_true", help="update the index first (--diff always does)")
    s.set_defaults(func=cmd_capsule)

    s = sub.add_parser("check", help="the shared notes a change makes stale, moved or orphaned (for review and CI; "
                       "exit 1 when one fails, 2 for bad arguments)")
    s.add_argument("--base", metavar="REV", help="compare against REV (REV...: its merge base with the head; default: "
                   "the merge base with the default branch)")
    head = s.add_mutually_exclusive_group()
    head.add_argument("--head", metavar="REV", help="check the commit REV (default: the working tree)")
    head.add_argument("--staged", action="store_true", help="check what is staged (for pre-commit)")
    s.add_argument("--format", choices=("text", "json", "github", "sarif"), default="text")
    s.add_argument("--fail-on", default="stale,moved,orphaned", metavar="STATUSES",
                   help="comma-separated statuses that fail the check (default: stale,moved,orphaned; '' none)")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("undo", help="revert the latest note operation (repeatable)")
    s.set_defaults(func=cmd_undo)

    s = sub.add_parser("history", help="the append-only log of note operations")
    s.add_argument("id", nargs="?")
    s.add_argument("--limit", type=_positive, default=50)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_history)

    s = sub.add_parser("export", help="write shared notes to .tether/notes/ for git")
    s.add_argument("--force", action="store_true", help="the local version wins over conflicting or unreadable files")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("import", help="merge .tether/notes/ into the database (newer wins; undoable)")
    s.add_argument("--theirs", action="store_true", help="the files win over differing local notes")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("import-claude-md", help="turn CLAUDE.md and .claude/rules/*.md into linked notes")
    s.add_argument("paths", nargs="*", metavar="PATH",
                   help="markdown files or directories (default: CLAUDE.md, .claude/CLAUDE.md, .claude/rules/)")
    s.add_argument("--dry-run", action="store_true", help="show what would be imported; write nothing")
    s.add_argument("--move", action="store_true",
                   help="take the entries that become linked notes out of the file (tether undo puts them back)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_import_claude_md)

    s = sub.add_parser("mcp", help="serve the Model Context Protocol over stdio (for Claude Code)")
    s.set_defaults(func=cmd_mcp, no_project=True)

    s = sub.add_parser("hook", help="a Claude Code hook: reads its JSON on stdin, never blocks (always exits 0)")
    s.add_argument("name", metavar="session-start|user-prompt|post-tool-use")
    s.set_defaults(func=cmd_hook, no_project=True)

    for verb, text in (("install", "register tether's MCP server and hooks with Claude Code (merging)"),
                       ("uninstall", "remove exactly what `tether install` added")):
        s = sub.add_parser(verb, help=text)
        s.add_argument("target", choices=("claude",), help="the agent (claude: Claude Code)")
        scope = s.add_mutually_exclusive_group()
        scope.add_argument("--project", action="store_true",
                           help=".mcp.json and .claude/settings.json in the repository (the default)")
        scope.add_argument("--user", action="store_true", help="~/.claude.json and ~/.claude/settings.json")
        s.add_argument("--dry-run", action="store_true", help="print the diff, write nothing")
        if verb == "install":
            s.add_argument("--command", dest="tether_command", default="tether", metavar="CMD",
                           help="the tether executable Claude Code runs (default: tether, from PATH)")
        s.set_defaults(func=cmd_install, no_project=True)

    s = sub.add_parser("demo", help="build (or reuse) the demo project and open the terminal UI on it")
    s.add_argument("--path", metavar="DIR", help="where to build it (default: ~/.cache/tether/demo)")
    s.add_argument("--reset", action="store_true", help="rebuild it from scratch")
    s.add_argument("--no-tui", action="store_true", help="print a summary instead of opening the UI "
                   "(also what happens when stdin or stdout is not a terminal)")
    s.set_defaults(func=cmd_demo, no_project=True)
    return p


def _add_note_commands(sub) -> None:
    from tether.core.model import NOTE_TYPES

    note = sub.add_parser("note", help="add, list, show and triage notes").add_subparsers(
        dest="note_command", parser_class=_Parser, required=True)

    s = note.add_parser("add", help="add a note (TEXT - reads stdin)")
    s.add_argument("text")
    s.add_argument("--link", action="append", default=[], metavar="SYMBOL")
    s.add_argument("--file", action="append", default=[], metavar="PATH")
    s.add_argument("--type", default="insight", choices=NOTE_TYPES)
    s.add_argument("--tag", action="append", default=[])
    s.add_argument("--private", action="store_true", help="never exported to .tether/notes/")
    s.add_argument("--pin", action="store_true", help="always on: in every capsule, whatever the focus")
    s.add_argument("--source", default="user", choices=("user", "agent"))
    s.add_argument("--session", help="a label for the session that learned it")
    s.add_argument("--allow-secret", action="store_true", help=_ALLOW_SECRET_HELP)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_note_add)

    s = note.add_parser("list", help="notes with their status")
    s.add_argument("--symbol")
    s.add_argument("--file")
    s.add_argument("--status", choices=("fresh", "stale", "moved", "orphaned", "suspect"))
    s.add_argument("--type", choices=NOTE_TYPES)
    s.add_argument("--tag")
    s.add_argument("--search", metavar="TEXT")
    s.add_argument("--all", action="store_true", help="archived notes too")
    s.add_argument("--secrets", action="store_true",
                   help="only the notes holding what looks like a secret (never in capsules, hooks or exports)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_note_list)

    s = note.add_parser("show", help="a note with its links, diffs and commits")
    s.add_argument("id")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_note_show)

    s = note.add_parser("edit", help="change text, type, tags (no option: $EDITOR)")
    s.add_argument("id")
    s.add_argument("--text")
    s.add_argument("--type", choices=NOTE_TYPES)
    s.add_argument("--tag", action="append")
    s.add_argument("--private", action=argparse.BooleanOptionalAction, default=None)
    s.add_argument("--allow-secret", action="store_true", help=_ALLOW_SECRET_HELP)
    s.add_argument("--pin", action=argparse.BooleanOptionalAction, default=None,
                   help="always on: in every capsule, whatever the focus (--no-pin: as relevant)")
    s.set_defaults(func=cmd_note_edit)

    s = note.add_parser("link", help="link a note to a symbol (or --file PATH)")
    s.add_argument("id")
    s.add_argument("symbol")
    s.add_argument("--file", action="store_true", help="SYMBOL is a file path")
    s.set_defaults(func=cmd_note_link)

    s = note.add_parser("unlink", help="remove a link")
    s.add_argument("id")
    s.add_argument("symbol")
    s.set_defaults(func=cmd_note_unlink)

    s = note.add_parser("confirm", help="the note is still true: re-anchor to the current code")
    s.add_argument("ids", nargs="*")
    s.add_argument("--file", help="every note with a stale or moved link in this file")
    s.set_defaults(func=cmd_note_confirm)

    s = note.add_parser("relink", help="point a link at the suggestion, or at SYMBOL")
    s.add_argument("id")
    s.add_argument("symbol", nargs="?")
    s.add_argument("--link", help="which link, when the note has several")
    s.set_defaults(func=cmd_note_relink)

    for name, state, text in (("archive", "archived", "archive notes (kept, out of capsules)"),
                              ("restore", "active", "make archived or deleted notes active again"),
                              ("rm", "deleted", "delete notes (undoable; --purge removes for good)")):
        s = note.add_parser(name, help=text)
        s.add_argument("ids", nargs="+")
        if name == "rm":
            s.add_argument("--purge", action="store_true")
        s.set_defaults(func=cmd_note_state, state=state, purge=False)


def run(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:  # inside a repository, on a terminal: the terminal UI
        root = _repository(args.repo)
        if root is not None and _interactive():
            return _open_tui(root)
        build_parser().print_help()
        return EXIT_OK
    if getattr(args, "no_project", False):  # hooks and the MCP server load only what they use
        return args.func(None, args)
    from tether.core.project import Project

    return args.func(Project.open(args.repo), args)


def _repository(repo: str | None):
    """The repository (or directory with .tether/) at --repo or around the current directory; None
    when there is none."""
    from pathlib import Path

    from tether.core.project import TETHER_DIR, find_root

    if repo:
        root = Path(repo)
        if not root.is_dir():
            raise TetherError(f"{repo}: not a directory", exit_code=EXIT_USAGE)
        return root.resolve()
    root = find_root(Path.cwd())
    return root if (root / ".git").exists() or (root / TETHER_DIR).is_dir() else None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if _is_hook(argv):  # a hook must never block the agent, even on bad arguments
        code = _run_hook(argv)
        sys.stdout.flush()
        return code
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


def _plain_hook(argv: list[str]) -> tuple[str, str | None] | None:
    """(hook name, --repo or None) of `[--repo PATH] hook NAME`; None for anything else (the
    parser then says what is wrong)."""
    repo = None
    if argv[:1] == ["--repo"] and len(argv) >= 2:
        repo, argv = argv[1], argv[2:]
    if len(argv) == 2 and argv[0] == "hook" and not argv[1].startswith("-"):
        return argv[1], repo
    return None


def _is_hook(argv: list[str]) -> bool:
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] == "--repo" else 1
    return i < len(argv) and argv[i] == "hook"


def _run_hook(argv: list[str]) -> int:
    try:
        plain = _plain_hook(argv)
        if plain is not None:  # as Claude Code runs it: no parser to build (it costs more than the hook's work)
            from tether.core.hooks import main as hook_main

            return hook_main(*plain)
        run(argv)
        return EXIT_OK
    except BaseException as e:  # noqa: BLE001 - anything at all: one line, exit 0
        if isinstance(e, SystemExit) and not e.code:
            return EXIT_OK
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        print(f"tether hook: {msg}", file=sys.stderr)
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
