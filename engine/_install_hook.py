"""The ``build_py`` step of ``pip install .``: copy the sources, then compile the numba kernels
for this machine into the wheel (:mod:`engine._kernel_build`), so the first call of each
capability after a fresh install compiles nothing (issue #18).

Named in ``pyproject.toml`` (``[tool.setuptools.cmdclass]``); setuptools loads this file by
its path, without importing the ``engine`` package. Only the build imports it.

- An editable install (``pip install -e .``) compiles nothing here: its kernels are cached
  next to the sources on first use.
- ``DISCO_NO_KERNEL_BUILD=1`` skips the step (a wheel meant for other machines: the
  compiled files fit only this CPU and numba version, and are ignored elsewhere).
- A failure never fails the install: the kernels concerned compile on first use instead,
  and the build log says which and why.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

try:
    from setuptools.command.build_py import build_py as _build_py
except ImportError:  # pragma: no cover - only the build imports this module
    _build_py = object  # type: ignore[assignment,misc]

__all__ = ["BuildPy"]


class BuildPy(_build_py):  # type: ignore[misc,valid-type]
    """setuptools' ``build_py``, then ``python -m engine._kernel_build BUILD_LIB``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False) or os.environ.get("DISCO_NO_KERNEL_BUILD"):
            return
        root = Path(self.build_lib).resolve()
        if not (root / "engine" / "_kernel_build.py").is_file():
            return
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]))
        try:
            done = subprocess.run([sys.executable, "-m", "engine._kernel_build", str(root)], env=env,
                                  cwd=str(root), timeout=1800)
        except (OSError, subprocess.TimeoutExpired) as exc:
            print(f"disco: warning: kernels not compiled at install ({exc}); they compile on first use",
                  file=sys.stderr)
            return
        if done.returncode != 0:
            print(f"disco: warning: kernel compilation exited with status {done.returncode}; "
                  "kernels not compiled here compile on first use", file=sys.stderr)
