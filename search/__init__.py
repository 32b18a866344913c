"""search: problem-independent search drivers, the results store, concrete searches and the CLI.

The driver core (ask/tell protocols, budgets, stop reasons, parallel backends) knows
nothing about the domains; the concrete searches (flip graphs, continued-fraction
enumeration, extremal graphs, constant-rank spaces) plug into it.
"""

__all__: list[str] = []
