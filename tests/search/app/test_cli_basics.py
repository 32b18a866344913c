"""The CLI skeleton: version, help, one-line errors with exit codes."""

import subprocess
import sys

from search.cli import main


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("disco ")


def test_help_lists_usage(capsys):
    assert main([]) == 0
    assert "usage: disco" in capsys.readouterr().out


def test_unknown_command_is_usage_error():
    code = main(["no-such-command"])
    assert code == 2


def test_module_entry_point_runs():
    out = subprocess.run(
        [sys.executable, "-c", "import sys; from search.cli import main; sys.exit(main(['--version']))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.startswith("disco ")
