-- A pinned note is always on: it comes into every capsule, whatever the focus.
ALTER TABLE notes ADD COLUMN pinned BOOLEAN DEFAULT false;

-- Files an operation rewrote (import-claude-md --move takes entries out of CLAUDE.md): undo puts
-- back the bytes of before, in the same step as the notes of that batch.
CREATE TABLE file_edits (
    batch INTEGER NOT NULL,        -- the history batch it belongs to
    path VARCHAR NOT NULL,         -- relative to the repository root
    before BLOB NOT NULL,          -- the file's bytes before the edit
    after_sha VARCHAR NOT NULL     -- sha1 of the bytes written: undo restores only a file left as written
);
