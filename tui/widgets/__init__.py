"""Widgets the screens share: the mode bar, the lazy symbol tree, the symbol input with suggestions."""
