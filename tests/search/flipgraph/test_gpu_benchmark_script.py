"""examples/gpu_flipgraph_benchmark.py (the GPU-vs-one-core measurement a GPU machine will run),
run with a tiny configuration on the CUDA simulator so that it is known to work before a device
is lent. Oracle: the rates are positive, the ratios are the quotients of the figures printed
beside them, and every rank reported is Strassen's 7 (<2,2,2>) or above it.
"""

from __future__ import annotations

import os

os.environ["NUMBA_ENABLE_CUDASIM"] = "1"  # before numba.cuda is first imported

import importlib.util  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from numba.core import config  # noqa: E402

config.reload_config()

from engine.errors import InvalidInputError  # noqa: E402
from search.flipgraph import gpu  # noqa: E402

SCRIPT = Path(__file__).resolve().parents[3] / "examples" / "gpu_flipgraph_benchmark.py"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("gpu_flipgraph_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def _simulator_or_gpu():
    from numba import cuda

    if "simulator" not in cuda.to_device.__module__ and not gpu.cuda_available():
        pytest.skip("numba.cuda was imported without the simulator before this module and there is no GPU")


def test_the_full_configuration_is_3x3x3_to_23_and_4x4x4_to_49_in_zt(script):
    assert script.FULL["formats"] == "3x3x3:23,4x4x4:49" and script.FULL["ring"] == "ZT"


def test_the_tiny_run_measures_the_gpu_walk_against_one_cpu_core(script, capsys):
    out = script.main(seed=1, budget=20.0, tiny=True)
    text = capsys.readouterr().out
    assert out["device"] in ("CUDA simulator",) or gpu.cuda_available()
    (row,) = out["rows"]
    assert row["format"] == "2x2x2" and row["target"] == 7 and row["walkers"] == 2
    assert row["gpu_flips_per_second"] > 0 and row["cpu_core_flips_per_second"] > 0
    assert row["ratio"] == pytest.approx(row["gpu_flips_per_second"] / row["cpu_core_flips_per_second"])
    assert row["gpu_rank"] >= 7 and row["cpu_rank"] >= 7  # never below Strassen's rank
    assert row["gpu_reached"] and row["cpu_reached"]  # 4 s and 3 s are plenty for <2,2,2> over F2
    assert row["time_ratio"] == pytest.approx(row["cpu_seconds"] / row["gpu_seconds"])
    assert "2x2x2 F2: GPU" in text and "vs one CPU core" in text and "time to rank 7" in text


@pytest.mark.parametrize("bad", [0, -1.0, "long", True])
def test_a_bad_budget_is_named(script, bad):
    with pytest.raises(InvalidInputError, match="budget"):
        script.main(seed=1, budget=bad)


@pytest.mark.parametrize("argv,name", [(["--cpu-limit", "-1"], "cpu-limit"), (["--limit", "nan"], "limit"),
                                       (["--split", "2"], "split"), (["--formats", "2x2:7"], "FORMAT:TARGET")])
def test_bench_arguments_are_named(argv, name):
    with pytest.raises(InvalidInputError, match=name):
        gpu.bench_gpu(argv)
