"""Every script in examples/ runs its ``main(seed=..., budget=...)`` with a tiny budget."""

import importlib.util
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.py"))


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"example_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_there_is_an_example_per_capability():
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs_with_tiny_budget(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCO_DB", str(tmp_path / "disco.db"))
    module = _load(path)
    assert callable(module.main)
    summary = module.main(seed=1, budget=2.0)
    assert summary  # each example returns a non-empty summary of what it found
