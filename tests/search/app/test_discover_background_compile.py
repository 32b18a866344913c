"""``disco discover`` compiles later sections' kernels in background processes.

A cold first run (empty numba cache) must not spend its budget compiling in the sections:
the kernels are compiled into the cache by one background process per later section while
the first sections run, and each section loads them (waiting, at most, for what is not ready).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from engine.errors import InvalidInputError
from search.app import _warmup
from search.app.discover import _BackgroundCompile, campaign_from_dict


def test_warmup_arguments_are_checked():
    with pytest.raises(InvalidInputError, match="sections="):
        _warmup.stamp_path(["reactions"])
    with pytest.raises(InvalidInputError, match="name='bogus'"):
        _warmup.warm_section("bogus", {})
    with pytest.raises(InvalidInputError, match="cfg="):
        _warmup.warm_section("graphs", [])


def test_no_background_process_when_cached_or_first_or_disabled(monkeypatch):
    log = []
    c = campaign_from_dict({"campaign": {"sections": ["graphs"]}})
    assert _BackgroundCompile(c, log.append).procs == []  # the first section compiles itself
    c = campaign_from_dict({"campaign": {"sections": ["reactions", "graphs"]}})
    monkeypatch.setattr(_warmup, "is_warm", lambda sections: True)
    assert _BackgroundCompile(c, log.append).procs == []
    monkeypatch.setattr(_warmup, "is_warm", lambda sections: False)
    monkeypatch.setenv("DISCO_NO_BACKGROUND_COMPILE", "1")
    assert _BackgroundCompile(c, log.append).procs == []
    assert log == []


@pytest.mark.slow
def test_cold_campaign_loads_kernels_compiled_in_the_background(tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    env.pop("DISCO_NO_BACKGROUND_COMPILE", None)
    f = tmp_path / "c.toml"
    f.write_text('[campaign]\nbudget = 40\nsections = ["reactions", "contfrac", "altspaces"]\n'
                 '[contfrac]\nknown = [["2n+1", "n^2"]]\n'
                 'search = {a_degree = 1, b_degree = 1, coefficient_range = 1, constants = ["e"]}\n'
                 '[altspaces]\ncases = [[4, 2]]\nfields = [2]\nsearch = {n = 4, r = 2, field = 2}\n')
    out = subprocess.run([sys.executable, "-m", "search.cli", "discover", str(f), "--json",
                          "-o", str(tmp_path / "r"), "--db", str(tmp_path / "d.db")],
                         capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout)
    by = {s["key"]: s for s in res["sections"]}
    assert all(s["status"] == "ok" for s in by.values())
    # at most a short wait for the background compile, never the whole compile in the section
    assert by["contfrac"]["compile_s"] + by["altspaces"]["compile_s"] <= 0.5 * 40
    assert "kernels compiled in a background process" in (tmp_path / "r" / "report.md").read_text()
    assert list((tmp_path / "numba").glob("disco-warm-*"))  # a second run skips the warm-up


def test_section_with_kernels_still_compiling_runs_after_the_ready_ones(tmp_path, monkeypatch):
    from search.app import discover

    ran = []

    class StillCompiling:  # contfrac's kernels are not ready until it is the only section left
        seconds: dict = {}
        failed: dict = {}

        def __init__(self, campaign, log):
            pass

        def is_ready(self, name):
            return name != "contfrac"

        def wait(self, name, timeout):
            return 0.0

        def close(self):
            pass

    def runner(name):
        def run(ctx, section, cfg, budget):
            ran.append(name)
            section.found.append(f"{name} ran")
        return run

    monkeypatch.setattr(discover, "_BackgroundCompile", StillCompiling)
    monkeypatch.setattr(discover, "_section_runners",
                        lambda: {k: runner(k) for k in ("reactions", "contfrac", "altspaces")})
    c = campaign_from_dict({"campaign": {"budget": 5, "sections": ["reactions", "contfrac", "altspaces"]}})
    res = discover.run_campaign(c, output=tmp_path / "r", db=tmp_path / "d.db", quiet=True)
    assert ran == ["reactions", "altspaces", "contfrac"]
    assert [s.key for s in res.sections] == ["reactions", "contfrac", "altspaces"]  # report order
