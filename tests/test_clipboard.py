"""The clipboard: pyperclip first, OSC 52 to the terminal (through tmux too) when it has none."""

from __future__ import annotations

import base64
import os
import sys

import pytest

from tether.core.errors import TetherError
from tether.core.outputs import clipboard

def _no_clipboard(monkeypatch):
    import pyperclip

    def fail(text):
        raise pyperclip.PyperclipException("Pyperclip could not find a copy/paste mechanism for your system.")

    monkeypatch.setattr(pyperclip, "copy", fail)


def test_pyperclip_first(monkeypatch, tmp_path):
    import pyperclip

    got = []
    monkeypatch.setattr(pyperclip, "copy", got.append)
    monkeypatch.setattr(clipboard, "TTY", str(tmp_path / "tty"))
    c = clipboard.copy("héllo")
    assert c.method == "pyperclip" and got == ["héllo"]
    assert not (tmp_path / "tty").exists()


def test_osc52_to_the_terminal_when_pyperclip_has_no_clipboard(monkeypatch, tmp_path):
    _no_clipboard(monkeypatch)
    tty = tmp_path / "tty"
    tty.write_bytes(b"")
    monkeypatch.setattr(clipboard, "TTY", str(tty))
    monkeypatch.delenv("TMUX", raising=False)
    c = clipboard.copy("héllo 🙂\n")
    assert c.method == "osc52" and str(tty) in c.detail and "pyperclip: Pyperclip could not find" in c.detail
    assert tty.read_bytes() == b"\x1b]52;c;" + base64.b64encode("héllo 🙂\n".encode()) + b"\x07"


def test_osc52_through_tmux(monkeypatch, tmp_path):
    _no_clipboard(monkeypatch)
    tty = tmp_path / "tty"
    tty.write_bytes(b"")
    monkeypatch.setattr(clipboard, "TTY", str(tty))
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    clipboard.copy("x")
    plain = b"\x1b]52;c;eA==\x07"
    assert tty.read_bytes() == plain + b"\x1bPtmux;\x1b\x1b]52;c;eA==\x07\x1b\\"


def test_osc52_on_stdout_when_there_is_no_tty(monkeypatch, tmp_path):
    _no_clipboard(monkeypatch)
    monkeypatch.setattr(clipboard, "TTY", str(tmp_path / "missing"))
    read, write = os.openpty()

    class Terminal:
        def isatty(self):
            return True

        def fileno(self):
            return write

        def flush(self):
            pass

    monkeypatch.setattr(sys, "stdout", Terminal())
    c = clipboard.copy("x")
    assert c.method == "osc52" and "stdout" in c.detail
    assert os.read(read, 100) == b"\x1b]52;c;eA==\x07"
    os.close(read)
    os.close(write)


def test_no_clipboard_and_no_terminal_is_one_line(monkeypatch, tmp_path, capsys):
    _no_clipboard(monkeypatch)
    monkeypatch.setattr(clipboard, "TTY", str(tmp_path / "missing"))
    with pytest.raises(TetherError) as e:
        clipboard.copy("x")
    assert str(e.value).startswith("cannot copy: pyperclip: Pyperclip could not find")
    assert "no terminal" in str(e.value) and "\n" not in str(e.value)


def test_any_pyperclip_failure_falls_back(monkeypatch, tmp_path):
    import pyperclip

    def boom(text):
        raise FileNotFoundError(2, "No such file or directory: 'xclip'")

    monkeypatch.setattr(pyperclip, "copy", boom)
    tty = tmp_path / "tty"
    tty.write_bytes(b"")
    monkeypatch.setattr(clipboard, "TTY", str(tty))
    assert clipboard.copy("x").method == "osc52"
