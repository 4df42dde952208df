"""Helpers shared by the chapters of the GAN Book.

Each module has one concern: ``budget`` (run profiles), ``data`` (datasets and
pipelines) and ``plot`` (figures).  Importing the package quietens TensorFlow's
C++ start-up log so that notebook output stays readable; set
``TF_CPP_MIN_LOG_LEVEL`` yourself to override that.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from ganbook.budget import PROFILES, active_profile, budget  # noqa: E402

__all__ = ["PROFILES", "active_profile", "budget"]
__version__ = "0.1.0"
