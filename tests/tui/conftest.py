"""The demo project (built once, with fixed note ids and times), copied fresh for each test,
and helpers to drive the app with Pilot."""

from __future__ import annotations

import asyncio
import inspect
import shutil
from pathlib import Path

import pytest

from tether.core.project import Project
from tether.tui.screenshots import build_demo


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    return build_demo(tmp_path_factory.mktemp("template") / "demo-shop")


@pytest.fixture
def demo(demo_template, tmp_path) -> Path:
    """A private copy of the demo project (its git repository and its database)."""
    dest = tmp_path / "demo-shop"
    shutil.copytree(demo_template, dest, symlinks=True)
    return dest


@pytest.fixture(autouse=True)
def lasting_notifications(monkeypatch):
    """Notifications stay until the test has read them: on a loaded machine the steps between a
    notification and its check can take longer than the five seconds one is shown."""
    from tether.tui.app import TetherApp

    monkeypatch.setattr(TetherApp, "NOTIFICATION_TIMEOUT", 3600)


@pytest.fixture
def project(demo) -> Project:
    """A Project on the copy, to check the database after the UI acted."""
    return Project(demo)



@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` tests (Pilot) in a fresh event loop; no asyncio plugin needed."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**args))
        return True
    return None
