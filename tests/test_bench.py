"""`policybot bench --json` prints one line with exactly the documented keys (the figures themselves are for the closing note)."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import SEEDS

KEYS = {
    "model_passages_per_s", "ingest_passages_per_s", "ingest_ratio", "embed_p50_ms", "query_p50_ms",
    "query_p95_ms", "cold_start_s", "peak_rss_mb", "passages", "documents",
}


def test_bench_json_contract():
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "bench", "--json", "--corpus", str(SEEDS), "--questions", "100"],
        capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert set(report) == KEYS
    assert report["documents"] == 1 and report["passages"] > 5
    for key in KEYS - {"documents", "passages"}:
        assert report[key] > 0, key
    assert report["query_p95_ms"] >= report["query_p50_ms"]
    assert abs(report["ingest_ratio"] - report["ingest_passages_per_s"] / report["model_passages_per_s"]) < 0.01
