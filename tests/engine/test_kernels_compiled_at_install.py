"""Kernels compiled at install (``engine._kernel_build``, run by ``pip install .``): a fresh
install's first call of each capability loads them and compiles nothing (issue #18).

The package's files are laid out in a new virtual environment the way pip installs them, the
build step is run on them exactly as the ``build_py`` hook runs it, and each capability's
first call then runs in a fresh interpreter with an empty user cache. A real ``pip wheel``
of the checkout (with build isolation: it downloads setuptools, numba and numpy) is in the
``slow`` set.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from engine import _kernel_build

ROOT = Path(__file__).resolve().parents[2]

#: capability -> first call (the interface of issue #18), with the oracle it must meet
CALLS = {
    "graphs": "from search.graphs import extremal_graph_search\n"
              "r = extremal_graph_search(n=24, seed=1, time_limit=5)\nassert r.edges == 54, r",
    "flipgraph": "from search.flipgraph import flip_search\n"
                 "r = flip_search((3, 3, 3), ring='ZT', target_rank=23, seed=1, time_limit=20)\n"
                 "assert r.rank <= 23 and r.scheme.is_valid(), r",
    "pcf": "from search.pcf import enumerate_pcfs\n"
           "r = enumerate_pcfs(a_degree=1, b_degree=1, coefficient_range=2, constants=['e'], workers=1)\n"
           "assert len(r) == 14, r",
    "constant_rank": "from solvers.constant_rank import extremal_space\n"
                     "r = extremal_space(7, 4, field=3).constant_rank()\nassert r.is_constant and r.rank == 4, r",
}


def test_every_kernel_module_is_compiled_at_install_or_says_why_not():
    defining = set()
    for package in ("engine", "solvers", "search"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text()
            if re.search(r"^@kernel\(", text, re.M) or re.search(r"^@(numba\.)?njit\([^)]*cache=True", text, re.M):
                defining.add(".".join(path.relative_to(ROOT).with_suffix("").parts))
    listed = set(_kernel_build.KERNEL_MODULES) | set(_kernel_build.JIT_ONLY)
    assert defining - {"engine._numba"} <= listed, sorted(defining - listed)
    assert not set(_kernel_build.KERNEL_MODULES) & set(_kernel_build.JIT_ONLY)


def test_pyproject_runs_the_kernel_build_in_build_py():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'build_py = "engine._install_hook.BuildPy"' in text
    requires = re.search(r"^requires = \[(.*)\]", text, re.M).group(1)
    assert "numba" in requires and "numpy" in requires


def test_a_manifest_from_another_numba_is_ignored(tmp_path, monkeypatch):
    import numba

    from engine import _numba

    (tmp_path / "manifest.json").write_text(json.dumps({"numba": "0.0.1"}))
    monkeypatch.setattr(_numba, "_SHIPPED", tmp_path)
    monkeypatch.setattr(_numba, "_SHIPPED_OK", None)
    assert _numba._shipped_ok() is False
    (tmp_path / "manifest.json").write_text(json.dumps({"numba": numba.__version__}))
    monkeypatch.setattr(_numba, "_SHIPPED_OK", None)
    assert _numba._shipped_ok() is True
    (tmp_path / "manifest.json").write_text("{not json")
    monkeypatch.setattr(_numba, "_SHIPPED_OK", None)
    assert _numba._shipped_ok() is False


def test_the_build_refuses_a_folder_without_the_package(tmp_path, capsys):
    assert _kernel_build.main([str(tmp_path)]) == 2
    assert "engine/_numba.py" in capsys.readouterr().err


@pytest.fixture(scope="module")
def installed(fresh_site) -> tuple[Path, dict[str, str], dict]:
    """A new virtual environment with the package's files in site-packages (conftest), and the
    kernels compiled there by the install step."""
    python, env = fresh_site
    site = Path(env["_site"])
    env = {k: v for k, v in env.items() if not k.startswith("_")}
    build = subprocess.run([str(python), "-m", "engine._kernel_build", str(site)], cwd=str(site),
                           env=env | {"PYTHONPATH": str(site)}, capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    manifest = json.loads((site / "engine" / "_compiled" / "manifest.json").read_text())
    return python, fresh_site[1], manifest


def test_the_build_compiles_every_listed_module(installed):
    _python, _env, manifest = installed
    assert manifest["failed"] == []
    assert [m["module"] for m in manifest["modules"]] == list(_kernel_build.KERNEL_MODULES)
    assert all(m["kernels"] for m in manifest["modules"])
    import numba

    assert manifest["numba"] == numba.__version__


@pytest.mark.skipif(sys.platform == "win32", reason="resource.getrusage")
@pytest.mark.parametrize("capability", list(CALLS))
def test_first_call_after_install_compiles_nothing(installed, capability):
    python, env, _manifest = installed
    cache = Path(env["_cwd"]).parent / f"numba-cache-{capability}"  # empty: the user's cache
    code = (f"import search\nassert search.__file__.startswith({env['_site']!r}), search.__file__\n"
            + CALLS[capability]
            + "\nfrom engine._numba import compile_seconds\nprint('compiled', compile_seconds())\n")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([str(python), "-c", code], cwd=env["_cwd"], capture_output=True, text=True, timeout=300,
                         env={k: v for k, v in env.items() if not k.startswith("_")} | {"NUMBA_CACHE_DIR": str(cache)})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "compiled 0.0" in out.stdout, out.stdout  # every kernel came from the install
    print(f"{capability}: first call after install {cpu:.2f} CPU-s")
    assert cpu <= 3.0, f"{capability}: first call after install took {cpu:.2f} CPU-s (target 3 s)"


@pytest.mark.slow
def test_pip_wheel_holds_the_compiled_kernels(tmp_path):
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(tmp_path)],
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    wheel = next(tmp_path.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "engine/_compiled/manifest.json" in names
    manifest = json.loads(zipfile.ZipFile(wheel).read("engine/_compiled/manifest.json"))
    assert manifest["failed"] == []
    for module in _kernel_build.KERNEL_MODULES:
        folder = "engine/_compiled/" + "/".join(module.split(".")[:-1]) + "/"
        assert any(n.startswith(folder) and n.endswith(".nbi") for n in names), module


def _hook(monkeypatch, tmp_path, editable=False):
    """An engine._install_hook.BuildPy whose setuptools part does nothing, on a build folder
    holding the package sources; returns (command, the kernel-build calls it made)."""
    from engine import _install_hook

    calls = []
    monkeypatch.setattr(_install_hook._build_py, "run", lambda self: None)
    monkeypatch.setattr(_install_hook.subprocess, "run",
                        lambda cmd, **kw: calls.append((cmd, kw)) or subprocess.CompletedProcess(cmd, 0))
    (tmp_path / "engine").mkdir()
    (tmp_path / "engine" / "_kernel_build.py").write_text("")
    cmd = _install_hook.BuildPy.__new__(_install_hook.BuildPy)
    cmd.build_lib = str(tmp_path)
    cmd.editable_mode = editable
    return cmd, calls


def test_install_hook_runs_the_kernel_build_on_the_build_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DISCO_NO_KERNEL_BUILD", raising=False)
    cmd, calls = _hook(monkeypatch, tmp_path)
    cmd.run()
    assert len(calls) == 1
    argv, kw = calls[0]
    assert argv[1:] == ["-m", "engine._kernel_build", str(tmp_path.resolve())]
    assert kw["env"]["PYTHONPATH"].split(os.pathsep)[0] == str(tmp_path.resolve())


@pytest.mark.parametrize("how", ["editable", "env"])
def test_install_hook_skips_editable_installs_and_when_asked(monkeypatch, tmp_path, how):
    if how == "env":
        monkeypatch.setenv("DISCO_NO_KERNEL_BUILD", "1")
    else:
        monkeypatch.delenv("DISCO_NO_KERNEL_BUILD", raising=False)
    cmd, calls = _hook(monkeypatch, tmp_path, editable=(how == "editable"))
    cmd.run()
    assert calls == []


def test_install_hook_never_fails_the_install(monkeypatch, tmp_path, capsys):
    from engine import _install_hook

    monkeypatch.delenv("DISCO_NO_KERNEL_BUILD", raising=False)
    cmd, _calls = _hook(monkeypatch, tmp_path)
    monkeypatch.setattr(_install_hook.subprocess, "run", lambda cmd, **kw: subprocess.CompletedProcess(cmd, 1))
    cmd.run()
    assert "compile on first use" in capsys.readouterr().err

    def boom(cmd, **kw):
        raise OSError("no interpreter")

    monkeypatch.setattr(_install_hook.subprocess, "run", boom)
    cmd.run()
    assert "no interpreter" in capsys.readouterr().err
