"""``disco discover``: run a discovery campaign across every capability and write the report."""

from __future__ import annotations

import argparse

from search.app.cli._common import add_common_flags, emit


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "discover",
        help="run a short discovery campaign across every capability and write report/index.html",
        description=(
            "Run a discovery campaign (the built-in default, or one described by a TOML file), "
            "store every verified result in the results store and write report/index.html and "
            "report/report.md. Re-running reuses the store and reports what is new."
        ),
    )
    p.add_argument("campaign", nargs="?", default=None, help="campaign TOML file (default: built-in campaign)")
    p.add_argument("--campaign", dest="campaign_option", default=None, metavar="FILE",
                   help="campaign TOML file (the same as the positional argument)")
    p.add_argument("--cluster", default=None, metavar="tcp://HOST:PORT",
                   help="run the parallel searches on this existing Dask scheduler; connecting "
                        "(and waiting for --min-workers) is not charged to the budget")
    p.add_argument("--min-workers", type=int, default=None,
                   help="with --cluster: wait until this many workers have joined before starting")
    p.add_argument("--budget", type=float, default=None, help="wall seconds for the whole campaign (default 120)")
    p.add_argument("--seed", type=int, default=None, help="master seed (default from the campaign, 1)")
    p.add_argument("--output", "-o", default=None, help="report directory (default: ./report)")
    p.add_argument(
        "--sections", default=None,
        help="comma-separated subset: reactions,contfrac,matmul,altspaces,graphs",
    )
    add_common_flags(p)
    p.set_defaults(handler=_discover)


def _discover(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from engine.errors import InvalidInputError
    from search.app.discover import SECTION_TITLES, campaign_from_dict, load_campaign, run_campaign

    if args.campaign and args.campaign_option and args.campaign != args.campaign_option:
        raise InvalidInputError(
            f"campaign file given twice ({args.campaign!r} and --campaign {args.campaign_option!r}); give one")
    path = args.campaign or args.campaign_option
    campaign = load_campaign(path) if path else campaign_from_dict({})
    if args.cluster is not None:
        if "://" not in args.cluster:
            raise InvalidInputError(
                f"--cluster {args.cluster!r} is not a scheduler address; use tcp://host:port")
        campaign = replace(campaign, cluster=args.cluster)
    if args.min_workers is not None:
        if args.min_workers < 1:
            raise InvalidInputError(f"--min-workers {args.min_workers} must be a positive integer")
        if campaign.cluster is None:
            raise InvalidInputError("--min-workers waits for Dask workers; give --cluster tcp://host:port too")
        campaign = replace(campaign, min_workers=args.min_workers)
    if args.budget is not None:
        if not 0 < args.budget < float("inf"):
            raise InvalidInputError(f"--budget {args.budget} must be a positive, finite number of seconds")
        campaign = replace(campaign, budget=float(args.budget))
    if args.seed is not None:
        if args.seed < 0:
            raise InvalidInputError(f"--seed {args.seed} must be a non-negative integer")
        campaign = replace(campaign, seed=args.seed)
    if args.sections is not None:
        chosen = tuple(s.strip() for s in args.sections.split(",") if s.strip())
        bad = [s for s in chosen if s not in SECTION_TITLES]
        if not chosen:
            raise InvalidInputError(
                f"--sections {args.sections!r} names no section; choose from {', '.join(SECTION_TITLES)}"
            )
        if bad:
            raise InvalidInputError(
                f"--sections {args.sections!r}: unknown section(s) {', '.join(map(repr, bad))}; "
                f"choose from {', '.join(SECTION_TITLES)}"
            )
        campaign = replace(campaign, sections=chosen)
    result = run_campaign(campaign, output=args.output, db=args.db, quiet=args.quiet or args.json)
    text_lines = [
        f"campaign {result.status} in {result.elapsed:.1f} s: "
        f"{result.new_results} new result(s), {result.total_results} in the store",
    ]
    if result.cluster is not None:
        text_lines.append(f"  cluster {result.cluster}: {result.cluster_workers} worker thread(s), "
                          f"start-up {result.startup_seconds:.1f} s (not charged to the budget)")
    for s in result.sections:
        extra = f" ({s.error})" if s.error else ""
        text_lines.append(f"  {s.title}: {s.status}, {len(s.rows)} result(s), {s.new_results} new{extra}")
    text_lines.append(f"report: {result.report_dir / 'index.html'}")
    emit(result, args.json, "\n".join(text_lines))
    if result.status == "interrupted":
        return 130
    return 0
