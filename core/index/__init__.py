"""Builds the symbol graph: which files, what symbols and edges, their fingerprints, the run."""
