-- python: _refingerprint_anchors
-- Fingerprints changed again (Python: one reading for what tree-sitter reads two ways; a string
-- opening an `if` block is code). As in 0007, with today's fingerprint function: the anchors first
-- (once, when 0007 is pending too), then every file parsed again at the next index run.
UPDATE files SET blob_id = NULL;
DELETE FROM index_runs;
