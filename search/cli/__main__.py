"""``python -m search.cli`` runs the ``disco`` command line."""

from search.cli import _entry

_entry()
