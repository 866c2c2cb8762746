"""Loading company datasets (``autobill-dataset/1``, see ``dataset.md``) into core records.

``load_dataset(path)`` reads a YAML or JSON file; ``parse_dataset(raw)`` converts data already
loaded. Both check every rule of the format and either return a complete, immutable
:class:`~autobill.core.dataset.Dataset` or raise :class:`DatasetError` listing every
:class:`Problem` found; they never return part of a dataset.

Readings of the format that ``dataset.md`` leaves open:

- a text field (an id, an account number, a ZIP code) also accepts a plain integer and takes its
  digits (``ACCOUNTNO: 4000`` is ``"4000"``); an integer YAML reads differently from how it is
  written (``ZIP: 01234`` is octal 668) is rejected instead, as is a boolean (``STATE: ON``);
- an optional field that is null or empty (``""``, ``[]``, ``{}``) counts as absent;
- a decimal string is digits with an optional sign and point (no exponent, spaces or commas);
  CONTRACTUSAGE QUANTITY's "two decimals at most" ignores trailing zeros (``"1.230"``);
- the last of a line's TIERS may have an UPTO (billing treats it as covering all above);
- a DOCUMENT PATH must be relative, stay inside the dataset's folder and name a .txt, .md, .pdf
  or .docx file; ``load_dataset`` stores it resolved against the file's folder.
"""

from autobill.dataset.loader import load_dataset, parse_dataset
from autobill.dataset.problems import DatasetError, Problem

__all__ = ["DatasetError", "Problem", "load_dataset", "parse_dataset"]
