"""``disco mm``: matrix-multiplication schemes.

Subcommands::

    disco mm search 3x3x3 --ring ZT --target 23 --seed 1 --time-limit 60 -o s.json
                                               the search flags of every disco search command
                                               (--steps --workers --backend --cluster --checkpoint
                                               --checkpoint-every --resume --db --force --json -q)
    disco mm search --structure kg --n 3 --field F3 --target 14 --lift Q
                                               structured product (same as disco bilinear search)
    disco mm verify s.json [--ring F2]         exact Brent equations over every ring
    disco mm lift s.json --to Z -o z.json      Hensel lifting of an F2/F3 scheme
    disco mm lift-campaign s.json --to Z       many distinct schemes at the rank of s (F2/F3), each lifted
    disco mm export s.json --lang python       python | readable | text | flat | json
    disco mm convert s.txt s.json [--ring F3]  between .json, .npz, text (.txt/.exp), flat (.flat), .m, .tensor.mpl
    disco mm convert s.json c.json --to collection   the public collection's JSON (n, m, z2, u, v, w)
    disco mm known 4x4x4                       best known ranks and the lower bound

Scheme files: JSON ``{"format": [n, m, p], "rank": r, "ring": ..., "u": ..., "v": ..., "w": ...}``,
``.npz``, the product-per-line text ``(a11+a12)*(b12-b22)*(c21)`` (transposed c indices) or the
flat ``n m p r`` form (integers, or numerator-denominator pairs), the public collection's full
and reduced JSON, Maple/Mathematica ``.m`` nested lists and Maple ``.tensor.mpl`` TriadSets. Text
(``.txt``) and flat files written here carry the ring as a ``# ring: F3`` comment line, ``.exp``
files (one product a line, as their readers expect) in the sidecar ``OUT.exp.ring``; a file without one (another tool's) is read over the smallest ring it is valid
in (``--ring`` claims another). Existing files are never overwritten without ``--force``;
``export`` and ``convert`` refuse a scheme that fails the Brent equations over its ring
(naming the first failing equation) unless ``--no-verify`` is given.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from search.app.cli._common import add_common_flags, emit
from search.flags import add_search_flags

#: Rings a scheme file may be read or verified over (engine.schemes.RINGS).
_RINGS = ["ZT", "Z", "Q", "F2", "F3"]

_SEARCH_DOC = """Flip-graph search for a scheme of a given rank (search.flipgraph.flip_search).

The search runs on the search runner: every verified improvement is committed to the results
store (--db) when it is found, before its progress line ('rank 50 over F2') is printed on
stderr. With --checkpoint PATH the walkers are checkpointed atomically at least every
--checkpoint-every seconds; after a crash or kill -9, the same command with --resume continues
the run with its best scheme and walkers (a resumed run never returns a worse scheme).

Exit codes: 0 target rank reached, 1 budget spent without reaching it, 2 bad input (flags,
files, checkpoints, store), 3 target below a proved lower bound, 130 interrupted.

Example:
    disco mm search 4x4x4 --ring F2 --target 47 --seed 1 --time-limit 60 --checkpoint ck.json --db s.db
    disco mm search 4x4x4 --ring F2 --target 47 --seed 1 --time-limit 60 --checkpoint ck.json --db s.db --resume
"""

def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("mm", help="matrix-multiplication schemes: search, verify, lift, export",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                              allow_abbrev=False)
    sub = p.add_subparsers(dest="mm_command", metavar="SUBCOMMAND")

    q = sub.add_parser("search", help="flip-graph search for a scheme of a given rank", allow_abbrev=False,
                       description=_SEARCH_DOC, formatter_class=argparse.RawDescriptionHelpFormatter)
    q.add_argument("format", nargs="?", default=None, help="format like 3x3x3 (or --structure CODE --n N)")
    q.add_argument("--ring", default=None, type=str.upper, choices=["ZT", "F2", "F3"], help="search ring (default ZT)")
    q.add_argument("--structure", default=None,
                   help="structured product code (kg, ss, gt, ...; see 'disco bilinear targets'): "
                        "runs 'disco bilinear search' with --n, --field and --lift")
    q.add_argument("--n", type=int, default=None, help="matrix size for --structure")
    q.add_argument("--field", default=None, type=str.upper, choices=["F2", "F3"],
                   help="search field for --structure (default F2; without --structure the same as --ring)")
    q.add_argument("--lift", dest="lift_to", default=None, type=str.upper, choices=["Z", "Q", "ZT"],
                   help="search over F2/F3 (default F2) and lift the scheme to Z, Q or ZT (Hensel lifting, "
                        "rational reconstruction; ZT: then a sandwich making every coefficient -1, 0 or 1); "
                        "a scheme that does not lift is walked on or replaced")
    q.add_argument("--split", type=float, default=None,
                   help="probability that a rank-increasing move is a split rather than a plus "
                        "transition (default 0.5 over ZT, 0 over F2/F3)")
    q.add_argument("--wrap", type=float, default=None,
                   help="F3 only: probability that a flip, plus transition or split whose sum wraps modulo 3 "
                        "(1 + 1 = -1, where the integers would give 2) is taken (default 0 for a format: such moves "
                        "lead to schemes valid only mod 3, where the walk stalls; 1 with --lift/--structure, "
                        "whose Q lifts need them)")
    q.add_argument("--corners", default=None, help="--structure only: as in 'disco bilinear search'")
    q.add_argument("--fix", action="append", default=[], metavar="A,B,C",
                   help="--structure only: as in 'disco bilinear search' (repeatable)")
    q.add_argument("--recursive-flips", type=int, default=None,
                   help="--structure only: as in 'disco bilinear search'")
    q.add_argument("--method", default="walk", choices=["walk", "pool", "paths"],
                   help="walk | pool | paths (paths: --structure only, see 'disco bilinear search')")
    q.add_argument("--walkers", type=int, default=None,
                   help="walkers (default: 2 for a format search, a fixed- and an adaptive-period one, or "
                        "--workers when larger; 1 with --structure)")
    q.add_argument("--start", default=None, help="start from this scheme file (default: standard algorithm)")
    q.add_argument("--device", default="cpu", type=str.lower, choices=["cpu", "gpu"],
                   help="gpu: flip-graph walks of --gpu-walkers CUDA threads (numba.cuda); every scheme the GPU "
                        "reports is re-verified exactly on the CPU (without a GPU: one line, exit 2)")
    q.add_argument("--gpu-walkers", type=int, default=16384, help="walkers (CUDA threads) of --device gpu")
    add_search_flags(q, target_help="target rank (default: best known; beyond the table the proved lower bound)",
                     steps_help="flip budget over all walkers", time_limit=60.0, target_type=int)
    q.add_argument("--max-flips", dest="steps", type=int, default=None, help=argparse.SUPPRESS)  # former --steps
    q.set_defaults(handler=_search)

    q = sub.add_parser("verify", help="verify a scheme exactly (Brent equations) over ZT, Z, Q, F2, F3",
                       allow_abbrev=False)
    q.add_argument("file")
    q.add_argument("--ring", default=None, type=str.upper, choices=_RINGS, help="ring to require (default: the file's ring)")
    q.add_argument("--format", dest="fmt", default=None, help="n x m x p for text files")
    q.add_argument("--spot-checks", type=int, default=3, help="random numeric checks (default 3)")
    add_common_flags(q)
    q.set_defaults(handler=_verify)

    q = sub.add_parser("lift", help="lift an F2/F3 scheme to Z or Q (Hensel + rational reconstruction)",
                       allow_abbrev=False)
    q.add_argument("file")
    q.add_argument("--ring", default=None, type=str.upper, choices=["F2", "F3"],
                   help="read the file as a scheme over this field (default: the file's ring)")
    q.add_argument("--to", default="Q", type=str.upper, choices=["Z", "Q", "ZT"],
                   help="target ring (ZT: the Z lift sandwiched into coefficients -1, 0, 1)")
    q.add_argument("--attempts", type=int, default=4)
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--output", "-o", default=None)
    q.add_argument("--force", action="store_true")
    add_common_flags(q)
    q.set_defaults(handler=_lift)

    q = sub.add_parser("lift-campaign", allow_abbrev=False, formatter_class=argparse.RawDescriptionHelpFormatter,
                       help="walk at the rank of an F2/F3 scheme and try every distinct scheme for lifting to Z/Q",
                       description="Lift campaign (search.flipgraph.lift_campaign): flips at the rank of START "
                                   "(an F2/F3 scheme), every distinct scheme (up to symmetry) tried for Hensel "
                                   "lifting to --to; the report says how many were tried and why each failed. "
                                   "Exit 0 when a scheme lifted, 1 when none did.\n\nExample:\n"
                                   "    disco mm lift-campaign s_f2.json --to Z --seed 1 --time-limit 60 --db s.db")
    q.add_argument("start", help="scheme file over F2 or F3 (any layout 'disco mm convert' reads)")
    q.add_argument("--ring", default=None, type=str.upper, choices=["F2", "F3"],
                   help="read START over this field (default: its ring)")
    q.add_argument("--to", default="Z", type=str.upper, choices=["Z", "Q", "ZT"])
    q.add_argument("--walkers", type=int, default=1)
    q.add_argument("--between", type=int, default=20_000, help="flips between two schemes tried (default 20000)")
    q.add_argument("--attempts", type=int, default=2, help="lifting attempts per scheme (default 2)")
    add_search_flags(q, target_help=argparse.SUPPRESS, steps_help="flip budget over all walkers", time_limit=60.0,
                     target_type=int)
    q.set_defaults(handler=_lift_campaign)

    q = sub.add_parser("export", help="export a scheme as Python/NumPy code or readable text", allow_abbrev=False)
    q.add_argument("file")
    q.add_argument("--ring", default=None, type=str.upper, choices=_RINGS,
                   help="read the file over this ring (default: the file's ring; F2/F3 code reduces mod p)")
    q.add_argument("--lang", default="python", choices=["python", "readable", "text", "flat", "json"])
    q.add_argument("--name", default=None, help="function name for --lang python")
    q.add_argument("--output", "-o", default=None)
    q.add_argument("--force", action="store_true")
    q.add_argument("--no-verify", action="store_true",
                   help="export even when the scheme fails the Brent equations over its ring")
    add_common_flags(q)
    q.set_defaults(handler=_export)

    q = sub.add_parser("convert", help="convert between scheme file formats (by suffix)", allow_abbrev=False)
    q.add_argument("input")
    q.add_argument("output")
    q.add_argument("--ring", default=None, type=str.upper, choices=_RINGS,
                   help="claim this ring (default: the input's ring, or the smallest ring it is valid in)")
    q.add_argument("--from", dest="src_fmt", default=None,
                   choices=["json", "npz", "text", "exp", "flat", "collection", "m", "tensor"],
                   help="input layout (default: from the suffix and the content; collection: the public "
                        "collection's full or reduced JSON; m: Maple/Mathematica nested lists; tensor: .tensor.mpl)")
    q.add_argument("--to", dest="dst_fmt", default=None,
                   choices=["json", "npz", "text", "exp", "flat", "collection", "m", "tensor"],
                   help="output layout (default: from the suffix: .json ours, .exp Kauers-Moosbauer with the ring "
                        "in OUT.exp.ring, .flat, .m, .mpl; collection: the collection's JSON with n, m, z2)")
    q.add_argument("--format", dest="fmt", default=None, help="n x m x p for text input")
    q.add_argument("--force", action="store_true")
    q.add_argument("--no-verify", action="store_true",
                   help="write the file even when the scheme fails the Brent equations over its ring")
    add_common_flags(q)
    q.set_defaults(handler=_convert)

    q = sub.add_parser("known", help="best known ranks and the proved lower bound of a format", allow_abbrev=False)
    q.add_argument("format")
    add_common_flags(q)
    q.set_defaults(handler=_known)


def _check_file_path(path: str, what: str) -> Path:
    """A path a file can be written to: not a directory, in an existing directory."""
    from engine.errors import InvalidInputError

    out = Path(path)
    if out.is_dir():
        raise InvalidInputError(f"{what} {path!r} is a directory; give a file name")
    if not (out.parent if str(out.parent) else Path(".")).is_dir():
        raise InvalidInputError(f"{what} {path!r}: the directory {str(out.parent)!r} does not exist; create it first")
    return out


def _check_out(path: str | None, force: bool) -> None:
    from engine.errors import InvalidInputError

    if path is None:
        return
    out = Path(path)
    if out.exists() and not out.is_dir() and not force:
        raise InvalidInputError(f"output {path!r} already exists; pass --force to overwrite it")
    _check_file_path(path, "output")


def _check_valid(s: Any, what: str) -> None:
    """Refuse to export or convert a scheme that fails the Brent equations over its ring."""
    from engine.errors import VerificationError

    msg = s.first_failure(s.ring)
    if msg is not None:
        raise VerificationError(
            f"not {what} a scheme that is not valid over its ring {s.ring}: {msg}; "
            "fix it, claim the ring it is valid in with --ring ('disco mm verify' lists them), "
            "or pass --no-verify to write it anyway"
        )


def _load(path: str, fmt: str | None = None, src_fmt: str | None = None, ring: str | None = None) -> Any:
    from engine.schemes import Scheme

    return Scheme.load(path, fmt=src_fmt, format=fmt, ring=ring)


def _precheck(args: argparse.Namespace) -> None:
    """The flags checked before anything opens (their messages name the library argument too)."""
    from engine.errors import InvalidInputError

    if args.seed is not None and args.seed < 0:  # numpy's SeedSequence would not name the flag
        raise InvalidInputError(f"--seed {args.seed}: seed={args.seed} must be a non-negative integer")
    if args.time_limit is not None and not args.time_limit > 0:
        raise InvalidInputError(f"--time-limit {args.time_limit}: time_limit={args.time_limit} must be a positive "
                                "number of seconds")
    if args.steps is not None and args.steps < 1:
        raise InvalidInputError(f"--steps {args.steps}: max_flips={args.steps} must be a positive number of flips")


def _forwarded(args: argparse.Namespace) -> list[str]:
    """The shared search flags of ``args`` as command-line arguments (for ``--structure``)."""
    argv: list[str] = []
    for flag, value in (("--seed", args.seed), ("--time-limit", args.time_limit), ("--steps", args.steps),
                        ("--target", args.target), ("--workers", args.workers), ("--backend", args.backend),
                        ("--cluster", args.cluster), ("--checkpoint", args.checkpoint),
                        ("--checkpoint-every", args.checkpoint_every), ("--db", args.db), ("--output", args.output)):
        if value is not None:
            argv += [flag, str(value)]
    for flag in ("resume", "force", "no_store", "json", "quiet"):
        if getattr(args, flag):
            argv.append("--" + flag.replace("_", "-"))
    return argv


def _structured_search(args: argparse.Namespace) -> int:
    """``mm search --structure CODE --n N``: the same run as ``disco bilinear search``."""
    from engine.errors import InvalidInputError
    from search.app.cli import cmd_bilinear

    if args.format is not None:
        raise InvalidInputError(
            f"give either a format ({args.format!r}) or --structure {args.structure!r}, not both"
        )
    if args.ring is not None and args.field is not None and args.ring != args.field:
        raise InvalidInputError(f"--ring {args.ring} and --field {args.field} disagree; give one of them")
    field = args.field or args.ring or "F2"
    if field not in ("F2", "F3"):
        raise InvalidInputError(
            f"--ring {field}: structured searches run over F2 or F3; use --field F2|F3 and --lift Z|Q"
        )
    if args.lift_to == "ZT":
        raise InvalidInputError("--lift ZT (sandwiching into ternary form) applies to matrix formats; use --lift Z or Q")
    if args.seed is not None and args.seed < 0:
        raise InvalidInputError(f"--seed {args.seed} must be a non-negative integer")
    if args.start is not None:
        raise InvalidInputError("--start is not supported with --structure; drop it or search a format NxMxP")
    argv = ["--structure", args.structure, "--field", field, "--method", args.method,
            "--walkers", str(args.walkers or 1)]
    if args.n is not None:
        argv += ["--n", str(args.n)]
    for flag, value in (("--lift", args.lift_to), ("--corners", args.corners),
                        ("--recursive-flips", args.recursive_flips)):
        if value is not None:
            argv += [flag, str(value)]
    for fix in args.fix:
        argv += ["--fix", fix]
    parser = argparse.ArgumentParser(prog="disco", allow_abbrev=False)
    cmd_bilinear.register(parser.add_subparsers(dest="command"))
    ns = parser.parse_args(["bilinear", "search", *argv, *_forwarded(args)])
    return ns.handler(ns)


def _search(args: argparse.Namespace) -> int:
    from engine.errors import InvalidInputError
    from engine.tensors import matmul_tensor, parse_format
    from search.flags import exit_code, runner_options
    from search.flipgraph import flip_search
    from search.flipgraph.walk import check_target_rank
    from solvers.known_ranks import known_rank, lower_bound

    if args.structure is not None:
        return _structured_search(args)
    extra = [f for f, v in (("--n", args.n), ("--corners", args.corners),
                            ("--fix", args.fix or None), ("--recursive-flips", args.recursive_flips)) if v is not None]
    if extra:
        raise InvalidInputError(f"{', '.join(extra)} apply to structured products only; add --structure CODE")
    if args.split is not None and not 0.0 <= args.split <= 1.0:
        raise InvalidInputError(f"--split {args.split} must be a probability in [0, 1]")
    if args.wrap is not None:
        if not 0.0 <= args.wrap <= 1.0:
            raise InvalidInputError(f"--wrap {args.wrap} must be a probability in [0, 1]")
        if (args.ring or args.field or ("F2" if args.structure or args.lift_to else "ZT")) != "F3" and args.wrap > 0:
            raise InvalidInputError(f"--wrap {args.wrap} applies to F3 searches only; add --ring F3 or drop --wrap")
        if args.structure is not None:
            raise InvalidInputError("--wrap is not forwarded to --structure searches; use 'disco bilinear search' "
                                    "(its walks over F3 take every wrapping move)")
    _precheck(args)
    if args.lift_to is not None:
        return _lifted_search(args)
    if args.format is None:
        raise InvalidInputError("give a format such as 3x3x3, or --structure CODE --n N for a structured product")
    if args.method == "paths":
        raise InvalidInputError("--method paths applies to --structure searches; use walk or pool for a format")
    if args.ring is not None and args.field is not None and args.ring != args.field:
        raise InvalidInputError(f"--ring {args.ring} and --field {args.field} disagree; give one of them")
    args.ring = args.ring or args.field or "ZT"
    fmt = parse_format(args.format)
    target = args.target
    if target is None and known_rank(fmt, args.ring) is None:
        target = lower_bound(fmt)  # beyond the known-ranks table: aim at the proved lower bound
    if target is not None:
        check_target_rank(matmul_tensor(*fmt), int(target))  # exit 3 before anything is opened
        _check_ring_bound(fmt, args.ring, int(target))
    if args.device == "gpu":
        return _gpu_search(args, fmt, target)
    start = _load(args.start) if args.start else None
    opts = runner_options(args)  # every flag checked (and -o, --checkpoint) before the store opens
    walkers = args.walkers
    if walkers is None and args.workers is not None and args.workers > 2:
        walkers = args.workers
    res = flip_search(fmt, ring=args.ring, target_rank=target, start=start, method=args.method, walkers=walkers,
                      split=args.split, wrap=args.wrap, **opts)
    if args.output:
        res.scheme.save(args.output, fmt="json", force=True)  # -o was checked before the run
    delta = None if res.known_rank is None else res.rank - res.known_rank
    gap = "" if delta is None else (
        f" (best known {res.known_rank} over {args.ring}, "
        + (f"{delta} above it)" if delta > 0 else "equal to it)" if delta == 0 else f"{-delta} below it)")
    )
    why = " (the proved lower bound: no known rank is stored for this format)" if args.target is None and delta is None else ""
    text = (
        f"<{fmt[0]},{fmt[1]},{fmt[2]}> over {args.ring}: rank {res.rank}{gap}, target {res.target_rank}{why} "
        f"{'reached' if res.reached else 'not reached'} [{res.stop_reason.value}], {res.flips} flips in "
        f"{res.elapsed:.2f} s ({res.flips_per_second / 1e6:.2f} M flips/s), verified exactly"
        + (f"; written to {args.output}" if args.output else "")
        + ("; BEATS THE KNOWN RANK (re-verified)" if res.beats_record else "")
    )
    out = dict(res.to_json(), gap_to_known=delta) if args.json else res
    emit(out, args.json, text)
    return exit_code(res.stop_reason, res.reached)


def _gpu_search(args: argparse.Namespace, fmt: tuple[int, int, int], target: int | None) -> int:
    """``mm search NxMxP --device gpu``: the GPU walks (search.flipgraph.gpu), verified on the CPU."""
    from engine.errors import InvalidInputError
    from search.flags import exit_code, runner_options
    from search.flipgraph.gpu import gpu_flip_search, require_gpu

    require_gpu("--device gpu")
    unsupported = [f for f, v in (("--method pool", args.method != "walk"), ("--wrap", args.wrap is not None),
                                  ("--workers", args.workers is not None), ("--cluster", args.cluster is not None),
                                  ("--walkers", args.walkers is not None))
                   if v]
    if unsupported:
        raise InvalidInputError(f"{', '.join(unsupported)} apply to the CPU walks; drop them or use --device cpu "
                                "(--gpu-walkers sets the GPU walkers)")
    if args.gpu_walkers < 1:
        raise InvalidInputError(f"--gpu-walkers {args.gpu_walkers} must be a positive number of walkers")
    start = _load(args.start) if args.start else None
    opts = runner_options(args)  # every flag checked (and -o, --checkpoint) before the store opens
    res = gpu_flip_search(fmt if start is None else start, ring=args.ring, target_rank=target,
                          walkers=args.gpu_walkers, split=args.split, seed=opts["seed"],
                          time_limit=opts["budget"].time_limit,
                          max_flips=opts["budget"].steps, store=opts["store"], checkpoint=opts["checkpoint"],
                          checkpoint_every=opts["checkpoint_every"], resume=opts["resume"], force=opts["force"],
                          progress=opts["progress"])
    if args.output:
        res.scheme.save(args.output, fmt="json", force=True)
    text = (
        f"<{fmt[0]},{fmt[1]},{fmt[2]}> over {args.ring} on the GPU: rank {res.rank}, target {res.target_rank} "
        f"{'reached' if res.reached else 'not reached'} [{res.stop_reason.value}], {res.flips} flips in "
        f"{res.elapsed:.2f} s ({res.flips_per_second / 1e6:.2f} M flips/s), {res.walkers} walkers, "
        "re-verified exactly on the CPU" + (f"; written to {args.output}" if args.output else "")
    )
    emit(res.to_json(), args.json, text)
    return exit_code(res.stop_reason)


def _lift_campaign(args: argparse.Namespace) -> int:
    """``mm lift-campaign START --to Z``: search.flipgraph.lift_campaign on the runner."""
    from engine.errors import InvalidInputError
    from search.flags import runner_options
    from search.flipgraph.lift_campaign import lift_campaign

    if args.target is not None:
        raise InvalidInputError("--target does not apply to a lift campaign (it keeps the rank of START)")
    for flag, x in (("--walkers", args.walkers), ("--between", args.between), ("--attempts", args.attempts)):
        if x < 1:
            raise InvalidInputError(f"{flag} {x} must be a positive integer")
    _precheck(args)
    start = _load(args.start, ring=args.ring)
    opts = runner_options(args)
    res = lift_campaign(start, to=args.to, walkers=args.walkers, between=args.between, attempts=args.attempts,
                        seed=opts["seed"], budget=opts["budget"].replace(target=None), workers=opts["workers"],
                        backend=opts["backend"], cluster=opts["cluster"], store=opts["store"],
                        checkpoint=opts["checkpoint"], checkpoint_every=opts["checkpoint_every"],
                        resume=opts["resume"], force=opts["force"], progress=opts["progress"])
    if args.output and res.schemes:
        res.schemes[0].save(args.output, fmt="json", force=True)
    emit(res.to_json(), args.json, res.report())
    return 0 if res.lifted else 1


def _check_ring_bound(fmt: tuple[int, int, int], ring: str, target: int) -> None:
    """Refuse (exit 3) a target below a proved lower bound over ``ring`` (the 2026 bounds mod 2 for F2)."""
    from engine.errors import InfeasibleError
    from solvers.known_ranks import lower_bound, lower_bounds_mod2

    lb = lower_bound(fmt, ring)
    mod2 = lower_bounds_mod2().get(tuple(sorted(fmt)))
    if (target >= lb and mod2 is not None and str(ring).upper() in ("Z", "ZT")
            and target < mod2["bound"]):
        # A scheme over Z reduces mod 2 to an F2 scheme of no larger rank, so a bound proved
        # mod 2 bounds integer schemes too; these 2026 bounds are cited, not re-proved here,
        # so the search runs (to its budget) and says so.
        print(f"disco: warning: --target {target} is below {mod2['bound']}, the lower bound for "
              f"<{fmt[0]},{fmt[1]},{fmt[2]}> cited mod 2 ({mod2['source']}); reduced mod 2 an "
              f"integer scheme of rank {target} would contradict it, so the target is not expected "
              "to be reached: the search runs to its budget and reports the best rank",
              file=sys.stderr)
    if target < lb:
        src = lower_bounds_mod2().get(tuple(sorted(fmt)), {}).get("source", "")
        raise InfeasibleError(
            f"--target {target} is below the proved lower bound {lb} for <{fmt[0]},{fmt[1]},{fmt[2]}> over {ring}"
            + (f" ({src})" if src else "") + "; no scheme of that rank exists",
            reason="below_lower_bound", certificate={"lower_bound": lb, "ring": ring},
        )


def _lifted_search(args: argparse.Namespace) -> int:
    """``mm search NxMxP --ring F2 --lift Z``: flip search over F2/F3, then Hensel lifting."""
    from engine.errors import InvalidInputError
    from engine.schemes import Scheme
    from engine.tensors import parse_format
    from search.flags import exit_code, runner_options
    from search.flipgraph.bilinear import bilinear_search

    if args.format is None:
        raise InvalidInputError("give a format such as 3x4x4 with --lift (or --structure CODE --n N)")
    if args.ring is not None and args.field is not None and args.ring != args.field:
        raise InvalidInputError(f"--ring {args.ring} and --field {args.field} disagree; give one of them")
    field = args.ring or args.field or "F2"
    if field not in ("F2", "F3"):
        raise InvalidInputError(f"--lift {args.lift_to} lifts an F2 or F3 scheme; use --ring F2 or F3 (not {field})")
    if args.method not in ("walk", "pool"):
        raise InvalidInputError(f"--method {args.method} applies to --structure searches; use walk or pool")
    fmt = parse_format(args.format)
    if args.target is not None:  # the search runs over the field first
        _check_ring_bound(fmt, field, int(args.target))
    start = _load(args.start) if args.start else Scheme.standard(*fmt)
    if tuple(start.format) != tuple(fmt):
        raise InvalidInputError(f"--start scheme has format {start.format}, not {fmt}")
    if start.ring != field and start.is_valid(field):
        start = start.with_ring(field)
    opts = runner_options(args)
    flip_options = {k: v for k, v in (("split", args.split), ("wrap", args.wrap)) if v is not None} or None
    res = bilinear_search(start, field=field, lift_to=args.lift_to, method=args.method,
                          walkers=args.walkers or 2, flip_options=flip_options, **opts)
    final = res.final
    lifted = res.lifted is not None
    if args.output:
        final.save(args.output, fmt="json", force=True)  # -o was checked before the run
    text = (
        f"<{fmt[0]},{fmt[1]},{fmt[2]}>: rank {res.rank} over {field}"
        + (f", lifted to {args.lift_to} (smallest ring {res.lift_ring}, verified exactly)" if lifted
           else f", not lifted to {args.lift_to}: {res.lift_reason}")
        + f"; target {res.target_rank} {'reached' if res.reached else 'not reached'} [{res.stop_reason.value}], "
        f"{res.attempts} search(es), {res.elapsed:.2f} s"
        + (f"; written to {args.output}" if args.output else "")
    )
    emit(res, args.json, text)
    return exit_code(res.stop_reason, res.reached)


def _verify(args: argparse.Namespace) -> int:
    from engine.errors import InvalidInputError, VerificationError

    if args.spot_checks < 0:
        raise InvalidInputError(f"--spot-checks {args.spot_checks} must be >= 0 (0 skips the numeric checks)")
    s = _load(args.file, args.fmt)
    rep = s.verification_report()
    ring = args.ring or s.ring
    spot = s.spot_check(trials=args.spot_checks, seed=0, ring=ring) if args.spot_checks > 0 else None
    out = dict(rep, format=list(s.format), claimed_ring=s.ring, required_ring=ring,
               naive_additions=s.naive_additions(), cse_additions=s.cse_additions(), invariant=s.invariant(),
               spot_check=spot)
    if args.json:
        emit(out, True)
    else:
        valid = ", ".join(r for r, ok in rep["valid"].items() if ok) or "none"
        print(f"<{s.format[0]},{s.format[1]},{s.format[2]}> rank {s.rank}: valid over {valid}; "
              f"smallest ring {rep['smallest_ring']}; coefficients {{{', '.join(rep['coefficients'])}}}; "
              f"additions {out['naive_additions']} naive, {out['cse_additions']} after greedy CSE")
    if not rep["valid"].get(ring, False):
        raise VerificationError(rep["first_failure"][ring] or f"not valid over {ring}")
    return 0


def _lift(args: argparse.Namespace) -> int:
    from solvers.lifting import lift_scheme

    if args.seed < 0:
        from engine.errors import InvalidInputError

        raise InvalidInputError(f"--seed {args.seed} must be a non-negative integer")
    _check_out(args.output, args.force)
    s = _load(args.file, ring=args.ring)
    if s.ring not in ("F2", "F3"):
        from engine.errors import InvalidInputError

        raise InvalidInputError(
            f"{args.file} holds a scheme over {s.ring}; lifting starts from an F2 or F3 scheme "
            "(pass --ring F2 or --ring F3 to read it mod p)"
        )
    res = lift_scheme(s, to=args.to, attempts=args.attempts, seed=args.seed)
    if res.lifted and args.output:
        res.scheme.save(args.output, fmt="json", force=args.force)
    text = (
        f"lifted {s.ring} scheme of rank {s.rank} to {res.ring} (mod {res.modulus}), verified exactly"
        + (f"; written to {args.output}" if args.output else "")
        if res.lifted else f"does not lift to {args.to}: {res.reason}"
    )
    emit(res.to_json() if args.json else res, args.json, text)
    return 0 if res.lifted else 1


def _export(args: argparse.Namespace) -> int:
    _check_out(args.output, args.force)
    s = _load(args.file, ring=args.ring)
    if not args.no_verify:
        _check_valid(s, "exporting")
    if args.lang == "python":
        out = s.to_python(args.name)
    elif args.lang == "readable":
        out = s.to_readable() + "\n"
    else:  # the file forms carry the ring (a '# ring: X' comment line in text and flat)
        out = s.dumps(args.lang)
    if args.output:
        Path(args.output).write_text(out)
    if args.json:
        emit({"lang": args.lang, "output": args.output, "code": out}, True)
    elif not args.output:
        print(out, end="")
    else:
        print(f"wrote {args.lang} export of the rank-{s.rank} scheme to {args.output}")
    return 0


def _convert(args: argparse.Namespace) -> int:
    from engine.errors import InvalidInputError

    # suffixes that decide how Scheme.load reads a file (.txt/.exp and others are sniffed:
    # the ternary framework's flat files are .txt)
    by_suffix = {".json": "json", ".npz": "npz", ".flat": "flat"}.get(Path(args.output).suffix.lower())
    if (args.dst_fmt is not None and by_suffix is not None and by_suffix != args.dst_fmt
            and (args.dst_fmt, by_suffix) != ("collection", "json")):
        raise InvalidInputError(
            f"--to {args.dst_fmt} contradicts the suffix of {args.output!r} ({by_suffix}); a later load would "
            f"read it as {by_suffix}: change the suffix or drop --to"
        )
    _check_out(args.output, args.force)
    s = _load(args.input, args.fmt, args.src_fmt, ring=args.ring)
    if not args.no_verify:
        _check_valid(s, "converting")
    s.save(args.output, fmt=args.dst_fmt, force=args.force)
    emit({"input": args.input, "output": args.output, "format": list(s.format), "rank": s.rank, "ring": s.ring},
         args.json, f"converted {args.input} -> {args.output} (<{s.format[0]},{s.format[1]},{s.format[2]}>, "
                    f"rank {s.rank}, ring {s.ring})")
    return 0


def _known(args: argparse.Namespace) -> int:
    from engine.tensors import parse_format
    from solvers.known_ranks import known_rank, lower_bound

    fmt = parse_format(args.format)
    out = {"format": list(fmt), "lower_bound": lower_bound(fmt), "lower_bound_mod2": lower_bound(fmt, "F2"),
           **{ring: known_rank(fmt, ring) for ring in ("Q", "Z", "ZT", "F2")}}
    emit(out, args.json, " ".join(f"{k}={v}" for k, v in out.items()))
    return 0
