"""``disco bilinear``: structured products and general bilinear maps.

Subcommands::

    disco bilinear search --structure kg --n 3 --field F3 --target 14 --lift Q -o s.json
                                            the search flags of every disco search command
                                            (--seed --time-limit --steps --workers --backend --cluster
                                            --checkpoint --checkpoint-every --resume --db --force --json -q)
    disco bilinear search --builtin complex --field F3 --target 3 --lift Z
    disco bilinear search --structure gt --n 4 --target 34 --lift Z --corners 2 --fix a21,b21,c22 --fix a33,b33,c33
    disco bilinear targets [--n 3]          every format code with its shape and naive rank
    disco bilinear known [--structure ss]   best known ranks (solvers/data/structured_ranks.csv)
    disco bilinear cost s.json              rank, additions, recursive calls, asymptotic factor

Structure codes: ``xy`` with x, y in g (general), u (upper), l (lower), s (symmetric),
k (skew) for ``C = A B``; ``xt`` for ``C = X X^T`` (``gt`` = ``A A^T``). Scheme files are
the JSON of ``BilinearScheme.to_json`` (target entries and names included) or the JSON of a
search result; existing files are never overwritten without ``--force``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from search.app.cli._common import add_common_flags, emit
from search.flags import add_search_flags


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("bilinear", help="structured matrix products / any bilinear map: search, cost, known ranks",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="bilinear_command", metavar="SUBCOMMAND")

    q = sub.add_parser("search", help="flip-graph search over F2/F3 with lifting to Z/Q", allow_abbrev=False)
    q.add_argument("--structure", default=None, help="format code such as kg, ss, gt, ug")
    q.add_argument("--n", type=int, default=None, help="matrix size for --structure")
    q.add_argument("--builtin", default=None, help="complex | polmul:DA,DB | matmul:NxMxP (instead of --structure)")
    q.add_argument("--field", default="F2", help="F2 or F3 (default F2)")
    q.add_argument("--lift", dest="lift_to", default=None, choices=["Z", "Q"], help="lift schemes to Z or Q")
    q.add_argument("--method", default="walk", choices=["walk", "pool", "paths"],
                   help="walk (default), pool, or paths: many short walks from a pool of rank target+1 schemes")
    q.add_argument("--walkers", type=int, default=1)
    q.add_argument("--corners", default=None,
                   help="outputs computed by their naive products: a count k (the diagonal outputs c11, cnn, ...) "
                        "or names such as c11,c44; for X X^T formats these are recursive calls")
    q.add_argument("--fix", action="append", default=[], metavar="A,B,C",
                   help="one more entry computed naively, e.g. a21,b21,c22 (a square of X X^T; repeatable)")
    q.add_argument("--recursive-flips", type=int, default=0,
                   help="flips spent at the reached rank looking for more recursive calls")
    add_search_flags(q, target_help="target rank (default: best known)", steps_help="flip budget over all walks",
                     time_limit=60.0, target_type=int)
    q.add_argument("--max-flips", dest="steps", type=int, default=None, help=argparse.SUPPRESS)  # former --steps
    q.set_defaults(handler=_search)

    q = sub.add_parser("targets", help="list the structured formats with shapes and naive ranks")
    q.add_argument("--n", type=int, default=2, help="matrix size (default 2)")
    add_common_flags(q)
    q.set_defaults(handler=_targets)

    q = sub.add_parser("known", help="best known ranks of structured formats with sources")
    q.add_argument("--structure", default=None)
    add_common_flags(q)
    q.set_defaults(handler=_known)

    q = sub.add_parser("cost", help="recursive cost of a structured scheme file")
    q.add_argument("file")
    q.add_argument("--structure", default=None, help="read the scheme as this format (with --n)")
    q.add_argument("--n", type=int, default=None)
    q.add_argument("--ring", default=None, help="ring to verify over (default: the file's ring)")
    q.add_argument("--gamma", action="append", default=[], metavar="FORMAT=VALUE",
                   help="known factor of another format called by the scheme, e.g. gt=8/13 (repeatable)")
    add_common_flags(q)
    q.set_defaults(handler=_cost)


def _builtin(spec: str) -> Any:
    from engine.errors import InvalidInputError
    from engine.tensors import (
        complex_multiplication_tensor,
        matmul_tensor,
        parse_format,
        polynomial_multiplication_tensor,
    )

    name, _, arg = spec.partition(":")
    name = name.strip().lower()
    if name == "complex":
        return complex_multiplication_tensor()
    if name == "polmul":
        try:
            da, db = (int(x) for x in arg.split(","))
        except ValueError:
            raise InvalidInputError(f"--builtin {spec!r}: write polmul:DA,DB, for example polmul:2,2") from None
        return polynomial_multiplication_tensor(da, db)
    if name == "matmul":
        return matmul_tensor(*parse_format(arg))
    raise InvalidInputError(f"--builtin {spec!r} is unknown; use complex, polmul:DA,DB or matmul:NxMxP")


def _search(args: argparse.Namespace) -> int:
    from engine.errors import InvalidInputError
    from engine.structured import structured_tensor
    from search.flags import exit_code, runner_options
    from search.flipgraph.bilinear import FIELDS, bilinear_search

    if (args.structure is None) == (args.builtin is None):
        raise InvalidInputError("give exactly one of --structure CODE (with --n) and --builtin NAME")
    field = args.field.strip().upper()
    if field not in FIELDS:
        raise InvalidInputError(f"--field {args.field!r} cannot be searched; use F2 or F3 (--lift Z or Q for Z/Q)")
    if args.seed is not None and args.seed < 0:
        raise InvalidInputError(f"--seed {args.seed} must be a non-negative integer")
    if args.structure is not None:
        if args.n is None:
            raise InvalidInputError("--structure needs --n (the matrix size)")
        target: Any = structured_tensor(args.structure, args.n)  # a bad code is refused before the store opens
    else:
        target = _builtin(args.builtin)
    corners: Any = None
    if args.corners is not None:
        c = args.corners.strip()
        corners = int(c) if c.isdigit() else [x.strip() for x in c.split(",") if x.strip()]
    fixed = []
    for f in args.fix:
        parts = [x.strip() for x in f.split(",")]
        if len(parts) != 3:
            raise InvalidInputError(f"--fix {f!r} must be three names A,B,C such as a21,b21,c22")
        fixed.append(tuple(parts))
    if args.target is not None and corners is None and not fixed:
        from search.flipgraph.walk import check_target_rank

        check_target_rank(getattr(target, "target", target), int(args.target))  # exit 3 before the store opens
    opts = runner_options(args)  # every flag checked (-o, --checkpoint, --resume) before the store opens
    res = bilinear_search(
        target, field=field, lift_to=args.lift_to, method=args.method, walkers=args.walkers, corners=corners,
        fixed=fixed, recursive_flips=args.recursive_flips, **opts,
    )
    final = res.final
    if args.output:
        Path(args.output).write_text(json.dumps(final.to_json(), indent=1))
    known = "" if res.known_rank is None else f", best known {res.known_rank} (gap {res.gap:+d})"
    cost = ""
    if res.cost is not None and res.cost.factor is not None:
        cost = (f"; recursive calls {res.cost.recursive_calls}, general {res.cost.general_calls}, "
                f"factor {res.cost.factor} ({res.cost.factor_float:.4f}), additions {res.cost.additions}")
    text = (
        f"{res.target} over {res.field}"
        + (f" lifted to {res.lift_to} ({res.lift_ring})" if res.lifted is not None else "")
        + f": rank {res.rank}{known}, target {res.target_rank} {'reached' if res.reached else 'not reached'} "
        f"[{res.stop_reason.value}], {res.flips} flips, {res.attempts} walk(s), {res.elapsed:.2f} s, verified exactly"
        + cost
        + (f"; lifting: {res.lift_reason}" if res.lift_reason else "")
        + (f"; written to {args.output}" if args.output else "")
        + ("; IMPROVES THE KNOWN RANK (re-verified)" if res.improves_record else "")
    )
    emit(res.to_json() if args.json else res, args.json, text)
    return exit_code(res.stop_reason, res.reached)


def _targets(args: argparse.Namespace) -> int:
    from engine.structured import STRUCTURED_FORMATS, structured_tensor
    from solvers.known_ranks import known_structured_rank

    rows = []
    for code in STRUCTURED_FORMATS:
        T = structured_tensor(code, args.n)
        rows.append({"structure": code, "n": args.n, "shape": list(T.shape), "naive_rank": T.nnz,
                     "flattening_bound": max(T.flattening_ranks()), "known_Q": known_structured_rank(code, args.n, "Q"),
                     "description": T.name})
    text = "\n".join(
        f"{r['structure']:>3}  shape {tuple(r['shape'])!s:<14} naive {r['naive_rank']:>4}  bound {r['flattening_bound']:>3}"
        f"  known(Q) {r['known_Q'] if r['known_Q'] is not None else '-':>4}  {r['description']}"
        for r in rows
    )
    emit(rows, args.json, text)
    return 0


def _known(args: argparse.Namespace) -> int:
    from engine.structured import parse_structure
    from solvers.known_ranks import structured_known_ranks

    rows = structured_known_ranks()
    if args.structure:
        code = parse_structure(args.structure)
        rows = [r for r in rows if r["structure"] == code]
    text = "\n".join(f"{r['structure']:>3} n={r['n']} {r['ring']:>2} rank {r['rank']:>3}  [{r['kind']}] {r['source']}  {r['note']}" for r in rows) or "no rows"
    emit(rows, args.json, text)
    return 0


def load_bilinear_scheme(path: str, structure: str | None = None, n: int | None = None) -> Any:
    """Read a scheme JSON (``BilinearScheme.to_json`` or a search result) into a BilinearScheme."""
    from engine.errors import InvalidInputError
    from engine.schemes import BilinearScheme, Scheme
    from engine.structured import bilinear_target, structured_tensor

    p = Path(path)
    if not p.exists():
        raise InvalidInputError(f"file {path!r} does not exist")
    try:
        data = json.loads(p.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InvalidInputError(f"{path}: not valid JSON ({e})") from None
    if not isinstance(data, dict):
        raise InvalidInputError(f"{path}: expected a JSON object with target, u, v, w")
    if "scheme" in data and isinstance(data["scheme"], dict):
        data = data["lifted"] if isinstance(data.get("lifted"), dict) else data["scheme"]
    if "format" in data and "target" not in data:
        return Scheme.from_json(data)
    for key in ("target", "u", "v", "w"):
        if key not in data:
            raise InvalidInputError(f"{path}: missing key {key!r}; expected BilinearScheme JSON (target, u, v, w)")
    tj = data["target"]
    if structure is None and isinstance(tj, dict) and tj.get("structure"):
        structure, n = tj["structure"], tj.get("n")
    if structure is not None:
        if n is None:
            raise InvalidInputError("--structure needs --n")
        T = structured_tensor(structure, n)
        if isinstance(tj, dict) and "entries" in tj:
            given = bilinear_target(tj["shape"], tj["entries"])
            if given.shape != T.shape or not (given.array == T.array).all():
                raise InvalidInputError(f"{path}: the file's target is not the {T.structure} tensor of size {n}")
    else:
        if not isinstance(tj, dict) or "shape" not in tj or "entries" not in tj:
            raise InvalidInputError(f"{path}: target needs 'shape' and 'entries'")
        T = bilinear_target(tj["shape"], tj["entries"], tj.get("a_names", ()), tj.get("b_names", ()),
                            tj.get("c_names", ()), name=tj.get("name", "bilinear map"))
    return BilinearScheme(T, data["u"], data["v"], data["w"], ring=data.get("ring"))


def _cost(args: argparse.Namespace) -> int:
    from solvers.recursive_cost import recursive_cost

    s = load_bilinear_scheme(args.file, args.structure, args.n)
    ring = args.ring or s.ring
    s.check(ring)
    gammas = {}
    for item in args.gamma:
        key, sep, val = item.partition("=")
        try:
            from fractions import Fraction

            gammas[key.strip()] = Fraction(val.strip())
        except (ValueError, ZeroDivisionError):
            sep = ""
        if not sep:
            from engine.errors import InvalidInputError

            raise InvalidInputError(f"--gamma {item!r}: write FORMAT=VALUE, for example gt=8/13")
    c = recursive_cost(s, gammas=gammas)
    out = dict(c.to_json(), ring=ring, verified=True)
    text = (
        f"{c.structure}{c.n}: rank {c.rank} over {ring} (verified exactly), additions {c.additions}, "
        f"recursive calls {c.recursive_calls}, general calls {c.general_calls}"
        + (f", other formats {c.structured_calls}" if c.structured_calls else "")
        + f", factor {c.factor}" + (f" ({c.factor_float:.4f})" if c.factor is not None else " (recursion dominates)")
        + ("" if c.block_exact else "; note: symmetric/skew operands need transposed blocks in the block reading")
    )
    emit(out, args.json, text)
    return 0
