"""Benchmark: chemical reaction balancing (issue #3) against chempy's ``balance_stoichiometry``.

Targets:

1. corpus of 100+ textbook-to-hard equations (``CORPUS`` below, the same strings for both
   tools: combustion, synthesis, molecular and ionic redox, underdetermined) and ``IMPOSSIBLE``
   ones (no positive balance: ours must prove it): >= 20x faster than chempy in total over
   the equations chempy solves (warm: best of ``--repeat`` in this process), median < 2 ms
   per equation for ours. Equations chempy rejects, or answers with a non-positive or
   symbolic coefficient, are counted separately (ours must solve every one). Also *cold*
   (>= 5x, issue #18): each tool in a fresh interpreter with an empty numba cache, import
   included, balancing those equations once each;
2. 100 species, unique balance: < 0.1 s;
3. 100 species over 10 elements (90 independent balances), canonical minimum-sum
   balance, proved exactly (minimum and lexicographic tie-break): < 2 s; also over
   ``--canonical-seeds`` random systems of that size;
4. ``balance_species`` on 20 species: < 1 s.

Run: ``disco bench reactions`` or ``python tests/benchmarks/bench_reactions.py [--repeat 3]
[--no-chempy] [--seed 1] [--canonical-seeds 20]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

#: Equations, plain to hard; charges written so that both parsers read them (``Fe+3``).
CORPUS: tuple[str, ...] = (
    # combustion
    "CH4 + O2 -> CO2 + H2O",
    "C3H8 + O2 -> CO2 + H2O",
    "C8H18 + O2 -> CO2 + H2O",
    "C6H12O6 + O2 -> CO2 + H2O",
    "C2H5OH + O2 -> CO2 + H2O",
    "C12H22O11 + O2 -> CO2 + H2O",
    "C57H110O6 + O2 -> CO2 + H2O",
    "NH3 + O2 -> NO + H2O",
    "FeS2 + O2 -> Fe2O3 + SO2",
    # synthesis / decomposition
    "N2 + H2 -> NH3",
    "KClO3 -> KCl + O2",
    "NaHCO3 -> Na2CO3 + H2O + CO2",
    "CaCO3 -> CaO + CO2",
    "NH4NO3 -> N2O + H2O",
    "Pb(NO3)2 -> PbO + NO2 + O2",
    "CuSO4.5H2O -> CuSO4 + H2O",
    "Al + O2 -> Al2O3",
    # neutralisation / double displacement
    "H2SO4 + NaOH -> Na2SO4 + H2O",
    "H3PO4 + Ca(OH)2 -> Ca3(PO4)2 + H2O",
    "AgNO3 + BaCl2 -> AgCl + Ba(NO3)2",
    "Al2(SO4)3 + Ca(OH)2 -> Al(OH)3 + CaSO4",
    "Na3PO4 + MgCl2 -> Mg3(PO4)2 + NaCl",
    "FeCl3 + NH4OH -> Fe(OH)3 + NH4Cl",
    # single displacement / redox (molecular)
    "Fe2O3 + CO -> Fe + CO2",
    "Zn + HCl -> ZnCl2 + H2",
    "Cu + HNO3 -> Cu(NO3)2 + NO + H2O",
    "Cu + HNO3 -> Cu(NO3)2 + NO2 + H2O",
    "KMnO4 + HCl -> KCl + MnCl2 + Cl2 + H2O",
    "K2Cr2O7 + HCl -> KCl + CrCl3 + Cl2 + H2O",
    "KMnO4 + FeSO4 + H2SO4 -> K2SO4 + MnSO4 + Fe2(SO4)3 + H2O",
    "K2Cr2O7 + FeSO4 + H2SO4 -> Cr2(SO4)3 + Fe2(SO4)3 + K2SO4 + H2O",
    "KMnO4 + H2C2O4 + H2SO4 -> K2SO4 + MnSO4 + CO2 + H2O",
    "KMnO4 + H2O2 + H2SO4 -> K2SO4 + MnSO4 + O2 + H2O",
    "As2S3 + HNO3 + H2O -> H3AsO4 + H2SO4 + NO",
    "P4 + NaOH + H2O -> PH3 + NaH2PO2",
    "Ca3(PO4)2 + SiO2 + C -> CaSiO3 + P4 + CO",
    # ionic, with charges
    "MnO4- + Fe+2 + H+ -> Mn+2 + Fe+3 + H2O",
    "Cr2O7-2 + Fe+2 + H+ -> Cr+3 + Fe+3 + H2O",
    "MnO4- + C2O4-2 + H+ -> Mn+2 + CO2 + H2O",
    "Cu + NO3- + H+ -> Cu+2 + NO + H2O",
    "MnO4- + I- + H2O -> MnO2 + I2 + OH-",
    "Fe+3 + e- -> Fe+2",
    # hard ones from the chemical-education literature
    "K4Fe(CN)6 + KMnO4 + H2SO4 -> KHSO4 + Fe2(SO4)3 + MnSO4 + HNO3 + CO2 + H2O",
    "K4Fe(SCN)6 + K2Cr2O7 + H2SO4 -> Fe2(SO4)3 + Cr2(SO4)3 + CO2 + H2O + K2SO4 + KNO3",
    "Cr7N66H96C42O24 + KMnO4 + H2SO4 -> K2Cr2O7 + MnSO4 + CO2 + KNO3 + K2SO4 + H2O",
    "H2 + Ca(CN)2 + NaAlF4 + FeSO4 + MgSiO3 + KI + H3PO4 + PbCrO4 + BrCl + CF2Cl2 + SO2 -> "
    "PbBr2 + CrCl3 + MgCO3 + KAl(OH)4 + Fe(SCN)3 + PI3 + Na2SiO3 + CaF2 + H2O",
    # more textbook equations (combustion, synthesis, hydrolysis, displacement, molecular redox)
    "Fe + O2 -> Fe2O3", "Na + H2O -> NaOH + H2",
    "Mg + HCl -> MgCl2 + H2", "Al + HCl -> AlCl3 + H2",
    "P4 + O2 -> P4O10", "C2H6 + O2 -> CO2 + H2O",
    "C4H10 + O2 -> CO2 + H2O", "C6H6 + O2 -> CO2 + H2O",
    "Fe3O4 + H2 -> Fe + H2O", "SiCl4 + H2O -> H4SiO4 + HCl",
    "Al4C3 + H2O -> Al(OH)3 + CH4", "Ca3P2 + H2O -> Ca(OH)2 + PH3",
    "NaOH + CO2 -> Na2CO3 + H2O", "Fe2(SO4)3 + KOH -> K2SO4 + Fe(OH)3",
    "(NH4)2Cr2O7 -> Cr2O3 + N2 + H2O", "Cu2S + O2 -> Cu2O + SO2",
    "ZnS + O2 -> ZnO + SO2", "NO2 + H2O -> HNO3 + NO",
    "Cl2 + NaOH -> NaCl + NaClO3 + H2O", "S + HNO3 -> H2SO4 + NO2 + H2O",
    "Zn + HNO3 -> Zn(NO3)2 + NH4NO3 + H2O", "Mg + HNO3 -> Mg(NO3)2 + N2O + H2O",
    "Ag + HNO3 -> AgNO3 + NO + H2O", "KI + H2SO4 -> K2SO4 + I2 + H2S + H2O",
    "HCl + MnO2 -> MnCl2 + Cl2 + H2O", "Na2S2O3 + I2 -> Na2S4O6 + NaI",
    "Cl2 + KOH -> KCl + KClO3 + H2O", "I2 + HNO3 -> HIO3 + NO2 + H2O",
    "FeCl2 + KMnO4 + HCl -> FeCl3 + MnCl2 + KCl + H2O", "CrI3 + KOH + Cl2 -> K2CrO4 + KIO4 + KCl + H2O",
    "Fe(OH)2 + O2 + H2O -> Fe(OH)3", "PbS + H2O2 -> PbSO4 + H2O",
    "Sb2S3 + HCl -> SbCl3 + H2S", "XeF6 + H2O -> XeO3 + HF",
    "B2H6 + O2 -> B2O3 + H2O",
    # more ionic redox
    "Cr2O7-2 + I- + H+ -> Cr+3 + I2 + H2O", "MnO4- + SO3-2 + H+ -> Mn+2 + SO4-2 + H2O",
    "H2O2 + Fe+2 + H+ -> Fe+3 + H2O", "Zn + NO3- + H+ -> Zn+2 + NH4+ + H2O",
    "ClO3- + Cl- + H+ -> Cl2 + H2O", "BrO3- + Br- + H+ -> Br2 + H2O",
    "Cu+2 + I- -> CuI + I2", "S2O3-2 + I2 -> S4O6-2 + I-",
    "Fe+3 + Sn+2 -> Fe+2 + Sn+4", "As2O3 + NO3- + H2O + H+ -> H3AsO4 + NO",
    # several independent balances (canonical minimum-sum answer)
    "C + O2 -> CO + CO2",
    "H2 + O2 -> H2O + H2O2",
    "Cu + HNO3 -> Cu(NO3)2 + NO + NO2 + H2O",
    "CH4 + O2 -> CO + CO2 + H2O", "NH3 + O2 -> NO + NO2 + H2O",
    "Fe + O2 -> FeO + Fe2O3", "C2H6 + O2 -> CO + CO2 + H2O",
    "MnO4- + H2O2 + H+ -> Mn+2 + O2 + H2O", "S + O2 -> SO2 + SO3",
    "P + O2 -> P2O3 + P2O5",
)

#: Equations with no positive balance: ours must prove it (``InfeasibleError``), timed as well.
IMPOSSIBLE: tuple[str, ...] = (
    "H2O -> H2O2", "CO2 -> CO", "NaCl -> Na2O", "Fe2O3 -> FeO",
    "CH4 -> C2H4", "KClO3 -> KCl", "H+ -> H2",
)


def _chempy_parse(eq: str):
    left, right = eq.split("->")
    return [s.strip() for s in left.split(" + ")], [s.strip() for s in right.split(" + ")]


def _chempy_balance(eq: str):
    from chempy import balance_stoichiometry

    reac, prod = _chempy_parse(eq)
    r, p = balance_stoichiometry(set(reac), set(prod))
    coeffs = list(r.values()) + list(p.values())
    ok = all(getattr(c, "is_Integer", isinstance(c, int)) and int(c) > 0 for c in coeffs)
    return ok


_COLD = {
    "ours": ("import sys, time\n"
             "t = time.perf_counter()\n"
             "from solvers.reactions import balance\n"
             "eqs = sys.stdin.read().split('\\n')\n"
             "for eq in eqs:\n"
             "    balance(eq)\n"
             "print(time.perf_counter() - t)\n"),
    "chempy": ("import sys, time\n"
               "t = time.perf_counter()\n"
               "from chempy import balance_stoichiometry\n"
               "eqs = sys.stdin.read().split('\\n')\n"
               "for eq in eqs:\n"
               "    left, right = eq.split('->')\n"
               "    balance_stoichiometry({s.strip() for s in left.split(' + ')},\n"
               "                          {s.strip() for s in right.split(' + ')})\n"
               "print(time.perf_counter() - t)\n"),
}


def _cold(tool: str, eqs, timeout: float = 600.0) -> float | None:
    """Seconds for ``tool`` to import and balance ``eqs`` once each in a fresh interpreter
    with an empty numba cache (None if it failed)."""
    import os
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        try:
            out = subprocess.run([sys.executable, "-c", _COLD[tool]], input="\n".join(eqs), text=True,
                                 capture_output=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            return None
    if out.returncode:
        return None
    return float(out.stdout.strip().splitlines()[-1])


def _time(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def _random_unique(n: int, seed: int) -> str:
    """n - 1 reactants ``E_i E_{i+1}^k`` over n - 1 elements (bidiagonal, so independent) and
    one product with the composition of ``sum c_i R_i`` (random ``c_i``): a unique balance."""
    import numpy as np

    from solvers.reactions.elements import SYMBOLS

    rng = np.random.default_rng(seed)
    els = SYMBOLS[: n - 1]
    comps = []
    for i in range(n - 1):
        comp = {els[i]: 1}
        if i + 1 < n - 1:
            comp[els[i + 1]] = int(rng.integers(1, 4))
        comps.append(comp)
    c = [int(v) for v in rng.integers(1, 4, n - 1)]
    total: dict[str, int] = {}
    for ci, comp in zip(c, comps, strict=False):
        for e, k in comp.items():
            total[e] = total.get(e, 0) + ci * k
    fmt = lambda comp: "".join(f"{e}{k if k > 1 else ''}" for e, k in comp.items())  # noqa: E731
    return " + ".join(fmt(comp) for comp in comps) + " -> " + fmt(total)


def _random_canonical(n: int, m: int, seed: int) -> str:
    """n random species over m elements, half on each side (n - m independent balances)."""
    import numpy as np

    from solvers.reactions.elements import SYMBOLS

    rng = np.random.default_rng(seed)
    els = [s for s in SYMBOLS if len(s) == 2][:m]
    out = []
    for j in range(n):
        k = int(rng.integers(1, 4))
        pick = rng.choice(m, k, replace=False)
        if j < m:  # make sure every element is on both sides
            pick = np.unique(np.append(pick, j % m))
        out.append("".join(f"{els[e]}{int(rng.integers(1, 5))}" for e in sorted(pick)))
    half = n // 2
    for e in range(m):  # element e on both sides
        if not any(els[e] in s for s in out[half:]):
            out[half + e % (n - half)] += els[e]
        if not any(els[e] in s for s in out[:half]):
            out[e % half] += els[e]
    return " + ".join(out[:half]) + " -> " + " + ".join(out[half:])


_CANON = (
    "import sys, time, json\n"
    "from solvers.reactions import balance\n"
    "*eqs, warm = sys.stdin.read().split('\\n@@\\n')\n"
    "balance(warm)  # warm-up: SciPy/SymPy imports and the numba cache, not timed\n"
    "for eq in eqs:\n"
    "    t = time.perf_counter(); r = balance(eq); dt = time.perf_counter() - t\n"
    "    print(json.dumps({'t': dt, 'total': sum(r.coefficients), 'dim': len(r.basis), 'method': r.method}),"
    " flush=True)\n"
)

#: methods whose minimum total and lexicographic tie-break are proved exactly
_EXACT = {"unique", "line", "branch-and-bound", "group-enumeration"}


def _timed_subprocess(eqs, timeout: float):
    """Balance each equation in one fresh interpreter (after an untimed warm-up); returns a
    list of ``(seconds, info dict)`` (``None`` entries when the time limit struck first)."""
    import json
    import subprocess

    eqs = [eqs] if isinstance(eqs, str) else list(eqs)
    warm = _random_canonical(20, 10, 2)
    try:
        out = subprocess.run([sys.executable, "-c", _CANON], input="\n@@\n".join(eqs + [warm]), text=True,
                             capture_output=True, timeout=timeout)
        lines, err = out.stdout, (out.stderr.strip().splitlines()[-1:] if out.returncode else None)
    except subprocess.TimeoutExpired as exc:
        lines = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err = None
    got = [json.loads(line) for line in lines.strip().splitlines() if line.startswith("{")]
    res = [(d["t"], d) for d in got] + [(None, err)] * (len(eqs) - len(got))
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="bench_reactions", description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-chempy", action="store_true")
    ap.add_argument("--canonical-timeout", type=float, default=60.0,
                    help="seconds allowed to each canonical-balance instance (run in a subprocess)")
    ap.add_argument("--canonical-seeds", type=int, default=20,
                    help="also time this many random 100-species systems (seeds from --seed on); 0: skip")
    args = ap.parse_args(argv)

    from engine.errors import InfeasibleError
    from solvers.reactions import balance, balance_species

    for eq in CORPUS:  # warm-up (imports, numba cache) and correctness
        balance(eq).check()

    def refuted(eq: str) -> None:
        try:
            balance(eq)
        except InfeasibleError:
            return
        raise AssertionError(f"{eq!r} has no positive balance, but one was returned")

    for eq in IMPOSSIBLE:
        refuted(eq)
    ours = [_time(lambda eq=eq: balance(eq), args.repeat) for eq in CORPUS]
    impossible = [_time(lambda eq=eq: refuted(eq), args.repeat) for eq in IMPOSSIBLE]
    print(f"corpus: {len(CORPUS)} equations, ours total {sum(ours) * 1e3:.1f} ms, "
          f"median {statistics.median(ours) * 1e3:.3f} ms, max {max(ours) * 1e3:.1f} ms; "
          f"{len(IMPOSSIBLE)} impossible ones proved so in {sum(impossible) * 1e3:.1f} ms")
    have_chempy = False
    if not args.no_chempy:
        try:
            import chempy  # noqa: F401

            have_chempy = True
        except ImportError:
            print("chempy not installed: skipping the peer (pip install chempy)")
    if have_chempy:
        solved, failed, t_ours, t_peer = 0, [], 0.0, 0.0
        for eq, t_o in zip(CORPUS, ours, strict=False):
            t = time.perf_counter()
            try:
                ok = _chempy_balance(eq)
            except Exception as exc:  # noqa: BLE001 - the peer's failures are counted
                ok = False
                why = type(exc).__name__
            else:
                why = "non-positive or symbolic coefficients"
            dt = time.perf_counter() - t
            if ok:
                solved += 1
                t_peer += _time(lambda eq=eq: _chempy_balance(eq), max(1, args.repeat - 2)) if dt < 1 else dt
                t_ours += t_o
            else:
                failed.append((eq, why))
        print(f"chempy solved {solved}/{len(CORPUS)}; failed or wrong on {len(failed)}:")
        for eq, why in failed:
            print(f"  [{why}] {eq}")
        if solved:
            print(f"on the {solved} it solves, warm: chempy {t_peer * 1e3:.1f} ms, ours {t_ours * 1e3:.1f} ms, "
                  f"ratio {t_peer / t_ours:.1f}x (target >= 20x)")
            solved_eqs = [eq for eq in CORPUS if eq not in {e for e, _ in failed}]
            c_ours, c_peer = _cold("ours", solved_eqs), _cold("chempy", solved_eqs)
            if c_ours is None or c_peer is None:
                print(f"cold: a fresh interpreter failed (ours {c_ours}, chempy {c_peer})")
            else:
                print(f"on the {solved} it solves, cold (fresh interpreter, empty numba cache, imports "
                      f"included): chempy {c_peer:.2f} s, ours {c_ours:.2f} s, ratio {c_peer / c_ours:.1f}x "
                      f"(target >= 5x)")

    eq = _random_unique(100, args.seed)
    r = balance(eq)
    t = _time(lambda: balance(eq), args.repeat)
    print(f"100 species, unique balance: {t * 1e3:.1f} ms (unique={r.unique}; target < 100 ms)")

    for n_sp in (20, 40, 100):
        eq = _random_canonical(n_sp, 10, args.seed)
        ((dt, d),) = _timed_subprocess(eq, args.canonical_timeout)
        if dt is None:
            print(f"{n_sp} species / 10 elements, canonical: no answer within {args.canonical_timeout:.0f} s "
                  f"{d or ''}(subprocess limit; target for 100 species < 2 s)")
        else:
            proved = "exact (minimum and tie-break proved)" if d["method"] in _EXACT else "NOT proved"
            print(f"{n_sp} species / 10 elements, canonical: {dt:.2f} s, total {d['total']}, {d['dim']} independent "
                  f"balances, method {d['method']}, {proved} (target for 100 species < 2 s)")
    if args.canonical_seeds:
        seeds = range(args.seed, args.seed + args.canonical_seeds)
        got = _timed_subprocess([_random_canonical(100, 10, s) for s in seeds], args.canonical_timeout * 4)
        ts = [t for t, _ in got if t is not None]
        exact = sum(1 for t, d in got if t is not None and d["method"] in _EXACT)
        worst = max(zip([t if t is not None else float("inf") for t, _ in got], seeds, strict=True))
        print(f"100 species / 10 elements, {len(got)} random systems (seeds {seeds.start}-{seeds.stop - 1}): "
              f"{exact}/{len(got)} proved exactly, median {statistics.median(ts) if ts else float('nan'):.3f} s, "
              f"max {worst[0]:.2f} s (seed {worst[1]}), {sum(1 for t in ts if t < 2)}/{len(got)} under 2 s")

    sp = ["CH4", "C2H6", "C2H4", "C2H2", "C3H8", "CO", "CO2", "H2O", "H2", "O2", "CH3OH",
          "HCHO", "HCOOH", "C2H5OH", "CH3CHO", "CH3COOH", "H2O2", "C", "C6H6", "C4H10"]
    balance_species(sp)
    t = _time(lambda: balance_species(sp), args.repeat)
    print(f"balance_species on {len(sp)} species: {t * 1e3:.1f} ms, "
          f"{len(balance_species(sp))} elementary reactions (target < 1000 ms)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
