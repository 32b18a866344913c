"""``search.cli``: the ``disco`` command line under its historical name.

The command line lives in :mod:`search.app.cli` (the application layer); this alias keeps
``python -m search.cli`` and ``from search.cli import main`` working.

Examples:
    >>> from search.cli import main
    >>> main(["--version"])  # doctest: +ELLIPSIS
    disco ...
    0
"""

from search.app.cli import _entry as _entry  # console scripts installed as search.cli:_entry
from search.app.cli import build_parser, main

__all__ = ["main", "build_parser"]
