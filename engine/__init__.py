"""engine: the exact and high-precision core.

Rings and fields, exact linear algebra over Z, Q and F_p, precision contexts, and the
domain kernels built on them (continued fractions, bilinear schemes, alternating
matrices). ``engine`` imports nothing from ``solvers`` or ``search``.
"""

from engine.errors import (
    EngineError,
    InfeasibleError,
    InvalidInputError,
    NoConvergenceError,
    PrecisionExhaustedError,
    StoreError,
    VerificationError,
)

__all__ = [
    # errors
    "EngineError",
    "InvalidInputError",
    "InfeasibleError",
    "NoConvergenceError",
    "PrecisionExhaustedError",
    "StoreError",
    "VerificationError",
]
