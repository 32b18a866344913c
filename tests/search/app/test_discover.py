"""`disco discover`: campaign files, the report, store reuse, bad input, headless rendering."""

import json
import re
import shutil
import subprocess
import sys

import pytest

from engine.errors import InvalidInputError
from search.app.discover import campaign_from_dict, load_campaign, run_campaign
from search.cli import main

SECTIONS = ["reactions", "contfrac", "matmul", "altspaces", "graphs"]


@pytest.fixture(autouse=True)
def _no_background_compile(monkeypatch):
    """These tests check campaigns, not the cold start: no background compile processes
    (tests/search/app/test_discover_background_compile.py covers them)."""
    monkeypatch.setenv("DISCO_NO_BACKGROUND_COMPILE", "1")


def test_default_campaign_has_every_section():
    c = campaign_from_dict({})
    assert list(c.sections) == SECTIONS
    assert c.budget == 120.0


def test_unknown_key_names_key_and_line(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text('[campaign]\nbudget = 10\n\n[graphs]\nn = [10]\nsizes = [3]\n')
    with pytest.raises(InvalidInputError, match=r"'sizes' in \[graphs\] \(line 6\)"):
        load_campaign(f)


def test_unknown_table_and_bad_values(tmp_path):
    with pytest.raises(InvalidInputError, match="unknown table"):
        campaign_from_dict({"nonsense": {}})
    with pytest.raises(InvalidInputError, match="budget"):
        campaign_from_dict({"campaign": {"budget": -1}})
    with pytest.raises(InvalidInputError, match="unknown section"):
        campaign_from_dict({"campaign": {"sections": ["alchemy"]}})
    bad = tmp_path / "bad.toml"
    bad.write_text("[campaign\nbudget = 1\n")
    with pytest.raises(InvalidInputError, match="not valid TOML.*line 1"):
        load_campaign(bad)


def test_cli_bad_campaign_is_one_line_exit_2(tmp_path, capsys):
    f = tmp_path / "c.toml"
    f.write_text("[campaign]\nbudgit = 3\n")
    assert main(["discover", str(f)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "budgit" in err[0] and "line 2" in err[0]


def test_unwritable_output_directory(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code = main(["discover", "--budget", "5", "--sections", "reactions", "--output", str(blocker / "sub"),
                 "--db", str(tmp_path / "d.db"), "--quiet"])
    assert code == 2
    assert "not writable" in capsys.readouterr().err


def _small_campaign(sections, budget=12.0):
    return campaign_from_dict({
        "campaign": {"budget": budget, "seed": 1, "sections": sections},
        "contfrac": {"known": [["34n^3+51n^2+27n+5", "-n^6"], ["2n+1", "n^2"]],
                     "search": {"a_degree": 1, "b_degree": 2, "coefficient_range": 1,
                                "constants": ["e", "pi", "log(2)"]}},
        "altspaces": {"cases": [[4, 2], [5, 2]], "fields": ["Q", 3]},
        "graphs": {"n": [10, 12], "mapelites_n": 8},
        "matmul": {"format": [2, 2, 2], "target": 7, "ring": "ZT", "lift_ring": "F2"},
    })


def test_campaign_writes_report_and_reuses_store(tmp_path):
    from search.store import ResultsStore

    db = tmp_path / "disco.db"
    out = tmp_path / "report"
    first = run_campaign(_small_campaign(SECTIONS), output=out, db=db, quiet=True)
    assert first.status == "completed"
    errors = {s.key: s.error for s in first.sections if s.status != "ok"}
    assert not errors, errors
    html = (out / "index.html").read_text()
    md = (out / "report.md").read_text()
    for key in SECTIONS:
        assert f'<section id="{key}">' in html
    assert html.count("data:image/png;base64,") >= 5
    assert "## Continued fractions" in md
    assert first.new_results > 0
    stored = ResultsStore(db).results()
    assert len(stored) == first.total_results
    second = run_campaign(_small_campaign(["reactions", "altspaces"]), output=out, db=db, quiet=True)
    assert second.new_results == 0  # nothing duplicated
    assert len(ResultsStore(db).results()) == len(stored)


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.mark.skipif(_chromium() is None, reason="headless Chromium is not installed (.ci/run installs it)")
def test_report_renders_in_headless_chromium(tmp_path):
    from search.app.report import ReportSection, write_report

    plt = pytest.importorskip("matplotlib.pyplot")
    sections = []
    for key in SECTIONS:
        s = ReportSection(key=key, title=key.title(), ran="ran", verification="exact")
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot([0, 1, 2], [2, 0, 1], color="red")
        s.add_figure(f"{key} figure", fig)
        s.add_row({"store id": 1, "value": key})
        sections.append(s)
    out = write_report(sections, tmp_path / "report")
    url = (out / "index.html").resolve().as_uri()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([_chromium(), *flags, "--dump-dom", url], capture_output=True, text=True,
                         timeout=120).stdout
    assert len(re.findall(r"<section id=", dom)) == len(SECTIONS)
    assert len(re.findall(r'<img src="data:image/png;base64,', dom)) == len(SECTIONS)
    shot = tmp_path / "shot.png"
    subprocess.run([_chromium(), *flags, f"--screenshot={shot}", "--window-size=1200,2400", url],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000
    import matplotlib.image as mpimg

    pixels = mpimg.imread(str(shot))
    # the page is not blank: headings, tables and the red plot lines are drawn
    assert pixels.std() > 0.02
    red = (pixels[..., 0] > 0.8) & (pixels[..., 1] < 0.3) & (pixels[..., 2] < 0.3)
    assert red.sum() > 50  # the embedded figures rendered


@pytest.mark.slow
def test_cli_discover_default_budget(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = subprocess.run([sys.executable, "-m", "search.cli", "discover", "--budget", "120", "--json"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["status"] == "completed"
    assert (tmp_path / "report" / "index.html").exists()
    listed = subprocess.run([sys.executable, "-m", "search.cli", "results", "list", "--json"],
                            capture_output=True, text=True, timeout=120)
    assert len(json.loads(listed.stdout)) == data["total_results"]


def test_interrupted_campaign_keeps_results_and_report(tmp_path, monkeypatch):
    """Ctrl-C in the middle: the finished sections' results stay stored and the report is written."""
    from search.app import discover
    from search.store import ResultsStore

    real = discover._section_runners()

    def interrupted(ctx, section, cfg, budget):
        raise KeyboardInterrupt

    monkeypatch.setattr(discover, "_section_runners", lambda: {**real, "altspaces": interrupted})
    db = tmp_path / "d.db"
    res = run_campaign(_small_campaign(["reactions", "altspaces", "graphs"]), output=tmp_path / "r",
                       db=db, quiet=True)
    assert res.status == "interrupted"
    assert [s.status for s in res.sections] == ["ok", "interrupted"]  # graphs never started
    html = (tmp_path / "r" / "index.html").read_text()
    assert "interrupted" in html and '<section id="reactions">' in html
    assert res.new_results > 0 and len(ResultsStore(db).results()) == res.new_results
    runs = ResultsStore(db).runs()
    assert runs[-1].stop_reason == "interrupted"


def test_cli_interrupted_exit_code(tmp_path, monkeypatch, capsys):
    from search.app import discover

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(discover, "_section_runners", lambda: dict.fromkeys(SECTIONS, boom))
    code = main(["discover", "--budget", "5", "--sections", "reactions", "--output", str(tmp_path / "r"),
                 "--db", str(tmp_path / "d.db"), "--quiet"])
    assert code == 130
    assert (tmp_path / "r" / "index.html").exists()
