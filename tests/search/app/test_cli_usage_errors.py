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



class _ParserWithHandler:
    """The real parser, whose parsed namespace carries ``handler`` instead of the command's."""

    def __init__(self, parser, handler):
        self._parser, self._handler = parser, handler

    def parse_args(self, argv):
        ns = self._parser.parse_args(argv)
        ns.handler = self._handler
        return ns


def _broken_handler(args):
    raise TypeError("unsupported operand")


def test_a_bug_is_one_line_with_exit_70(monkeypatch, capsys):
    """A bug below a command (here a handler raising TypeError) is reported in one line with
    exit code 70, not a traceback; DISCO_DEBUG=1 re-raises it for the developer."""
    import search.app.cli as cli

    parser = cli.build_parser()
    monkeypatch.setattr(cli, "build_parser", lambda: _ParserWithHandler(parser, _broken_handler))
    monkeypatch.delenv("DISCO_DEBUG", raising=False)
    assert main(["mm", "known", "3x3x3"]) == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error (TypeError: unsupported operand)" in err
    monkeypatch.setenv("DISCO_DEBUG", "1")
    with pytest.raises(TypeError):
        main(["mm", "known", "3x3x3"])
