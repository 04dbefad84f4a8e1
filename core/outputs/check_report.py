"""`tether check`'s report in its four formats: text (for people), json (for scripts), github
(GitHub Actions workflow commands, one annotation per note on the changed line) and sarif
(SARIF 2.1.0, for code-scanning tools). Failing notes are the ones `--fail-on` names that the
change did not handle itself; suspect, handled and unreadable ones are reported, never failing.
"""

from __future__ import annotations

import json

from tether.core.check import FAILING, CheckResult, Finding

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_RULES = {
    "stale": "The code a note describes changed: the note may no longer be true.",
    "moved": "The code a note describes moved or was renamed: its link should follow.",
    "orphaned": "The code a note describes is gone, and nothing matches it.",
    "suspect": "The code a note describes is unchanged, but something it depends on changed.",
    "unreadable": "A note file in .tether/notes/ cannot be read.",
}


def render(result: CheckResult, fmt: str, fail_on: tuple[str, ...] = FAILING) -> str:
    return {"text": _text, "json": _json, "github": _github, "sarif": _sarif}[fmt](result, fail_on)


def _what(f: Finding) -> str:
    """One line: the link, its status and why, and where the code is now."""
    moved = f" -> {f.to}" if f.to and f.to != f.target else ""
    return f"{f.target}{moved}: {f.status}, {f.reason}"


def _advice(f: Finding) -> str:
    if f.status == "moved":
        return f"if it still holds, follow the move: tether note confirm {f.note_id}"
    if f.status == "orphaned":
        return f"relink it (tether note relink {f.note_id} SYMBOL) or archive it (tether note archive {f.note_id})"
    return f"check the note: tether note confirm {f.note_id} if it still holds, else edit or archive it"


def _text(r: CheckResult, fail_on) -> str:
    head = "the working tree" if r.head == "working tree" else "what is staged" if r.head == "staged" else r.head
    base = (f"the merge base with {r.base_rev[:-3]}" if r.base_rev.endswith("...") else r.base_rev) + \
        (f" ({r.base[:12]})" if r.base else " (no commit yet)")
    out = [f"tether check: {head} against {base}: {len(r.changed)} code "
           f"file{'s' if len(r.changed) != 1 else ''} changed, {r.notes} note file{'s' if r.notes != 1 else ''}"]
    groups = (("fail", [f for f in r.findings if r.fails(f, fail_on)]),
              ("handled in this change", [f for f in r.findings if f.handled]),
              ("reported, not failing", [f for f in r.findings if not f.handled and not r.fails(f, fail_on)
                                         and f.status != "suspect"]),
              ("suspect (a dependency changed; never fails)", [f for f in r.findings
                                                              if f.status == "suspect" and not f.handled]))
    for title, found in groups:
        if not found:
            continue
        out.append(f"\n{title} ({len(found)}):")
        for f in found:
            out.append(f"  {f.path}:{f.line}  note {f.note_id} \"{f.title}\"")
            out.append(f"      {_what(f)}")
            out.append(f"      note file {f.note_path}:{f.note_line}; {_advice(f)}")
    if r.unreadable:
        out.append(f"\nunreadable note files ({len(r.unreadable)}), skipped:")
        out += [f"  {path}: {why}" for path, why in r.unreadable]
    failing = len(r.failing(fail_on))
    out.append(f"\n{failing} note{'s' if failing != 1 else ''} fail{'s' if failing == 1 else ''} the check"
               if failing else "\nno note fails the check")
    return "\n".join(out) + "\n"


def _json(r: CheckResult, fail_on) -> str:
    findings = [{"note": f.note_id, "title": f.title, "note_file": f.note_path, "note_line": f.note_line,
                 "target": f.target, "status": f.status, "was": f.was, "reason": f.reason, "to": f.to,
                 "file": f.path, "line": f.line, "handled": f.handled, "fails": r.fails(f, fail_on)}
                for f in r.findings]
    return json.dumps({"base": r.base, "base_rev": r.base_rev, "head": r.head, "changed": r.changed, "notes": r.notes,
                       "fail_on": list(fail_on), "failed": bool(r.failing(fail_on)), "findings": findings,
                       "unreadable": [{"file": p, "reason": why} for p, why in r.unreadable]},
                      indent=2, ensure_ascii=False) + "\n"


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def _github(r: CheckResult, fail_on) -> str:
    lines = []
    for f in r.findings:
        kind = "notice" if f.status == "suspect" or f.handled else "warning"
        title = f"tether: note {f.note_id} is {f.status}" + (" (handled in this change)" if f.handled else "")
        msg = f"{f.title}\n{_what(f)}\nNote file: {f.note_path}:{f.note_line}. {_advice(f)}"
        lines.append(f"::{kind} file={_escape_property(f.path)},line={f.line},title={_escape_property(title)}"
                     f"::{_escape_data(msg)}")
    for path, why in r.unreadable:
        lines.append(f"::warning file={_escape_property(path)},line=1,"
                     f"title={_escape_property('tether: unreadable note file')}::{_escape_data(why)}")
    failing = len(r.failing(fail_on))
    lines.append(f"tether check: {failing} failing, {len(r.findings) - failing} more reported, "
                 f"{len(r.unreadable)} unreadable note files")
    return "\n".join(lines) + "\n"


def _location(path: str, line: int, message: str | None = None, id: int | None = None) -> dict:
    loc: dict = {"physicalLocation": {"artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"},
                                      "region": {"startLine": line}}}
    if message is not None:
        loc["message"] = {"text": message}
    if id is not None:
        loc["id"] = id
    return loc


def _sarif(r: CheckResult, fail_on) -> str:
    rule_ids = list(_RULES)
    rules = [{"id": f"tether/{name}", "name": name, "shortDescription": {"text": text},
              "defaultConfiguration": {"level": "error" if name in fail_on else "warning" if name != "suspect"
                                       else "note"}}
             for name, text in _RULES.items()]
    results = []
    for f in r.findings:
        level = "error" if r.fails(f, fail_on) else "note" if f.status == "suspect" or f.handled else "warning"
        results.append({
            "ruleId": f"tether/{f.status}", "ruleIndex": rule_ids.index(f.status), "level": level,
            "message": {"text": f"Note {f.note_id} \"{f.title}\": {_what(f)}. {_advice(f)}."},
            "locations": [_location(f.path, f.line)],
            "relatedLocations": [_location(f.note_path, f.note_line, "the note", 1)],
            "partialFingerprints": {"tetherNoteLink/v1": f"{f.note_id}:{f.target}"},
            "properties": {"note": f.note_id, "target": f.target, "to": f.to, "was": f.was,
                           "handled": f.handled},
        })
    for path, why in r.unreadable:
        results.append({"ruleId": "tether/unreadable", "ruleIndex": rule_ids.index("unreadable"), "level": "warning",
                        "message": {"text": f"Unreadable note file: {why}"}, "locations": [_location(path, 1)]})
    run = {"tool": {"driver": {"name": "tether", "rules": rules}},
           "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the repository's root"}}},
           "results": results}
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2,
                      ensure_ascii=False) + "\n"
