"""tether.tui: the Textual terminal UI (browse, notes, triage, capsule). Built on tether.core only."""
