"""Fixtures of the operator command tests: the dev server and a reviewing worker."""

from fixtures.review import review_engine, reviewing  # noqa: F401 - fixtures registered here
from fixtures.temporal import temporal_env  # noqa: F401
