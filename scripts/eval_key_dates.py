"""How often the key date we compute agrees with the one the corpus writers computed by hand.

    python scripts/eval_key_dates.py [--split test] [--show 20]

The corpus writers resolved key dates independently of the date finder, so on the test split
this is a held-out measure of `key_date` (given the gold label, as interpret uses the label).
The train split may be used to develop the date rules; the test split must not be.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter

from nextsteps.cleaning import newest_part
from nextsteps.corpus import load_corpus
from nextsteps.dates import key_date
from nextsteps.types import NO_KEY_DATE, Category


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="data/corpus.jsonl")
    ap.add_argument("--split", default="test", choices=["train", "test"])
    ap.add_argument("--show", type=int, default=0, help="print this many disagreements")
    args = ap.parse_args()
    examples = [
        e for e in load_corpus(args.corpus) if e.split == args.split and e.label not in NO_KEY_DATE
    ]
    hits, day_hits, misses = 0, 0, []
    for e in examples:
        body = newest_part(e.text).body
        key = key_date(
            body, dt.datetime.fromisoformat(e.sent_at), hear_back=e.label == Category.CLEAR_TIMELINE
        )
        got = (key.value, key.kind) if key else (None, None)
        want = (e.key_date, e.key_date_kind)
        hits += got == want
        day_hits += (got[0] or "")[:10] == (want[0] or "")[:10]
        if got != want:
            misses.append((e.id, str(e.label), want, got, body))
    n = len(examples)
    print(
        f"{args.split} split, {n} messages labelled clear_timeline / immediate_next_steps / offer"
    )
    print(f"  key date exact (value with time, and kind): {hits / n:.3f}")
    print(f"  key date same day (kind ignored):           {day_hits / n:.3f}")
    print(
        "  disagreements by (gold kind, our kind):",
        Counter((w[1], g[1]) for _, _, w, g, _ in misses).most_common(8),
    )
    for m in misses[: args.show]:
        print(m[:4], "\n    ", m[4][:400].replace("\n", " "))


if __name__ == "__main__":
    main()
