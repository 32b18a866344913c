"""examples/hpc/measure_speedup.py runs (tiny work) and prints, per parallel search, the 1- and
2-worker times, the speed-up against the 1.7x target and the load-independent figures, with
the same result from 1 and 2 workers (the PCF hits, the best graph, the best constant-rank
dimension; the flip count)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("distributed")

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "hpc" / "measure_speedup.py"


def _module():
    spec = importlib.util.spec_from_file_location("hpc_measure_speedup", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_measure_speedup_prints_every_search_with_the_same_result(capsys):
    assert _module().main(["--scale", "0.02"]) == 0
    out = capsys.readouterr().out
    for name in _module().SEARCHES:
        line = next(ln for ln in out.splitlines() if ln.startswith(name))
        assert "1 worker" in line and "2 workers" in line and "target 1.7x" in line
    assert out.count("same result yes") == 4
    assert "load average" in out


def test_bad_scale_is_refused():
    with pytest.raises(SystemExit) as exc:
        _module().main(["--scale", "0"])
    assert exc.value.code == 2
