"""Benchmark: results-store inserts per second from 2 concurrent writer processes.

Target (issue #2): >= 5,000 result inserts/s from 2 concurrent processes, nothing lost.

Modes, each with 2 processes writing distinct keys into one fresh store at the same time:

- ``single``: ``ResultsStore.add_result`` (one ``BEGIN IMMEDIATE`` transaction per result,
  JSON payload, de-duplication check) -- the path a search uses for each verified result;
- ``bulk``: ``ResultsStore.add_results`` in batches of ``--batch`` results per transaction;
- peer ``raw``: plain ``sqlite3``, one autocommit ``INSERT`` per row into a bare two-column
  table with the same WAL settings and lock retry (the floor our wrapper adds overhead to:
  validation, JSON encoding, timestamps, de-duplication).

After each mode the rows are counted: every insert must be there. Ratios are ours/raw.

Run: ``disco bench store`` or ``python tests/benchmarks/bench_store.py [--n 20000]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

_WRITER = textwrap.dedent(
    """
    import json, sqlite3, sys, time
    mode, path, tag, n, batch, start_at = sys.argv[1:7]
    n, batch, start_at = int(n), int(batch), float(start_at)
    if mode == "raw":
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
        conn.execute("PRAGMA synchronous=NORMAL")
    else:
        from search.store import ResultsStore
        store = ResultsStore(path, timeout=60)
    while time.time() < start_at:
        time.sleep(0.001)
    t0 = time.time()
    if mode == "single":
        for i in range(n):
            store.add_result("graphs", f"{tag}-{i}", {"i": i, "tag": tag}, verified=True,
                             method="bench", score=float(i))
    elif mode == "bulk":
        for lo in range(0, n, batch):
            store.add_results([{"domain": "graphs", "key": f"{tag}-{i}",
                                "payload": {"i": i, "tag": tag}, "verified": True,
                                "method": "bench", "score": float(i)}
                               for i in range(lo, min(n, lo + batch))])
    else:
        for i in range(n):
            while True:
                try:
                    conn.execute("INSERT INTO raw (k, payload) VALUES (?, ?)",
                                 (f"{tag}-{i}", json.dumps({"i": i, "tag": tag})))
                    break
                except sqlite3.OperationalError:  # locked: retry like the store does
                    time.sleep(0.0001)
    print(json.dumps({"start": t0, "end": time.time()}))
    """
)


def _run_mode(mode: str, n: int, batch: int, workdir: Path, delay: float) -> dict:
    path = workdir / f"{mode}.db"
    if mode == "raw":
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE raw (id INTEGER PRIMARY KEY, k TEXT UNIQUE, payload TEXT)")
        conn.commit()
        conn.close()
    else:
        from search.store import ResultsStore

        ResultsStore(path).close()
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start_at = time.time() + delay  # both writers start together, after their imports
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, mode, str(path), tag, str(n), str(batch),
                          repr(start_at)], stdout=subprocess.PIPE, text=True, env=env)
        for tag in ("a", "b")
    ]
    spans = []
    for p in procs:
        out, _ = p.communicate()
        if p.returncode != 0:
            raise RuntimeError(f"{mode} writer failed with exit code {p.returncode}")
        spans.append(json.loads(out.strip().splitlines()[-1]))
    wall = max(s["end"] for s in spans) - min(s["start"] for s in spans)
    conn = sqlite3.connect(path)
    table = "raw" if mode == "raw" else "results"
    rows = conn.execute(f"SELECT COUNT(*), COUNT(DISTINCT {'k' if mode == 'raw' else 'key'}) "
                        f"FROM {table}").fetchone()
    ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    return {"mode": mode, "inserts": 2 * n, "seconds": wall, "per_s": 2 * n / wall,
            "rows": rows[0], "distinct": rows[1], "lost": 2 * n - rows[1], "integrity": ok}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="bench_store", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="inserts per process")
    parser.add_argument("--batch", type=int, default=500, help="rows per bulk transaction")
    parser.add_argument("--modes", default="single,bulk,raw", help="comma-separated modes")
    parser.add_argument("--start-delay", type=float, default=2.0,
                        help="seconds for the writers to import before the common start")
    args = parser.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in modes:
            r = _run_mode(mode, args.n, args.batch, Path(tmp), args.start_delay)
            results[mode] = r
            print(f"{mode:>6}: {r['inserts']} inserts from 2 processes in {r['seconds']:.2f} s "
                  f"= {r['per_s']:,.0f} inserts/s; rows={r['rows']} lost={r['lost']} "
                  f"integrity={r['integrity']}")
    if "raw" in results:
        for mode in ("single", "bulk"):
            if mode in results:
                ratio = results[mode]["per_s"] / results["raw"]["per_s"]
                print(f"ratio {mode}/raw sqlite3: {ratio:.2f}")
                results[mode]["ratio_vs_raw"] = ratio
    target = 5000
    for mode in ("single", "bulk"):
        if mode in results:
            r = results[mode]
            verdict = "PASS" if r["per_s"] >= target and r["lost"] == 0 else "FAIL"
            print(f"target >= {target}/s, nothing lost ({mode}): {verdict}")
    return results


if __name__ == "__main__":
    main()
