"""Shared pytest fixtures."""

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture
def profile(monkeypatch):
    """Set GANBOOK_PROFILE for one test: ``profile("smoke")``."""

    def set_profile(name: str | None) -> None:
        if name is None:
            monkeypatch.delenv("GANBOOK_PROFILE", raising=False)
        else:
            monkeypatch.setenv("GANBOOK_PROFILE", name)

    return set_profile
