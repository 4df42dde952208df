"""Shared pytest fixtures."""

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# Two logical CPU devices for the tf.distribute tests (test_distribute.py).  TensorFlow
# fixes its devices when it runs its first operation, so this happens before any test
# module is imported; single-device code runs on the first of them, as before.
from ganbook import distribute  # noqa: E402  (imports TensorFlow quietly)

distribute.split_cpu(2)

import tensorflow as tf  # noqa: E402


@pytest.fixture
def deterministic_ops():
    """Deterministic TensorFlow kernels, for tests that compare two runs bit for bit.
    (TensorFlow cannot switch them off again: later tests run deterministically too.)"""
    tf.config.experimental.enable_op_determinism()


@pytest.fixture
def profile(monkeypatch):
    """Set GANBOOK_PROFILE for one test: ``profile("smoke")``."""

    def set_profile(name: str | None) -> None:
        if name is None:
            monkeypatch.delenv("GANBOOK_PROFILE", raising=False)
        else:
            monkeypatch.setenv("GANBOOK_PROFILE", name)

    return set_profile
