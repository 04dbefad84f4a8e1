"""The app's screens: one per mode (browse, notes, triage, capsule), the help screen and modals."""
