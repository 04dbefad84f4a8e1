"""Upgrading keeps notes fresh: a database made by the code before fingerprints saw nesting (the
tether of commit BEFORE, run from its own sources in a subprocess), or before Python's two readings
were made one (commit LAST), is migrated on open, and only the notes whose code really changed are stale."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.helpers import commit, git_repo, write_files

BEFORE = "2adeb0085a413fb22f3b1ed394453ea20243a401"  # main before the nesting-aware fingerprints
LAST = "30e3c5eb204d8ed50c71410eb4b86e52b186c35a"  # main before schema 8 (Python's readings)
REPO = Path(__file__).resolve().parents[1]

FILES = {
    "shop/cart.py": textwrap.dedent('''\
        def price(items):
            """Sum of the items."""
            total = 0
            for i in items:
                total += i
                log(total)
            return total


        def tax(amount, rate):
            return round(amount * rate, 2)


        def label(name):
            return f"{name}!"


        def log(x):
            print(x)
        '''),
    "web/cart.js": textwrap.dedent('''\
        export class Cart {
          add(item) {
            this.items.push(item);
            return this.items.length;
          }
        }
        '''),
    "README.md": "# shop\n",
}

OLD_SIDE = '''
import json, sys
from pathlib import Path
import tether.core
assert str(Path(tether.core.__file__).resolve()).startswith(sys.argv[2]), tether.core.__file__
from tether.core.project import Project
p = Project(sys.argv[1])
p.index()
for target in ["shop/cart.py::price", "shop/cart.py::tax", "shop/cart.py::label", "web/cart.js::Cart.add"]:
    p.add_note("about " + target, symbols=[target])
p.add_note("about the files", files=["README.md", "web/cart.js"])
print(json.dumps(sorted((s.target, s.status) for s in p.stale(reindex=False))))
'''


def _old_tether(tmp_path: Path, sha: str = BEFORE) -> Path:
    """The sources of commit `sha` as an importable `tether` package."""
    try:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", sha, "core"], check=True,
                                 capture_output=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        pytest.skip(f"commit {sha[:7]} is not in this repository's history")
    pkg = tmp_path / "old" / "tether"
    pkg.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(pkg)], input=archive, check=True)
    (pkg / "__init__.py").write_text("")
    return pkg


def test_a_database_from_before_keeps_its_fresh_notes_fresh(tmp_path, monkeypatch):
    pkg = _old_tether(tmp_path)
    root = tmp_path / "repo"
    root.mkdir()
    repo = git_repo(root, FILES)
    old = subprocess.run([sys.executable, "-c", OLD_SIDE, str(root), str(pkg)], capture_output=True, text=True,
                         env={"PYTHONPATH": str(pkg.parent), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert old.returncode == 0, old.stderr
    assert json.loads(old.stdout) == []  # all fresh before the upgrade
    # Changed after the notes, committed and indexed by the old code: `tax` changed for real.
    write_files(root, {"shop/cart.py": FILES["shop/cart.py"].replace("amount * rate, 2", "amount * rate, 3")})
    commit(repo, "tax rounds to 3 places")
    reindex = OLD_SIDE.split("p = Project(sys.argv[1])")[0] + "Project(sys.argv[1]).index()\n"
    assert subprocess.run([sys.executable, "-c", reindex, str(root), str(pkg)], capture_output=True,
                          env={"PYTHONPATH": str(pkg.parent), "PATH": "/usr/bin:/bin"}).returncode == 0
    # Changed after the last index of the old code: `label`, and `price` (a statement moved out of
    # its block, which the old fingerprints could not see).
    source = (root / "shop/cart.py").read_text()
    source = source.replace('f"{name}!"', 'f"{name}?"').replace("        log(total)", "    log(total)")
    write_files(root, {"shop/cart.py": source})

    import duckdb

    db = root / ".tether" / "tether.duckdb"
    con = duckdb.connect(str(db))
    before = dict(con.execute("SELECT target, code_hash FROM links").fetchall())
    con.close()

    from tether.core.project import Project
    from tether.core.store import Store

    runs = []  # schemas 7 and 8 both ask for it: it runs once (a second run would miss the blobs 7 forgets)
    step = Store._refingerprint_anchors
    monkeypatch.setattr(Store, "_refingerprint_anchors", lambda self, con: runs.append(1) or step(self, con))
    p = Project(root)
    statuses = {s.target: s.status for s in p.stale()}
    assert statuses == {"shop/cart.py::tax": "stale", "shop/cart.py::label": "stale", "shop/cart.py::price": "stale"}
    assert runs == [1]
    with p.store.read() as con:
        after = dict(con.execute("SELECT target, code_hash FROM links").fetchall())
    assert after["web/cart.js::Cart.add"] != before["web/cart.js::Cart.add"]  # re-fingerprinted
    assert after["web/cart.js"] != before["web/cart.js"]
    assert after["README.md"] == before["README.md"]  # no grammar: its words, hashed as before

    # And once the code is back as it was when linked, every note is fresh again.
    write_files(root, {"shop/cart.py": FILES["shop/cart.py"]})
    assert p.stale() == []



READINGS = {  # what schema 8's fingerprints read otherwise than LAST's
    "lib/types.py": textwrap.dedent('''\
        def headers(raw) -> Mapping[str, List[str]]:
            return parse(raw)


        def ctype(name, mode):
            if mode:
                "a string opening a block"
                name = name.upper()
            return name


        def pairs(c, d) -> Tuple[int, ...]:
            a, *b = c, *d[1:]
            return a
        '''),
}
LAST_SIDE = OLD_SIDE.replace(
    '["shop/cart.py::price", "shop/cart.py::tax", "shop/cart.py::label", "web/cart.js::Cart.add"]',
    '["lib/types.py::headers", "lib/types.py::ctype", "lib/types.py::pairs"]',
).replace('p.add_note("about the files", files=["README.md", "web/cart.js"])\n', "")


def test_a_database_from_the_last_schema_is_refingerprinted_once(tmp_path, monkeypatch):
    pkg = _old_tether(tmp_path, LAST)
    root = tmp_path / "repo"
    root.mkdir()
    git_repo(root, READINGS)
    old = subprocess.run([sys.executable, "-c", LAST_SIDE, str(root), str(pkg)], capture_output=True, text=True,
                         env={"PYTHONPATH": str(pkg.parent), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert old.returncode == 0, old.stderr
    assert json.loads(old.stdout) == []
    # Changed after the last index: `pairs` for real, and the string opening `ctype`'s `if` block, which
    # LAST's fingerprints left out as a docstring.
    source = READINGS["lib/types.py"].replace("d[1:]", "d[2:]").replace("opening a block", "opening the block")
    write_files(root, {"lib/types.py": source})

    import duckdb

    con = duckdb.connect(str(root / ".tether" / "tether.duckdb"))
    before = dict(con.execute("SELECT target, code_hash FROM links").fetchall())
    version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    con.close()
    assert version == "7"

    from tether.core.project import Project
    from tether.core.store import Store

    runs = []
    step = Store._refingerprint_anchors
    monkeypatch.setattr(Store, "_refingerprint_anchors", lambda self, con: runs.append(1) or step(self, con))
    p = Project(root)
    assert {s.target: s.status for s in p.stale()} == {"lib/types.py::ctype": "stale", "lib/types.py::pairs": "stale"}
    assert runs == [1]
    with p.store.read() as con:
        after = dict(con.execute("SELECT target, code_hash FROM links").fetchall())
    assert after["lib/types.py::headers"] != before["lib/types.py::headers"]  # re-fingerprinted, and fresh

    write_files(root, {"lib/types.py": READINGS["lib/types.py"]})
    assert p.stale() == []
