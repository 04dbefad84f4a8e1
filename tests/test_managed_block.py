"""The managed block in CLAUDE.md: byte-for-byte preservation, atomic, idempotent, malformed
markers refused, confined to the repository."""

from __future__ import annotations

import os
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tether.core.errors import TetherError
from tether.core.outputs.managed_block import BEGIN_MARKER, END_MARKER, splice, write_block

CAPSULE = "## Notes from tether\n- **gotcha** (`abc`): never öffnen 🙂\n"


def block(nl: bytes = b"\n", content: str = CAPSULE) -> bytes:
    body = content.replace("\n", nl.decode()).encode()
    return BEGIN_MARKER.encode() + nl + body + END_MARKER.encode() + nl


# -- preservation --------------------------------------------------------------------------


def test_new_file_is_created(tmp_path):
    w = write_block(tmp_path, "CLAUDE.md", CAPSULE)
    assert w.created and w.changed and (tmp_path / "CLAUDE.md").read_bytes() == block()
    mode = stat.S_IMODE((tmp_path / "CLAUDE.md").stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_crlf_and_missing_final_newline_are_kept(tmp_path):
    path = tmp_path / "CLAUDE.md"
    original = b"# Rules\r\n\r\n- be kind\r\n- no floats"
    path.write_bytes(original)
    w = write_block(tmp_path, "CLAUDE.md", CAPSULE)
    assert w.appended and not w.created
    data = path.read_bytes()
    assert data == original + b"\r\n\r\n" + block(b"\r\n")
    # replacing the block later keeps everything around it, CRLF included
    path.write_bytes(b"intro\r\n" + block(b"\r\n") + b"outro, no newline")
    write_block(tmp_path, "CLAUDE.md", "new text\n")
    assert path.read_bytes() == b"intro\r\n" + block(b"\r\n", "new text\n") + b"outro, no newline"


def test_unicode_and_bom_are_kept(tmp_path):
    path = tmp_path / "CLAUDE.md"
    before = "\ufeff# Règles 规则 🙂\n\n".encode()
    after = "\n## Après\nçà et là — ok\n".encode()
    path.write_bytes(before + block(content="old\n") + after)
    write_block(tmp_path, "CLAUDE.md", CAPSULE)
    assert path.read_bytes() == before + block() + after


def test_block_as_the_first_line_after_a_bom(tmp_path):
    path = tmp_path / "CLAUDE.md"
    path.write_bytes(b"\xef\xbb\xbf" + block(content="old\n") + b"tail\n")
    write_block(tmp_path, "CLAUDE.md", CAPSULE)
    assert path.read_bytes() == b"\xef\xbb\xbf" + block() + b"tail\n"


def test_existing_block_replaced_marker_lines_kept(tmp_path):
    path = tmp_path / "CLAUDE.md"
    path.write_bytes(b"top\n  <!-- tether:begin v1 -->  \nold\nlines\n<!--tether:end-->\nbottom\n")
    write_block(tmp_path, "CLAUDE.md", "fresh\n")
    assert path.read_bytes() == b"top\n  <!-- tether:begin v1 -->  \nfresh\n<!--tether:end-->\nbottom\n"


def test_end_marker_on_the_last_line_without_newline(tmp_path):
    path = tmp_path / "CLAUDE.md"
    path.write_bytes(b"a\n<!-- tether:begin -->\nold\n<!-- tether:end -->")
    write_block(tmp_path, "CLAUDE.md", "new\n")
    assert path.read_bytes() == b"a\n<!-- tether:begin -->\nnew\n<!-- tether:end -->"


def test_same_content_twice_writes_nothing(tmp_path):
    path = tmp_path / "CLAUDE.md"
    path.write_bytes(b"x\n")
    assert write_block(tmp_path, "CLAUDE.md", CAPSULE).changed
    stamp = path.stat().st_mtime_ns
    os.utime(path, ns=(stamp - 10**9, stamp - 10**9))
    w = write_block(tmp_path, "CLAUDE.md", CAPSULE)
    assert not w.changed and w.diff == ""
    assert path.stat().st_mtime_ns == stamp - 10**9  # not even rewritten


def test_dry_run_prints_a_diff_and_writes_nothing(tmp_path):
    path = tmp_path / "CLAUDE.md"
    path.write_bytes(b"keep me")
    w = write_block(tmp_path, "CLAUDE.md", CAPSULE, dry_run=True)
    assert w.changed and w.dry_run and path.read_bytes() == b"keep me"
    assert w.diff.startswith("--- a/CLAUDE.md\n+++ b/CLAUDE.md\n")
    assert "-keep me\n\\ No newline at end of file\n+keep me\n" in w.diff
    assert f"+{BEGIN_MARKER}\n" in w.diff and "+- **gotcha** (`abc`): never öffnen 🙂\n" in w.diff


def test_mode_kept_and_no_temporary_files_left(tmp_path):
    path = tmp_path / "CLAUDE.md"
    path.write_bytes(b"x\n")
    path.chmod(0o640)
    write_block(tmp_path, "CLAUDE.md", CAPSULE)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["CLAUDE.md"]


def test_the_write_is_a_rename(tmp_path, monkeypatch):
    path = tmp_path / "CLAUDE.md"
    path.write_bytes(b"before\n")
    calls = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: calls.append((a, b)) or real(a, b))
    write_block(tmp_path, "CLAUDE.md", CAPSULE)
    assert len(calls) == 1 and str(calls[0][1]) == str(path) and calls[0][0].endswith(".tether.tmp")

    def fail(a, b):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(TetherError, match="cannot write: No space left on device"):
        write_block(tmp_path, "CLAUDE.md", "other\n")
    assert path.read_bytes() == b"before\n\n" + block()  # untouched, and no temporary file left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["CLAUDE.md"]


_LINE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
                max_size=30).filter(lambda s: "<!--" not in s and "`" not in s and "~" not in s)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINE, max_size=6), st.lists(_LINE, max_size=6), st.sampled_from(["\n", "\r\n"]),
       st.booleans(), st.booleans())
def test_everything_outside_the_block_is_kept(before, after, nl, final_newline, bom):
    head = nl.join(before) + (nl if before else "")
    tail = nl.join(after) + (nl if after and final_newline else "")
    prefix = ("\ufeff" if bom else "") + head
    data = (prefix.encode() + BEGIN_MARKER.encode() + nl.encode() + b"old" + nl.encode()
            + END_MARKER.encode() + (nl.encode() if tail or final_newline else b"") + tail.encode())
    new = splice(data, CAPSULE)
    start = new.index(BEGIN_MARKER.encode())
    end = new.index(END_MARKER.encode()) + len(END_MARKER)
    assert new[:start] == prefix.encode()
    assert new[end:] == data[data.index(END_MARKER.encode()) + len(END_MARKER):]
    assert new[start:end].decode().replace(nl, "\n") == BEGIN_MARKER + "\n" + CAPSULE + END_MARKER
    assert splice(new, CAPSULE) == new  # idempotent


# -- malformed markers and refusals --------------------------------------------------------


@pytest.mark.parametrize("text, message", [
    ("a\n<!-- tether:begin -->\nb\n", "CLAUDE.md:2: '<!-- tether:begin -->' has no matching '<!-- tether:end -->'"),
    ("a\n<!-- tether:end -->\nb\n", "CLAUDE.md:2: '<!-- tether:end -->' without a '<!-- tether:begin -->' before it"),
    ("<!-- tether:end -->\n<!-- tether:begin -->\n", "CLAUDE.md:1: '<!-- tether:end -->' without"),
    ("<!-- tether:begin -->\nx\n<!-- tether:begin -->\n<!-- tether:end -->\n",
     "CLAUDE.md:3: a second '<!-- tether:begin -->' before the '<!-- tether:end -->' of line 1"),
    ("<!-- tether:begin -->\n<!-- tether:end -->\nmid\n<!-- tether:begin -->\n<!-- tether:end -->\n",
     "CLAUDE.md:4: a second tether block (the first is at lines 1-2)"),
])
def test_malformed_markers_refused_file_untouched(tmp_path, text, message):
    path = tmp_path / "CLAUDE.md"
    path.write_bytes(text.encode())
    with pytest.raises(TetherError) as e:
        write_block(tmp_path, "CLAUDE.md", CAPSULE)
    assert message in str(e.value) and "\n" not in str(e.value)
    assert path.read_bytes() == text.encode()
    with pytest.raises(TetherError):
        write_block(tmp_path, "CLAUDE.md", CAPSULE, dry_run=True)


def test_markers_in_code_fences_and_comments_are_text(tmp_path):
    path = tmp_path / "CLAUDE.md"
    text = ("How tether marks its block:\n```md\n<!-- tether:begin -->\n```\n"
            "<!--\n<!-- tether:end -->\n-->\n~~~~\n<!-- tether:end -->\n~~~~\n")
    path.write_bytes(text.encode())
    w = write_block(tmp_path, "CLAUDE.md", CAPSULE)
    assert w.appended and path.read_bytes() == text.encode() + b"\n" + block()


def test_paths_outside_the_repository_refused(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "outside.md").write_bytes(b"x")
    for bad in ("../outside.md", str(tmp_path / "outside.md"), ".git/config", "."):
        with pytest.raises(TetherError) as e:
            write_block(root, bad, CAPSULE)
        assert e.value.exit_code == 2
    (root / "link.md").symlink_to(tmp_path / "outside.md")
    with pytest.raises(TetherError, match="outside the repository"):
        write_block(root, "link.md", CAPSULE)
    assert (tmp_path / "outside.md").read_bytes() == b"x"
    w = write_block(root, root / "docs" / "AGENTS.md", CAPSULE)  # absolute but inside; folders made
    assert w.rel == "docs/AGENTS.md" and (root / "docs" / "AGENTS.md").read_bytes() == block()


def test_symlink_inside_the_repository_writes_its_target(tmp_path):
    (tmp_path / "real.md").write_bytes(b"r\n")
    (tmp_path / "CLAUDE.md").symlink_to("real.md")
    write_block(tmp_path, "CLAUDE.md", CAPSULE)
    assert (tmp_path / "CLAUDE.md").is_symlink() and (tmp_path / "real.md").read_bytes() == b"r\n\n" + block()


def test_encodings_and_marker_content_refused(tmp_path):
    path = tmp_path / "CLAUDE.md"
    path.write_bytes("# règles\n".encode("latin-1"))
    with pytest.raises(TetherError, match="not UTF-8"):
        write_block(tmp_path, "CLAUDE.md", CAPSULE)
    path.write_bytes("# rules\n".encode("utf-16"))
    with pytest.raises(TetherError, match="UTF-16"):
        write_block(tmp_path, "CLAUDE.md", CAPSULE)
    path.write_bytes(b"ok\n")
    with pytest.raises(TetherError, match="holds a tether marker line"):
        write_block(tmp_path, "CLAUDE.md", "a\n<!-- tether:end -->\nb\n")
    assert path.read_bytes() == b"ok\n"
