"""engine: the exact and high-precision core.

Exact linear algebra over Z, Q and F_p (python-flint), precision contexts that set mpmath
and python-flint together, polynomial continued fractions and conservative matrix fields,
target tensors and bilinear (matrix-multiplication) schemes, alternating matrices and
Pfaffians, and the error hierarchy. ``engine`` imports nothing from ``solvers`` or ``search``.

Names are re-exported lazily (imported on first use) so that ``import engine`` stays cheap.

Examples:
    >>> import engine
    >>> engine.rank([[1, 2], [2, 4]], ring="Q")
    1
    >>> issubclass(engine.InvalidInputError, ValueError)
    True
"""

from engine._lazy import lazy_exports
from engine.errors import (
    EngineError,
    InfeasibleError,
    InvalidInputError,
    NoConvergenceError,
    PrecisionExhaustedError,
    StoreError,
    VerificationError,
)

_GROUPS = {
    "linear algebra": {
        name: "engine.linalg"
        for name in ("rank", "det", "rref", "solve", "particular_solution", "nullspace",
                     "left_nullspace", "hnf", "snf", "rational_reconstruction", "crt")
    },
    "precision": {
        "working_precision": "engine.precision:precision",  # the module keeps its name
        "evaluate_constant": "engine.precision",
        "ConstantValue": "engine.precision",
        "constant_names": "engine.precision",
    },
    "continued fractions": {
        "PCF": "engine.contfrac",
        "LimitResult": "engine.contfrac",
        "ConvergenceInfo": "engine.contfrac",
        "parse_polynomial": "engine.contfrac",
        "worpitzky_bound": "engine.contfrac",
        "WorpitzkyBound": "engine.contfrac",
        "CMF": "engine.cmf",
        "e_cmf": "engine.cmf",
        "pi_cmf": "engine.cmf",
        "zeta3_cmf": "engine.cmf",
        "MatrixField": "engine.cmf",
        "hypergeometric_2f1_field": "engine.cmf",
        "hypergeometric_1f1_field": "engine.cmf",
        "hypergeometric_pfq_field": "engine.cmf",
        "LinearRecurrence": "engine.recurrence",
        "find_coboundary": "engine.recurrence",
        "CoboundaryCertificate": "engine.recurrence",
        "FoldCertificate": "engine.recurrence",
        "fold_certificate": "engine.recurrence",
    },
    "bilinear schemes": {
        "TargetTensor": "engine.tensors",
        "matmul_tensor": "engine.tensors",
        "polynomial_multiplication_tensor": "engine.tensors",
        "complex_multiplication_tensor": "engine.tensors",
        "BilinearScheme": "engine.schemes",
        "Scheme": "engine.schemes",
        "VerificationReport": "engine.schemes",
        "StructuredTarget": "engine.structured",
        "structured_tensor": "engine.structured",
        "bilinear_target": "engine.structured",
        "STRUCTURED_FORMATS": "engine.structured",
    },
    "alternating matrices": {
        name: "engine.alternating"
        for name in ("AlternatingMatrix", "check_alternating", "alternating_rank", "pfaffian",
                     "pfaffian_division_free", "pfaffian_minor", "darboux_basis",
                     "random_alternating")
    },
}

_lazy_all, __getattr__, __dir__ = lazy_exports(__name__, _GROUPS)

__all__ = [
    # errors
    "EngineError",
    "InvalidInputError",
    "InfeasibleError",
    "NoConvergenceError",
    "PrecisionExhaustedError",
    "StoreError",
    "VerificationError",
    # linear algebra, precision, continued fractions, schemes, alternating matrices
    *_lazy_all,
]
