-- A pinned note is always on: it comes into every capsule, whatever the focus.
ALTER TABLE notes ADD COLUMN pinned BOOLEAN DEFAULT false;
