"""Copy text to the clipboard: pyperclip first; where it finds no clipboard (a headless box,
SSH, tmux without a display) the OSC 52 escape, written to the controlling terminal
(/dev/tty), else to stdout when it is a terminal. The terminal then sets its clipboard — most
do (iTerm2, kitty, WezTerm, Windows Terminal, foot, Alacritty, xterm with allowWindowOps);
inside tmux the escape is sent both plain and wrapped for passthrough (one of `set -g
set-clipboard on` or `set -g allow-passthrough on` is needed). Never raises anything but
TetherError, with one line saying what was tried.
"""

from __future__ import annotations

import base64
import os
import sys
from dataclasses import dataclass

from tether.core.errors import TetherError

TTY = "/dev/tty"  # the controlling terminal


@dataclass(frozen=True, slots=True)
class Copied:
    method: str  # "pyperclip" | "osc52"
    detail: str  # for the user: where it went, and why OSC 52 when it was used


def osc52(text: str, tmux: bool = False) -> bytes:
    """The OSC 52 escape setting the clipboard to `text` (and its tmux passthrough form)."""
    seq = b"\x1b]52;c;" + base64.b64encode(text.encode("utf-8")) + b"\x07"
    if tmux:
        return seq + b"\x1bPtmux;" + seq.replace(b"\x1b", b"\x1b\x1b") + b"\x1b\\"
    return seq


def _pyperclip(text: str) -> str | None:
    """None when pyperclip copied the text, else why not."""
    try:
        import pyperclip

        pyperclip.copy(text)
        return None
    except Exception as e:  # PyperclipException, or whatever a clipboard program raised
        msg = " ".join(str(e).split()).split(". ")[0].rstrip(".") or type(e).__name__
        return f"pyperclip: {msg[:160]}"


def copy(text: str, tty: str | None = None) -> Copied:
    """Copy `text`; says how. TetherError (one line) when neither way is open."""
    tty = tty or TTY
    why = _pyperclip(text)
    if why is None:
        return Copied("pyperclip", "the system clipboard (pyperclip)")
    seq = osc52(text, tmux=bool(os.environ.get("TMUX")))
    try:
        fd = os.open(tty, os.O_WRONLY | os.O_NOCTTY | os.O_APPEND)
        try:
            os.write(fd, seq)
        finally:
            os.close(fd)
        return Copied("osc52", f"the terminal's clipboard with an OSC 52 escape to {tty} ({why})")
    except OSError:
        pass
    try:
        if sys.stdout.isatty():
            sys.stdout.flush()
            os.write(sys.stdout.fileno(), seq)
            return Copied("osc52", f"the terminal's clipboard with an OSC 52 escape on stdout ({why})")
    except (OSError, ValueError):
        pass
    raise TetherError(f"cannot copy: {why}; and no terminal to send an OSC 52 escape to")
