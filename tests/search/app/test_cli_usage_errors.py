"""Usage errors of every ``disco`` subcommand are one line on stderr with exit code 2."""

from __future__ import annotations

import pytest

from search.cli import main


@pytest.mark.parametrize(
    "argv",
    [
        ["nosuch"],
        ["balance", "H2 + O2 -> H2O", "--medium", "neutral"],
        ["mm", "search", "3x3x3", "--ring", "Q"],
        ["mm", "search", "3x3x3", "--seed", "abc"],
        ["cf", "eval", "--digits", "many", "1", "1"],
    ],
)
def test_usage_error_is_one_line(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "error:" in err and "--help" in err


def test_help_still_exits_zero(capsys):
    assert main(["balance", "--help"]) == 0
    assert "usage:" in capsys.readouterr().out
