"""Benchmark of the paste flow: whole-process cold start and warm per-message time.

    python scripts/bench_interpret.py [--runs 7]

Cold start is the median wall time of `nextsteps interpret TEXT --json` as a new process, beside
`python -c pass` and `python -c "import sklearn"` measured in the same run. Warm time is the mean
per message of `interpret` over the corpus test split with the model already loaded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    text = "Thanks for coming in! Are you free Thursday at 2pm or Friday morning for a final round?"
    rows = [
        ("python -c pass", wall([sys.executable, "-c", "pass"], args.runs)),
        ('python -c "import sklearn"', wall([sys.executable, "-c", "import sklearn"], args.runs)),
        (
            "nextsteps interpret TEXT --json",
            wall(
                [
                    str(BIN / "nextsteps"),
                    "interpret",
                    text,
                    "--sent-at",
                    "2025-03-03T09:00:00-05:00",
                    "--json",
                ],
                args.runs,
            ),
        ),
    ]
    for name, secs in rows:
        print(f"cold  {name:34s} {secs * 1000:7.0f} ms (median of {args.runs})")

    from nextsteps import interpret
    from nextsteps.corpus import load_corpus
    from nextsteps.interpret import default_model

    default_model()
    test = [e for e in load_corpus("data/corpus.jsonl") if e.split == "test"]
    start = time.perf_counter()
    for e in test:
        interpret(e.text, dt.datetime.fromisoformat(e.sent_at), subject=e.subject, sender=e.sender)
    per = (time.perf_counter() - start) / len(test)
    print(
        f"warm  interpret() per message            {per * 1000:7.2f} ms (mean over {len(test)} test messages)"
    )


if __name__ == "__main__":
    main()
