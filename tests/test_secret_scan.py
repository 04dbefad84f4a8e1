"""Secrets never enter a note: detect-secrets scans every text that is saved — CLI, MCP, the TUI's
dialog (through the same Project call), CLAUDE.md import, note files arriving through git — and
a note that holds one from before is kept out of capsules, hook answers and exported files.

The keys below are made up, in the shapes real ones have."""

import json
import socket
import subprocess
import sys

import pytest

from tests.test_hooks import ENV, context, read
from tether.core import sharing
from tether.core.cli import main
from tether.core.model import Anchor, Link, Note
from tether.core.secret_scan import Finding, SecretInNote, find_secrets

AWS_ID = "AKIA4QWJZ7XKPL2M3N5R"
AWS_SECRET = "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"
GITHUB = "ghp_4f9Jq2LmX8vR1tY6uB3nK7cW0zA5sD2eF9hG"
SLACK = "xoxb-2048123456-4096123456789-AbCdEfGhIjKlMnOpQrStUvWx"
PEM = "-----BEGIN RSA PRIVATE KEY-----"
URL_PASSWORD = "S3cr3tPassw0rd"
ASSIGNED = "hunter2-correct-horse"
ENTROPY = "9f8Kq2Lm7Xv4Rt1Yz6Ub3Nc0Wa5Sd8Ef2Gh4Jk6"

SECRETS = [  # (text, the secret in it, the kind detect-secrets names)
    (f"prod uses the key {AWS_ID} for uploads", AWS_ID, "AWS Access Key"),
    (f'the deploy box has\naws_secret_access_key = "{AWS_SECRET}"', AWS_SECRET, None),
    (f"CI pushes with {GITHUB}", GITHUB, "GitHub Token"),
    (f"the bot token is {SLACK}", SLACK, "Slack Token"),
    (f"keys/deploy holds\n{PEM}\nMIIEowIBAAKCAQEA7b3\n-----END RSA PRIVATE KEY-----", "BEGIN RSA", "Private Key"),
    (f"connect with postgres://admin:{URL_PASSWORD}@db.internal:5432/app", URL_PASSWORD, "Basic Auth Credentials"),
    (f'settings.py sets password = "{ASSIGNED}" in dev', ASSIGNED, "Secret Keyword"),
    (f'the signing salt is "{ENTROPY}"', ENTROPY, "Base64 High Entropy String"),
]
NEAR_MISSES = [
    "fixed in commit 3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39, see the release notes",
    "the tenant id is 123e4567-e89b-12d3-a456-426614174000 in every test",
    'tests/fixtures.py: SAMPLE_PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwG'
    'A60e6kgAAAABJRU5ErkJggg==" is a 1x1 test image',
    "reset_password() must invalidate every session token of the user first",
]


def where(text: str, secret: str) -> tuple[int, int]:
    """(line, column), 1-based, of `secret` in `text`: the oracle, independent of the scan."""
    before = text[: text.index(secret)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def test_finds_each_kind_where_it_is_and_passes_near_misses():
    found = find_secrets([t for t, _, _ in SECRETS] + NEAR_MISSES)
    for (text, secret, kind), hit in zip(SECRETS, found):
        assert hit is not None, text
        assert (hit.line, hit.column) == where(text, secret), text
        if kind:
            assert hit.kind == kind
        assert secret not in str(hit)  # the finding names the kind and the place, never the secret
    assert found[len(SECRETS):] == [None] * len(NEAR_MISSES)


def test_runs_offline(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network disabled for this test")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert find_secrets([SECRETS[0][0]]) == [Finding("AWS Access Key", 1, 19)]


@pytest.fixture
def project(make_project):
    p, _ = make_project({"app/users.py": "class UserService:\n    def refresh(self):\n        return 1\n"})
    p.index()
    return p


def cli(capsys, project, *args):
    code = main(["--repo", str(project.root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_every_surface_refuses_a_secret(project, capsys):
    for text, secret, _ in SECRETS:
        with pytest.raises(SecretInNote) as e:
            project.add_note(text, symbols=["UserService.refresh"])
        line, col = where(text, secret)
        assert f"at line {line}, column {col}" in str(e.value) and secret not in str(e.value)
    assert project.all_notes() == []
    code, out, err = cli(capsys, project, "note", "add", SECRETS[0][0])
    assert code == 2 and out == "" and err.count("\n") == 1 and AWS_ID not in err
    assert err == ("tether: not saved: the note holds what looks like a secret (AWS Access Key at line 1, "
                   "column 19); remove it (tether never stores credentials in notes); if it is not a secret, "
                   "--allow-secret saves it\n")
    nid = project.add_note("refresh is cheap").id
    code, _, err = cli(capsys, project, "note", "edit", nid, "--text", SECRETS[2][0])
    assert code == 2 and "GitHub Token at line 1, column 16" in err and GITHUB not in err
    assert where(SECRETS[2][0], GITHUB) == (1, 16)
    assert project.note(nid).text == "refresh is cheap"
    for text in NEAR_MISSES:
        project.add_note(text)
    code, out, _ = cli(capsys, project, "note", "add", "--allow-secret", SECRETS[6][0])  # a person's override
    assert code == 0 and project.note(out.strip()).text == SECRETS[6][0]
    assert len(project.all_notes()) == 2 + len(NEAR_MISSES)


def test_mcp_save_observation_refuses_a_secret(project):
    from tests.test_mcp import session

    async def steps(call, client):
        text, err = await call("save_observation", content=SECRETS[3][0], linked_symbols=["UserService.refresh"])
        assert err and text.startswith("not saved: the note holds what looks like a secret (Slack Token at line 1, "
                                       "column 18)") and SLACK not in text and "--allow-secret" not in text
        text, err = await call("save_observation", content=NEAR_MISSES[0])
        assert not err

    session(project.root, steps)
    assert [n.text for n in project.all_notes()] == [NEAR_MISSES[0]]


def test_claude_md_import_skips_an_entry_holding_a_secret(project, capsys):
    (project.root / "CLAUDE.md").write_text(f"# Rules\n\n- refresh is cheap\n- the bot token is {SLACK}\n"
                                            f"- {NEAR_MISSES[1]}\n")
    code, out, err = cli(capsys, project, "import-claude-md")
    assert code == 0 and SLACK not in out + err
    assert ("  not imported: CLAUDE.md:4: holds what looks like a secret (Slack Token at line 1, column 18 of the "
            "entry); remove it from the file") in out.splitlines()
    assert sorted(n.text for n in project.all_notes()) == sorted(["refresh is cheap", NEAR_MISSES[1]])
    code, out, _ = cli(capsys, project, "import-claude-md", "--dry-run", "--json")
    assert SLACK not in out and [s["text"] for s in json.loads(out)["skipped"] if "secret" in s["reason"]] == [None]


def test_a_note_file_from_git_holding_a_secret_is_not_imported(project):
    def arriving(nid, text):
        note = Note(nid, text, "insight", [], "user", None, "2026-01-02T03:04:05Z", "2026-01-02T03:04:05Z", None,
                    "active", False)
        path = sharing.notes_dir(project) / f"{nid}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sharing.render(note))

    arriving("aaaaaaaaaa", SECRETS[4][0])
    arriving("bbbbbbbbbb", "refresh is cheap")
    res = sharing.import_notes(project)
    assert res.added == ["bbbbbbbbbb"]
    assert res.errors == [(".tether/notes/aaaaaaaaaa.md", "not imported: holds what looks like a secret "
                                                          "(Private Key at line 2, column 6)")]
    assert [n.id for n in project.all_notes()] == ["bbbbbbbbbb"]


def test_a_note_holding_a_secret_from_before_is_never_shown(project, capsys):
    """A note saved before the scan existed: in no capsule, hook answer, MCP answer or exported file; listed."""
    clean = project.add_note("refresh must hold the pool lock", symbols=["UserService.refresh"]).id
    sym = project.resolve("UserService.refresh")
    old = Note("0ldn0te0ld", f"refresh signs with {AWS_ID}", "gotcha", [], "user", None, "2026-01-02T03:04:05Z",
               "2026-01-02T03:04:05Z", None, "active", False,
               [Link(sym.id, "symbol", Anchor(sym.code_hash, sym.sig_hash, sym.blind_hash, "", None))])
    with project.store.write() as con:  # as a database from before the scan holds it (secret not scanned: NULL)
        project.store.put_notes(con, [old])
    capsule = project.capsule(symbols=["UserService.refresh"]).markdown
    assert clean in capsule and old.id not in capsule and AWS_ID not in capsule
    hook = context(read(project, "app/users.py").stdout, "PostToolUse")
    assert clean in hook and old.id not in hook and AWS_ID not in hook
    res = sharing.export_notes(project)
    assert old.id not in res.written and not (sharing.notes_dir(project) / f"{old.id}.md").exists()
    assert res.held == [(old.id, f".tether/notes/{old.id}.md", "holds what looks like a secret (AWS Access Key at "
                                                               "line 1, column 20): not exported; edit the note "
                                                               "(tether note list --secrets)")]
    code, out, _ = cli(capsys, project, "note", "list", "--secrets")
    assert code == 0 and out.splitlines() == [f"{old.id}  gotcha     active   AWS Access Key at line 1, column 20  "
                                              f"(tether note edit {old.id})"]
    from tests.test_mcp import session

    async def steps(call, client):
        for tool, args in (("search_notes", {"query": "refresh"}), ("get_symbol", {"name": "UserService.refresh"}),
                           ("get_capsule", {"symbols": ["UserService.refresh"]})):
            text, err = await call(tool, **args)
            assert not err and clean in text and old.id not in text and AWS_ID not in text, tool

    with capsys.disabled():  # the MCP client hands the server a real stderr
        session(project.root, steps)
    with project.store.read() as con:  # the scan recorded what it found
        assert project.store.notes(con, [old.id])[0].secret == "AWS Access Key at line 1, column 20"
    code, out, _ = cli(capsys, project, "note", "edit", old.id, "--text", "refresh signs with the deploy key")
    assert code == 0 and cli(capsys, project, "note", "list", "--secrets")[1] == ""  # a person fixed it
    assert old.id in project.capsule(symbols=["UserService.refresh"]).markdown


def test_the_hook_path_never_loads_the_scanner_textual_or_mcp(project):
    project.add_note("refresh must hold the pool lock", symbols=["UserService.refresh"])
    payload = json.dumps({"session_id": "imports", "cwd": str(project.root), "tool_name": "Read",
                          "tool_input": {"file_path": str(project.root / "app/users.py")}})
    code = ("import sys; from tether.core.cli import main; main(['hook', 'post-tool-use']); "
            "print(sorted(m for m in ('detect_secrets', 'textual', 'mcp') if m in sys.modules), file=sys.stderr)")
    p = subprocess.run([sys.executable, "-c", code], input=payload, capture_output=True, text=True, env=ENV)
    assert p.returncode == 0 and "refresh must hold the pool lock" in p.stdout and p.stderr == "[]\n"


def test_a_persons_override_travels_with_the_note_file(project, make_project, tmp_path):
    allowed = project.add_note(SECRETS[6][0], allow_secret=True)
    sharing.export_notes(project)
    data = (sharing.notes_dir(project) / f"{allowed.id}.md").read_text()
    assert 'secret = "allowed"' in data
    other_root = tmp_path / "teammate"
    from tests.helpers import git_repo
    from tether.core.project import Project

    git_repo(other_root, {"app/users.py": "class UserService:\n    def refresh(self):\n        return 1\n"})
    teammate = Project(other_root)
    teammate.index()
    (sharing.notes_dir(teammate)).mkdir(parents=True, exist_ok=True)
    (sharing.notes_dir(teammate) / f"{allowed.id}.md").write_text(data)
    unmarked = data.replace('secret = "allowed"\n', "").replace(allowed.id, "cccccccccc")
    (sharing.notes_dir(teammate) / "cccccccccc.md").write_text(unmarked)
    res = sharing.import_notes(teammate)
    assert res.added == [allowed.id] and [e[0] for e in res.errors] == [".tether/notes/cccccccccc.md"]
    assert teammate.note(allowed.id).text == SECRETS[6][0]


def test_the_same_secret_in_several_texts_is_found_in_each():
    texts = [SECRETS[0][0], "clean", "again: " + AWS_ID, SECRETS[0][0]]
    assert find_secrets(texts) == [Finding("AWS Access Key", 1, 19), None, Finding("AWS Access Key", 1, 8),
                                   Finding("AWS Access Key", 1, 19)]


def test_a_batch_finds_what_each_text_alone_would():
    texts = [t for t, _, _ in SECRETS] + NEAR_MISSES + ["[database]\npassword: hunter2-correct-horse-battery\n"]
    found = find_secrets(texts)
    assert found == [find_secrets([t])[0] for t in texts]
    assert found[-1] == Finding("Secret Keyword", 2, 11)  # only the text-alone pass finds this one


def test_a_secret_is_refused_before_it_could_be_queued(project):
    from tests.test_journal import hold_database, impatient
    from tether.core import journal

    busy = impatient(project, queue_after=0.2, lock_timeout=0.5)
    with hold_database(busy):
        with pytest.raises(SecretInNote):
            busy.add_note(SECRETS[5][0], queue_if_busy=True)
        queued = busy.add_note(SECRETS[5][0], queue_if_busy=True, allow_secret=True)  # a person's override
        assert queued.state == "queued" and journal.pending(busy.dir)
    busy.apply_queued()
    assert [n.text for n in busy.all_notes()] == [SECRETS[5][0]]  # applied with the override it was queued with
