"""Fixtures of the demo company tests: one generation, one load and one preview per session."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from autobill.core.billing import preview
from autobill.dataset import load_dataset
from autobill.demo import build, dataset_path

if TYPE_CHECKING:
    from autobill.core.billing import Preview
    from autobill.core.dataset import Dataset
    from autobill.demo import Demo

AS_OF = date(2026, 12, 31)


@pytest.fixture(scope="session")
def demo() -> Demo:
    """Return the demo company freshly generated from the default seed."""
    return build()


@pytest.fixture(scope="session")
def data() -> Dataset:
    """Return the checked-in demo dataset, loaded by the real loader."""
    return load_dataset(dataset_path())


@pytest.fixture(scope="session")
def demo_preview(data: Dataset) -> Preview:
    """Return the preview of the demo company up to its as-of date, 2026-12-31."""
    return preview(data, as_of=AS_OF)
