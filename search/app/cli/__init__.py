"""The ``disco`` command line: a thin layer over the library.

Each domain registers its subcommands in a module ``search/app/cli/cmd_<name>.py`` that defines
``register(subparsers)``; :func:`main` discovers those modules, so adding a domain never
touches this file. Every command accepts ``--json``. Errors derived from
:class:`engine.errors.EngineError` become one line on stderr and an exit code: 2 for bad
input, 3 for a proved infeasibility, 1 otherwise (never a traceback).

Examples:
    >>> from search.app.cli import main
    >>> main(["--version"])  # doctest: +ELLIPSIS
    disco ...
    0
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from engine.errors import EngineError
from search.app.cli._common import fail, package_version

__all__ = ["main", "build_parser"]


def _command_modules() -> list[str]:
    import search.app.cli as pkg

    return sorted(
        f"search.app.cli.{m.name}" for m in pkgutil.iter_modules(pkg.__path__) if m.name.startswith("cmd_")
    )


class _OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr (exit code 2).

    Subparsers inherit the class, so every ``disco`` subcommand reports a bad flag or value as
    ``disco mm search: error: ... (see 'disco mm search --help')`` instead of a usage block.
    """

    def error(self, message: str) -> None:  # type: ignore[override]
        line = " ".join(f"{self.prog}: error: {message} (see '{self.prog} --help')".split())
        self.exit(2, line + "\n")


def build_parser() -> argparse.ArgumentParser:
    """Build the full ``disco`` argument parser with every registered domain."""
    parser = _OneLineParser(
        prog="disco",
        description="Exact-plus-numeric engine for computer-assisted discovery.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _command_modules():
        module = importlib.import_module(name)
        module.register(sub)
    return parser


#: Exit code of an internal error (a bug), as sysexits' EX_SOFTWARE.
INTERNAL_ERROR = 70


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``disco`` CLI and return its exit code.

    Args:
        argv: arguments without the program name (defaults to ``sys.argv[1:]``).

    Returns:
        The process exit code: 0 success, 1 failure, 2 bad input, 3 proved infeasible,
        130 interrupted, 70 an internal error (a bug; ``DISCO_DEBUG=1`` re-raises it).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its one-line usage error
        return int(exc.code or 0)
    if args.version:
        print(f"disco {package_version()}")
        return 0
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    try:
        code = handler(args)
    except EngineError as exc:
        return fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        return fail("interrupted; results already stored are kept", 130)
    except BrokenPipeError:  # output piped into e.g. `head`: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (OSError, ValueError) as exc:
        return fail(str(exc), 2 if isinstance(exc, ValueError) else 1)
    except Exception as exc:  # the net under every command: a bug, said in one line
        import os

        if os.environ.get("DISCO_DEBUG"):
            raise
        return fail(f"internal error ({type(exc).__name__}: {exc}); this is a bug in disco, not "
                    "in your input: please report it with the command (DISCO_DEBUG=1 prints "
                    "the traceback)", INTERNAL_ERROR)
    return int(code or 0)


def _entry() -> None:  # pragma: no cover - console script shim
    sys.exit(main())
