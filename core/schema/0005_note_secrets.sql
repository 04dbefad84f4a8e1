-- What the secret scan (core/secret_scan.py) found in each note's text: NULL not scanned yet
-- (notes from before this script: scanned at the next index), '' nothing, 'allowed' a finding a
-- person let through as a false positive, else the finding ("AWS Access Key at line 2, column 7").
-- A note with a finding never reaches a capsule, a hook's answer or an exported file.
ALTER TABLE notes ADD COLUMN secret VARCHAR;
