"""List corpus records worth a second look, for a human (or reviewer) pass.

    python scripts/review_candidates.py --out review/   # writes train_flags.jsonl, test_all.jsonl

- train split: records whose out-of-fold prediction (grouped CV, the record's group never seen)
  disagrees with the gold label at probability >= 0.6 — likely label noise or a real hard case;
- test split: every record, without model output, so a reviewer checks them blind (reviewing
  only where a model disagrees would bias the held-out figures).
Each line carries the source file and line, so fixes go into data/sources/.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from nextsteps.classifier import softmax
from nextsteps.corpus import load_corpus
from nextsteps.evaluation import LABELS
from nextsteps.training import DEFAULT_CONFIG, message_fields, out_of_fold_logits


def write_for_review(examples, path: Path) -> None:
    """What a reviewer sees: the message and its gold label, never a model's prediction."""
    with path.open("w") as fh:
        for e in examples:
            record = {"id": e.id, "gold": str(e.label), "text": e.text, "subject": e.subject}
            fh.write(json.dumps(record | {"sender": e.sender, "notes": e.notes}) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="data/corpus.jsonl")
    ap.add_argument("--out", default="review")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    examples = load_corpus(args.corpus)
    train = [e for e in examples if e.split == "train"]
    fields = [message_fields(e) for e in train]
    labels = [str(e.label) for e in train]
    probs = softmax(out_of_fold_logits(fields, labels, [e.group for e in train], DEFAULT_CONFIG))
    flagged = [
        e for e, p in zip(train, probs, strict=True)
        if LABELS[int(p.argmax())] != str(e.label) and p.max() >= 0.6
    ]  # fmt: skip
    write_for_review(flagged, out / "train_flags.jsonl")
    write_for_review([e for e in examples if e.split == "test"], out / "test_all.jsonl")
    print(f"wrote {out}/train_flags.jsonl and {out}/test_all.jsonl")


if __name__ == "__main__":
    main()
