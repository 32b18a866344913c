"""Run a disco campaign on a SLURM or PBS cluster through dask-jobqueue.

Run it on the login node (dask-jobqueue is optional: ``pip install dask-jobqueue``)::

    python examples/hpc/dask_jobqueue_launcher.py --scheduler slurm --jobs 4 --cores 8 \\
        --memory 16GB --walltime 02:00:00 --queue normal examples/hpc/cluster_campaign.toml

It submits ``jobs`` batch jobs, each one Dask worker process per core (single-threaded, as
the searches are CPU-bound numba kernels), waits for them to join, then runs the campaign on
them. Queue waiting and worker start-up are not charged to the campaign's budget. Use
``--print-job-script`` to see the batch script without submitting anything.

The same campaign runs on a cluster started by hand (``dask scheduler`` plus ``dask worker``
on each node) with ``disco discover --campaign FILE --cluster tcp://HOST:8786``.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

SCHEDULERS = ("slurm", "pbs")
_MEMORY = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$")
_WALLTIME = re.compile(r"^(\d+-)?\d{1,3}:\d{2}:\d{2}$")


def jobqueue_config(scheduler: str = "slurm", *, cores: int = 8, memory: str = "16GB",
                    walltime: str = "02:00:00", queue: str | None = None,
                    account: str | None = None, python: str | None = None,
                    local_directory: str | None = None) -> dict[str, Any]:
    """The keyword arguments of ``dask_jobqueue.SLURMCluster`` / ``PBSCluster`` for one job of
    ``cores`` single-threaded worker processes (checked; raises ValueError naming the argument).

    Examples:
        >>> cfg = jobqueue_config("slurm", cores=4, memory="8GB", walltime="01:00:00")
        >>> cfg["cores"], cfg["processes"], cfg["memory"]
        (4, 4, '8GB')
    """
    if scheduler not in SCHEDULERS:
        raise ValueError(f"scheduler={scheduler!r} must be one of {SCHEDULERS}")
    if isinstance(cores, bool) or not isinstance(cores, int) or not 1 <= cores <= 1024:
        raise ValueError(f"cores={cores!r} must be an integer in 1..1024")
    if not isinstance(memory, str) or not _MEMORY.match(memory.strip()):
        raise ValueError(f"memory={memory!r} must be a size such as '16GB'")
    if not isinstance(walltime, str) or not _WALLTIME.match(walltime):
        raise ValueError(f"walltime={walltime!r} must be HH:MM:SS (or D-HH:MM:SS)")
    for name, value in (("queue", queue), ("account", account), ("python", python),
                        ("local_directory", local_directory)):
        if value is not None and (not isinstance(value, str) or not value.strip()
                                  or any(c.isspace() for c in value)):
            raise ValueError(f"{name}={value!r} must be a non-empty word without spaces")
    cfg: dict[str, Any] = {
        "cores": cores,
        "processes": cores,  # one single-threaded worker per core: numba kernels hold the GIL
        "memory": memory.strip(),
        "walltime": walltime,
        # the searches' own numba cache, per node, so workers load kernels instead of compiling
        "job_script_prologue": ['export NUMBA_CACHE_DIR="${TMPDIR:-/tmp}/disco-numba-$USER"'],
    }
    if queue:
        cfg["queue"] = queue
    if account:
        cfg["account"] = account
    if python:
        cfg["python"] = python
    if local_directory:
        cfg["local_directory"] = local_directory
    return cfg


def make_cluster(scheduler: str, cfg: dict[str, Any]) -> Any:
    """A ``dask_jobqueue`` cluster object (starts a scheduler here; submits nothing yet)."""
    try:
        import dask_jobqueue
    except ImportError:
        sys.exit("this recipe needs dask-jobqueue: pip install dask-jobqueue")
    cls = dask_jobqueue.SLURMCluster if scheduler == "slurm" else dask_jobqueue.PBSCluster
    return cls(**cfg)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("campaign", help="campaign TOML file, e.g. examples/hpc/cluster_campaign.toml")
    p.add_argument("--scheduler", choices=SCHEDULERS, default="slurm")
    p.add_argument("--jobs", type=int, default=2, help="batch jobs to submit")
    p.add_argument("--cores", type=int, default=8, help="cores (= worker processes) per job")
    p.add_argument("--memory", default="16GB", help="memory per job")
    p.add_argument("--walltime", default="02:00:00", help="job wall time HH:MM:SS")
    p.add_argument("--queue", default=None, help="partition / queue")
    p.add_argument("--account", default=None, help="project account to charge")
    p.add_argument("--print-job-script", action="store_true", help="print the job script and stop")
    args = p.parse_args(argv)
    if args.jobs < 1:
        p.error("--jobs must be a positive integer")
    try:
        cfg = jobqueue_config(args.scheduler, cores=args.cores, memory=args.memory,
                              walltime=args.walltime, queue=args.queue, account=args.account)
    except ValueError as exc:
        p.error(str(exc))
    from search.app.discover import load_campaign, run_campaign
    from search.backends import DaskBackend

    campaign = load_campaign(args.campaign)  # checked before any job is submitted
    cluster = make_cluster(args.scheduler, cfg)
    try:
        if args.print_job_script:
            print(cluster.job_script())
            return 0
        cluster.scale(jobs=args.jobs)
        import distributed

        client = distributed.Client(cluster)
        # queue waiting and worker start-up happen here, before the campaign's budget starts
        backend = DaskBackend(client=client, min_workers=campaign.min_workers or args.jobs * args.cores,
                              worker_timeout=campaign.worker_timeout)
        print(f"{backend.workers} workers ready after {backend.startup_seconds:.0f} s", file=sys.stderr)
        result = run_campaign(campaign, cluster=backend)
        print(f"campaign {result.status}: {result.new_results} new result(s); "
              f"report {result.report_dir / 'index.html'}")
        client.close()
        return 0
    finally:
        cluster.close()


if __name__ == "__main__":
    sys.exit(main())
