"""Every ``disco`` command answers hostile arguments with one line and a documented exit code.

Property (hypothesis): take a valid, tiny-budget invocation of each leaf command, replace the
value of one of its options (or a positional argument, or the content of its input file) by a
hostile value: empty, negative, NaN, infinities, huge integers, numbers with junk, Unicode
minus signs, brackets, control characters, random text. The command must return an exit code
from the documented set (0 ok/found, 1 budget spent or not found, 2 bad input, 3 proved
impossible), never raise out of ``main`` (a traceback), never hit the internal-error net, and
print at most one ``disco: error:`` line.
"""

from __future__ import annotations

import json
import os
import signal
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.schemes import Scheme
from search.cli import main

_DIR = tempfile.mkdtemp(prefix="disco-cli-fuzz-")


def _file(name: str, text: str) -> str:
    path = os.path.join(_DIR, name)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


_ALT = _file("m.json", "[[0,1,2,3],[-1,0,4,5],[-2,-4,0,6],[-3,-5,-6,0]]")
_SPACE = _file("s.json", json.dumps({"n": 3, "field": "Q", "base": [[0, 1, 0], [-1, 0, 0], [0, 0, 0]],
                                     "directions": [[[0, 0, 1], [0, 0, 0], [-1, 0, 0]]]}))
_G6 = _file("p.g6", "IheA@GUAo\n")
_SCHEME = os.path.join(_DIR, "strassen.json")
Scheme.strassen().save(_SCHEME)
_BIL = os.path.join(_DIR, "ug2.json")
_DB = os.path.join(_DIR, "store.sqlite")
_OUT = os.path.join(_DIR, "out")
_READY: list[bool] = []


def _prepare() -> None:
    """A bilinear scheme file and a store with one result (built once, by the CLI itself)."""
    if _READY:
        return
    assert main(["bilinear", "search", "--structure", "ug", "--n", "2", "--field", "F3",
                 "--max-flips", "1000", "--seed", "1", "-o", _BIL, "--force", "--db", _DB,
                 "--quiet"]) in (0, 1)
    assert main(["mm", "search", "2x2x2", "--ring", "F2", "--target", "7", "--seed", "1",
                 "--db", _DB, "--quiet"]) == 0
    _READY.append(True)

#: A valid, cheap invocation of every leaf command.
BASE: dict[str, list[str]] = {
    "alt rank": ["alt", "rank", _ALT, "--field", "Q"],
    "alt check": ["alt", "check", _SPACE, "--field", "F3", "--max-points", "100"],
    "alt extremal": ["alt", "extremal", "--n", "5", "--r", "2", "--field", "3"],
    "alt search": ["alt", "search", "--n", "4", "--r", "2", "--field", "3", "--steps", "50",
                   "--time-limit", "2", "--no-store"],
    "alt table": ["alt", "table", "--db", _DB],
    "balance": ["balance", "Fe2O3 + CO -> Fe + CO2", "--medium", "acidic"],
    "bilinear search": ["bilinear", "search", "--structure", "ss", "--n", "2", "--field", "F3",
                        "--max-flips", "2000", "--time-limit", "2", "--no-store"],
    "bilinear targets": ["bilinear", "targets", "--n", "2"],
    "bilinear known": ["bilinear", "known", "--structure", "ss"],
    "bilinear cost": ["bilinear", "cost", _BIL, "--gamma", "ug=1/2"],
    "cf eval": ["cf", "eval", "n", "1", "--digits", "20", "--max-depth", "2000"],
    "cf identify": ["cf", "identify", "1.41421356237309504880168872", "--digits", "20"],
    "cf search": ["cf", "search", "--a-degree", "1", "--b-degree", "1", "--range", "1",
                  "--steps", "20", "--time-limit", "2", "--no-store"],
    "cf esma": ["cf", "esma", "e", "--terms", "30", "--digits", "20", "--no-store"],
    "cf report": ["cf", "report", "--pcf", "1", "1", "--format", "markdown", "-o", _OUT, "--force"],
    "graphs search": ["graphs", "search", "--n", "8", "--steps", "200", "--time-limit", "2",
                      "--no-store"],
    "graphs curriculum": ["graphs", "curriculum", "--from", "6", "--to", "7",
                          "--steps-per-size", "100", "--time-limit", "2", "--no-store"],
    "graphs verify": ["graphs", "verify", _G6, "--forbid", "3,4"],
    "graphs known": ["graphs", "known", "--n", "10"],
    "mm search": ["mm", "search", "2x2x2", "--ring", "F2", "--max-flips", "2000",
                  "--time-limit", "2", "--no-store"],
    "mm verify": ["mm", "verify", _SCHEME, "--ring", "Z"],
    "mm lift": ["mm", "lift", _SCHEME, "--ring", "F2", "--to", "Z", "--attempts", "1", "-o", _OUT, "--force"],
    "mm export": ["mm", "export", _SCHEME, "--lang", "python", "--name", "mult"],
    "mm convert": ["mm", "convert", _SCHEME, _OUT + ".exp", "--force"],
    "mm known": ["mm", "known", "3x3x3"],
    "results list": ["results", "list", "--db", _DB, "--limit", "3"],
    "results show": ["results", "show", "1", "--db", _DB],
    "results export": ["results", "export", "--db", _DB, "-o", _OUT, "--force"],
    "results verify": ["results", "verify", "--all", "--db", _DB],
    "results runs": ["results", "runs", "--db", _DB, "--limit", "2"],
}

HOSTILE_TEXT = st.one_of(
    st.sampled_from(["", " ", "0", "-1", "-0", "1.5", "nan", "NaN", "inf", "-inf", "1e400",
                     "1e-400", "99999999999999999999", "-99999999999999999999", "0x10", "1_000",
                     "\u22121", "\uff11", "x", "3,x", "2x", "x2", "[", "]", "{}", "()", "1/0",
                     "a b", "--", "-", "\x00", "\t", "\u00e9", "Q", "F4", "F2", "ZT", "2x2",
                     "3x3x3x3", "0x0x0", "1x1x1", "/", ".", "..", "/dev/null", "n^999", "n/0",
                     "10**9999", "e^e^e^e", "\u2028"]),
    st.text(max_size=8),
    st.integers(-(10**25), 10**25).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)

_FILE_TEXT = st.one_of(st.sampled_from(["", "[]", "{}", "null", "[[0]]", "[[0,1],[1,0]]",
                                        "[[0,1],[-1,0],[0,0]]", '{"n": -1}', "\xff\xfe",
                                        "IheA@GUA", "0 1\n1 2\n", '{"u": [[1]]}', "# ring: F2\n"]),
                       st.text(max_size=40))


def _value_slots(argv: list[str]) -> list[int]:
    """Indices of argv items that are values (a positional or an option's argument)."""
    return [i for i, a in enumerate(argv) if i > 0 and not a.startswith("--")
            and argv[i - 1] not in ("alt", "bilinear", "cf", "graphs", "mm", "results")
            and a != "-o"]


class _Hang(Exception):
    pass


def _run(argv: list[str], capsys) -> None:
    def on_alarm(signum, frame):
        raise _Hang(" ".join(argv))

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(60)
    try:
        code = main(argv)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    err = capsys.readouterr().err
    assert code in (0, 1, 2, 3), (code, argv, err)
    assert "Traceback" not in err and "internal error" not in err, (argv, err)
    assert err.count("disco: error:") <= 1, (argv, err)


@pytest.fixture(autouse=True)
def _scratch(monkeypatch):
    _prepare()
    monkeypatch.chdir(_DIR)
    monkeypatch.setenv("DISCO_NO_PROGRESS", "1")


@pytest.mark.parametrize("command", list(BASE))
def test_baseline_invocation_succeeds(command, capsys):
    argv = BASE[command]
    code = main(argv)
    err = capsys.readouterr().err
    assert code in (0, 1), (argv, err)


@pytest.mark.parametrize("command", list(BASE))
@settings(max_examples=int(os.environ.get("DISCO_FUZZ_EXAMPLES", "12")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_one_hostile_value_is_answered_in_one_line(command, data, capsys):
    argv = list(BASE[command])
    slot = data.draw(st.sampled_from(_value_slots(argv)), label="slot")
    if argv[slot] in (_ALT, _SPACE, _G6, _SCHEME, _BIL):
        path = os.path.join(_DIR, "fuzzed" + os.path.splitext(argv[slot])[1])
        with open(path, "w", encoding="utf-8", errors="surrogatepass") as fh:
            fh.write(data.draw(_FILE_TEXT, label="file content"))
        argv[slot] = path
    else:
        argv[slot] = data.draw(HOSTILE_TEXT, label=f"value for {argv[slot - 1]}")
    if "--force" not in argv and any(a in ("-o", "--output") for a in argv):
        argv.append("--force")
    _run(argv, capsys)
