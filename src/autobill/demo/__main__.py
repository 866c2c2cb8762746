"""Regenerate the checked-in demo company: ``python -m autobill.demo [FOLDER] [--seed N]``."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from autobill.demo import DATA_DIR, DEFAULT_SEED, write


def main() -> None:
    """Write the demo company into FOLDER (the package's data folder by default)."""
    parser = argparse.ArgumentParser(prog="python -m autobill.demo", description=main.__doc__)
    parser.add_argument("folder", nargs="?", type=Path, default=DATA_DIR)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    if args.folder.resolve() == DATA_DIR:
        # The checked-in copy must hold exactly the generated files: drop renamed documents.
        shutil.rmtree(DATA_DIR / "documents", ignore_errors=True)
    print(write(args.folder, seed=args.seed))  # noqa: T201 - the command reports what it wrote


if __name__ == "__main__":
    main()
