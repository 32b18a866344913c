"""The HPC recipe (examples/hpc/dask_jobqueue_launcher.py, examples/hpc/cluster_campaign.toml) is valid.

Without a scheduler: the example campaign passes the campaign checks; the launcher's job
configuration is checked (bad values are refused naming the argument) and, where dask-jobqueue
is installed, turned into real SLURM and PBS job scripts whose directives carry the requested
cores, memory, wall time and queue, and which start one single-threaded worker per core.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from search.app.discover import load_campaign

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "hpc"


def _launcher():
    spec = importlib.util.spec_from_file_location("hpc_dask_jobqueue", EXAMPLES / "dask_jobqueue_launcher.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_example_campaign_is_a_valid_cluster_campaign():
    c = load_campaign(EXAMPLES / "cluster_campaign.toml")
    assert c.min_workers == 8 and c.worker_timeout == 1800.0 and c.budget == 3600.0
    assert c.config["matmul"]["format"] == [4, 4, 4]
    assert c.cluster is None  # given on the command line (--cluster) or by the launcher


def test_launcher_config_is_checked():
    mod = _launcher()
    cfg = mod.jobqueue_config("pbs", cores=16, memory="32GB", walltime="1-00:00:00", queue="long")
    assert cfg["cores"] == cfg["processes"] == 16 and cfg["queue"] == "long"
    for kwargs, name in [({"scheduler": "lsf"}, "scheduler"), ({"cores": 0}, "cores"),
                         ({"memory": "lots"}, "memory"), ({"walltime": "2h"}, "walltime"),
                         ({"queue": "a b"}, "queue")]:
        with pytest.raises(ValueError, match=f"^{name}="):
            mod.jobqueue_config(**kwargs)
    with pytest.raises(SystemExit):
        mod.main(["--jobs", "0", str(EXAMPLES / "cluster_campaign.toml")])


@pytest.mark.parametrize("scheduler, directive", [("slurm", "#SBATCH"), ("pbs", "#PBS")])
def test_job_script_built_by_dask_jobqueue(scheduler, directive):
    pytest.importorskip("dask_jobqueue")
    mod = _launcher()
    cfg = mod.jobqueue_config(scheduler, cores=4, memory="8GB", walltime="01:30:00", queue="short")
    cluster = mod.make_cluster(scheduler, cfg)
    try:
        script = cluster.job_script()
    finally:
        cluster.close()
    lines = script.splitlines()
    assert any(line.startswith(directive) and "short" in line for line in lines)
    assert any(line.startswith(directive) and "01:30:00" in line for line in lines)
    assert "--nworkers 4" in script and "--nthreads 1" in script
    assert "NUMBA_CACHE_DIR" in script
