"""The shared search flags: the same meaning and checks for every search command."""

from __future__ import annotations

import argparse

import pytest

from engine.errors import InvalidInputError
from search.core import StopReason
from search.flags import add_search_flags, check_output, exit_code, runner_options


def _args(*argv):
    return add_search_flags(argparse.ArgumentParser()).parse_args(list(argv))


def test_defaults_are_reproducible_and_store_by_default(tmp_path):
    opts = runner_options(_args("--db", str(tmp_path / "s.db")))
    assert opts["seed"] == 0 and opts["store"] is not None and opts["checkpoint_every"] == 30.0
    assert runner_options(_args("--no-store"))["store"] is None


@pytest.mark.parametrize("argv, match", [
    (["--seed", "-1"], "--seed"),
    (["--time-limit", "0"], "--time-limit"),
    (["--time-limit", "nan"], "--time-limit"),
    (["--steps", "0"], "--steps"),
    (["--workers", "0"], "--workers"),
    (["--checkpoint-every", "-2"], "--checkpoint-every"),
    (["--resume"], "--checkpoint PATH"),
    (["--cluster", "tcp://x:1", "--backend", "process"], "--cluster"),
])
def test_bad_flags_name_the_flag(argv, match):
    with pytest.raises(InvalidInputError, match=match):
        runner_options(_args(*argv, "--no-store"))


def test_outputs_and_checkpoints_are_never_overwritten_silently(tmp_path):
    out = tmp_path / "o.json"
    out.write_text("{}")
    with pytest.raises(InvalidInputError, match="--force"):
        runner_options(_args("-o", str(out), "--no-store"))
    runner_options(_args("-o", str(out), "--force", "--no-store"))
    ck = tmp_path / "ck.json"
    ck.write_text("{}")
    with pytest.raises(InvalidInputError, match="--resume"):
        runner_options(_args("--checkpoint", str(ck), "--no-store"))
    with pytest.raises(InvalidInputError, match="does not exist"):
        check_output(tmp_path / "missing" / "o.json", False)


def test_exit_codes():
    assert exit_code(StopReason.TARGET_REACHED) == 0
    assert exit_code(StopReason.EXHAUSTED) == 0
    assert exit_code(StopReason.TIME_LIMIT) == 1
    assert exit_code(StopReason.STEP_BUDGET) == 1
    assert exit_code(StopReason.TIME_LIMIT, reached=True) == 0
    assert exit_code(StopReason.INTERRUPTED) == 130
