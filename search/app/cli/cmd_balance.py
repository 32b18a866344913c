"""``disco balance``: balance chemical equations exactly.

Usage::

    disco balance "KMnO4 + HCl -> KCl + MnCl2 + Cl2 + H2O"      balanced equation
    disco balance "MnO4- + Fe2+ -> Mn2+ + Fe3+" --medium acidic  adds H+ / H2O as needed
    disco balance "MnO4- + Fe2+ -> Mn2+ + Fe3+" --half           oxidation / reduction halves
    disco balance "Cu + HNO3 -> Cu(NO3)2 + NO + H2O" --half      molecular: split through the ions
    disco balance --species "Cu, HNO3, Cu(NO3)2, NO, NO2, H2O"   all elementary reactions
    disco balance --network "N2 + H2 -> NH3" "NH3 + O2 -> NO + H2O"   network + conservation laws

Add ``--latex`` for mhchem output and ``--json`` for machine-readable output (the fields of
the result: species, coefficients, unique, basis, ...). Exit codes: 0 balanced, 2 bad
input, 3 proved impossible (the reason is printed on stderr).
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
    add_common_flags(p)
    p.set_defaults(handler=_handler)


def _handler(args: argparse.Namespace) -> int:
    from solvers.reactions import balance, balance_network, elementary_reactions, half_reactions

    if args.species is not None:
        if args.equation:
            raise InvalidInputError("give either an equation or --species, not both")
        res = elementary_reactions(args.species)
        if args.latex:
            from solvers.reactions import parse_equation

            lines = [balance(parse_equation(t)).latex() for t in res.texts()]
        else:
            lines = res.texts()
        head = f"{len(res.vectors)} elementary reaction(s) among {len(res.species)} species (rank {res.rank}):"
        emit(res, args.json, "\n".join([head] + lines) if not args.quiet else "\n".join(lines))
        return 0
    if not args.equation:
        raise InvalidInputError("no equation given; try disco balance \"H2 + O2 -> H2O\" or --species \"A, B\"")
    if args.network:
        net = balance_network(args.equation, medium=args.medium)
        lines = [(r.latex() if args.latex else r.text()) for r in net.reactions]
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
                             + [h.overall.latex(ion_electron=True)])
        else:
            out = str(h)
        emit(h, args.json, out)
        return 0
    r = balance(text, medium=args.medium)
    if args.latex:
        out = r.latex()
        if r.ion_electron is not None and not args.quiet:
            out += "\n" + r.latex(ion_electron=True) + "  % ion-electron balance"
    else:
        out = r.text()
        if not r.unique and not args.quiet:
            out += (f"\n(not unique: {len(r.basis)} independent balances; shown is the "
                    "minimum-total (canonical) one)")
            if r.ion_electron is not None and tuple(r.ion_electron) != tuple(r.coefficients):
                out += f"\nion-electron balance: {r.ion_electron_text()}"
    emit(r, args.json, out)
    return 0


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
