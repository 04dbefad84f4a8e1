-- Point lookups (a symbol by id, a symbol's callees) from notes, show and the capsule.
CREATE INDEX symbols_id ON symbols (id);
CREATE INDEX refs_src ON refs (src);
