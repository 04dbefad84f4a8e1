-- The symbol graph. Rows of one file are replaced together by each index run.
CREATE TABLE files (
    path VARCHAR NOT NULL,
    language VARCHAR,
    blob_id VARCHAR,            -- git blob id of the content (also for non-git directories)
    size BIGINT,
    mtime_ns BIGINT,
    indexed_at TIMESTAMP,
    code_hash VARCHAR,          -- formatting-blind fingerprint of the whole file
    symbols INTEGER DEFAULT 0,
    syntax_errors INTEGER DEFAULT 0,
    skipped VARCHAR              -- reason, when the file was not parsed
);

CREATE TABLE symbols (
    id VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    parent_id VARCHAR,
    language VARCHAR NOT NULL,
    start_line INTEGER, end_line INTEGER,
    start_byte INTEGER, end_byte INTEGER,
    signature VARCHAR,
    code_hash VARCHAR, sig_hash VARCHAR, blind_hash VARCHAR
);

-- Calls, inherits and imports as extracted; dst is the resolved symbol id or file path.
CREATE TABLE refs (
    path VARCHAR NOT NULL,
    src VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    target VARCHAR NOT NULL,
    line INTEGER,
    self_call BOOLEAN,
    dst VARCHAR
);

-- Names an import binds in a file, and the file it resolves to.
CREATE TABLE bindings (
    path VARCHAR NOT NULL,
    local VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    target_path VARCHAR
);

CREATE TABLE index_runs (
    started_at TIMESTAMP,
    commit VARCHAR,
    seconds DOUBLE,
    files INTEGER, parsed INTEGER, removed INTEGER,
    symbols INTEGER, edges INTEGER, skipped INTEGER
);

-- contains edges are the nesting; the rest are the refs.
CREATE VIEW edges AS
    SELECT coalesce(parent_id, path) AS src, 'contains' AS kind, id AS dst, true AS resolved, start_line AS line
    FROM symbols
    UNION ALL
    SELECT src, kind, coalesce(dst, target) AS dst, dst IS NOT NULL AS resolved, line FROM refs;
