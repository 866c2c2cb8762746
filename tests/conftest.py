"""Fixtures shared by the whole test suite."""

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """Return the project's shared folder, ``../shared`` beside the repository.

    The specifications, examples and recorded Intacct fixtures live there; tests read them in
    place and never copy them into the repository.
    """
    path = REPO_ROOT.parent / "shared"
    if not path.is_dir():
        pytest.fail(
            f"shared folder not found at {path}: tests read ../shared beside the repository root",
            pytrace=False,
        )
    return path
