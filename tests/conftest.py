"""Shared fixtures: a Project on a real git repository in a tmp dir."""

import pytest

from tests.helpers import git_repo


@pytest.fixture
def make_project(tmp_path):
    """make_project(files) -> (Project, pygit2.Repository) on a fresh repository with files committed."""
    from tether.core.project import Project

    def make(files: dict, commit: bool = True):
        root = tmp_path / "repo"
        root.mkdir()
        repo = git_repo(root, files if commit else None)
        if not commit:
            from tests.helpers import write_files

            write_files(root, files)
        return Project(root), repo

    return make


@pytest.fixture
def clock(monkeypatch):
    """Set the time stamp note operations write: clock("2030-01-01T00:00:00Z")."""
    from tether.core import notes

    def set_time(stamp: str) -> None:
        monkeypatch.setattr(notes, "now", lambda: stamp)

    return set_time
