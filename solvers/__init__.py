"""solvers: one module per domain problem, built on ``engine``.

Reaction balancing (:mod:`solvers.reactions`), constant identification
(:mod:`solvers.constants`), scheme lifting and constant-rank spaces of alternating
matrices (:mod:`solvers.constant_rank`).
"""

__all__: list[str] = []
