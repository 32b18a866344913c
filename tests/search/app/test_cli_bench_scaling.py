"""disco bench --scaling: every capability's cost curve, a table and a plot with growth exponents."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _disco(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "search.app.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def test_scaling_options_without_scaling_are_refused_in_one_line():
    out = _disco("bench", "--quick")
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "--scaling" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.slow
def test_scaling_writes_a_table_and_a_plot_for_every_capability(tmp_path):
    out = _disco("bench", "--scaling", "--quick", "--out", str(tmp_path / "curves"))
    assert out.returncode == 0, out.stderr[-2000:]
    table = (tmp_path / "curves" / "scaling.md").read_text()
    for capability in ("flip graphs", "PCF enumeration", "balancing", "alternating rank", "extremal graphs"):
        assert f"| {capability} |" in table
        assert f"{capability}:" in out.stdout and "growth exponent" in out.stdout
    assert (tmp_path / "curves" / "scaling.png").stat().st_size > 10_000
    rows = (tmp_path / "curves" / "scaling.csv").read_text().splitlines()
    assert rows[0] == "capability,curve,x_label,y_label,x,y" and len(rows) > 15
