"""``python -m search.app.cli`` (or ``python -m search.cli``) runs the ``disco`` command line."""

from search.app.cli import _entry

_entry()
