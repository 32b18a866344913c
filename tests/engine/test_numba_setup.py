"""numba set-up (engine._numba): where compiled kernels are cached, one signature per kernel."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import engine._numba as nb_setup
from engine._numba import kernel

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    run_env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"} | env
    return subprocess.run([sys.executable, "-W", "default", "-c", code], cwd=ROOT, env=run_env,
                          capture_output=True, text=True, timeout=300)


def test_a_cache_directory_set_by_the_user_is_kept(tmp_path):
    out = _python("import engine._numba as m, os; print(m.cache_dir()); print(os.environ['NUMBA_CACHE_DIR'])",
                  NUMBA_CACHE_DIR=str(tmp_path / "mine"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(tmp_path / "mine")] * 2
    assert "not writable" not in out.stderr


def test_an_unwritable_cache_directory_falls_back_with_one_warning(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code = ("import numpy as np\n"
            "from solvers.constant_rank._kernels import alt_rank_mod_p\n"
            "print(alt_rank_mod_p(np.array([[0, 1], [2, 0]]), 3))\n")
    out = _python(code, NUMBA_CACHE_DIR=str(blocker / "cache"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "2"
    assert "Traceback" not in out.stderr
    assert out.stderr.count("is not writable") == 1, out.stderr


def test_a_read_only_package_caches_in_the_user_cache_folder(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("a package folder where nothing can be created")
    monkeypatch.setattr(nb_setup, "_PACKAGE_ROOT", blocker)
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    chosen, warning = nb_setup._choose_cache_dir()
    assert warning is None
    assert chosen == str(tmp_path / "xdg" / "disco" / "numba")
    assert Path(chosen).is_dir()


def test_a_writable_package_keeps_numbas_in_tree_cache(monkeypatch):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    assert nb_setup._choose_cache_dir() == (None, None)


def test_a_kernel_compiles_one_signature_on_first_use():
    @kernel("int64(int64[::1], int64)")
    def total_plus(a, k):
        s = k
        for x in a:
            s += x
        return s

    assert total_plus.signatures == []  # nothing compiled at definition
    assert total_plus(np.arange(4, dtype=np.int64), 1) == 7
    assert total_plus(np.arange(4, dtype=np.int64), np.int32(2)) == 8  # scalars convert
    assert len(total_plus.signatures) == 1
    with pytest.raises(TypeError):
        total_plus(np.arange(4, dtype=np.int32), 1)  # arrays are converted by the caller


def test_a_kernel_with_default_arguments_is_refused():
    with pytest.raises(TypeError, match="default arguments"):
        @kernel("int64(int64, int64)")
        def f(a, b=1):  # pragma: no cover - never compiled
            return a + b


def test_every_kernel_of_a_search_compiles_once():
    """After graph, flip-graph, PCF and constant-rank work, no kernel has a second
    specialisation (one graph search used to compile 45)."""
    from search.flipgraph import _kernels as fk
    from search.flipgraph.walk import _warm_kernels
    from search.graphs import _kernels as gk
    from search.graphs.spec import warm_up
    from search.pcf import _kernels as pk
    from search.pcf.enumerate import _warm_kernels as pcf_warm
    from solvers.constant_rank import _kernels as ck
    from solvers.constant_rank import extremal_space

    warm_up((3, 4))
    warm_up((4,))
    _warm_kernels()
    pcf_warm()
    extremal_space(5, 2, field=3).constant_rank()
    seen = 0
    for module in (gk, fk, pk, ck):
        for name, obj in vars(module).items():
            if getattr(obj, "_disco_signature", None) is not None:
                assert len(obj.signatures) <= 1, (module.__name__, name, obj.signatures)
                seen += len(obj.signatures)
    assert seen >= 5  # the top-level kernels (helpers compile only when the cache is cold)
    assert nb_setup.compile_seconds() >= 0.0


def test_kernel_wrappers_accept_read_only_and_strided_arrays():
    """One signature means C-contiguous writable arrays; the public wrappers convert others."""
    from search.pcf._kernels import _float_eval
    from solvers.constant_rank._kernels import alt_rank_mod_p, scan_family

    A = np.array([[0, 1, 0, 0], [2, 0, 0, 0], [0, 0, 0, 1], [0, 0, 2, 0]])
    A.flags.writeable = False
    assert alt_rank_mod_p(A, 3) == 4
    assert alt_rank_mod_p(np.asfortranarray(A), 3) == 4
    base = np.zeros((4, 4), dtype=np.int64)
    base[0, 1], base[1, 0] = 1, 2
    dirs = np.zeros((2, 4, 4), dtype=np.int64)
    dirs[0, 2, 3], dirs[0, 3, 2] = 1, 2
    base.flags.writeable = False
    counts = np.zeros(5, dtype=np.int64)
    assert scan_family(base, dirs[::2], 3, 0, 3, 2, False, counts) == -1
    assert counts.tolist() == [0, 0, 1, 0, 2]  # t = 0: rank 2; t = 1, 2: rank 4
    with pytest.raises(TypeError, match="counts"):
        scan_family(base, dirs[::2], 3, 0, 3, 2, False, counts.astype(np.int32))
    a = np.array([[1.0, 2.0]])[:, ::1]
    a.flags.writeable = False
    value, status, *_ = _float_eval(a, np.array([[0.0, 0.0, 1.0]]), 256, np.full((257, 2), -1), 0)
    assert status[0] == 0 and abs(value[0] - 4 / np.pi) < 1e-12  # 1 + 1^2/(3 + 2^2/(5 + ...)) = 4/pi


def test_compile_time_is_reported_per_kernel_without_its_callees(tmp_path):
    """A caller compiles its callee while it is typed: each is reported with its own share,
    and the shares add up to the total (wall and CPU)."""
    code = ("from engine._numba import compile_report, compile_seconds\n"
            "from disco_probe_kernels import outer\n"
            "assert outer(5) == 36\n"
            "rows = {n.rsplit('.', 1)[-1]: (w, c) for n, w, c in compile_report()}\n"
            "assert {'outer', 'inner'} <= set(rows), rows\n"
            "assert abs(sum(w for w, c in rows.values()) - compile_seconds()) < 1e-6\n"
            "assert abs(sum(c for w, c in rows.values()) - compile_seconds(cpu=True)) < 1e-6\n"
            "assert all(w >= 0 and c >= 0 for w, c in rows.values())\n"
            "assert 0 < compile_seconds(cpu=True) <= compile_seconds() * 1.5 + 0.05\n"
            "print('ok')\n")
    (tmp_path / "disco_probe_kernels.py").write_text("from engine._numba import kernel\n\n\n"
                     "@kernel('int64(int64)')\ndef inner(a):\n    return a * a\n\n\n"
                     "@kernel('int64(int64)')\ndef outer(a):\n    return inner(a + 1)\n")
    out = _python(code, NUMBA_CACHE_DIR=str(tmp_path / "cache"),
                  PYTHONPATH=os.pathsep.join([str(ROOT), str(tmp_path)]))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
