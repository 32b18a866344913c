"""``disco cf``: polynomial continued fractions.

Subcommands::

    disco cf eval A B [--digits 50]            certified limit, convergence class, delta
    disco cf identify VALUE [--digits D]       identify a number (or --pcf A B) over the catalogue
    disco cf search --a-degree 1 --b-degree 2 --range 3 --constants e,pi,log(2) [search flags]
                                               enumerate a coefficient box (hits stored, domain contfrac)
    disco cf esma EXPR [EXPR ...] [--batch FILE] [--terms 1000] [search flags]
                                               CF expansion -> Berlekamp-Massey pattern -> PCF
                                               (identifications stored, domain esma)
    disco cf family --a '(2n+1)(c1 n^2 + c1 n + c2)' --b 'c3 n^6' --param c1=15..18 \
        --param c2=4..6 --param c3=-1 --constants 'zeta(3)'   a parametric family, ranked by delta
    disco cf cmf zeta(3) [--start 1,1] [--direction 1,1]   a conservative matrix field's trajectory
    disco cf cmf 3F2 [--z 1] [--start 1,1,1/2,3/2,3/2] [--search 1]   a pFq field (any small p, q)
    disco cf report [--pcf A B ...] [--from-db] -o report.md|report.html

A and B are polynomials in n (``"34n^3+51n^2+27n+5"``, ``"-n^6"``). Tokens that start with
``-`` followed by a digit, ``n``, ``(``, ``.`` or a space (``-n^6``, ``-2n^2+1``, ``-(n+1)^2``,
``-0.693``) are read as polynomials or numbers, not options:
``disco cf eval 34n^3+51n^2+27n+5 -n^6 --digits 40`` works, and so do ``--b=-n^6`` and
putting the fractions after ``--``. Every command takes ``--json``. ``search`` and ``esma``
run on the search runner and take the flags every search command shares (``--seed
--time-limit --steps --target --workers --backend --cluster --checkpoint --checkpoint-every
--resume --db -o --force --json -q``; ``--address`` is the former name of ``--cluster``); their
exit code is 0 when the box / batch is complete, 1 when the budget ran out first, 2 on bad
input (a bad flag, checkpoint or store: one line on stderr, nothing stored is modified).
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from engine.errors import InvalidInputError
from search.app.cli._common import add_common_flags, emit
from search.flags import add_search_flags

# argparse treats a token that starts with "-" as an option unless its parser's
# ``_negative_number_matcher`` matches it (and no option looks like a negative number).
# No option of these parsers starts with "-" + digit/n/(/./space, so such tokens are
# polynomials in n or negative numbers: "-n^6", "-2n^2+1", "-(n+1)^2", "-0.69", "- n".
_NEGATIVE_VALUE = re.compile(r"^-[\dn(.\s]")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "cf", help="polynomial continued fractions: evaluate, identify, search, ESMA, reports",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="cf_command", metavar="SUBCOMMAND")

    q = sub.add_parser("eval", help="certified limit of PCF(a, b) with convergence and delta")
    q.add_argument("a", nargs="?", help="a(n), e.g. '34n^3+51n^2+27n+5'")
    q.add_argument("b", nargs="?", help="b(n), e.g. '-n^6' (or --b=-n^6)")
    _ab_flags(q)
    q.add_argument("--digits", type=int, default=50)
    q.add_argument("--max-depth", type=int, default=1 << 17)
    q.add_argument("--no-accelerate", action="store_true", help="never extrapolate")
    q.add_argument("--identify", action="store_true", help="also identify the limit")
    add_common_flags(q)
    q.set_defaults(handler=_eval)

    q = sub.add_parser("identify", help="find an expression for a number over the constant catalogue")
    q.add_argument("value", nargs="?", help="decimal digits of the number")
    q.add_argument("--pcf", nargs=2, metavar=("A", "B"), help="identify the limit of PCF(A, B)")
    _ab_flags(q)
    q.add_argument("--digits", type=int, default=None, help="trusted digits (default: all given)")
    q.add_argument("--constants", default=None,
                   help="comma-separated catalogue names or mpmath expressions, e.g. 'tan(1)' "
                   "or 'besseli(1,2)/besseli(0,2)' (default: the catalogue, with products and "
                   "powers of its main constants)")
    q.add_argument("--method", default="auto", choices=["auto", "rational", "mobius", "algebraic",
                                                         "monomial", "linear", "quadratic"])
    add_common_flags(q)
    q.set_defaults(handler=_identify)

    q = sub.add_parser(
        "search", help="enumerate a coefficient box for Mobius forms of constants",
        description="Enumerate the box a(n) of degree --a-degree, b(n) of degree --b-degree, "
        "coefficients in [-R, R], for limits (c0 + c1 K)/(c2 + c3 K). Every hit is stored "
        "(domain contfrac) when found, before it is printed. Exit 0: the box is complete; "
        "1: the budget ran out first (continue with --resume); 2: bad input.",
    )
    q.add_argument("--a-degree", type=int, default=1)
    q.add_argument("--b-degree", type=int, default=2)
    q.add_argument("--range", type=int, default=3, dest="coefficient_range",
                   help="coefficients in [-R, R] (default 3)")
    q.add_argument("--constants", default="e,pi,log(2)")
    q.add_argument("--max-height", type=int, default=64,
                   help="bound on the Mobius coefficients |c_i| (default 64)")
    q.add_argument("--verify-digits", type=int, default=30)
    q.add_argument("--depth", type=int, default=4096, help="float evaluation depth (power of 2)")
    q.add_argument("--chunk-size", type=int, default=None, metavar="N",
                   help="fractions per chunk of one worker (default 4096)")
    add_search_flags(q, target_help="stop after this many hits", target_type=int,
                     steps_help="fractions to evaluate (whole blocks of 256)",
                     workers_default="every core; the same hits on any number")
    q.add_argument("--address", dest="cluster", default=None, help=argparse.SUPPRESS)
    q.set_defaults(handler=_search)

    q = sub.add_parser(
        "esma", help="CF expansion, Berlekamp-Massey pattern, PCF, identification (one or a batch)",
        description="Analyse one expression, several, or a --batch file (one expression per "
        "line, # comments) on the search runner; each identification (a PCF with a Mobius link "
        "to the expression) is stored when found (domain esma).",
    )
    q.add_argument("expression", nargs="*",
                   help="constants or expressions: e, '(e+1)/(e-1)', 'tan(1)'")
    q.add_argument("--batch", default=None, metavar="FILE",
                   help="a file of expressions, one per line")
    q.add_argument("--terms", type=int, default=1000)
    q.add_argument("--kind", default="simple", choices=["simple", "nearest"])
    q.add_argument("--digits", type=int, default=40, dest="identify_digits",
                   help="digits of the PCF's limit for the Mobius link and the identification "
                   "(default 40; the identification raises it when the link needs more)")
    add_search_flags(q, target_help="stop after this many identifications", target_type=int,
                     steps_help="expressions to analyse")
    q.add_argument("--address", dest="cluster", default=None, help=argparse.SUPPRESS)
    q.set_defaults(handler=_esma)

    q = sub.add_parser(
        "family", help="search a parametric family of fractions; rank its members by delta",
        description="Substitute every parameter tuple into the templates --a and --b (e.g. "
        "'(2n+1)(c1 n^2 + c1 n + c2)' and 'c3 n^6'), match Mobius forms of --constants, verify "
        "the hits (stored when found, before they are printed), rank the converging members "
        "by delta; runs on the search runner (--checkpoint, --resume). Exit 0: a hit; 1: none "
        "or the budget ran out first (continue with --resume); 2: bad input.")
    q.add_argument("--a", dest="a_tpl", required=True, help="template of a(n) in n and the parameters")
    q.add_argument("--b", dest="b_tpl", required=True, help="template of b(n)")
    q.add_argument("--param", action="append", default=[], metavar="NAME=LO..HI",
                   help="a parameter's values: NAME=LO..HI (inclusive) or NAME=v1,v2,... (repeat)")
    q.add_argument("--constants", default="zeta(3)")
    q.add_argument("--max-height", type=int, default=64)
    q.add_argument("--verify-digits", type=int, default=30)
    q.add_argument("--top", type=int, default=10, help="members listed by delta (default 10)")
    add_search_flags(q, target_help="stop after this many hits", target_type=int,
                     steps_help="family members to evaluate")
    q.set_defaults(handler=_family)

    q = sub.add_parser(
        "cmf", help="walk a conservative matrix field (e, pi, zeta(3)) along a trajectory",
        description="Check the field's conservativity exactly, walk a trajectory, contract it to "
        "a PCF and identify the limit. Exit 0: identified; 1: not identified; 2: bad input; "
        "3: the field is not conservative.")
    q.add_argument("field", help="a known field: e, pi or zeta(3), or a hypergeometric field "
                   "2F1 (variables a,b,c) or 1F1 (variables a,c) at --z, or any pFq such as 3F2, "
                   "4F3, 0F1 (variables a1..ap,b1..bq) at --z")
    q.add_argument("--start", default=None,
                   help="starting lattice point x,y (default 1,1; 2F1: 1,1,3; 1F1: 1,2; pFq: "
                   "a_i = 1, b_j = j+1, e.g. 1,1,1,2,3; pFq entries may be rationals like 1/2)")
    q.add_argument("--direction", default=None,
                   help="trajectory step dx,dy >= 0 (default 1,1; 2F1: 1,1,1; 1F1: 0,1; pFq: "
                   "0 for each a, 1 for each b)")
    q.add_argument("--z", default=None, help="pFq: the argument z, a rational (default 2F1: -1, "
                   "1F1: 1, pFq with p = q+1 >= 3: 1, else 1/2)")
    q.add_argument("--constants", default=None, help="pFq: constants to identify the limit "
                   "with (default 2F1: pi,log(2); 1F1: e; pFq at z = 1: zeta(2),zeta(3),catalan; "
                   "else pi,log(2))")
    q.add_argument("--depth", type=int, default=200, help="steps walked (default 200)")
    q.add_argument("--digits", type=int, default=30)
    q.add_argument("--search", type=int, default=None, metavar="K",
                   help="walk every primitive direction with steps <= K (1 to 4) instead of one, "
                   "ranked: identified first, then by delta")
    add_common_flags(q)
    q.set_defaults(handler=_cmf)

    q = sub.add_parser("report", help="Markdown/HTML conjecture report with convergence plots")
    q.add_argument("--pcf", nargs=2, action="append", metavar=("A", "B"), default=[],
                   help="a fraction to include (repeatable)")
    q.add_argument("--from-db", action="store_true", help="include the stored contfrac conjectures")
    q.add_argument("--limit", type=int, default=50, help="at most this many stored results")
    q.add_argument("--output", "-o", required=True, help="output file (.md or .html)")
    q.add_argument("--force", action="store_true", help="overwrite --output")
    q.add_argument("--format", default=None, choices=["markdown", "html"],
                   help="default: from the file extension")
    add_common_flags(q)
    q.set_defaults(handler=_report)

    for leaf in sub.choices.values():
        _accept_negative_values(leaf)
    _accept_negative_values(p)


def _accept_negative_values(parser: argparse.ArgumentParser) -> None:
    """Let ``parser`` read ``-n^6``-like tokens as values (see ``_NEGATIVE_VALUE``)."""
    clash = [o for o in parser._option_string_actions if _NEGATIVE_VALUE.match(o)]
    if clash:  # pragma: no cover - guards future options such as "-n"
        raise RuntimeError(f"options {clash} would be read as polynomials; rename them")
    parser._negative_number_matcher = _NEGATIVE_VALUE


def _ab_flags(q: argparse.ArgumentParser) -> None:
    q.add_argument("--a", dest="a_opt", default=None, help="a(n) as an option (--a=...)")
    q.add_argument("--b", dest="b_opt", default=None, help="b(n) as an option (--b=-n^6)")


def _ab(args: argparse.Namespace, required: bool = True) -> tuple[Any, Any] | None:
    a = args.a_opt if args.a_opt is not None else getattr(args, "a", None)
    b = args.b_opt if args.b_opt is not None else getattr(args, "b", None)
    if getattr(args, "pcf", None):
        a, b = args.pcf
    if a is None or b is None:
        if required:
            raise InvalidInputError("give both polynomials: A B (or --a=A --b=B)")
        return None
    return a, b


def _eval(args: argparse.Namespace) -> int:
    from engine.contfrac import PCF, format_significant
    from engine.errors import EngineError

    f = PCF(*_ab(args))
    res = f.evaluate(args.digits, max_depth=args.max_depth, accelerate=not args.no_accelerate)
    info = f.convergence(256)
    est = None
    delta_note = "the value is rational (the fraction terminates)"
    if res.rational is None:
        try:
            est = f.delta_estimate()
        except EngineError as exc:
            delta_note = " ".join(str(exc).split())
    value_text = format_significant(res.value, res.digits)
    limit = res.to_json()
    limit["value"] = value_text
    out: dict[str, Any] = {
        "pcf": f.to_json(), "limit": limit, "convergence": info.to_json(),
        "delta": None if est is None else est.value,
        "delta_estimate": None if est is None else est.to_json(),
    }
    if est is None:
        out["delta_note"] = delta_note
        delta_line = f"delta  = n/a ({delta_note})"
    else:
        delta_line = (f"delta  = {est.value:.6g} +- {est.uncertainty:.1g} (extrapolated to infinite "
                      f"depth from depths {est.depth // 4}..{est.depth}; delta({est.depth}) = "
                      f"{est.at_depth:.6g}; the same for every --digits)")
    if est is not None:
        try:
            seq = f.delta_sequence((128, 256, 512, 1024, 2048))
            out["delta_sequence"] = [{"depth": d, "delta": round(v, 6)} for d, v in seq]
            delta_line += "\ndelta(N) by depth: " + ", ".join(f"{d}: {v:.4f}" for d, v in seq)
        except EngineError:
            pass
        try:
            pred = f.predicted_delta()
            out["predicted_delta"] = pred.to_json()
            delta_line += (f"\npredicted delta = {pred.value:.4f} (characteristic roots "
                           f"{abs(pred.root1):.6g}, {abs(pred.root2):.6g}; reduced denominators "
                           f"grow like e^({pred.reduced_growth:.4f} n))")
        except EngineError as exc:
            out["predicted_delta"] = None
            out["predicted_delta_note"] = " ".join(str(exc).split())
            delta_line += ("\npredicted delta: n/a (the dominant solutions of the recurrence do "
                           "not separate on one Newton-polygon edge; see --json)")
    from solvers.pcf_irrationality import irrationality_certificate

    irr = irrationality_certificate(f) if res.rational is None else None
    out["irrationality"] = None if irr is None else irr.to_json()
    supported = res.extra.get("digits_supported")
    text_lines = [
        f"PCF(a = {out['pcf']['a_str']}, b = {out['pcf']['b_str']})",
        f"limit  = {value_text}",
        f"digits = {res.digits} ({res.certification}; {'rigorous' if res.rigorous else 'empirical'}"
        + (f"; {supported} supported" if supported else "") + ")",
        f"depth  = {res.depth}",
        f"convergence = {info.kind}, {info.digits_per_term:.4g} digits/term",
        delta_line,
        "irrational: " + (f"proved ({irr.statement})" if irr is not None else
                          "not proved (no Legendre/Tietze certificate; delta is evidence only)"),
        f"note: {res.statement}",
    ]
    if args.identify:
        if res.rational is not None:
            from engine.contfrac import _int_text

            p, q = res.rational
            out["identification"] = {"expression": f"{_int_text(p)}/{_int_text(q)}" if q != 1
                                     else _int_text(p), "method": "exact"}
            text_lines.append(f"identified: the rational {out['identification']['expression']} "
                              "(exact: the fraction terminates)")
        else:
            from solvers.constants import identify

            # The answer must not depend on --digits (only its certainty may): identify from
            # at least IDENTIFY_MIN_DIGITS digits of the limit, however few were asked for.
            ident_res = res
            if res.digits < IDENTIFY_MIN_DIGITS:
                try:
                    ident_res = f.evaluate(IDENTIFY_MIN_DIGITS, max_depth=args.max_depth,
                                           accelerate=not args.no_accelerate)
                except EngineError:
                    ident_res = res  # the limit is not known to more digits: use what we have
            ident = identify(ident_res.value, digits=ident_res.digits) \
                if ident_res.digits >= 8 else None
            out["identification"] = ident.to_json() if ident else None
            out["identification_digits"] = ident_res.digits
            text_lines.append(f"identified: {ident}" if ident else
                              "identified: nothing found"
                              + (" (identification needs >= 8 digits)" if ident_res.digits < 8
                                 else f" (searched with {ident_res.digits} digits)"))
    emit(out, args.json, "\n".join(text_lines))
    return 0


#: ``cf eval --identify`` identifies from at least this many digits of the limit.
IDENTIFY_MIN_DIGITS = 40


def _identify(args: argparse.Namespace) -> int:
    from solvers.constants import expression_text, identify

    # commas inside parentheses belong to an expression: "besseli(1,2)/besseli(0,2),tan(1)"
    consts = [c for c in re.split(r",(?![^()]*\))", args.constants) if c.strip()] \
        if args.constants else None
    ab = _ab(args, required=False)
    if ab is not None:
        from engine.contfrac import PCF

        target: Any = PCF(*ab)
    elif args.value is not None:
        target = args.value
    else:
        raise InvalidInputError("give VALUE or --pcf A B")
    res = identify(target, digits=args.digits, constants=consts, method=args.method)
    if res is None:
        emit({"identification": None}, args.json, "no relation found (verified at 2x precision)")
        return 1
    emit(res, args.json,
         f"{expression_text(res.expression)}\n  method={res.method}, digits used={res.digits_used}, "
         f"verified={res.digits_verified}, latex: {res.latex}")
    return 0


def _write_output(path: str | None, obj: Any) -> None:
    """Write ``obj`` as JSON to ``-o`` (checked by runner_options: never overwritten without
    --force; written atomically)."""
    if path is None:
        return
    import json
    import os

    from search.app.cli._common import to_jsonable

    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(to_jsonable(obj), fh, indent=2)
    os.replace(tmp, path)


def _search(args: argparse.Namespace) -> int:
    from search.flags import exit_code, runner_options
    from search.pcf import search_pcfs
    from search.pcf.enumerate import _check_box

    consts = [c.strip() for c in args.constants.split(",") if c.strip()]
    # the box first: a bad box is refused before the store or a checkpoint is touched
    _check_box(args.a_degree, args.b_degree, args.coefficient_range, consts, args.max_height,
               args.depth, args.verify_digits)
    opts = runner_options(args)
    if opts["workers"] is None and opts["backend"] == "serial":
        opts["workers"] = 1
    # no --workers: search_pcfs's default, every core (the enumeration is deterministic: the
    # same hits and classes on any number of workers)
    res = search_pcfs(
        args.a_degree, args.b_degree, args.coefficient_range, consts, max_height=args.max_height,
        verify_digits=args.verify_digits, depth=args.depth, chunk_size=args.chunk_size, **opts,
    )
    _write_output(args.output, res)
    state = "complete" if res.complete else f"stopped: {res.stop_reason.value}"
    lines = [
        f"{len(res.hits)} verified hit(s) among {res.n_candidates} fractions "
        f"({res.n_evaluated} evaluated after symmetry; {res.n_converged} converged, "
        f"{res.n_slow_resolved}/{res.n_slow} slow resolved, {res.n_divergent} divergent) "
        f"in {res.elapsed:.2f} s ({state})",
    ]
    if res.unresolved or res.divergent_by_reason:
        from collections import Counter

        kinds = Counter(u["kind"] for u in res.unresolved)
        lines.append(
            f"  slow fractions left unresolved: {len(res.unresolved)} "
            f"({', '.join(f'{k} {v}' for k, v in sorted(kinds.items())) or 'none'}); "
            "rejected by the float stage: "
            + ", ".join(f"{k} {v}" for k, v in res.divergent_by_reason.items())
            + " (reasons per fraction in --json: unresolved)"
        )
    from solvers.constants import expression_text

    classes = res.classes
    from collections import Counter

    kinds = Counter(c.label.kind for c in classes if c.label is not None)
    lines.append(f"{len(classes)} equivalence class(es) (fractions with the same beta form "
                 "b(n)/(a(n)a(n-1)) up to a tail shift; one representative each, members with "
                 f"their proved relation): {kinds.get('new', 0)} new, "
                 f"{kinds.get('equivalent', 0)} equivalent to a known formula, "
                 f"{kinds.get('known', 0)} known (database of the package, new ones first)")
    for c in classes:
        h = c.representative
        lab = c.label
        tag = "new" if lab is None or lab.kind == "new" else (
            f"known: {lab.formula}" if lab.kind == "known" else
            f"equivalent to {lab.formula} ({lab.relation.kind}, proved)")
        lines.append(
            f"  [{tag}] a={h.a} b={h.b}  ->  {expression_text(h.expression)}   "
            f"({h.digits_verified} digits, {h.certification}, {h.convergence})"
            + (f"   [class of {c.size}]" if c.members else "")
        )
        for i, (m, r) in enumerate(zip(c.members, c.relations, strict=True)):
            m0, m1, m2, m3 = c.mobius_to(i)
            lines.append(f"      member a={m.a} b={m.b}: L = ({m0} L0 + {m1})/({m2} L0 + {m3}), "
                         f"L0 the representative's limit ({r.kind}, proved)")
    if not res.complete and args.checkpoint:
        lines.append(f"continue with the same command plus --resume (checkpoint {args.checkpoint})")
    emit(res, args.json, "\n".join(lines))
    return exit_code(res.stop_reason)


def _batch_expressions(args: argparse.Namespace) -> list[str]:
    exprs = list(args.expression)
    if args.batch is not None:
        from pathlib import Path

        path = Path(args.batch)
        if not path.is_file():
            raise InvalidInputError(f"--batch {args.batch!r} is not a readable file; give a file "
                                    "with one expression per line")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInputError(f"--batch {args.batch!r} is not UTF-8 text (byte {exc.start}); "
                                    "give a text file with one expression per line") from None
        except OSError as exc:
            raise InvalidInputError(f"--batch {args.batch!r} cannot be read ({exc.strerror}); "
                                    "give a readable file with one expression per line") from None
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                exprs.append(line)
    if not exprs:
        raise InvalidInputError("give an expression (disco cf esma e), several, or --batch FILE")
    return exprs


def _esma(args: argparse.Namespace) -> int:
    from search.flags import exit_code, runner_options
    from search.pcf import esma_batch
    from search.pcf.esma import check_batch

    exprs = check_batch(_batch_expressions(args), args.terms, args.kind,
                        args.identify_digits)  # before the store
    opts = runner_options(args)
    batch = esma_batch(exprs, n_terms=args.terms, kind=args.kind,
                       identify_digits=args.identify_digits, **opts)
    _write_output(args.output, batch)
    code = exit_code(batch.stop_reason)
    if len(exprs) == 1 and args.batch is None and batch.results[0] is not None:
        r = batch.results[0]
        lines = [f"{args.expression[0]}: {len(r.expansion.terms)} certified partial quotients "
                 f"({r.expansion.kind}): {list(r.expansion.terms[:20])}..."]
        if r.pattern is None:
            lines.append("no linear recurrence found")
        else:
            pat = r.pattern
            lines.append(
                f"recurrence of order {pat.order} after {pat.offset} term(s), verified on "
                f"{pat.verified_terms} terms; period {pat.period}, degree {pat.degree}"
            )
        if r.pcf is not None:
            lines.append(f"PCF: {r.pcf}")
            if r.mobius is None:
                lines.append("Mobius link: none found (the PCF's limit is not a Mobius transform "
                             f"of {args.expression[0]} with small coefficients at "
                             f"{args.identify_digits} digits)")
            else:
                from solvers.esma import mobius_text

                lines.append(f"Mobius link: PCF = {mobius_text(r.mobius)}, x = "
                             f"{args.expression[0]} (checked to {r.digits_checked} digits)")
            if r.identification:
                lines.append(f"identification: PCF = {r.identification}")
            else:
                lines.append("identification: none over the catalogue (the limit is not a small "
                             "rational, Mobius, quadratic or linear form of catalogue constants"
                             + (f"; the Mobius link above relates it to {args.expression[0]}"
                                if r.mobius else "") + ")")
        emit(r, args.json, "\n".join(lines))
        return code
    if len(exprs) == 1 and args.batch is None and batch.outcomes[0]["status"] == "failed":
        from search.app.cli._common import fail

        if args.json:
            emit(batch, True)
        return fail(f"{exprs[0]}: {batch.outcomes[0]['message']}", 1)
    lines = []
    for o, r in zip(batch.outcomes, batch.results, strict=True):
        what = o["status"]
        if o["status"] == "identified":
            what = f"PCF {r.pcf}, Mobius link {tuple(r.mobius)}"
        elif o["message"]:
            what += f": {o['message']}"
        lines.append(f"{o['expression']}: {what}")
    lines.append(f"{len(batch.identified)} of {len(exprs)} identified ({batch.stop_reason.value}, "
                 f"{batch.elapsed:.1f} s)")
    emit(batch, args.json, "\n".join(lines))
    return code


def _report(args: argparse.Namespace) -> int:
    from engine.contfrac import PCF
    from search.flags import check_output
    from search.pcf.report import (
        conjecture_report,
        report_entries,
        report_summary,
        report_summary_text,
    )

    check_output(args.output, args.force)
    items: list[Any] = [PCF(a, b) for a, b in args.pcf]
    if args.from_db:
        from search.store import ResultsStore

        items += list(ResultsStore(args.db).results(domain="contfrac", limit=args.limit))
    if not items:
        raise InvalidInputError("nothing to report: give --pcf A B or --from-db")
    fmt = args.format or ("html" if str(args.output).lower().endswith((".html", ".htm")) else "markdown")
    entries = report_entries(items)
    conjecture_report(entries, fmt=fmt, path=args.output)
    counts = report_summary(entries)
    emit({"output": args.output, "format": fmt, "conjectures": counts["conjecture"],
          "rational": counts["rational"], "unidentified": counts["unidentified"],
          "divergent": counts["divergent"], "no_value": counts["no value"],
          "entries": len(entries)}, args.json,
         f"wrote {report_summary_text(counts)} to {args.output} ({fmt})")
    return 0


def _param_values(text: str) -> tuple[str, list[int]]:
    m = re.match(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.+)$", text)
    if not m:
        raise InvalidInputError(f"--param {text!r:.40} must be NAME=LO..HI or NAME=v1,v2,...")
    name, spec = m.group(1), m.group(2).strip()
    try:
        if ".." in spec:
            lo, hi = (int(x) for x in spec.split("..", 1))
            if hi < lo or hi - lo > 10**5:
                raise ValueError
            return name, list(range(lo, hi + 1))
        return name, [int(x) for x in spec.split(",") if x.strip()]
    except ValueError:
        raise InvalidInputError(
            f"--param {text!r:.40}: values must be integers LO..HI (LO <= HI, at most 10^5 "
            "apart) or v1,v2,...") from None


def _family(args: argparse.Namespace) -> int:
    from search.pcf.family import search_family
    from solvers.constants import expression_text

    if not args.param:
        raise InvalidInputError("give at least one --param NAME=LO..HI")
    params: dict[str, list[int]] = {}
    for t in args.param:
        k, v = _param_values(t)
        if k in params:
            raise InvalidInputError(f"--param {k} is given twice")
        params[k] = v
    from search.flags import runner_options

    consts = [c.strip() for c in args.constants.split(",") if c.strip()]
    opts = runner_options(args)
    if opts["workers"] is None and opts["backend"] in (None, "serial"):
        opts["workers"] = 1
    if opts.pop("cluster") is not None:
        raise InvalidInputError("--cluster: the family search runs here (serial or process)")
    if opts["backend"] == "dask":
        raise InvalidInputError("--backend dask: the family search runs here (serial or process)")
    res = search_family(args.a_tpl, args.b_tpl, params, consts, max_height=args.max_height,
                        verify_digits=args.verify_digits, top=args.top, **opts)
    _write_output(args.output, res)
    stop = res.extra.get("stop_reason", "exhausted")
    state = "complete" if stop == "exhausted" else f"stopped: {stop} (continue with --resume)"
    lines = [f"{res.n_candidates} member(s), {res.n_converged} converging, {len(res.hits)} "
             f"verified hit(s) in {res.elapsed:.2f} s ({state})"]
    for c in res.classes:
        h = c.representative
        p = res.hit_params[res.hits.index(h)]
        lab = c.label.kind if c.label is not None else "new"
        lines.append(f"  [{lab}] {p}: a={h.a} b={h.b} -> {expression_text(h.expression)} "
                     f"({h.digits_verified} digits, delta {h.delta})")
    lines.append("members by delta (the largest first):")
    for r in res.ranked:
        lines.append(f"  {r['params']}: delta({256}) = {r['delta']:.4f}, factorial reduction "
                     f"{r['reduction']:.3f}")
    emit(res, args.json, "\n".join(lines))
    if stop == "interrupted":
        return 130
    return 0 if res.hits and stop in ("exhausted", "target_reached") else 1


def _pair(text: str, flag: str) -> tuple[int, int]:
    try:
        x, y = (int(v) for v in text.split(","))
    except ValueError:
        raise InvalidInputError(f"{flag} {text!r:.30} must be two integers x,y") from None
    return x, y


def _cmf(args: argparse.Namespace) -> int:
    from engine.cmf import KNOWN_CMFS, PFQ_FIELDS
    from engine.errors import VerificationError
    from solvers.constants import identify

    key = args.field.strip()
    if key in PFQ_FIELDS:
        return _cmf_pfq(args, key)
    if re.fullmatch(r"[0-9]F[0-9]", key):
        return _cmf_pfq_general(args, int(key[0]), int(key[2]))
    if key not in KNOWN_CMFS:
        raise InvalidInputError(f"field {args.field!r:.30} is not known; choose from "
                                f"{', '.join(sorted(KNOWN_CMFS) + sorted(PFQ_FIELDS))} or pFq "
                                "(e.g. 3F2)")
    if args.z is not None or args.constants is not None:
        raise InvalidInputError(f"--z and --constants apply to 2F1 and 1F1, not to {key}")
    start = _pair(args.start or "1,1", "--start")
    direction = _pair(args.direction or "1,1", "--direction")
    if isinstance(args.depth, bool) or not 1 <= args.depth <= 100000:
        raise InvalidInputError(f"--depth {args.depth} must be between 1 and 100000")
    if not 8 <= args.digits <= 1000:
        raise InvalidInputError(f"--digits {args.digits} must be between 8 and 1000")
    if args.search is not None:
        return _cmf_search(args, key, start)
    field = KNOWN_CMFS[key]()
    try:
        field.check()
    except VerificationError as exc:
        from search.app.cli._common import fail

        return fail(str(exc), 3)
    value = field.limit(start=start, direction=direction, depth=args.depth, digits=args.digits + 10)
    ident = identify(value, digits=args.digits, constants=[key])
    try:
        pcf = field.to_pcf(start, direction).canonical()
    except InvalidInputError:
        pcf = None
    return _emit_trajectory(args, key, "exact check", start, direction, value, pcf, ident,
                            label_pcf=pcf is not None, not_polynomial="PCF: not polynomial",
                            retry="try more --depth or another --direction")


def _trajectory_value(field: Any, start: Any, direction: Any, args: Any, consts: list[str]):
    """``(limit, identification, canonical PCF or None)`` of one trajectory of ``field``.

    Raises:
        NoConvergenceError: the walk did not converge to ``args.digits``.
    """
    from solvers.constants import identify

    value = field.limit(start, direction, depth=args.depth, digits=args.digits + 10)
    ident = identify(value, digits=args.digits, constants=consts)
    try:
        pcf = field.to_pcf(start, direction).canonical()
    except InvalidInputError:  # not polynomial along this trajectory
        pcf = None
    return value, ident, pcf


def _label_source(lab: Any) -> str:
    """Where a label's formula comes from: the database entry's source, or the proof's."""
    known = lab.known
    return known.source if known is not None else "proved value"


def _emit_trajectory(args: argparse.Namespace, name: str, check: str, start, direction,
                     value: Any, pcf: Any, ident: Any, *, label_pcf: bool, not_polynomial: str,
                     retry: str) -> int:
    """Print (or ``--json``) one matrix-field trajectory: its value, its canonical PCF with the
    known-formula label, and the identification; exit 0 when identified, else 1."""
    from engine.contfrac import format_significant
    from solvers.constants import expression_text
    from solvers.pcf_known import label

    lab = label(pcf) if label_pcf else None
    out = {"field": name, "conservative": True, "start": list(start),
           "direction": list(direction), "depth": args.depth,
           "value": format_significant(value, args.digits),
           "pcf": None if pcf is None else pcf.to_json(),
           "identification": None if ident is None else ident.to_json(),
           "label": None if lab is None else lab.to_json()}
    lines = [f"field {name}: conservative ({check})",
             f"trajectory from {start} along {direction}, {args.depth} steps: {out['value']}",
             f"PCF of the trajectory (canonical form): {pcf!r}" if pcf is not None else
             not_polynomial,
             *([] if not label_pcf else
               ["  " + ("new (not in the known-formula database)" if lab is None or lab.kind == "new"
                        else f"{lab.kind}: {lab.formula} ({_label_source(lab)})")]),
             f"identified: {expression_text(ident.expression)} (verified to "
             f"{ident.digits_verified} digits)" if ident else f"identified: nothing ({retry})"]
    emit(out, args.json, "\n".join(lines))
    return 0 if ident else 1


def _ints(text: str, flag: str, k: int) -> tuple[int, ...]:
    try:
        out = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise InvalidInputError(f"{flag} {text!r:.30} must be {k} integers, comma-separated") \
            from None
    if len(out) != k:
        raise InvalidInputError(f"{flag} {text!r:.30} must be {k} integers, comma-separated")
    return out


def _cmf_pfq(args: argparse.Namespace, key: str) -> int:
    """``disco cf cmf 2F1|1F1``: the hypergeometric field at --z, checked exactly, walked."""
    from engine.cmf import PFQ_FIELDS
    from engine.errors import NoConvergenceError, VerificationError
    from search.app.cli._common import fail

    if args.search is not None:
        raise InvalidInputError(f"--search walks the e, pi and zeta(3) fields, not {key}")
    dim = 3 if key == "2F1" else 2
    default_start, default_dir = ("1,1,3", "1,1,1") if dim == 3 else ("1,2", "0,1")
    start = _ints(args.start or default_start, "--start", dim)
    direction = _ints(args.direction or default_dir, "--direction", dim)
    if isinstance(args.depth, bool) or not 1 <= args.depth <= 100000:
        raise InvalidInputError(f"--depth {args.depth} must be between 1 and 100000")
    if not 8 <= args.digits <= 1000:
        raise InvalidInputError(f"--digits {args.digits} must be between 8 and 1000")
    z = args.z if args.z is not None else ("-1" if dim == 3 else "1")
    consts = [c.strip() for c in (args.constants or ("pi,log(2)" if dim == 3 else "e")).split(",")
              if c.strip()]
    field = PFQ_FIELDS[key](z)
    try:
        field.check()
    except VerificationError as exc:
        return fail(str(exc), 3)
    try:
        value, ident, pcf = _trajectory_value(field, start, direction, args, consts)
    except NoConvergenceError as exc:
        return fail(str(exc), 1)
    return _emit_trajectory(args, field.name, f"exact check, {field.dimension} variables", start,
                            direction, value, pcf, ident,
                            label_pcf=pcf is not None and pcf.a != [0],
                            not_polynomial="PCF: not polynomial along this trajectory",
                            retry="try more --depth, --constants or another --direction")


class _PlainText(str):
    """A rational start coordinate: printed as ``1/2`` (no quotes), stored in JSON as text."""

    def __repr__(self) -> str:
        return str(self)


def _cmf_pfq_general(args: argparse.Namespace, p: int, q: int) -> int:
    """``disco cf cmf 3F2 ...``: the pFq field at --z (engine.cmf.hypergeometric_pfq_field),
    checked exactly, walked from --start along --direction (or --search K), identified."""
    import sys
    import warnings

    from engine.cmf import DivergentSeriesWarning, hypergeometric_pfq_field, pfq_divergence_reason
    from engine.errors import NoConvergenceError, VerificationError
    from search.app.cli._common import fail
    from search.pcf.cmf_search import pfq_default_start

    if isinstance(args.depth, bool) or not 1 <= args.depth <= 100000:
        raise InvalidInputError(f"--depth {args.depth} must be between 1 and 100000")
    if not 8 <= args.digits <= 1000:
        raise InvalidInputError(f"--digits {args.digits} must be between 8 and 1000")
    z = args.z if args.z is not None else ("1" if p == q + 1 and q >= 2 else "1/2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergentSeriesWarning)
        field = hypergeometric_pfq_field(p, q, z)
    k = p + q
    start_text = args.start or ",".join(map(str, pfq_default_start(p, q)))
    start = tuple(v.strip() for v in start_text.split(","))
    if len(start) != k:
        raise InvalidInputError(f"--start {start_text!r:.40} must be {k} numbers (a1..a{p}, "
                                f"b1..b{q}), comma-separated")
    start = field._start(start)
    direction = _ints(args.direction or ",".join(["0"] * p + ["1"] * q), "--direction", k)
    reason = pfq_divergence_reason(p, q, field.name.rsplit(";", 1)[1].rstrip(")"), start)
    if reason is not None and not args.json:
        print(f"disco: warning: {reason}", file=sys.stderr)
    consts = [c.strip() for c in (args.constants or ("zeta(2),zeta(3),catalan"
                                                     if field.name.endswith(";1)") else
                                                     "pi,log(2)")).split(",") if c.strip()]
    try:
        field.check()
    except VerificationError as exc:
        return fail(str(exc), 3)
    if args.search is not None:
        from search.pcf.cmf_search import trajectory_search

        if not 1 <= args.search <= 2:
            raise InvalidInputError(f"--search {args.search} must be 1 or 2 for a field in "
                                    f"{k} variables")
        res = trajectory_search(f"{p}F{q}", z=z, max_step=args.search, starts=[start],
                                depth=args.depth, digits=args.digits, constants=consts)
        found = [r for r in res.rows if r["identification"]]
        lines = [f"field {field.name}: {len(res.rows)} trajectories from {start_text}, "
                 f"{args.depth} steps, {len(found)} identified"]
        for r in found:
            lines.append(f"  direction {tuple(r['direction'])}: {r['expression']}  "
                         f"delta {r['delta']}")
        emit(res, args.json, "\n".join(lines))
        return 0 if found else 1
    try:
        value, ident, pcf = _trajectory_value(field, start, direction, args, consts)
    except NoConvergenceError as exc:
        return fail(str(exc), 1)
    shown = tuple(v if isinstance(v, int) else _PlainText(v) for v in start)
    return _emit_trajectory(args, field.name, f"exact check, {k} variables, "
                            f"{field.size}x{field.size}", shown, direction, value, pcf, ident,
                            label_pcf=pcf is not None and pcf.a != [0],
                            not_polynomial=f"PCF: none ({field.size}x{field.size} field)"
                            if field.size != 2 else "PCF: not polynomial along this trajectory",
                            retry="try more --depth, --constants or another --direction")


def _cmf_search(args: argparse.Namespace, key: str, start: tuple[int, int]) -> int:
    from search.pcf.cmf_search import trajectory_search

    if not 1 <= args.search <= 4:
        raise InvalidInputError(f"--search {args.search} must be between 1 and 4")
    res = trajectory_search(key, max_step=args.search, starts=[start], depth=args.depth,
                            digits=args.digits)
    lines = [f"field {key}: {len(res.rows)} trajectories from {start}, {args.depth} steps"]
    for r in res.rows:
        lab = r["label"]["kind"] if r["label"] else "-"
        if lab != "new" and r["label"]:
            lab += f" ({r['label']['formula']})"
        lines.append(f"  direction {tuple(r['direction'])}: {r['expression'] or 'not identified'}"
                     f"  delta {r['delta']}  PCF {lab}")
    emit(res, args.json, "\n".join(lines))
    return 0 if any(r["identification"] for r in res.rows) else 1
