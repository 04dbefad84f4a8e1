-- The lookup indexes of 0003 made no measurable difference to reads (DuckDB scans these
-- tables in milliseconds), but every index run paid for them at commit: about 0.9 s when a
-- pull changes 500 of sympy's files.
DROP INDEX IF EXISTS symbols_id;
DROP INDEX IF EXISTS refs_src;
