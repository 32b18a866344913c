"""``disco graphs``: extremal graphs without short cycles (search, verify, known values).

- ``disco graphs search --n 30 --seed 1 --time-limit 10 -o g.g6`` runs the tabu search on the
  search runner with the flags every search command shares (``--seed --time-limit --steps
  --target --workers --backend --cluster --checkpoint --checkpoint-every --resume --db -o
  --force --json -q``; ``--time`` and ``--address`` are the former names of ``--time-limit``
  and ``--cluster``). Every verified improvement is committed to the results store (domain
  ``"graphs"``) before it is printed; the best graph is written to ``-o`` (graph6, or an edge
  list for ``.txt``/``.edges``; an existing file is kept unless ``--force``). ``--walkers N``
  runs N walkers (``--workers N`` on the local process pool, ``--cluster tcp://host:port`` on a
  Dask cluster); ``--checkpoint PATH`` checkpoints them and ``--resume`` continues a killed run.
- ``disco graphs curriculum --from 53 --to 64 --time-per-size 50`` seeds each size from the
  best graphs at neighbouring sizes (the same shared flags; ``--time-limit``/``--steps`` are
  split over the sizes, ``--target`` is the edge count wanted at ``--to``).
- ``disco graphs verify FILE`` checks a graph6/edge-list file independently with networkx
  and names the forbidden cycle it finds.
- ``disco graphs known [--n N]`` prints the table of known values with sources.

Exit codes of the searches (:func:`search.flags.exit_code`): 0 the target was reached (by
default the known value when it is exact), 1 the budget was spent without reaching it, 2 bad
input (one line on stderr; nothing stored is modified), 3 a target above a proved maximum,
130 interrupted.

Examples:
    >>> from search.app.cli import main
    >>> main(["graphs", "known", "--n", "10"])
    n=10: 15 edges (exact; OEIS A006856 (Garnick-Kwong-Lazebnik 1993; McKay 2022/2023))
    0
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from engine.errors import InvalidInputError
from search.app.cli._common import add_common_flags, emit
from search.flags import add_search_flags

__all__ = ["register"]


def _hidden_aliases(parser: argparse.ArgumentParser) -> None:
    """The former flag names, kept working but no longer shown."""
    parser.add_argument("--time", dest="time_limit", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--address", dest="cluster", help=argparse.SUPPRESS)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "graphs", help="extremal graphs with no short cycles (girth-5 problem of Erdos)",
        description="Search, verify and look up graphs with many edges and no cycle of a "
                    "forbidden length (default: no 3- or 4-cycles).",
    )
    sub = p.add_subparsers(dest="graphs_command", metavar="SUBCOMMAND")

    s = sub.add_parser("search", help="tabu search for an extremal graph on n vertices")
    s.add_argument("--n", type=int, required=True, help="number of vertices (>= 1)")
    s.add_argument("--forbid", default="3,4",
                   help="forbidden cycle lengths, e.g. '3,4' (default), '4', 'girth6'")
    s.add_argument("--method", choices=["tabu", "generic-tabu", "annealing"], default="tabu",
                   help="numba tabu walk (default) or a generic driver of search.drivers")
    s.add_argument("--walkers", type=int, default=None,
                   help="independent walkers (default: --workers, 2 on a cluster, else 1)")
    s.add_argument("--initial", default=None, metavar="FILE",
                   help="start from this graph (graph6 or edge list)")
    add_search_flags(s, target_type=int,
                     target_help="stop at this many edges (default: the known value when exact)",
                     steps_help="tabu iterations over all walkers (default 200000 without "
                                "--time-limit)")
    _hidden_aliases(s)
    s.set_defaults(handler=_search)

    c = sub.add_parser("curriculum", help="search a range of sizes, seeding each from its neighbours")
    c.add_argument("--from", dest="n_from", type=int, required=True, help="smallest size")
    c.add_argument("--to", dest="n_to", type=int, required=True, help="largest size")
    c.add_argument("--forbid", default="3,4", help="forbidden cycle lengths (default '3,4')")
    c.add_argument("--time-per-size", type=float, default=None, metavar="S",
                   help="seconds per size (instead of splitting --time-limit)")
    c.add_argument("--steps-per-size", type=int, default=None, metavar="N",
                   help="tabu iterations per size (instead of splitting --steps)")
    c.add_argument("--passes", type=int, default=1, help="passes over the sizes (default 1)")
    c.add_argument("--walkers", type=int, default=None,
                   help="walkers per size (default: --workers, 2 on a cluster, else 1)")
    add_search_flags(c, target_type=int,
                     target_help="stop the largest size at this many edges (default: the known "
                                 "value when exact)",
                     steps_help="tabu iterations over all sizes (split evenly)")
    _hidden_aliases(c)
    c.set_defaults(handler=_curriculum)

    v = sub.add_parser("verify", help="verify a graph file (graph6 or edge list) independently")
    v.add_argument("file", help="graph6 (.g6) or edge-list file")
    v.add_argument("--forbid", default="3,4")
    v.add_argument("--format", choices=["graph6", "edgelist"], default=None)
    add_common_flags(v)
    v.set_defaults(handler=_verify)

    k = sub.add_parser("known", help="known values of ex(n; C3, C4) with sources")
    k.add_argument("--n", type=int, default=None)
    add_common_flags(k)
    k.set_defaults(handler=_known)

    p.set_defaults(handler=lambda args: (p.print_help(), 0)[1])


def _walkers(args: argparse.Namespace) -> int:
    from search.graphs.spec import MAX_WALKERS

    for name in ("walkers", "workers"):
        val = getattr(args, name)
        if val is not None and val < 1:
            raise InvalidInputError(f"--{name} {val} must be >= 1")
        if val is not None and val > MAX_WALKERS:
            raise InvalidInputError(f"--{name} {val} exceeds {MAX_WALKERS}; use fewer")
    return args.walkers or args.workers or (2 if args.cluster else 1)


def _search(args: argparse.Namespace) -> int:
    from search.flags import exit_code, runner_options
    from search.graphs import extremal_graph_search, read_graph, write_graph
    from search.graphs.problem import check_n
    from search.graphs.search import search_budget
    from solvers.graphs import parse_forbidden

    # every check before anything is created or written (the store included)
    n = check_n(args.n)
    forbid = parse_forbidden(args.forbid)
    walkers = _walkers(args)
    initial = read_graph(args.initial) if args.initial else None
    if args.target is not None:
        search_budget(n, forbid, None, target=args.target)  # a target above a proved maximum
    opts = runner_options(args)
    store = opts.pop("store")
    try:
        res = extremal_graph_search(n, forbidden=forbid, method=args.method, walkers=walkers,
                                    initial=initial, store=store, **opts)
    finally:
        if store is not None:
            store.close()
    if args.output:
        write_graph(res.graph, args.output, force=True)
    data = res.to_json()
    data["output"] = args.output
    gap = "" if res.gap is None else f", known {res.known} ({res.known_status}), gap {res.gap}"
    text = (f"n={res.n}: {res.edges} edges, no {','.join(f'C{k}' for k in res.forbidden)}"
            f"{gap}; verified ({res.verification}); {res.stop_reason.value} after {res.steps} "
            f"steps in {res.elapsed:.1f} s, seed {res.seed}")
    if res.is_record:
        text += "\nNEW RECORD (verified twice): beats the best known lower bound"
    text += f"\ngraph6: {res.graph6}"
    if res.run_id is not None and store is not None:
        text += f"\nstored: run {res.run_id} in {store.path}"
    if args.output:
        text += f"\nwritten to {args.output}"
    emit(data, args.json, text)
    return exit_code(res.stop_reason)


def _curriculum(args: argparse.Namespace) -> int:
    from search.flags import exit_code, runner_options
    from search.graphs import curriculum_graph_search, known_value
    from search.graphs.problem import MAX_N
    from search.graphs.search import search_budget
    from solvers.graphs import parse_forbidden

    forbid = parse_forbidden(args.forbid)
    if args.n_from < 1 or args.n_to < args.n_from or args.n_to > MAX_N:
        raise InvalidInputError(
            f"--from {args.n_from} --to {args.n_to}: need 1 <= from <= to <= {MAX_N}"
        )
    for name in ("passes", "steps_per_size"):
        val = getattr(args, name)
        if val is not None and val < 1:
            raise InvalidInputError(f"--{name.replace('_', '-')} {val} must be >= 1")
    if args.time_per_size is not None and not 0 < args.time_per_size < float("inf"):
        raise InvalidInputError(f"--time-per-size {args.time_per_size} must be a finite number > 0 of seconds")
    if args.passes > 1000:
        raise InvalidInputError(f"--passes {args.passes} must be at most 1000")
    walkers = _walkers(args)
    if args.target is not None:
        search_budget(args.n_to, forbid, None, target=args.target)
    opts = runner_options(args)
    store = opts.pop("store")
    show = opts["progress"] and not args.json

    def on_stage(st: Any) -> None:
        if show:
            kv = known_value(st.size, forbid)
            extra = "" if kv is None else f" (known {kv.edges}, gap {kv.edges - st.edges})"
            print(f"n={st.size}: {st.edges} edges{extra} in {st.elapsed:.1f} s "
                  f"({st.stop_reason.value})", file=sys.stderr, flush=True)

    try:
        res = curriculum_graph_search(
            list(range(args.n_from, args.n_to + 1)), forbidden=forbid,
            time_per_size=args.time_per_size, steps_per_size=args.steps_per_size,
            passes=args.passes, walkers=walkers, store=store, on_stage=on_stage, **opts)
    finally:
        if store is not None:
            store.close()
    rows = []
    for n, st in sorted(res.best.items()):
        kv = known_value(n, forbid)
        rows.append({"n": n, "edges": st.edges, "graph6": st.graph6,
                     "known": None if kv is None else kv.edges,
                     "gap": None if kv is None else kv.edges - st.edges})
    if args.output:
        Path(args.output).write_text("".join(f"{r['graph6']}\n" for r in rows))
    text = "\n".join(f"n={r['n']}: {r['edges']} edges"
                     + ("" if r["known"] is None else f", known {r['known']}, gap {r['gap']}")
                     for r in rows)
    text += f"\n{res.stop_reason.value} after {res.steps} steps in {res.elapsed:.1f} s"
    if args.output:
        text += f"\nwritten to {args.output} (graph6, one line per size)"
    data = {"sizes": rows, **{k: v for k, v in res.to_json().items() if k != "sizes"},
            "output": args.output}
    emit(data, args.json, text)
    return exit_code(res.stop_reason)


def _verify(args: argparse.Namespace) -> int:
    from search.graphs import gap_report, read_graph, verify_graph
    from solvers.graphs import forbidden_label, parse_forbidden

    forbid = parse_forbidden(args.forbid)
    G = read_graph(args.file, args.format)
    verify_graph(G, forbid)
    n, m = G.number_of_nodes(), G.number_of_edges()
    rep = gap_report(n, m, forbid)
    data = {"file": args.file, "n": n, "edges": m, "forbidden": list(forbid), "valid": True,
            **{k: rep[k] for k in ("known", "status", "gap", "is_record")}}
    text = f"{args.file}: valid, n={n}, {m} edges, no {forbidden_label(forbid)}"
    if rep["known"] is not None:
        text += f"; known {rep['known']} ({rep['status']}), gap {rep['gap']}"
        if rep["is_record"]:
            text += " -- beats the best known lower bound (verified twice)"
    emit(data, args.json, text)
    return 0


def _known(args: argparse.Namespace) -> int:
    from search.graphs import known_table

    table = known_table()
    if args.n is not None:
        if args.n not in table:
            raise InvalidInputError(
                f"--n {args.n}: no known value tabulated; the table covers n = "
                f"{min(table)}..{max(table)}"
            )
        rows = [table[args.n]]
    else:
        rows = list(table.values())
    data = [{"n": r.n, "edges": r.edges, "status": r.status, "source": r.source} for r in rows]
    text = "\n".join(f"n={r.n}: {r.edges} edges ({r.status}; {r.source})" for r in rows)
    emit(data if args.n is None else data[0], args.json, text)
    return 0
