"""Every ```python snippet of README.md runs (in a temporary directory, in order, one namespace)."""

import os
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_opens_with_the_two_setup_commands():
    text = README.read_text(encoding="utf-8")
    first_block = re.search(r"```(?:bash|sh)\n(.*?)```", text, flags=re.S)
    assert first_block is not None
    lines = [ln.strip() for ln in first_block.group(1).strip().splitlines()]
    assert lines[0].startswith("pip install . && disco")
    assert lines[1] == "pip install '.[dev]' && pytest"


@pytest.mark.parametrize("index", range(len(SNIPPETS)))
def test_readme_snippet_runs(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCO_DB", str(tmp_path / "disco.db"))
    namespace: dict = {"__name__": "__readme__"}
    code = compile(SNIPPETS[index], f"README.md snippet {index + 1}", "exec")
    exec(code, namespace)  # noqa: S102 - the README is ours


def test_ci_runs_the_readme_test_command():
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "venv" in ci
    assert "pip install '.[dev]' && pytest" in ci
    assert os.access(README.parent / ".ci" / "run", os.X_OK)
