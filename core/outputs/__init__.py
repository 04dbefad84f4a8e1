"""Where a capsule goes besides stdout: the clipboard (clipboard.py) and a managed block in
CLAUDE.md (managed_block.py); and `tether check`'s report formats (check_report.py). Standard
library and pyperclip only."""
