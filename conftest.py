"""Repository-wide pytest configuration: headless plotting, deterministic hypothesis profile."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=40, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


import pytest  # noqa: E402


@pytest.fixture(scope="module")
def fresh_site(tmp_path_factory):
    """``(python, env)``: a new virtual environment whose site-packages holds the package's
    files the way ``pip install .`` lays them out (``engine``, ``solvers``, ``search``; no
    ``__pycache__``, no compiled kernels), the dependencies coming from this environment
    through a ``.pth`` line (nothing downloaded, no wheel built). ``env`` is a clean
    environment for fresh interpreters (own HOME, cache folder and store) plus ``_cwd`` (a
    work folder outside the checkout) and ``_site`` (the site-packages folder)."""
    import shutil
    import subprocess
    import sysconfig
    import venv
    from pathlib import Path

    root = Path(__file__).resolve().parent
    base = tmp_path_factory.mktemp("fresh")
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                        text=True).strip())
    (site / "disco_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    for package in ("engine", "solvers", "search"):
        shutil.copytree(root / package, site / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_compiled"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NUMBA_", "PYTHON", "DISCO_"))}
    env.update(HOME=str(base / "home"), XDG_CACHE_HOME=str(base / "cache"), DISCO_DB=str(base / "disco.db"))
    (base / "work").mkdir()
    return python, env | {"_cwd": str(base / "work"), "_site": str(site)}
