"""GPU flip-graph walks (numba.cuda), run on the CPU through the CUDA simulator.

The oracle is exact: every walker's current and best scheme after the kernel satisfies the
Brent equations over its ring (flips, reductions, plus transitions and resets are identities),
the walks reach Strassen's rank 7 for <2,2,2>, and what the GPU reports is re-verified on the CPU.
"""

from __future__ import annotations

import os

os.environ["NUMBA_ENABLE_CUDASIM"] = "1"  # before numba.cuda is first imported

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from numba.core import config  # noqa: E402

config.reload_config()

from engine.errors import InfeasibleError, InvalidInputError  # noqa: E402
from engine.schemes import Scheme  # noqa: E402
from search.app.cli import main  # noqa: E402
from search.flipgraph import gpu  # noqa: E402
from search.flipgraph.walk import bits_to_scheme  # noqa: E402


@pytest.fixture(autouse=True)
def _simulator_or_gpu():
    from numba import cuda

    simulated = "simulator" in cuda.to_device.__module__
    if not simulated and not gpu.cuda_available():
        pytest.skip("numba.cuda was imported without the simulator before this module and there is no GPU")
    assert cuda.is_available()


@pytest.mark.parametrize("ring", ["F2", "ZT", "F3"])
def test_every_kernel_move_keeps_every_walker_valid(ring):
    start = Scheme.standard(2, 2, 3)
    spec = gpu.GpuFlipSpec(start.target, start, ring, walkers=6, target_rank=0, plus_after=6, plus_limit=3,
                           reset_after=120, launch_steps=150)
    state = spec.initial_states(7)[0]
    gpu._launch(state, 150)
    gpu._launch(state, 150)
    assert state["STATS"][0].sum() > 0 and state["STATS"][2].sum() > 0  # flips and plus transitions taken
    for w in range(6):
        for P, N, r in ((state["P"][:, :, w], state["N"][:, :, w], int(state["R"][w])),
                        (state["BP"][:, :, w], state["BN"][:, :, w], int(state["BR"][w]))):
            s = bits_to_scheme(P, N, r, start.target, ring, verify=False)
            assert s.is_valid(ring), s.first_failure(ring)
    assert len(set(state["R"].tolist())) > 1 or int(state["R"][0]) != 12  # the ranks moved (plus and reductions)


@pytest.mark.parametrize("ring,seed", [("ZT", 2), ("F2", 1), ("F3", 2), pytest.param("ZT", 1, marks=pytest.mark.slow)])
def test_gpu_walks_reach_strassens_rank(ring, seed):
    """Plus transitions only (split=0); test_gpu_split_transitions covers the walks with splits."""
    res = gpu.gpu_flip_search((2, 2, 2), ring=ring, target_rank=7, walkers=4, seed=seed, max_flips=400_000,
                              launch_steps=400, plus_after=60, split=0.0, progress=False)
    assert res.rank == 7 and res.reached and res.method == "gpu" and res.stop_reason.value == "target_reached"
    assert res.scheme.is_valid(ring) and "re-verified on the CPU" in res.verification
    assert res.is_valid()


def test_a_wrong_gpu_report_is_refused_by_the_cpu_check():
    s = Scheme.strassen()
    spec = gpu.GpuFlipSpec(s.target, s, "ZT", walkers=2, target_rank=7, plus_after=10, plus_limit=2,
                           reset_after=100, launch_steps=10)
    raw = {"rank": 7, "u": s.u.tolist(), "v": s.v.tolist(), "w": s.w.tolist()}
    assert spec.verify(spec.decode(raw))
    raw["w"][3][0] = 1 - raw["w"][3][0]  # one coefficient wrong, as a faulty kernel could report
    assert not spec.verify(spec.decode(raw))


def test_a_target_below_the_bound_mod_2_is_refused():
    with pytest.raises(InfeasibleError, match="lower bound 21"):
        gpu.gpu_flip_search((3, 3, 3), ring="F2", target_rank=20, walkers=2, max_flips=10)


@pytest.mark.parametrize("kw", [{"walkers": 0}, {"walkers": True}, {"launch_steps": -1}, {"ring": "Q"}])
def test_bad_arguments_are_named(kw):
    args = {"walkers": 2, "max_flips": 10, **kw}
    with pytest.raises(InvalidInputError, match=next(iter(kw))):
        gpu.gpu_flip_search((2, 2, 2), **args)


def test_cli_device_gpu_finds_and_writes_a_verified_scheme(tmp_path, capsys):
    out = tmp_path / "s.json"
    rc = main(["mm", "search", "2x2x2", "--ring", "F2", "--device", "gpu", "--gpu-walkers", "4", "--seed", "1",
               "--time-limit", "60", "--no-store", "-q", "-o", str(out)])
    text = capsys.readouterr().out
    assert rc == 0 and "on the GPU: rank 7" in text and "M flips/s" in text
    assert Scheme.load(out).is_valid("F2")


def test_cli_device_gpu_takes_split(tmp_path, capsys):
    out = tmp_path / "s.json"
    rc = main(["mm", "search", "2x2x2", "--ring", "ZT", "--device", "gpu", "--gpu-walkers", "4", "--seed", "3",
               "--split", "1", "--max-flips", "400000", "--no-store", "-q", "--json", "-o", str(out)])
    text = capsys.readouterr().out
    assert rc == 0 and '"split": 1.0' in text
    assert Scheme.load(out).is_valid("ZT") and Scheme.load(out).rank == 7
    assert main(["mm", "search", "2x2x2", "--device", "gpu", "--split", "1.5", "--no-store"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--split" in err[0]


def test_without_a_gpu_device_gpu_is_one_line_exit_2(monkeypatch, capsys):
    monkeypatch.setattr(gpu, "cuda_available", lambda: False)
    assert main(["mm", "search", "3x3x3", "--device", "gpu", "--seed", "1", "--no-store"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no CUDA GPU" in err[0]
    assert main(["bench", "flipgraph", "--device", "gpu"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no CUDA GPU" in err[0]


def test_gpu_rate_measures_flips():
    out = gpu.gpu_flip_rate((2, 2, 2), "ZT", walkers=2, launch_steps=50, launches=1)
    assert out["flips"] > 0 and out["flips_per_second"] > 0 and out["best_rank"] <= 8
    assert np.isfinite(out["seconds"])


def test_bench_gpu_compares_with_one_cpu_core_in_the_same_run(capsys):
    out = gpu.bench_gpu(["--walkers", "2", "--cpu-flips", "20000", "--formats", "2x2x2:7", "--limit", "20",
                         "--launch-steps", "100", "--ring", "F2"])
    row = out["rows"][0]
    assert row["gpu_flips_per_second"] > 0 and row["cpu_core_flips_per_second"] > 0 and row["ratio"] > 0
    assert row["gpu_reached"] and row["gpu_rank"] == 7
    assert "M flips/s" in capsys.readouterr().out
    with pytest.raises(InvalidInputError, match="FORMAT:TARGET"):
        gpu.bench_gpu(["--formats", "3x3"])


def test_walkers_behind_a_stored_scheme_adopt_it_and_stop_at_once():
    """On resume, walkers worse than the store's best (Strassen's 7) restart from it; a launch whose
    walkers are all at the target stops at step 0, and the first walker is the one reported."""
    s = Scheme.standard(2, 2, 2)
    spec = gpu.GpuFlipSpec(s.target, s, "ZT", walkers=3, target_rank=7, plus_after=10, plus_limit=2,
                           reset_after=100, launch_steps=50)
    state = spec.adopt(spec.initial_states(1)[0], Scheme.strassen())
    assert (state["BR"] == 7).all() and (state["R"] == 7).all()
    gpu._launch(state, 50)
    assert (state["HIT"] == 0).all() and state["STATS"][0].sum() == 0  # nothing to do: no flip taken
    assert gpu._first_reached(state) == 0
    for w in range(3):
        got = bits_to_scheme(state["BP"][:, :, w], state["BN"][:, :, w], 7, s.target, "ZT", verify=False)
        assert got.rank == 7 and got.is_valid("ZT")


def test_the_first_walker_to_reach_the_target_is_reported():
    s = Scheme.standard(2, 2, 2)
    spec = gpu.GpuFlipSpec(s.target, s, "ZT", walkers=4, target_rank=7, plus_after=10, plus_limit=2,
                           reset_after=100, launch_steps=50)
    state = spec.initial_states(1)[0]
    state["BR"] = np.array([7, 7, 8, 7], dtype=np.int64)
    state["HIT"] = np.array([30, 12, -1, 12], dtype=np.int64)
    assert gpu._first_reached(state) == 1  # fewest steps, then the lowest index
    state["BR"] = np.array([9, 8, 8, 10], dtype=np.int64)
    assert gpu._first_reached(state) == 1  # none at the target: the lowest index of the best rank
