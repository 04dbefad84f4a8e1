"""tether core: the symbol graph, notes, staleness and capsules. Never imports Textual."""
