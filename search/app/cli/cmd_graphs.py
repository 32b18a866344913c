"""``disco graphs``: extremal graphs without short cycles (search, verify, known values).

- ``disco graphs search --n 30 --seed 1 --time-limit 10 -o g.g6`` runs the tabu search
  (``--time`` is an alias of ``--time-limit``), stores every verified improvement in the
  results store (domain ``"graphs"``) and writes the best graph (graph6, or an edge list for
  ``.txt``/``.edges``; an existing file is kept unless ``--force``). ``--workers N`` runs N
  walkers on the local process pool, ``--cluster tcp://host:port`` on a Dask cluster;
  walker states are checkpointed next to the store and ``--resume`` continues a killed run.
- ``disco graphs curriculum --from 53 --to 64 --time-per-size 50`` seeds each size from the
  best graphs at neighbouring sizes.
- ``disco graphs verify FILE`` checks a graph6/edge-list file independently with networkx
  and names the forbidden cycle it finds.
- ``disco graphs known [--n N]`` prints the table of known values with sources.

Examples:
    >>> from search.app.cli import main
    >>> main(["graphs", "known", "--n", "10"])
    n=10: 15 edges (exact; OEIS A006856 (Garnick-Kwong-Lazebnik 1993; McKay 2022/2023))
    0
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from engine.errors import InvalidInputError
from search.app.cli._common import add_common_flags, emit

__all__ = ["register"]


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
    s.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    s.add_argument("--time-limit", "--time", dest="time_limit", type=float, default=None,
                   help="wall-clock seconds")
    s.add_argument("--steps", type=int, default=None,
                   help="tabu iterations in total (default 200000 when no time limit)")
    s.add_argument("--target", type=int, default=None,
                   help="stop at this many edges (default: the known value when exact)")
    s.add_argument("--method", choices=["tabu", "generic-tabu", "annealing"], default="tabu",
                   help="numba tabu walk (default) or a generic driver (serial)")
    s.add_argument("--walkers", type=int, default=None, help="independent walkers")
    s.add_argument("--workers", type=int, default=None,
                   help="worker processes (local pool) or walkers on --cluster")
    s.add_argument("--cluster", default=None, metavar="tcp://HOST:PORT",
                   help="Dask scheduler address")
    s.add_argument("--backend", choices=["serial", "process", "dask"], default=None)
    s.add_argument("--initial", default=None, metavar="FILE",
                   help="start from this graph (graph6 or edge list)")
    s.add_argument("--output", "-o", default=None, help="write the best graph here")
    s.add_argument("--force", action="store_true", help="overwrite --output if it exists")
    s.add_argument("--checkpoint", default=None,
                   help="checkpoint file (default: next to the store)")
    s.add_argument("--resume", action="store_true", help="continue from the checkpoint")
    add_common_flags(s)
    s.set_defaults(handler=_search)

    c = sub.add_parser("curriculum", help="search a range of sizes, seeding each from its neighbours")
    c.add_argument("--from", dest="n_from", type=int, required=True)
    c.add_argument("--to", dest="n_to", type=int, required=True)
    c.add_argument("--forbid", default="3,4")
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--time-per-size", type=float, default=None)
    c.add_argument("--steps-per-size", type=int, default=None)
    c.add_argument("--passes", type=int, default=1)
    c.add_argument("--workers", type=int, default=None)
    c.add_argument("--cluster", default=None, metavar="tcp://HOST:PORT")
    c.add_argument("--resume", action="store_true")
    add_common_flags(c)
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


def _store(args: argparse.Namespace) -> Any:
    from search.store import ResultsStore

    return ResultsStore(args.db)


def _ckpt_path(store: Any, n: int, forbid: tuple[int, ...], seed: int) -> Path:
    db = Path(getattr(store, "path", None) or os.environ.get("DISCO_DB") or "disco.db")
    tag = "".join(f"C{k}" for k in forbid)
    return db.with_name(f".{db.name}.graphs-n{n}-{tag}-seed{seed}.ckpt")


def _search(args: argparse.Namespace) -> int:
    from search.graphs import extremal_graph_search, read_graph, write_graph
    from solvers.graphs import parse_forbidden

    forbid = parse_forbidden(args.forbid)
    if args.output and Path(args.output).exists() and not args.force:
        raise InvalidInputError(
            f"--output {args.output!r} exists; pass --force to overwrite it"
        )
    for name in ("walkers", "workers"):
        val = getattr(args, name)
        if val is not None and val < 1:
            raise InvalidInputError(f"--{name} {val} must be >= 1")
    backend = args.backend or ("dask" if args.cluster else ("process" if (args.workers or 1) > 1
                                                             or (args.walkers or 1) > 1
                                                             else "serial"))
    walkers = args.walkers or args.workers or (2 if backend == "dask" else 1)
    initial = read_graph(args.initial) if args.initial else None
    store = _store(args)
    checkpoint = args.checkpoint or _ckpt_path(store, args.n, forbid, args.seed)
    show = not (args.quiet or args.json)
    res = extremal_graph_search(
        n=args.n, forbidden=forbid, seed=args.seed, time_limit=args.time_limit,
        steps=args.steps, target=args.target, method=args.method, walkers=walkers, backend=backend,
        workers=args.workers, address=args.cluster, initial=initial, store=store,
        checkpoint=checkpoint, resume=args.resume, progress=show and sys.stderr.isatty(),
    )
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
    if args.output:
        text += f"\nwritten to {args.output}"
    emit(data, args.json, text)
    return 0


def _curriculum(args: argparse.Namespace) -> int:
    from search.graphs import curriculum_graph_search, known_value
    from solvers.graphs import parse_forbidden

    forbid = parse_forbidden(args.forbid)
    if args.n_from < 1 or args.n_to < args.n_from:
        raise InvalidInputError(
            f"--from {args.n_from} --to {args.n_to}: need 1 <= from <= to"
        )
    store = _store(args)
    ckpt = _ckpt_path(store, args.n_from, forbid, args.seed).with_suffix(f".to{args.n_to}.cur")
    show = not (args.quiet or args.json)

    def on_stage(st: Any) -> None:
        if show:
            kv = known_value(st.size, forbid)
            extra = "" if kv is None else f" (known {kv.edges}, gap {kv.edges - int(st.score)})"
            print(f"n={st.size}: {int(st.score)} edges{extra} in {st.elapsed:.1f} s",
                  file=sys.stderr, flush=True)

    workers = args.workers or 1
    res = curriculum_graph_search(
        list(range(args.n_from, args.n_to + 1)), forbidden=forbid, seed=args.seed,
        time_per_size=args.time_per_size, steps_per_size=args.steps_per_size,
        passes=args.passes, walkers=workers if not args.cluster else max(2, workers),
        backend="dask" if args.cluster else ("process" if workers > 1 else "serial"),
        workers=args.workers, address=args.cluster, store=store, checkpoint=ckpt,
        resume=args.resume, on_stage=on_stage, target=None,
    )
    rows = []
    for n, st in sorted(res.best.items()):
        kv = known_value(n, forbid)
        rows.append({"n": n, "edges": int(st.score), "graph6": st.solution,
                     "known": None if kv is None else kv.edges,
                     "gap": None if kv is None else kv.edges - int(st.score)})
    text = "\n".join(f"n={r['n']}: {r['edges']} edges"
                     + ("" if r["known"] is None else f", known {r['known']}, gap {r['gap']}")
                     for r in rows)
    emit({"sizes": rows}, args.json, text)
    return 0


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
