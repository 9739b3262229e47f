"""Benchmark the date finder: speed, and accuracy side by side with dateparser.

Not a test. Run:  .venv/bin/python scripts/bench_dates.py
Accuracy is on tests/data/dates_gold.jsonl (span F1 on exact offsets; exact values on
the gold spans each tool found). dateparser is compared only when it is installed.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path

from nextsteps.dates import find_dates
from nextsteps.dates.gold import read_gold, score_gold

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "dates_gold.jsonl"


def load_gold() -> list[dict]:
    return read_gold(GOLD)


SIGNATURE = (
    "\n\nBest regards,\nDana Whitfield\nSenior Technical Recruiter | Example Corp\n"
    "+1 (415) 555-0142 | 100 Main Street, Suite 4200\nThis email and any attachments are "
    "confidential and intended solely for the addressee. If you received it in error, "
    "please notify the sender and delete it.\n"
)


def rate(texts: list[tuple[str, datetime]], min_seconds: float = 2.0) -> float:
    """Messages per second, single process, over repeated passes of `texts`."""
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < min_seconds:
        for text, sent in texts:
            find_dates(text, sent)
        done += len(texts)
    return done / (time.perf_counter() - start)


def email_length(rows: list[dict]) -> list[tuple[str, datetime]]:
    """~1,000-2,000-character emails: five gold messages in a row, a greeting and a signature."""
    out = []
    for i in range(0, len(rows) - 5, 5):
        body = "\n\n".join(r["text"] for r in rows[i : i + 5])
        sent = datetime.fromisoformat(rows[i]["sent_at"])
        out.append((f"Hi Sam,\n\nThanks for your note.\n\n{body}{SIGNATURE}", sent))
    return out


def _value_matches(found: datetime, expected: object) -> bool:
    """dateparser gives one datetime: right if it is the value, or either end of a range."""
    if expected is None:
        return False
    options = [expected] if isinstance(expected, str) else list(expected.values())  # type: ignore[union-attr]
    return any(found.strftime("%Y-%m-%dT%H:%M" if "T" in v else "%Y-%m-%d") == v for v in options)


def score_dateparser(rows: list[dict]) -> dict[str, float] | None:
    try:
        from dateparser.search import search_dates
    except ImportError:
        return None
    tp = fp = fn = values_ok = trap_fp = 0
    for row in rows:
        sent = datetime.fromisoformat(row["sent_at"]).replace(tzinfo=None)
        settings = {"RELATIVE_BASE": sent, "PREFER_DATES_FROM": "future"}
        found = search_dates(row["text"], languages=["en"], settings=settings) or []
        got, pos = {}, 0
        for sub, value in found:
            start = row["text"].find(sub, pos)
            if start >= 0:
                got[(start, start + len(sub))] = value
                pos = start + len(sub)
        want = {(e["start"], e["end"]): e for e in row["expected"]}
        hits = got.keys() & want.keys()
        tp, fp, fn = tp + len(hits), fp + len(got.keys() - hits), fn + len(want.keys() - hits)
        values_ok += sum(_value_matches(got[k], want[k]["value"]) for k in hits)
        trap_fp += bool(not row["expected"] and got)
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / max(precision + recall, 1e-9),
        "value_accuracy": values_ok / max(tp, 1),
        "trap_messages_with_fp": trap_fp,
    }


def main() -> None:
    rows = load_gold()
    short = [
        (r["text"], datetime.fromisoformat(r["sent_at"])) for r in rows if len(r["text"]) < 200
    ]
    emails = email_length(rows)
    find_dates("warm up by Friday", datetime(2025, 1, 1))  # load vocabulary and compile once
    print(f"gold: {len(rows)} messages, {sum(len(r['expected']) for r in rows)} expressions")
    print(f"short messages (<200 chars, n={len(short)}): {rate(short):,.0f} msg/s")
    avg = sum(len(t) for t, _ in emails) / len(emails)
    print(
        f"email-length messages (avg {avg:,.0f} chars, n={len(emails)}): {rate(emails):,.0f} msg/s"
    )
    ours = score_gold(rows)
    print("\n" + f"{'':28}{'nextsteps':>12}{'dateparser':>12}")
    theirs = score_dateparser(rows)
    for key in ("precision", "recall", "f1", "value_accuracy", "trap_messages_with_fp"):
        other = "-" if theirs is None else f"{theirs[key]:.3f}"
        print(f"{key:28}{ours[key]:>12.3f}{other:>12}")
    print(f"{'key_accuracy':28}{ours['key_accuracy']:>12.3f}{'-':>12}")
    if theirs is None:
        print("(dateparser not installed: pip install dateparser to compare)")
    print(json.dumps({"nextsteps": ours, "dateparser": theirs}))


if __name__ == "__main__":
    main()
