"""The linear classifier: fitted with scikit-learn, scored with numpy.

Fitting uses scikit-learn's LogisticRegression; the fitted weights are copied into a `LinearModel`
that scores with numpy alone, so interpreting one message never imports scikit-learn (cold start)
and the saved model needs no pickle.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nextsteps.features import Featurizer, MessageFields, TfidfBlock

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n(?=\s*[-*•])")


@dataclass(frozen=True)
class ModelConfig:
    """Which features the model uses and how strongly; the knobs model selection turns."""

    word: float = 1.0
    char: float = 1.0
    subject: float = 0.5
    sender: float = 0.5
    cues: float = 0.0
    dates: float = 0.0
    C: float = 10.0
    min_df: int = 2
    char_max_features: int | None = 60000

    def featurizer(self) -> Featurizer:
        specs = [
            (self.word, TfidfBlock("body", "word", self.min_df)),
            (self.char, TfidfBlock("body", "char", self.min_df, self.char_max_features)),
            (self.subject, TfidfBlock("subject", "word", self.min_df)),
            (self.sender, TfidfBlock("sender", "sender", self.min_df)),
        ]
        kept = [(w, b) for w, b in specs if w]
        return Featurizer(
            blocks=[b for _, b in kept],
            block_weights=[w for w, _ in kept],
            cue_weight=self.cues,
            date_weight=self.dates,
        )


@dataclass(frozen=True)
class Evidence:
    """A passage of the message and how hard it pushed towards the label (in logit units)."""

    text: str
    start: int
    end: int
    weight: float

    def to_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end, "weight": self.weight}


@dataclass
class LinearModel:
    """A fitted featurizer and a weight per (feature, label); probabilities by softmax."""

    featurizer: Featurizer
    coef: np.ndarray  # (n_features, n_labels)
    intercept: np.ndarray  # (n_labels,)
    labels: list[str]
    temperature: float = 1.0

    def logits(self, message: MessageFields) -> np.ndarray:
        idx, vals = self.featurizer.transform(message)
        return vals @ self.coef[idx] + self.intercept

    def predict_proba(self, message: MessageFields) -> np.ndarray:
        return softmax(self.logits(message) / self.temperature)

    def predict_proba_many(self, messages: Sequence[MessageFields]) -> np.ndarray:
        return np.vstack([self.predict_proba(m) for m in messages])

    def evidence(
        self, message: MessageFields, label: str, against: str, k: int = 3
    ) -> list[Evidence]:
        """The `k` sentences of the body that most favour `label` over `against`."""
        direction = (
            self.coef[:, self.labels.index(label)] - self.coef[:, self.labels.index(against)]
        )
        scored = []
        for start, end in sentence_spans(message.body):
            # No sent date: the date features describe the whole message, not a sentence.
            part = MessageFields(message.body[start:end])
            idx, vals = self.featurizer.transform(part)
            scored.append(Evidence(part.body, start, end, round(float(vals @ direction[idx]), 3)))
        scored.sort(key=lambda e: -e.weight)
        return [e for e in scored[:k] if e.weight > 0]


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or line-block, whitespace trimmed, empty ones skipped."""
    spans, pos = [], 0
    for match in [*_SENTENCE_END.finditer(text), None]:
        end = match.start() if match else len(text)
        chunk = text[pos:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            spans.append((pos + lead, pos + len(chunk.rstrip())))
        pos = match.end() if match else end
    return spans


def fit_linear(
    messages: Sequence[MessageFields], labels: Sequence[str], config: ModelConfig, seed: int = 0
) -> LinearModel:
    """Fit the featurizer and a multinomial logistic regression on the given messages."""
    from sklearn.linear_model import LogisticRegression

    featurizer = config.featurizer().fit(messages)
    X = featurizer.matrix(messages)
    clf = LogisticRegression(C=config.C, max_iter=3000, random_state=seed)
    clf.fit(X, list(labels))
    return LinearModel(
        featurizer=featurizer,
        coef=clf.coef_.T.astype(np.float32).copy(),
        intercept=clf.intercept_.astype(np.float32),
        labels=[str(c) for c in clf.classes_],
    )


def fit_temperature(probs_logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature that minimises the log-loss of out-of-fold logits (Guo et al., 2017)."""
    from scipy.optimize import minimize_scalar

    def nll(t: float) -> float:
        p = softmax(probs_logits / t)
        return float(-np.log(p[np.arange(len(y)), y] + 1e-12).mean())

    return float(minimize_scalar(nll, bounds=(0.05, 20.0), method="bounded").x)
