"""``disco mm convert`` between our JSON and every upstream form, both ways."""

from __future__ import annotations

import json

import pytest

from engine.schemes import Scheme
from search.app.cli import main


@pytest.mark.parametrize("suffix,extra", [(".exp", []), (".m", []), (".tensor.mpl", []), (".flat", []),
                                          (".json", ["--to", "collection"])])
def test_convert_round_trips_through_every_upstream_form(tmp_path, capsys, suffix, extra):
    src = tmp_path / "s.json"
    Scheme.laderman().save(src)
    mid = tmp_path / f"up{suffix}"
    assert main(["mm", "convert", str(src), str(mid), *extra]) == 0
    back = tmp_path / "back.json"
    assert main(["mm", "convert", str(mid), str(back)]) == 0
    data = json.loads(back.read_text())
    assert {"format", "rank", "ring", "u", "v", "w"} <= set(data) and data["ring"] == "ZT"
    assert Scheme.load(back) == Scheme.laderman()
    assert main(["mm", "convert", str(mid), str(back)]) == 2  # exists: --force needed
    assert main(["mm", "convert", str(mid), str(back), "--force"]) == 0
    capsys.readouterr()


def test_convert_of_a_file_in_no_layout_is_one_line_exit_2(tmp_path, capsys):
    bad = tmp_path / "x.m"
    bad.write_text("{{1, 2}, {3}")
    assert main(["mm", "convert", str(bad), str(tmp_path / "o.json")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "tried" in err
