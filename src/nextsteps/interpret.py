"""Interpret one message: its category with calibrated confidence and evidence, its dates, and
what to do next."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from nextsteps.classifier import Evidence, LinearModel
from nextsteps.cleaning import newest_part
from nextsteps.dates import country_code
from nextsteps.emails import ParsedEmail, looks_like_raw_email, parse_email
from nextsteps.features import MessageFields
from nextsteps.recommend import Recommendation, Rule, recommend
from nextsteps.types import NO_KEY_DATE, Category, DateMention, KeyDate

#: Longer bodies are cut before cleaning: a legitimate email is far shorter, and regexes over a
#: pasted megabyte would stall a paste tool or a batch.
MAX_BODY_CHARS = 100_000

#: Below this top probability a message is flagged for a person to check. On the test split 0.7
#: flags 4% of messages and catches 16 of the 29 errors (docs/model.md).
REVIEW_THRESHOLD = 0.7


class EmptyMessageError(ValueError):
    """The message has no text to interpret."""


@dataclass(frozen=True)
class Interpretation:
    """What a message means and what to do about it."""

    label: Category
    confidence: float
    probabilities: dict[str, float]
    needs_review: bool
    runner_up: Category
    evidence: list[Evidence]
    dates: list[DateMention]
    key_date: KeyDate | None
    recommendation: Recommendation | None
    sent_at: dt.datetime
    sent_at_source: str  # "header", "given" or "today" (dates then resolve against today)
    subject: str
    sender: str
    text: str  # the cleaned newest part that was interpreted

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": str(self.label),
            "confidence": self.confidence,
            "probabilities": self.probabilities,
            "needs_review": self.needs_review,
            "runner_up": str(self.runner_up),
            "evidence": [e.to_dict() for e in self.evidence],
            "dates": [d.to_dict() for d in self.dates],
            "key_date": self.key_date.to_dict() if self.key_date else None,
            "recommendation": self.recommendation.to_dict() if self.recommendation else None,
            "sent_at": self.sent_at.isoformat(),
            "sent_at_source": self.sent_at_source,
            "subject": self.subject,
            "sender": self.sender,
            "text": self.text,
        }


def interpret(
    text: str | ParsedEmail,
    sent_at: dt.datetime | None = None,
    *,
    subject: str | None = None,
    sender: str | None = None,
    today: dt.date | None = None,
    country: str | None = None,
    model: LinearModel | None = None,
    rules: list[Rule] | None = None,
) -> Interpretation:
    """Interpret a pasted message, a whole raw email, or an email already parsed.

    A raw email's Date, From and Subject headers fill in what is not given. Without any sent date,
    dates resolve against `today` (default: the machine's date) and `sent_at_source` says so.

    >>> interpret("We'd like to invite you to a final interview. Are you free Tuesday at 2?",
    ...           dt.datetime(2025, 10, 14, 9, 0)).label
    <Category.IMMEDIATE_NEXT_STEPS: 'immediate_next_steps'>
    """
    country = country_code(country)
    if isinstance(text, str) and looks_like_raw_email(text):
        text = parse_email(text)
    source = "given"
    if isinstance(text, ParsedEmail):
        subject = subject if subject is not None else text.subject
        sender = sender if sender is not None else text.sender
        if sent_at is None and text.sent_at is not None:
            sent_at, source = text.sent_at, "header"
        text = text.body
    if sent_at is None:
        day = today or dt.date.today()
        sent_at, source = dt.datetime.combine(day, dt.time(9, 0)), "today"
    body = newest_part(text[:MAX_BODY_CHARS]).body
    if not body.strip():
        raise EmptyMessageError("the message is empty")
    fields = MessageFields(body, subject or "", sender or "", sent_at)
    return interpret_fields(fields, source, model or default_model(), rules, country)


def interpret_fields(
    fields: MessageFields,
    source: str,
    model: LinearModel,
    rules: list[Rule] | None,
    country: str | None,
    *,
    evidence: bool = True,
) -> Interpretation:
    """Interpret a message already cleaned into `MessageFields` (what batch runs per message).

    `evidence=False` skips the evidence sentences: scoring every sentence again costs as much as
    classifying the message, and a table has no column for them.
    """
    from nextsteps.dates import find_dates, key_date

    mentions = find_dates(fields.body, fields.sent_at, country=country)
    fields = replace(fields, dates=tuple(mentions))
    probs = model.predict_proba(fields)
    order = probs.argsort()[::-1]
    label, runner = model.labels[order[0]], model.labels[order[1]]
    key = None
    if label not in NO_KEY_DATE:
        key = key_date(
            fields.body,
            fields.sent_at,
            mentions=mentions,
            country=country,
            hear_back=label == Category.CLEAR_TIMELINE,
        )
    confidence = round(float(probs[order[0]]), 4)
    return Interpretation(
        label=Category(label),
        confidence=confidence,
        probabilities={lab: round(float(p), 4) for lab, p in zip(model.labels, probs, strict=True)},
        needs_review=confidence < REVIEW_THRESHOLD,
        runner_up=Category(runner),
        evidence=model.evidence(fields, label, runner) if evidence else [],
        dates=mentions,
        key_date=key,
        recommendation=recommend(
            label,
            key,
            fields.sent_at.date(),
            sender=fields.sender,
            subject=fields.subject,
            rules=rules,
            country=country,
        ),
        sent_at=fields.sent_at,
        sent_at_source=source,
        subject=fields.subject,
        sender=fields.sender,
        text=fields.body,
    )


def interpret_many(texts: Iterable[str], **kwargs: Any) -> list[Interpretation]:
    """`interpret` each text with the same options; the model is loaded once."""
    kwargs.setdefault("model", default_model())
    return [interpret(t, **kwargs) for t in texts]


_MODEL: tuple[Path, LinearModel] | None = None


def default_model() -> LinearModel:
    """The active model (`nextsteps models use`; the shipped one unless the user chose another),
    loaded again only when the active model changes."""
    global _MODEL
    from nextsteps.model_registry import active_model_dir, load_active

    path = active_model_dir()
    if _MODEL is None or _MODEL[0] != path:
        _MODEL = (path, load_active())
    return _MODEL[1]


def read_input(source: str) -> str | ParsedEmail:
    """What a CLI argument stands for: a .eml/.txt file's text, a .msg file's message (with the
    optional extract-msg package), or the argument itself as the message text."""
    path = Path(source)
    if len(source) >= 4096 or "\n" in source or not path.suffix or not path.is_file():
        return source
    suffix = path.suffix.lower()
    if suffix == ".msg":
        return _read_msg(path)
    if suffix == ".eml":
        return parse_email(path.read_bytes())  # bytes: the MIME parser applies the charset
    if suffix != ".txt":
        raise ValueError(f"{source}: unknown file type {suffix!r}; expected .eml, .msg or .txt")
    return path.read_bytes().decode("utf-8", errors="replace")


def _read_msg(path: Path) -> ParsedEmail:
    from nextsteps.inbox import Message, read_messages

    item = next(iter(read_messages(path)))
    if not isinstance(item, Message):
        raise ValueError(f"{path}: {item.error}")
    return ParsedEmail(item.body, item.subject, item.sender, item.sent_at, item.id)
