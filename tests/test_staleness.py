"""Staleness on real git histories: each kind of change gives the status users expect."""

import pygit2

from tests.helpers import commit

BASE = {
    "app/users.py": '''\
"""Users."""
from app.db import Pool


class UserService:
    def refresh(self):
        """Reload."""
        conn = Pool().get()
        return conn + 1

    def load(self, user_id):
        return user_id * 2


def helper(x):
    return x - 1


def obsolete():
    return None
''',
    "app/db.py": "class Pool:\n    def get(self):\n        return 1\n",
    "app/auth.py": "class Signer:\n    def sign(self, data):\n        return data[::-1]\n\n\ndef token():\n    return 'abc'\n",
    "docs/guide.md": "# Guide\n",
}


def setup(make_project):
    project, repo = make_project(BASE)
    project.index()
    notes = {
        "refresh": project.add_note("refresh reloads everything", symbols=["UserService.refresh"]),
        "load": project.add_note("load doubles ids", symbols=["UserService.load"]),
        "helper": project.add_note("helper subtracts", symbols=["helper"]),
        "obsolete": project.add_note("obsolete returns None", symbols=["obsolete"]),
        "sign": project.add_note("sign reverses", symbols=["Signer.sign"]),
        "token": project.add_note("tokens are constant", symbols=["token"]),
        "db": project.add_note("the db file", files=["app/db.py"]),
        "wide": project.add_note("project-wide convention"),
    }
    return project, repo, notes


def status_of(project, note):
    view = project.views([project.note(note.id)])[0]
    return [(s.status, s.to, s.reason) for s in view.links], view.status


def test_all_fresh_after_linking(make_project):
    project, _, notes = setup(make_project)
    assert project.stale() == []
    assert all(v.status == "fresh" for v in project.views(project.all_notes()))


def test_body_and_signature_changes(make_project):
    project, repo, notes = setup(make_project)
    src = BASE["app/users.py"].replace("return conn + 1", "return conn + 2").replace("def load(self, user_id)", "def load(self, user_id, cache)")
    commit(repo, "edit", {"app/users.py": src})
    project.index()
    assert status_of(project, notes["refresh"])[0] == [("stale", None, "body changed (signature unchanged)")]
    assert status_of(project, notes["load"])[0] == [("stale", None, "signature changed")]
    detail = project.note_detail(notes["refresh"].id)
    assert "-    return conn + 1\n+    return conn + 2\n" in detail.links[0]["diff"]
    assert [c["summary"] for c in detail.links[0]["commits"]] == ["edit"]


def test_formatting_comments_docstrings_never_stale(make_project):
    project, repo, notes = setup(make_project)
    src = BASE["app/users.py"].replace('"""Reload."""', '"""Reload everything, documented better."""') \
        .replace("conn = Pool().get()", "conn = Pool( ).get()  # one connection") \
        .replace("return x - 1", "return (x - 1)")
    reformatted = "class Pool:\n\n    def get( self ):\n        # always one\n        return (1)\n"
    commit(repo, "reformat", {"app/users.py": src, "app/db.py": reformatted})
    project.index()
    assert project.stale() == []


def test_rename_move_class_rename_delete(make_project):
    project, repo, notes = setup(make_project)
    users = BASE["app/users.py"].replace("def helper(x)", "def subtract_one(x)").replace(
        "def obsolete():\n    return None\n", "")
    auth = "class HmacSigner:\n    def sign(self, data):\n        return data[::-1]\n"
    commit(repo, "refactor", {"app/users.py": users, "app/auth.py": auth,
                              "app/tokens.py": "def token():\n    return 'abc'\n"})
    project.config = project.config.__class__(auto_relink=False)
    project.index()
    assert status_of(project, notes["helper"])[0] == [("moved", "app/users.py::subtract_one", "renamed to app/users.py::subtract_one")]
    assert status_of(project, notes["sign"])[0] == [("moved", "app/auth.py::HmacSigner.sign", "renamed to app/auth.py::HmacSigner.sign")]
    assert status_of(project, notes["token"])[0] == [("moved", "app/tokens.py::token", "moved to app/tokens.py::token")]
    assert status_of(project, notes["obsolete"])[0] == [("orphaned", None, "the symbol is gone and nothing matches it")]
    project.relink_note(notes["helper"].id)  # takes the suggestion
    assert status_of(project, notes["helper"]) == ([("fresh", None, "")], "fresh")


def test_auto_relink_follows_and_is_recorded(make_project):
    project, repo, notes = setup(make_project)
    commit(repo, "move", {"app/auth.py": "class Signer:\n    def sign(self, data):\n        return data[::-1]\n",
                          "app/tokens.py": "def token():\n    return 'abc'\n"})
    project.index()
    note = project.note(notes["token"].id)
    assert note.links[0].target == "app/tokens.py::token" and note.links[0].moved_from == "app/auth.py::token"
    assert status_of(project, notes["token"])[0][0][0] == "moved"
    assert [h["op"] for h in project.history(notes["token"].id)][0] == "auto-relink"
    project.confirm_notes([notes["token"].id])  # seen: no longer reported
    assert status_of(project, notes["token"]) == ([("fresh", None, "")], "fresh")


def test_moved_and_edited_by_similarity(make_project):
    project, repo, notes = setup(make_project)
    users = BASE["app/users.py"].replace("def obsolete():\n    return None\n", "")
    commit(repo, "move+edit", {"app/users.py": users,
                                "app/legacy.py": "def obsolete():\n    return None  # still\n\n\n\ndef other():\n    pass\n"})
    commit(repo, "edit", {"app/legacy.py": "def obsolete():\n    return 0\n"})
    project.index()
    (status, to, reason), = status_of(project, notes["obsolete"])[0]
    assert (status, to) == ("moved", "app/legacy.py::obsolete") and "and changed" in reason


def test_file_links_and_file_delete(make_project):
    project, repo, notes = setup(make_project)
    commit(repo, "fmt", {"app/db.py": "class Pool:\n    def get(self):\n        return (1)  # same\n"})
    project.index()
    assert status_of(project, notes["db"])[1] == "fresh"
    commit(repo, "change", {"app/db.py": "class Pool:\n    def get(self):\n        return 2\n"})
    project.index()
    assert status_of(project, notes["db"])[0] == [("stale", None, "the file's code changed")]
    commit(repo, "delete", {"app/db.py": None})
    project.index()
    assert status_of(project, notes["db"])[0] == [("orphaned", None, "the file is gone")]


def test_a_file_in_no_language_goes_stale_on_words_not_whitespace(make_project):
    project, repo, _ = setup(make_project)
    note = project.add_note("the guide explains setup", files=["docs/guide.md"])
    commit(repo, "spaces", {"docs/guide.md": "#   Guide  \n\n\n"})
    project.index()
    assert status_of(project, note)[1] == "fresh"
    commit(repo, "words", {"docs/guide.md": "# Guide to setup\n"})
    project.index()
    assert status_of(project, note)[0] == [("stale", None, "the file's code changed")]


def test_dependency_change_is_suspect_not_stale(make_project):
    project, repo, notes = setup(make_project)
    commit(repo, "db", {"app/db.py": "class Pool:\n    def get(self):\n        return 42\n"})
    found = project.stale()
    assert [(s.note_id, s.status, s.severity) for s in found if s.note_id == notes["refresh"].id] == [
        (notes["refresh"].id, "suspect", "low")]
    assert "app/db.py::Pool.get" in [s for s in found if s.note_id == notes["refresh"].id][0].reason


def test_two_branches_merged(make_project):
    project, repo, notes = setup(make_project)
    main = repo.head.target
    repo.branches.local.create("feature", repo[main])
    commit(repo, "main edits load", {"app/users.py": BASE["app/users.py"].replace("user_id * 2", "user_id * 3")})
    main_tip = repo.head.target
    repo.checkout("refs/heads/feature")
    commit(repo, "feature edits sign", {"app/auth.py": BASE["app/auth.py"].replace("data[::-1]", "data[::2]")})
    feature_tip = repo.head.target
    repo.checkout("refs/heads/main")
    repo.merge(feature_tip)
    tree = repo.index.write_tree()
    sig = pygit2.Signature("T", "t@example.com")
    repo.create_commit("HEAD", sig, sig, "merge feature", tree, [main_tip, feature_tip])
    repo.state_cleanup()
    project.index()
    stale = {(s.note_id, s.status) for s in project.stale()}
    assert (notes["load"].id, "stale") in stale and (notes["sign"].id, "stale") in stale
    assert (notes["helper"].id, "stale") not in stale


MESSY = {
    "app/orders.py": """\
import os,sys
class Order ( object ) :
    '''An order.'''
    def total(self,items,discount = 0.0):
        return sum( [ i[ 'price' ]*i['qty'] for i in items ] )*( 1-discount )
    def ship( self ,address ):
        if(address is None): raise ValueError( 'no address' )
        return {'to':address,'items':[1,2,3,],}
def helper(x,y ,z):
      return (x+y)*z
""",
}


def test_a_repo_wide_black_reformat_leaves_every_note_fresh(make_project):
    import black

    project, repo = make_project(MESSY)
    project.index()
    ids = [project.add_note(f"note on {s}", symbols=[s]).id for s in ("Order", "Order.total", "Order.ship", "helper")]
    ids.append(project.add_note("the file", files=["app/orders.py"]).id)
    formatted = black.format_str(MESSY["app/orders.py"], mode=black.Mode())
    assert formatted != MESSY["app/orders.py"]
    commit(repo, "black", {"app/orders.py": formatted})
    assert project.index().parsed == 1
    assert project.stale() == []
    assert {v.status for v in project.views(project.all_notes())} == {"fresh"}
