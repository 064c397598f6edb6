"""Contour's settings plus what the benchmark needs beside the app: an empty login-required
view, a generic Django admin changelist over the patients, and a per-response query count.
Never used outside `benchmarks/run.py`."""

from clinic.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
MIDDLEWARE = ["benchmarks.middleware.QueryCount", *MIDDLEWARE]  # noqa: F405
