-- python: _refingerprint_anchors
-- Fingerprints changed (they see nesting). The step above recomputes every link's anchor with the
-- new function first; then every file is parsed again at the next index run, which an empty run
-- log makes the next command start.
UPDATE files SET blob_id = NULL;
DELETE FROM index_runs;
