"""How well the model reads a writer it has never seen: leave-one-writer-out on the train split.

    python scripts/writer_holdout.py [--out docs/writer-holdout.md]

Each of the corpus's writers (the prefix of `group`, one per source file) is held out in turn: the
model is trained on the other writers' train-split messages and scored on the held-out writer's
train-split messages. The test split is not read. The drop from grouped cross-validation is the
cost of a new style of writing, the nearest proxy here for a real inbox.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from nextsteps.classifier import fit_linear
from nextsteps.corpus import load_corpus
from nextsteps.evaluation import LABELS, report
from nextsteps.training import DEFAULT_CONFIG, message_fields


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="data/corpus.jsonl")
    ap.add_argument("--out", default="docs/writer-holdout.md")
    args = ap.parse_args()
    train = [e for e in load_corpus(args.corpus) if e.split == "train"]
    fields = {e.id: message_fields(e) for e in train}
    writers = sorted({e.group.split("-")[0] for e in train})
    rows = []
    for w in writers:
        seen = [e for e in train if not e.group.startswith(f"{w}-")]
        held = [e for e in train if e.group.startswith(f"{w}-")]
        model = fit_linear(
            [fields[e.id] for e in seen], [str(e.label) for e in seen], DEFAULT_CONFIG
        )
        probs = model.predict_proba_many([fields[e.id] for e in held])
        rep = report(w, [str(e.label) for e in held], [model.labels[i] for i in probs.argmax(1)])
        rows.append((w, len(held), rep))
        print(
            f"{w}: n={len(held)} macro-F1 {rep.macro_f1:.4f} accuracy {rep.accuracy:.4f}",
            flush=True,
        )
    lines = [
        "# Leave-one-writer-out",
        "",
        "Trained on the other writers' train-split messages, scored on the held-out writer's",
        "train-split messages (the test split is not read). Reproduce with",
        "`python scripts/writer_holdout.py`.",
        "",
        "| held-out writer | messages | macro-F1 | accuracy | "
        + " | ".join(f"F1 {lab}" for lab in LABELS)
        + " |",
        "|---" * (4 + len(LABELS)) + "|",
    ]
    for w, n, rep in rows:
        f1s = " | ".join(f"{rep.per_label[lab]['f1']:.3f}" for lab in LABELS)
        lines.append(f"| {w} | {n} | {rep.macro_f1:.4f} | {rep.accuracy:.4f} | {f1s} |")
    mean = sum(r.macro_f1 for _, _, r in rows) / len(rows)
    lines += ["", f"Mean macro-F1 over held-out writers: **{mean:.4f}**."]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"mean {mean:.4f}; wrote {args.out}")


if __name__ == "__main__":
    main()
