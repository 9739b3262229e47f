"""What the label mix of a real inbox does to the batch table, and what a prior correction buys.

    python scripts/prior_shift.py [--unrelated-share 0.9]

The corpus is balanced; an inbox is mostly unrelated mail. For the shipped model on the test
split and on the held-out writer's set (data/fresh.jsonl) this prints, for no correction and for
the standard prior correction (probabilities rescaled by expected prior / training prior, Saerens
et al. 2002) at several unrelated priors: how often unrelated mail gets a hiring label, how often
hiring mail is read as unrelated, and the precision the hiring rows would have in an export
where `--unrelated-share` of the messages are unrelated. Figures in docs/batch.md.
"""

from __future__ import annotations

import argparse

import numpy as np

from nextsteps.corpus import load_corpus
from nextsteps.interpret import default_model
from nextsteps.training import message_fields


def rescale(probs: np.ndarray, train_prior: np.ndarray, unrelated: int, share: float) -> np.ndarray:
    target = (1 - share) * train_prior / (1 - train_prior[unrelated])
    target[unrelated] = share
    out = probs * (target / train_prior)
    return out / out.sum(axis=1, keepdims=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--unrelated-share", type=float, default=0.9)
    args = ap.parse_args()
    model = default_model()
    labels, unrelated = model.labels, model.labels.index("unrelated")
    corpus = load_corpus("data/corpus.jsonl")
    train = [str(e.label) for e in corpus if e.split == "train"]
    train_prior = np.array([train.count(lab) for lab in labels]) / len(train)
    sets = {
        "test split": [e for e in corpus if e.split == "test"],
        "held-out writer": load_corpus("data/fresh.jsonl"),
    }
    share = args.unrelated_share
    print(f"precision of hiring rows assumes {share:.0%} of an export is unrelated")
    for name, examples in sets.items():
        probs = model.predict_proba_many([message_fields(e) for e in examples])
        gold = np.array([labels.index(str(e.label)) for e in examples])
        is_unrelated = gold == unrelated
        for prior in (None, 0.5, 0.8, 0.9):
            pred = (
                probs if prior is None else rescale(probs, train_prior, unrelated, prior)
            ).argmax(1)
            false_alarm = (pred[is_unrelated] != unrelated).mean()
            missed = (pred[~is_unrelated] == unrelated).mean()
            hits, noise = (1 - share) * (1 - missed), share * false_alarm
            print(
                f"{name:16s} correction to {prior or 'none':>4}: unrelated->hiring {false_alarm:.3f}"
                f"  hiring->unrelated {missed:.3f}  precision of hiring rows {hits / (hits + noise):.3f}"
            )


if __name__ == "__main__":
    main()
