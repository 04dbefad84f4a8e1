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
