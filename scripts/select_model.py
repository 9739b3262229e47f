"""Model selection by cross-validation grouped by `group`, on the train split only.

Compares feature sets and regularisation of the linear model, and spaCy's own `textcat` trained
from a blank pipeline, and writes docs/model-selection.md. The test split is never read here.

    python scripts/select_model.py [--corpus data/corpus.jsonl] [--folds 5] [--skip-spacy]
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from nextsteps.classifier import ModelConfig
from nextsteps.corpus import load_corpus
from nextsteps.evaluation import LABELS, report
from nextsteps.training import group_folds, message_fields, out_of_fold_logits

BASE = ModelConfig(word=1.0, char=0.0, subject=0.0, sender=0.0, cues=0.0, dates=0.0)
WORD_ENV = replace(BASE, subject=0.5, sender=0.5)
FULL = replace(WORD_ENV, char=1.0)
CANDIDATES = {
    "word n-grams": BASE,
    "word + char n-grams": replace(BASE, char=1.0),
    "word + subject + sender": WORD_ENV,
    "word + char + subject + sender": FULL,
    "word + subject + sender + cues 0.1": replace(WORD_ENV, cues=0.1),
    "word + subject + sender + dates 0.1": replace(WORD_ENV, dates=0.1),
    "word + subject + sender + cues 0.1 + dates 0.1": replace(WORD_ENV, cues=0.1, dates=0.1),
    "word + char + subject + sender + cues 0.1 + dates 0.1": replace(FULL, cues=0.1, dates=0.1),
    "word + char + subject + sender + cues 0.3 + dates 0.3": replace(FULL, cues=0.3, dates=0.3),
    "word + char + subject + sender + cues 1": replace(FULL, cues=1.0),
}


def linear_rows(fields, labels, groups, folds):
    rows = []
    for name, cfg in CANDIDATES.items():
        start = time.perf_counter()
        oof = out_of_fold_logits(fields, labels, groups, cfg, n_folds=folds)
        rep = report(name, labels, [LABELS[i] for i in oof.argmax(1)])
        rows.append((name, cfg, rep, time.perf_counter() - start))
        print(
            f"{name:28s} macro-F1 {rep.macro_f1:.4f}  acc {rep.accuracy:.4f}  {rows[-1][3]:.0f}s",
            flush=True,
        )
    return rows


def c_sweep(fields, labels, groups, folds, cfg):
    rows = []
    for c in (3.0, 10.0, 30.0, 100.0):
        oof = out_of_fold_logits(fields, labels, groups, replace(cfg, C=c), n_folds=folds)
        rep = report(f"C={c}", labels, [LABELS[i] for i in oof.argmax(1)])
        rows.append((c, rep))
        print(f"C={c:<6} macro-F1 {rep.macro_f1:.4f}", flush=True)
    return rows


def spacy_textcat(fields, labels, groups, folds, arch: str, epochs: int = 8):
    """Grouped CV of spaCy textcat from a blank English pipeline."""
    import spacy
    from spacy.training import Example as SpacyExample

    fold_of = group_folds(groups, folds)
    preds = [""] * len(fields)
    for k in range(folds):
        nlp = spacy.blank("en")
        config = {}  # spaCy's default textcat: an ensemble of bag-of-words and a tok2vec CNN
        if arch == "spacy.TextCatBOW.v3":
            model = {"@architectures": arch, "exclusive_classes": True, "nO": None}
            config = {
                "model": model | {"ngram_size": 2, "no_output_layer": False, "length": 262144}
            }
        textcat = nlp.add_pipe("textcat", config=config)
        for lab in LABELS:
            textcat.add_label(lab)
        train_idx = np.flatnonzero(fold_of != k)
        data = [
            SpacyExample.from_dict(
                nlp.make_doc(fields[i].body),
                {"cats": {lab: float(lab == labels[i]) for lab in LABELS}},
            )
            for i in train_idx
        ]
        random.seed(0)
        optimizer = nlp.initialize(lambda data=data: data)
        for _ in range(epochs):
            random.shuffle(data)
            for batch in spacy.util.minibatch(data, size=32):
                nlp.update(batch, sgd=optimizer)
        for i in np.flatnonzero(fold_of == k):
            cats = nlp(fields[i].body).cats
            preds[i] = max(cats, key=cats.get)
    return report(f"spaCy textcat ({arch})", labels, preds)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="data/corpus.jsonl")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--skip-spacy", action="store_true")
    ap.add_argument("--out", default="docs/model-selection.md")
    args = ap.parse_args()
    train = [e for e in load_corpus(args.corpus) if e.split == "train"]
    fields = [message_fields(e) for e in train]
    labels = [str(e.label) for e in train]
    groups = [e.group for e in train]
    rows = linear_rows(fields, labels, groups, args.folds)
    best_name, best_cfg, *_ = max(rows, key=lambda r: r[2].macro_f1)
    sweep = c_sweep(fields, labels, groups, args.folds, best_cfg)
    spacy_rows = []
    if not args.skip_spacy:
        for arch in ("spacy.TextCatBOW.v3", "default (spacy.TextCatEnsemble.v2)"):
            start = time.perf_counter()
            rep = spacy_textcat(fields, labels, groups, args.folds, arch)
            spacy_rows.append((rep, time.perf_counter() - start))
            print(f"{rep.name} macro-F1 {rep.macro_f1:.4f}", flush=True)
    write_markdown(Path(args.out), len(train), args.folds, rows, best_name, sweep, spacy_rows)


def write_markdown(path, n, folds, rows, best_name, sweep, spacy_rows):
    lines = [
        "# Model selection",
        "",
        f"Grouped {folds}-fold cross-validation on the **train split only** ({n} messages; folds keep",
        "each `group` whole, so variations of one idea are never on both sides). The test split is",
        "not read. Reproduce with `python scripts/select_model.py`.",
        "",
        "## Feature sets (logistic regression, C = 10)",
        "",
        "| features | macro-F1 | accuracy | "
        + " | ".join(f"F1 {lab}" for lab in LABELS)
        + " | time |",
        "|---" * (4 + len(LABELS)) + "|",
    ]
    for name, _, rep, secs in rows:
        f1s = " | ".join(f"{rep.per_label[lab]['f1']:.3f}" for lab in LABELS)
        lines.append(f"| {name} | {rep.macro_f1:.4f} | {rep.accuracy:.4f} | {f1s} | {secs:.0f}s |")
    lines += [
        "",
        f"Best feature set: **{best_name}**.",
        "",
        "## Regularisation of the best feature set",
        "",
        "| C | macro-F1 | accuracy |",
        "|---|---|---|",
    ]
    lines += [f"| {c} | {rep.macro_f1:.4f} | {rep.accuracy:.4f} |" for c, rep in sweep]
    if spacy_rows:
        lines += [
            "",
            "## spaCy textcat from a blank English pipeline (8 epochs)",
            "",
            "| model | macro-F1 | accuracy | time |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {rep.name} | {rep.macro_f1:.4f} | {rep.accuracy:.4f} | {secs:.0f}s |"
            for rep, secs in spacy_rows
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
