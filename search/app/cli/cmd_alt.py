"""disco alt: alternating matrices of constant rank (see _DESCRIPTION for the help text)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from search.app.cli._common import add_common_flags, emit
from search.flags import add_search_flags

_DESCRIPTION = """Alternating matrices of constant rank.

Subcommands:
  disco alt rank FILE [--field F]           rank and Pfaffian of a matrix (rank profile of a space)
  disco alt check FILE [--method symbolic]  decide whether a space has constant rank
  disco alt extremal --n 7 --r 4 [--field Q]
                                            the largest verified space and whether its
                                            dimension is proved
  disco alt search --n 6 --r 4 --field F2   search a large constant-rank space (stored)
  disco alt table [--fields Q,2,3,4]        the table of a_F(n, r) for n <= 7: proved values
                                            and bounds

FILE is JSON: a matrix [[0, 1], [-1, 0]] (or {"matrix": ..., "field": ...}) for rank, and a
space {"n": 4, "field": "F3", "base": [[...]], "directions": [[[...]], ...]} for check.
Fields: Q, a prime p (F3, GF(5), 7), or F4, F8, F9. Over F4, F8, F9 an element is an integer
0..q-1 whose base-p digits are the coefficients of a polynomial in the generator g, modulo
g^2 + g + 1 (F4), g^3 + g + 1 (F8), g^2 + 2g + 2 (F9).
"""

_CHECK_DOC = """Decide whether every point of an affine family has the same rank.

Methods: auto (exhaustive over a finite field when q^d <= --max-points, else symbolic),
exhaustive (every point), symbolic (Pfaffian minors as polynomials: the order r+2 minors
vanish identically, or, over a finite field, at every point (reduced modulo t^q - t); and an
order-r minor is a nonzero constant, on each slice t_v = a over a finite field, or, over Q,
has no rational common zero: Groebner basis, or a quadratic form anisotropic by
Hasse-Minkowski).

Exit codes: 0 constant rank (proved); 3 not constant (a point of another rank is printed);
1 undecided (the reason is printed); 2 bad input.
"""

_EXTREMAL_DOC = """The largest verified affine space of n x n alternating matrices of constant rank r.

Candidates: the generic construction (dimension s(n-s-1), s(s+1) for n = r+1), the Frobenius
construction (n = r+2, q <= r/2+1: one more), the stored search results, and for tiny cases
the exhaustive branch and bound. The largest one whose constant rank is decided exactly is
printed with its dimension and whether that dimension is proved to be the greatest
(a theorem, the exhaustive branch and bound, or only bounds).
"""

_TABLE_DOC = """The table of a_F(n, r) (greatest dimension of an affine space of rank-r alternating
n x n matrices over F) for n <= --max-n, every even r <= n, and the given fields, plus every
case stored by the searches. Each entry is a proved value (lower bound = upper bound) or
bounds lo..up, with a verified space attaining lo; every entry is re-verified before it is
printed. The computation runs on the search runner: --checkpoint PATH --resume continues a
killed run; --db stores the entries.

Exports: --latex FILE, --csv FILE, --sage FILE (a Sage script that rebuilds and checks every
space); never overwritten without --force.
"""

_SEARCH_DOC = """Search a large affine space of n x n alternating matrices of constant rank r over F_q
(q a prime, or 4, 8, 9).

Every family found is verified exactly (its rank at every point) and committed to the results
store (domain altspaces) before it is printed; --checkpoint PATH --checkpoint-every S writes a
checkpoint that --resume continues after a crash (nothing verified is lost). -o PATH writes the
best space as JSON (the format of 'disco alt check'; never overwritten without --force).

Exit codes: 0 the target (default: a proved greatest dimension) was reached; 1 the budget was
spent first (the best family found is stored and printed); 2 bad input; 3 the target exceeds a
proved greatest dimension (no such family exists).
"""

#: exit codes of ``disco alt check``
CHECK_EXIT = {"constant": 0, "not_constant": 3, "unknown": 1}


def register(subparsers: argparse._SubParsersAction) -> None:
    raw = argparse.RawDescriptionHelpFormatter
    p = subparsers.add_parser("alt", help="alternating matrices: rank, Pfaffian, constant-rank spaces",
                              description=_DESCRIPTION, formatter_class=raw)
    sub = p.add_subparsers(dest="alt_command", metavar="SUBCOMMAND")

    q = sub.add_parser("rank", help="exact rank and Pfaffian of an alternating matrix (JSON file)")
    q.add_argument("file", help="JSON file with a matrix (list of rows) or a space")
    q.add_argument("--field", default=None, help="Q (default), a prime p, F4, F8, F9")
    add_common_flags(q)
    q.set_defaults(handler=_rank)

    q = sub.add_parser("check", help="decide whether an affine family has constant rank",
                       description=_CHECK_DOC, formatter_class=raw)
    q.add_argument("file", help="JSON file {n, field, base, directions}")
    q.add_argument("--field", default=None, help="override the file's field: Q, a prime, F4, F8, F9")
    q.add_argument("--method", default="auto", choices=["auto", "exhaustive", "symbolic"])
    q.add_argument("--max-points", type=int, default=10**7, help="largest q^d scanned exhaustively")
    add_common_flags(q)
    q.set_defaults(handler=_check)

    q = sub.add_parser("extremal", help="the largest verified constant-rank space; is its dimension proved",
                       description=_EXTREMAL_DOC, formatter_class=raw)
    q.add_argument("--n", type=int, required=True)
    q.add_argument("--r", type=int, required=True)
    q.add_argument("--field", default="Q")
    q.add_argument("--verify", action="store_true", help="also print the full constant-rank decision")
    q.add_argument("--output", "-o", default=None,
                   help="write the space JSON to this file (never overwritten without --force)")
    q.add_argument("--force", action="store_true", help="overwrite --output")
    add_common_flags(q)
    q.set_defaults(handler=_extremal)

    q = sub.add_parser("search", help="search a large constant-rank space over F_q (results stored)",
                       description=_SEARCH_DOC, formatter_class=raw)
    q.add_argument("--n", type=int, required=True, help="matrix size (>= 2)")
    q.add_argument("--r", type=int, required=True, help="the constant rank (even, 2 <= r <= n)")
    q.add_argument("--field", default="F2", help="a finite field: F2 (default), F3, 5, F4, F8, F9, ...")
    q.add_argument("--method", default="walk", choices=["walk", "tabu", "annealing"],
                   help="walk (default), or the generic tabu / annealing drivers")
    q.add_argument("--candidates", type=int, default=512,
                   help="random candidate directions per extension attempt (default 512)")
    q.add_argument("--no-stop-at-bound", dest="stop_at_bound", action="store_false",
                   help="run the whole budget even after reaching a proved greatest dimension")
    add_search_flags(q, time_limit=30.0, target_type=int,
                     target_help="stop once a verified family has this dimension (default: the "
                                 "proved greatest dimension, when one is known)",
                     steps_help="proposals (one family evaluated per step)")
    q.set_defaults(handler=_search)

    q = sub.add_parser("table", help="a_F(n, r) for small n: proved values and bounds",
                       description=_TABLE_DOC, formatter_class=raw)
    q.add_argument("--fields", default="Q,2,3,4,5,7,8,9",
                   help="comma-separated fields (default Q,2,3,4,5,7,8,9)")
    q.add_argument("--max-n", type=int, default=7, help="largest n (default 7, at most 10)")
    q.add_argument("--no-stored", dest="stored", action="store_false",
                   help="leave out the larger cases stored by the searches")
    q.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    q.add_argument("--checkpoint", default=None, help="checkpoint file (resumable with --resume)")
    q.add_argument("--resume", action="store_true", help="continue --checkpoint")
    q.add_argument("--latex", default=None, help="write the LaTeX table here")
    q.add_argument("--csv", default=None, help="write the CSV here")
    q.add_argument("--sage", default=None, help="write the Sage script here")
    q.add_argument("--force", action="store_true", help="overwrite the export files and --checkpoint")
    add_common_flags(q)
    q.set_defaults(handler=_table)

    def _no_subcommand(args: argparse.Namespace) -> int:
        p.print_help()
        return 2

    p.set_defaults(handler=_no_subcommand)


def _load(path: str) -> Any:
    from engine.errors import InvalidInputError

    f = Path(path)
    if f.is_dir():
        raise InvalidInputError(f"FILE {path!r} is a directory; give a JSON file")
    if not f.is_file():
        raise InvalidInputError(f"FILE {path!r} does not exist; give a JSON file")
    try:
        return json.loads(f.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInputError(f"FILE {path!r} cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"FILE {path!r} is not UTF-8 text (byte {exc.start}); give a JSON file") from None
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"FILE {path!r} is not valid JSON: {exc}") from None
    except RecursionError:
        raise InvalidInputError(f"FILE {path!r} nests too deeply to be a matrix or a space") from None


def _rank(args: argparse.Namespace) -> int:
    from engine.alternating import AlternatingMatrix, parse_field
    from solvers.constant_rank import AffineAlternatingSpace

    data = _load(args.file)
    if isinstance(data, dict) and "base" in data:
        if args.field is not None:
            data = dict(data, field=args.field)
        sp = AffineAlternatingSpace.from_json(data)
        out: dict[str, Any] = {"n": sp.n, "field": sp.field, "dimension": sp.dimension,
                               "base_rank": sp.rank_at([0] * sp.dimension)}
        if sp.field != "Q" and int(sp.field) ** sp.dimension <= 10**7:
            out["rank_profile"] = sp.rank_profile()
        emit(out, args.json, "\n".join(f"{k}: {v}" for k, v in out.items()))
        return 0
    field = args.field
    if isinstance(data, dict):
        field = field if field is not None else data.get("field", "Q")
        data = data.get("matrix")
    f = parse_field(field if field is not None else "Q")
    A = AlternatingMatrix(data, f)
    out = {"n": A.n, "field": f, "rank": A.rank()}
    if A.n % 2 == 0:
        out["pfaffian"] = A.pfaffian()
    emit(out, args.json, "\n".join(f"{k}: {v}" for k, v in out.items()))
    return 0


def _check(args: argparse.Namespace) -> int:
    from engine.errors import InvalidInputError
    from solvers.constant_rank import AffineAlternatingSpace

    if args.max_points < 0:
        raise InvalidInputError(f"--max-points {args.max_points} must be an integer >= 0")
    data = _load(args.file)
    if not isinstance(data, dict):
        raise InvalidInputError("FILE must hold a JSON object {n, field, base, directions}")
    if args.field is not None:
        data = dict(data, field=args.field)
    sp = AffineAlternatingSpace.from_json(data)
    res = sp.constant_rank(method=args.method, max_points=args.max_points)
    if res.status == "constant":
        text = (f"constant rank {res.rank} on all of the {sp.dimension}-dimensional family over "
                f"{_fname(sp.field)} ({_how(res)})")
    elif res.status == "not_constant":
        text = (f"NOT constant: rank {res.witness_rank} at t = {[str(x) for x in res.witness]} "
                f"(rank {res.rank} at t = 0)")
    else:
        text = f"undecided: {res.reason}"
    emit(res, args.json, text)
    return CHECK_EXIT[res.status]


_CERT_TEXT = {
    "single_point": "a single point",
    "all_upper_minors_vanish": "every order-2 Pfaffian minor vanishes identically",
    "nonzero_constant_minor": "the order r+2 Pfaffian minors vanish, an order-r minor is a nonzero constant",
    "constant_minor_per_value": ("the order r+2 Pfaffian minors vanish at every point, an order-r minor is a "
                                 "nonzero constant on each slice"),
    "groebner_unit": "the order-r minors generate the unit ideal (Groebner basis [1])",
    "no_rational_common_zero": "the order-r minors have finitely many common zeros, none rational",
    "anisotropic_quadratic_minor": "an order-r minor is a quadratic form without rational zeros (Hasse-Minkowski)",
    "anisotropic_quadratic_ideal_element": ("a quadratic element of the ideal of the order-r minors has no "
                                            "rational zero (Hasse-Minkowski)"),
}


def _how(res: Any) -> str:
    """How a constant-rank answer was proved, in words."""
    kind = res.certificate.get("kind")
    if res.method == "exhaustive":
        return f"exhaustive: all {res.points_checked} points"
    words = _CERT_TEXT.get(kind, str(kind))
    if kind and str(kind).startswith("anisotropic"):
        place = res.certificate.get("place")
        words += f"; anisotropic over {'R' if place == 'infinity' else f'Q_{place}'}"
    return f"symbolic: {words}"


def _fname(f: Any) -> str:
    return "Q" if f == "Q" else f"F{f}"


def _extremal(args: argparse.Namespace) -> int:
    from search.altspaces.table import compute_entry
    from search.flags import check_output
    from solvers.constant_rank import constant_rank_theory, extremal_space

    check_output(args.output, args.force)
    th = constant_rank_theory(args.n, args.r, args.field)
    if args.n <= 12:
        entry = compute_entry(args.n, args.r, th.field)
        sp, lower, upper, proved = entry.space, entry.lower, entry.upper, entry.proved
        how = {"formula": "the generic construction", "frobenius": "the Frobenius construction",
               "stored search": "a stored search result", "exact": "the exhaustive branch and bound"}[entry.lower_method]
        up_how = entry.upper_detail if entry.upper_method != "theorem" else "theorem"
        up_method = entry.upper_method
    else:  # too large for the table machinery: the theorem and the generic construction
        entry = None
        sp = extremal_space(args.n, args.r, th.field)
        lower = sp.dimension
        upper = th.dimension if th.covered else None
        proved = upper == lower
        how, up_how, up_method = "the generic construction", "theorem", "theorem" if th.covered else None
    res = sp.constant_rank(max_points=2 * 10**5)
    if res.status == "unknown" and sp.field != "Q":
        res = sp.constant_rank(method="symbolic")
    out: dict[str, Any] = {"theory": th.to_json(), "space": sp.to_json(), "dimension": lower,
                           "upper_bound": upper, "proved": proved, "construction": how,
                           "upper_bound_method": up_method}
    out["verification"] = res.to_json()  # always decided; --verify kept for old scripts
    if args.output:
        Path(args.output).write_text(json.dumps(sp.to_json()) + "\n")
    F = _fname(th.field)
    lines = [f"largest verified space over {F}: dimension {lower}, constant rank {args.r} "
             f"({how}; {res.status}, {_how(res) if res.status == 'constant' else res.reason})"]
    if proved:
        lines.append(f"proved: a({args.n}, {args.r}) over {F} = {lower} ({up_how if up_method != 'theorem' else th.reference})")
    elif upper is not None:
        lines.append(f"not proved: {lower} <= a({args.n}, {args.r}) over {F} <= {upper} ({up_method}: {up_how})")
    else:
        lines.append(f"not proved: a({args.n}, {args.r}) over {F} >= {lower}; no upper bound known")
    if not th.covered:
        lines.append(f"theorem: not covered over {F}: {th.reason}"
                     + ("; the value above is proved by our own computation" if proved else ""))
    if lower > th.lower_bound:
        lines.append(f"above the generic formula {th.lower_bound}")
    lines.append("space (the JSON of 'disco alt check'): " + json.dumps(sp.to_json(), separators=(",", ":")))
    emit(out, args.json, "\n".join(lines))
    return 0


def _search(args: argparse.Namespace) -> int:
    from engine.errors import InfeasibleError, InvalidInputError
    from search.altspaces import search_constant_rank
    from search.altspaces.search import MAX_CANDIDATES, MAX_WALKERS, _check_search_args
    from search.flags import exit_code, runner_options
    from solvers.constant_rank.optimality import proved_upper_bound

    # every check before anything is created or written (the store included)
    n, r, p = _check_search_args(args.n, args.r, args.field)
    if not 1 <= args.candidates <= MAX_CANDIDATES:
        raise InvalidInputError(f"--candidates {args.candidates} must be an integer in 1..{MAX_CANDIDATES}")
    if args.workers is not None and args.workers > MAX_WALKERS:
        raise InvalidInputError(f"--workers {args.workers} exceeds {MAX_WALKERS}; use fewer")
    bound = proved_upper_bound(n, r, p)
    if args.target is not None:
        if args.target < 0:
            raise InvalidInputError(f"--target {args.target} must be a dimension >= 0")
        if bound is not None and args.target > bound[0]:
            raise InfeasibleError(f"--target {args.target} exceeds the proved greatest dimension "
                                  f"a({n}, {r}; F{p}) = {bound[0]} ({bound[1]}); no such family exists")
    opts = runner_options(args)
    store = opts.pop("store")
    try:
        res = search_constant_rank(n, r, p, store=store, method=args.method,
                                   candidates=args.candidates, stop_at_bound=args.stop_at_bound,
                                   **opts)
    finally:
        if store is not None:
            store.close()
    if args.output:
        Path(args.output).write_text(json.dumps(res.space.to_json()) + "\n")
    maximal = {True: "maximal for inclusion (no direction extends it)",
               False: "not maximal for inclusion (a direction extends it)",
               None: "maximality not checked (too many candidate directions)"}[res.maximal]
    text = (f"best dimension {res.dimension} over F{res.field} for n={res.n}, r={res.r} "
            f"(formula {res.formula}, theorem {'covers' if res.covered else 'does not cover'} F{res.field}; "
            f"{maximal}); {res.steps} steps, stop: {res.stop_reason.value}; verified")
    if res.optimal:
        text += "\nproved optimal: " + (res.stop_detail or "the dimension equals a proved upper bound")
    elif res.stop_detail:
        text += f"\n{res.stop_detail}"
    if res.beats_formula:
        text += "\nBEATS the formula (possible only outside the theorem's field condition)"
    if res.run_id is not None:
        text += f"\nstored: run {res.run_id} in {store.path}"
    emit(res, args.json, text)
    return exit_code(res.stop_reason)


def _table(args: argparse.Namespace) -> int:
    from engine.alternating import parse_field
    from engine.errors import InvalidInputError
    from search.altspaces.table import (
        compute_table,
        format_small_table,
        table_to_csv,
        table_to_latex,
        table_to_sage,
    )
    from search.flags import check_output

    fields = tuple(parse_field(x.strip(), "--fields") for x in args.fields.split(",") if x.strip())
    if not fields:
        raise InvalidInputError(f"--fields {args.fields!r} must name fields separated by commas, e.g. 'Q,2,3,4'")
    if not 1 <= args.max_n <= 10:
        raise InvalidInputError(f"--max-n {args.max_n} must be an integer in 1..10")
    if not 1 <= args.workers <= 64:
        raise InvalidInputError(f"--workers {args.workers} must be an integer in 1..64")
    if args.resume and not args.checkpoint:
        raise InvalidInputError("--resume needs --checkpoint PATH")
    for path in (args.latex, args.csv, args.sage):
        check_output(path, args.force)
    entries, out = compute_table(fields, args.max_n, workers=args.workers, checkpoint=args.checkpoint,
                                 resume=args.resume, force=args.force and not args.resume, store=args.db,
                                 progress=False, stored=args.stored)
    for path, fn in ((args.latex, table_to_latex), (args.csv, table_to_csv), (args.sage, table_to_sage)):
        if path:
            Path(path).write_text(fn(entries))
    proved = [e for e in entries if e.proved]
    bounds = [e for e in entries if not e.proved]
    beats = [e for e in entries if e.beats_formula]
    lines = [format_small_table(entries), "",
             f"proved values: {len(proved)} of {len(entries)} entries"]
    if bounds:
        lines.append("bounds only (lower attained by a verified space; upper bound and its method):")
        lines += [f"  {e.key}: {e.lower}..{e.upper if e.upper is not None else '?'} ({e.upper_method or 'none'})"
                  for e in bounds]
    if beats:
        lines.append("above the generic formula (new unless a source shows them):")
        lines += [f"  {e.key}: {e.lower} > {e.formula} ({e.lower_method}{', proved' if e.proved else ''})"
                  for e in beats]
    lines.append(f"{len(entries)} entries, every one re-verified; {out.elapsed:.1f} s, stop: {out.stop_reason.value}")
    emit([e.to_json() for e in entries], args.json, "\n".join(lines))
    return 0
