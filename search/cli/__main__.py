"""``python -m search.cli`` runs the ``disco`` command line (:mod:`search.app.cli`)."""

from search.app.cli import _entry

_entry()
