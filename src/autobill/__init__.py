"""autobill: turns billable events into correct, reviewed invoices in Sage Intacct.

The package is layered: ``autobill.core`` is the pure billing domain (stdlib only),
``autobill.dataset`` loads company datasets into core records, and ``autobill.cli``
is the command line. The layering is enforced by import-linter (see ``pyproject.toml``).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("autobill")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.1.0"

__all__ = ["__version__"]
