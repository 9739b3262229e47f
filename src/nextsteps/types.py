"""Types that cross module boundaries: the label set and the frozen records between stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal


class Category(StrEnum):
    """What a message means for the candidate (the labelling guide in data/README.md)."""

    CLEAR_TIMELINE = "clear_timeline"
    VAGUE = "vague"
    NO_NEXT_STEPS = "no_next_steps"
    IMMEDIATE_NEXT_STEPS = "immediate_next_steps"
    REJECTION = "rejection"
    OFFER = "offer"
    UNRELATED = "unrelated"


#: The order in which a message that says several things is labelled (data/README.md).
PRECEDENCE: tuple[Category, ...] = (
    Category.OFFER,
    Category.IMMEDIATE_NEXT_STEPS,
    Category.REJECTION,
    Category.CLEAR_TIMELINE,
    Category.NO_NEXT_STEPS,
    Category.VAGUE,
)

#: A rejection, a vague reply, a pause or unrelated mail has no date to follow up on: the
#: follow-up is counted from the sent date (labelling guide in data/README.md).
NO_KEY_DATE: frozenset[Category] = frozenset(
    {Category.REJECTION, Category.VAGUE, Category.NO_NEXT_STEPS, Category.UNRELATED}
)

MentionKind = Literal["deadline", "event", "range", "vague"]
KeyDateKind = Literal["hear_by", "deadline", "event"]
Channel = Literal["spoken", "email", "sms", "linkedin", "voicemail", "ats"]

CHANNELS: tuple[str, ...] = ("spoken", "email", "sms", "linkedin", "voicemail", "ats")
KEY_DATE_KINDS: tuple[str, ...] = ("hear_by", "deadline", "event")


@dataclass(frozen=True)
class DateMention:
    """A temporal expression found in a text, resolved against the sent datetime (docs/dates.md).

    `value` is "YYYY-MM-DD", "YYYY-MM-DDTHH:MM", {"start": ..., "end": ...} or None.
    """

    text: str
    start: int
    end: int
    kind: MentionKind
    value: str | dict[str, str] | None
    mod: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "value": self.value,
        }
        if self.mod is not None:
            out["mod"] = self.mod
        return out


@dataclass(frozen=True)
class KeyDate:
    """The one date that matters most for the candidate's follow-up."""

    value: str
    kind: KeyDateKind
    mention: DateMention | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "kind": self.kind,
            "mention": self.mention.to_dict() if self.mention else None,
        }


@dataclass(frozen=True)
class Example:
    """One labelled message of a corpus (data/README.md describes every field)."""

    id: str
    text: str
    label: Category
    sent_at: str
    subject: str = ""
    sender: str = ""
    key_date: str | None = None
    key_date_kind: KeyDateKind | None = None
    channel: Channel = "email"
    group: str = ""
    split: Literal["train", "test"] = "train"
    form: Literal["whole_email", "body", "short"] | None = None
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
