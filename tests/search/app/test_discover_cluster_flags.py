"""``disco discover --campaign FILE --cluster tcp://host:port``: spellings and bad input.

An unreachable scheduler, a malformed address or a bad cluster key in a campaign file is one
line and exit code 2, before anything is run or stored.
"""

from __future__ import annotations

import socket

import pytest

from engine.errors import InvalidInputError
from search.app.discover import campaign_from_dict, load_campaign
from search.cli import main


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_campaign_cluster_keys_are_read_and_checked(tmp_path):
    c = campaign_from_dict({"campaign": {"cluster": "tcp://node1:8786", "min_workers": 4,
                                         "worker_timeout": 60}})
    assert (c.cluster, c.min_workers, c.worker_timeout) == ("tcp://node1:8786", 4, 60.0)
    f = tmp_path / "big.toml"
    f.write_text('[campaign]\nbudget = 30\ncluster = "node1"\n')
    with pytest.raises(InvalidInputError, match=r"'cluster' in \[campaign\] \(line 3\)"):
        load_campaign(f)
    f.write_text('[campaign]\nmin_workers = 0\n')
    with pytest.raises(InvalidInputError, match=r"'min_workers' in \[campaign\] \(line 2\)"):
        load_campaign(f)


def test_cli_campaign_flag_and_unreachable_cluster_exit_2(tmp_path, capsys):
    pytest.importorskip("distributed")
    f = tmp_path / "big.toml"
    f.write_text('[campaign]\nbudget = 5\nsections = ["reactions"]\nconnect_timeout = 1\n')
    address = f"tcp://127.0.0.1:{_free_port()}"
    code = main(["discover", "--campaign", str(f), "--cluster", address,
                 "--output", str(tmp_path / "r"), "--db", str(tmp_path / "d.db")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert address in err[-1] and "cannot reach the Dask scheduler" in err[-1]
    assert not (tmp_path / "d.db").exists()


def test_cli_bad_cluster_flags_exit_2(tmp_path, capsys):
    f = tmp_path / "a.toml"
    f.write_text('[campaign]\nbudget = 5\n')
    g = tmp_path / "b.toml"
    g.write_text('[campaign]\nbudget = 5\n')
    assert main(["discover", str(f), "--campaign", str(g)]) == 2
    assert "given twice" in capsys.readouterr().err
    assert main(["discover", "--cluster", "node1:8786"]) == 2
    assert "--cluster 'node1:8786'" in capsys.readouterr().err
    assert main(["discover", "--min-workers", "2"]) == 2
    assert "--cluster" in capsys.readouterr().err
