"""Credentials in note text, found with detect-secrets (Yelp's maintained detector).

Its default plugins and filters run, offline (no plugin verifies a secret over the network
unless asked to): provider keys (AWS, GitHub, Slack, Stripe, …), private key blocks,
passwords in URLs, secret-looking assignments (`password = "…"`), and quoted high-entropy
strings its filters do not rule out. Texts are scanned as the lines of one markdown file,
through detect-secrets' documented `SecretsCollection.scan_file`, so a batch of notes costs one
scan. A finding names the kind and the position, never the secret itself.

detect-secrets is imported only here, and only when a text is scanned: the hooks and every
read path never load it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tether.core.errors import TetherError

ALLOWED = "allowed"  # the `secret` mark of a note a person saved despite a finding (a false positive)


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str  # detect-secrets' name for it: "AWS Access Key", "Private Key", "Secret Keyword", …
    line: int  # 1-based, in the text
    column: int  # 1-based

    def __str__(self) -> str:
        return f"{self.kind} at line {self.line}, column {self.column}"


class SecretInNote(TetherError):
    """A note's text holds what looks like a secret; nothing was saved."""

    def __init__(self, finding: Finding, note_id: str | None = None):
        self.finding = finding
        which = f"note {note_id} " if note_id else "the note "
        super().__init__(f"not saved: {which}holds what looks like a secret ({finding}); remove it "
                         "(tether never stores credentials in notes)", exit_code=2)


def find_secrets(texts: list[str]) -> list[Finding | None]:
    """The first finding in each text (by line, then column), or None where there is none."""
    found = _scan(texts)
    clean = [i for i, hit in enumerate(found) if hit is None]
    if len(clean) < len(texts) and clean:
        # detect-secrets skips its second pass (the text read as a config file) for a file with a
        # finding: the texts without one get theirs on their own
        for i, hit in zip(clean, find_secrets([texts[i] for i in clean])):
            found[i] = hit
    return found


def _scan(texts: list[str]) -> list[Finding | None]:
    """find_secrets' one pass: the texts as the lines of one file."""
    if not texts:
        return []
    import os
    import tempfile
    from bisect import bisect_right

    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    lines: list[str] = []
    starts: list[int] = []  # the file line (0-based) each text starts at
    for text in texts:
        starts.append(len(lines))
        lines += text.split("\n") + [""]  # a blank line between texts: no context leaks across
    found: list[Finding | None] = [None] * len(texts)
    with tempfile.TemporaryDirectory(prefix="tether-scan-") as folder:
        path = os.path.join(folder, "notes.md")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        collection = SecretsCollection()
        with default_settings():
            collection.scan_file(path)
        hits = [s for name in collection.files for s in collection[name]]

    def keep(i: int, hit: Finding) -> None:
        old = found[i]
        if old is None or (hit.line, hit.column, hit.kind) < (old.line, old.column, old.kind):
            found[i] = hit

    for s in hits:
        at = s.line_number - 1  # detect-secrets counts from 1
        i = bisect_right(starts, at) - 1
        col = lines[at].find(s.secret_value) + 1 if s.secret_value else 1
        keep(i, Finding(s.type, at - starts[i] + 1, max(col, 1)))
    # detect-secrets reports a secret once per file: the same one in a later text is found here
    values = {(s.type, s.secret_value) for s in hits if s.secret_value}
    for i, text in enumerate(texts):
        for kind, value in sorted(values):
            at = text.find(value)
            if at >= 0:
                before = text[:at]
                keep(i, Finding(kind, before.count("\n") + 1, at - (before.rfind("\n") + 1) + 1))
    return found


def refuse(texts: list[str], allowed: list[bool], ids: list[str] | None = None) -> list[str]:
    """The `secret` mark of each text: "" when clean, ALLOWED for a finding a person allowed (its
    `allowed` flag); a finding not allowed raises SecretInNote (the first; naming its note when
    `ids` are given and there are several)."""
    marks = []
    for i, hit in enumerate(find_secrets(texts)):
        if hit is not None and not allowed[i]:
            raise SecretInNote(hit, ids[i] if ids and len(texts) > 1 else None)
        marks.append("" if hit is None else ALLOWED)
    return marks


def holds_secret(mark: str | None) -> bool:
    """Is a note with this `secret` mark withheld? None (never scanned) is asked by the caller."""
    return bool(mark) and mark != ALLOWED
