"""Scoring the date finder against a gold file of hand-resolved expressions.

Each line of a gold file: {"text", "sent_at", "country"?, "expected": [mentions as
`DateMention.to_dict()`], "key_date": {"value", "kind"} | null}. Used by tests/test_dates.py (the
bars) and scripts/bench_dates.py (the comparison with dateparser).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from nextsteps.dates import find_dates, key_date


def read_gold(path: str | Path) -> list[dict]:
    """The records of a gold file (JSON lines; blank lines skipped)."""
    text = Path(path).read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def score_gold(rows: list[dict]) -> dict[str, float]:
    """Span P/R/F1 (exact offsets), value accuracy on matched spans, key-date accuracy, traps."""
    tp = fp = fn = values_ok = keys_ok = trap_fp = 0
    for row in rows:
        sent = datetime.fromisoformat(row["sent_at"])
        found = find_dates(row["text"], sent, country=row.get("country"))
        got = {(m.start, m.end): m.to_dict() for m in found}
        want = {(e["start"], e["end"]): e for e in row["expected"]}
        hits = got.keys() & want.keys()
        tp, fp, fn = tp + len(hits), fp + len(got.keys() - hits), fn + len(want.keys() - hits)
        values_ok += sum(got[k]["value"] == want[k]["value"] for k in hits)
        trap_fp += bool(not row["expected"] and found)
        kd = key_date(row["text"], sent, mentions=found)
        expected_key = row["key_date"]
        keys_ok += (kd is None and expected_key is None) or (
            kd is not None and expected_key == {"value": kd.value, "kind": kd.kind}
        )
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / max(precision + recall, 1e-9),
        "value_accuracy": values_ok / max(tp, 1),
        "key_accuracy": keys_ok / len(rows),
        "trap_messages_with_fp": trap_fp,
        "expressions": tp + fn,
    }
