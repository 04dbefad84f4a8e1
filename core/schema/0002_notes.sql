-- Notes and their links. A link's anchor records the code it was made against.
CREATE TABLE notes (
    id VARCHAR PRIMARY KEY,
    text VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    tags VARCHAR[] NOT NULL,
    source VARCHAR NOT NULL,       -- user | agent
    session VARCHAR,
    created_at VARCHAR NOT NULL,   -- ISO 8601, UTC
    updated_at VARCHAR NOT NULL,
    commit VARCHAR,
    state VARCHAR NOT NULL,        -- active | archived | deleted
    private BOOLEAN NOT NULL,
    origin VARCHAR                 -- where an imported note came from
);

CREATE TABLE links (
    note_id VARCHAR NOT NULL,
    target VARCHAR NOT NULL,       -- symbol id or file path
    kind VARCHAR NOT NULL,         -- symbol | file
    code_hash VARCHAR, sig_hash VARCHAR, blind_hash VARCHAR,
    anchor_text VARCHAR,
    commit VARCHAR,
    deps VARCHAR,                  -- JSON {dependency id: its code_hash at link time}
    moved_from VARCHAR,
    position INTEGER               -- order of the note's links
);

-- Append-only: every note operation with the note before and after (JSON), for undo.
CREATE TABLE history (
    seq INTEGER NOT NULL,
    batch INTEGER NOT NULL,        -- one user action; undo reverts a whole batch
    "at" VARCHAR NOT NULL,
    actor VARCHAR NOT NULL,
    op VARCHAR NOT NULL,
    note_id VARCHAR NOT NULL,
    before VARCHAR,
    after VARCHAR,
    undoes INTEGER                 -- for op = undo: the batch it reverted
);
