"""The demo company: a seeded, deterministic professional-services and SaaS dataset."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Final

from autobill.demo.activity import build_activity, set_caps
from autobill.demo.common import OBJECTS, Store
from autobill.demo.contracts import build_contracts
from autobill.demo.documents import build_documents
from autobill.demo.history import build_history
from autobill.demo.master import COMPANY, build_master
from autobill.demo.output import dump
from autobill.demo.projects import build_projects

DEFAULT_SEED: Final = 2026
DATASET_FILE: Final = "demo-company.yaml"
DATA_DIR: Final = Path(__file__).resolve().parent / "data"

__all__ = ["DATASET_FILE", "DEFAULT_SEED", "Demo", "build", "dataset_path", "generate", "write"]


@dataclass(frozen=True)
class Demo:
    """A generated demo company: the raw dataset mapping and the files of its documents."""

    dataset: dict[str, Any]
    documents: dict[str, bytes]

    @cached_property
    def files(self) -> dict[str, bytes]:
        """Every file to write, by path relative to the dataset's folder, the YAML first."""
        return {DATASET_FILE: dump(self.dataset), **self.documents}


def build(seed: int = DEFAULT_SEED) -> Demo:
    """Generate the demo company from ``seed``; the same seed always gives the same company."""
    store = Store(random.Random(seed))  # noqa: S311 - seeded demo data, not secrets
    build_master(store)
    build_contracts(store)
    build_projects(store)
    build_activity(store)
    build_history(store)
    set_caps(store)
    build_documents(store)
    dataset: dict[str, Any] = {"format": "autobill-dataset/1", "COMPANY": dict(COMPANY)}
    dataset.update({name: store.records[name] for name in OBJECTS})
    return Demo(dataset, dict(sorted(store.files.items())))


def generate(seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Return the raw dataset mapping of the demo company generated from ``seed``."""
    return build(seed).dataset


def write(path: Path, *, seed: int = DEFAULT_SEED) -> Path:
    """Write the dataset and its ``documents/`` folder; return the dataset file's path.

    ``path`` is the dataset file to write, or a folder to write ``demo-company.yaml`` into.
    """
    target = path if path.suffix in {".yaml", ".yml"} else path / DATASET_FILE
    folder = target.parent
    for relative, content in build(seed).files.items():
        destination = target if relative == DATASET_FILE else folder / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(content)
    return target


def dataset_path() -> Path:
    """Return the checked-in demo dataset, which works offline without generating."""
    return DATA_DIR / DATASET_FILE
