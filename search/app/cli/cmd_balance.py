"""``disco balance``: balance chemical equations exactly.

Usage::

    disco balance "KMnO4 + HCl -> KCl + MnCl2 + Cl2 + H2O"      balanced equation
    disco balance "MnO4- + Fe2+ -> Mn2+ + Fe3+" --medium acidic  adds H+ / H2O as needed
    disco balance "MnO4- + Fe2+ -> Mn2+ + Fe3+" --half           oxidation / reduction halves
    disco balance "Cu + HNO3 -> Cu(NO3)2 + NO + H2O" --half      molecular: split through the ions
    disco balance --species "Cu, HNO3, Cu(NO3)2, NO, NO2, H2O"   all elementary reactions
    disco balance --network "N2 + H2 -> NH3" "NH3 + O2 -> NO + H2O"   network + conservation laws

The balanced equation is the first line. Then, for a balance that is not unique, the
oxidation-state-consistent (ion-electron) balance when it differs; every warning (a
notation read several ways, a balance that is not unique) as a ``warning:`` line, also
with ``--quiet``; and how each species was read (``read as:``; left out with ``--quiet``).
``--species`` refuses more than ``--max-reactions`` elementary reactions (default 20000),
with their number.

Add ``--latex`` for mhchem output and ``--json`` for machine-readable output (the fields of
the result: species, coefficients, unique, basis, readings, warnings, ...). Exit codes:
0 balanced, 2 bad input, 3 proved impossible (the reason is printed on stderr).
"""

from __future__ import annotations

import argparse

from engine.errors import InvalidInputError
from search.app.cli._common import add_common_flags, emit


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "balance", help="balance chemical equations exactly (also species lists, redox, networks)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("equation", nargs="*", help="the equation, e.g. 'H2 + O2 -> H2O'")
    p.add_argument("--species", default=None, help="a species list 'A, B, C': all elementary reactions")
    p.add_argument("--network", action="store_true", help="treat the arguments as a reaction network")
    p.add_argument("--medium", choices=["acidic", "basic"], default=None,
                   help="add H+ / OH- and H2O on whichever side is needed")
    p.add_argument("--half", action="store_true", help="split a redox equation into half-reactions")
    p.add_argument("--latex", action="store_true", help="print LaTeX (mhchem \\ce{})")
    p.add_argument("--max-reactions", type=int, default=None, metavar="N",
                   help="--species: refuse more than N elementary reactions (default 20000)")
    add_common_flags(p)
    p.set_defaults(handler=_handler)


def _handler(args: argparse.Namespace) -> int:
    from solvers.reactions import balance, balance_network, elementary_reactions, half_reactions

    if args.max_reactions is not None and args.species is None:
        raise InvalidInputError("--max-reactions applies to --species only; give --species 'A, B, C'")
    if args.species is not None:
        if args.equation:
            raise InvalidInputError("give either an equation or --species, not both")
        from solvers.reactions.species import MAX_REACTIONS

        limit = MAX_REACTIONS if args.max_reactions is None else args.max_reactions
        if limit < 1:
            raise InvalidInputError(f"--max-reactions {limit} must be a positive integer")
        res = elementary_reactions(args.species, max_reactions=limit)
        if args.latex:
            from solvers.reactions import parse_equation

            lines = [balance(parse_equation(t)).latex() for t in res.texts()]
        else:
            lines = res.texts()
        head = f"{len(res.vectors)} elementary reaction(s) among {len(res.species)} species (rank {res.rank}):"
        warn = [f"{'% ' if args.latex else ''}warning: {w}" for w in res.warnings]
        emit(res, args.json, "\n".join(([head] if not args.quiet else []) + lines + warn))
        return 0
    if not args.equation:
        raise InvalidInputError("no equation given; try disco balance \"H2 + O2 -> H2O\" or --species \"A, B\"")
    if args.network:
        net = balance_network(args.equation, medium=args.medium)
        lines = [(r.latex() if args.latex else r.text()) for r in net.reactions]
        for i, r in enumerate(net.reactions):
            lines += [f"{'% ' if args.latex else ''}warning: reaction #{i + 1}: {w}" for w in r.warnings]
        lines.append(f"rank {net.rank}; conservation laws:")
        lines += ["  " + _law_text(law) + " is conserved" for law in net.conservation_laws()]
        emit(net, args.json, "\n".join(lines))
        return 0
    text = " ".join(args.equation)
    if args.half:
        h = half_reactions(text, medium=args.medium)
        if args.latex:
            extra = [h.ionic.latex(ion_electron=True)] if h.ionic is not None else []
            out = "\n".join([r.latex() for r in h.oxidation + h.reduction] + extra
                             + [h.overall.latex(ion_electron=True)] + [f"% warning: {w}" for w in h.warnings])
        else:
            out = str(h) + ("" if args.quiet else "\nread as: " + _readings_text(h.overall))
        emit(h, args.json, out)
        return 0
    r = balance(text, medium=args.medium)
    differs = r.ion_electron is not None and tuple(r.ion_electron) != tuple(r.coefficients)
    if args.latex:
        lines = [r.latex() + ("  % minimum-total balance" if differs else "")]
        if differs:
            lines.append(r.latex(ion_electron=True) + "  % oxidation-state-consistent (ion-electron) balance")
        lines += [f"% warning: {w}" for w in r.warnings]
        if not args.quiet:
            lines.append("% read as: " + _readings_text(r))
    else:
        lines = [r.text()]
        if differs:
            lines.append(f"oxidation-state-consistent (ion-electron) balance: {r.ion_electron_text()}")
        lines += [f"warning: {w}" for w in r.warnings]
        if not args.quiet:
            lines.append("read as: " + _readings_text(r))
    emit(r, args.json, "\n".join(lines))
    return 0


def _readings_text(r) -> str:
    """``'I2 = I2; I- = I^-; I3- = I3^- (triiodide)'``: how each species was read."""
    out = []
    for text, sp in zip(r.species, r.readings, strict=True):
        item = f"{text} = {sp.reading()}" + (f"({sp.phase})" if sp.phase else "")
        if sp.note:
            item += f" ({sp.note})"
        out.append(item)
    return "; ".join(out)


def _law_text(law: dict[str, int]) -> str:
    out = ""
    for i, (s, w) in enumerate(law.items()):
        sign = "-" if w < 0 else "+"
        mag = "" if abs(w) == 1 else f"{abs(w)} "
        if i == 0:
            out = ("-" if w < 0 else "") + mag + f"[{s}]"
        else:
            out += f" {sign} {mag}[{s}]"
    return out
