"""From a label and a key date to what the candidate should do, by when, and a draft to send.

The advice lives in a table (resources/recommendations.csv) that users may replace with their own
(`--recommendations PATH`); drafts are text files with {placeholders}. Follow-up dates use the
advice of the seed articles: a couple of business days after a promised date, about a week after a
vague reply, promptly for an invitation, before an offer's deadline.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import string
from dataclasses import dataclass
from email.utils import parseaddr
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from nextsteps.types import KEY_DATE_KINDS, Category, KeyDate

COLUMNS = ("label", "key_date_kind", "meaning", "action", "follow_up", "draft")
_RULE = re.compile(r"^(sent|key_date)([+-])(\d+)(d|bd)$")
_FREE_MAIL = {
    "gmail",
    "googlemail",
    "outlook",
    "hotmail",
    "yahoo",
    "icloud",
    "live",
    "aol",
    "proton",
}
_ATS_HINT = re.compile(r"no-?reply|notifications?|careers|jobs|talent|recruiting|ats|hire", re.I)
# Role names in subject lines: "Interview for Senior Data Analyst", "Data Engineer role - next".
_ROLES = (
    re.compile(
        r"\bfor (?:the |our |a )?(?P<role>[A-Z][\w/&+.' -]{2,60}?)"
        r"(?: (?:role|position|opening|vacancy|job))?\s*(?:$|[-–|(,:!])"
    ),
    re.compile(r"(?P<role>[A-Z][\w/&+.' ]{2,60}?) (?:role|position|opening|vacancy)\b"),
)
_SUBJECT_PREFIX = re.compile(r"^\s*((re|fwd?|aw|tr)\s*:\s*)+", re.IGNORECASE)


class RecommendationTableError(ValueError):
    """A recommendation table that cannot be used; the message names the line and the reason."""


@dataclass(frozen=True)
class Rule:
    label: str
    key_date_kind: str  # a KeyDate kind, or "*" for any
    meaning: str
    action: str
    follow_up: str  # "sent+5bd", "key_date-1bd", "none"
    draft: str  # name of a draft template, or ""
    line: int


@dataclass(frozen=True)
class Recommendation:
    meaning: str
    action: str
    follow_up_on: dt.date | None
    draft_name: str
    draft: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "meaning": self.meaning,
            "action": self.action,
            "follow_up_on": self.follow_up_on.isoformat() if self.follow_up_on else None,
            "draft_name": self.draft_name or None,
            "draft": self.draft or None,
        }


def load_table(path: str | Path | None = None) -> list[Rule]:
    """Read and validate a recommendation table (default: the shipped one)."""
    if path is None:
        return list(_shipped_table())
    return _parse_table(Path(path).read_text(encoding="utf-8"), str(path))


@lru_cache(maxsize=1)
def _shipped_table() -> tuple[Rule, ...]:
    text = resources.files("nextsteps").joinpath("resources/recommendations.csv").read_text("utf-8")
    return tuple(_parse_table(text, "recommendations.csv"))


def _parse_table(text: str, name: str) -> list[Rule]:
    reader = csv.DictReader(text.splitlines())
    missing = set(COLUMNS) - set(reader.fieldnames or [])
    if missing:
        raise RecommendationTableError(f"{name}:1: missing column(s) {', '.join(sorted(missing))}")
    rules = []
    for row in reader:
        line = reader.line_num
        rule = Rule(**{c: (row.get(c) or "").strip() for c in COLUMNS}, line=line)
        problem = _rule_problem(rule)
        if problem:
            raise RecommendationTableError(f"{name}:{line}: {problem}")
        rules.append(rule)
    uncovered = {str(c) for c in Category} - {r.label for r in rules if r.key_date_kind == "*"}
    if uncovered:
        raise RecommendationTableError(
            f"{name}: no catch-all row (key_date_kind '*') for {', '.join(sorted(uncovered))}"
        )
    return rules


def _rule_problem(rule: Rule) -> str | None:
    if rule.label not in {str(c) for c in Category}:
        return f"unknown label {rule.label!r}"
    if rule.key_date_kind not in (*KEY_DATE_KINDS, "*"):
        kinds = ", ".join(KEY_DATE_KINDS)
        return f"key_date_kind must be one of {kinds} or *, not {rule.key_date_kind!r}"
    if rule.follow_up != "none" and not _RULE.match(rule.follow_up):
        return f"follow_up {rule.follow_up!r} is not like sent+5bd, key_date-1bd or none"
    if rule.draft and not _draft_exists(rule.draft):
        return f"no draft template named {rule.draft!r}"
    if not rule.action:
        return "empty action"
    for column in ("meaning", "action"):
        unknown = _placeholders(getattr(rule, column)) - {"key_date"}
        if unknown:
            return f"{column} uses {{{unknown.pop()}}}; only {{key_date}} can be filled in there"
    return None


def _placeholders(text: str) -> set[str]:
    try:
        return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    except ValueError:  # an unmatched brace
        return {"an unmatched brace"}


def _draft_exists(name: str) -> bool:
    return resources.files("nextsteps").joinpath(f"resources/drafts/{name}.txt").is_file()


@cache
def _draft_template(name: str) -> str:
    # Read once: a batch fills a draft for every message.
    return resources.files("nextsteps").joinpath(f"resources/drafts/{name}.txt").read_text("utf-8")


def choose_rule(rules: list[Rule], label: str, key: KeyDate | None) -> Rule:
    kind = key.kind if key else None
    exact = [r for r in rules if r.label == label and r.key_date_kind == kind]
    return (exact or [r for r in rules if r.label == label and r.key_date_kind == "*"])[0]


def follow_up_date(
    rule: str, sent: dt.date, key: dt.date | None, *, country: str | None = None
) -> dt.date | None:
    """Apply a follow-up rule such as "key_date+2bd" (2 business days after the key date)."""
    match = _RULE.match(rule)
    if not match:
        return None
    anchor_name, sign, n, unit = match.groups()
    anchor = key if anchor_name == "key_date" and key else sent
    n = int(n) * (1 if sign == "+" else -1)
    if unit == "d":
        return anchor + dt.timedelta(days=n)
    from nextsteps.dates import add_business_days

    return add_business_days(anchor, n, country=country)


@dataclass(frozen=True)
class MessageContext:
    """What the draft can be filled with, read from the envelope of the message."""

    recruiter: str | None
    company: str | None
    role: str | None


@lru_cache(maxsize=4096)  # batch asks twice per message (row and draft); threads repeat them
def message_context(sender: str, subject: str) -> MessageContext:
    name, address = parseaddr(sender)
    if "@" not in address:  # a name alone, as Outlook's CSV export writes Exchange senders
        name, address = sender.strip(), ""
    if "," in name:  # Outlook's "Last, First"
        name = name.split(",", 1)[1].strip()
    first = name.split()[0] if name and not _ATS_HINT.search(name) else None
    return MessageContext(first, _company(address), _role(subject))


def _company(address: str) -> str | None:
    domain = address.strip(">").rpartition("@")[2].lower()
    parts = [p for p in domain.split(".")[:-1] if p not in {"mail", "email", "careers", "jobs"}]
    if not parts or parts[-1] in _FREE_MAIL:
        return None
    return parts[-1].replace("-", " ").title()


def _role(subject: str) -> str | None:
    subject = _SUBJECT_PREFIX.sub("", subject)
    for pattern in _ROLES:
        match = pattern.search(subject)
        if match:
            return match["role"].strip()
    return None


def draft_text(name: str, ctx: MessageContext, key: KeyDate | None) -> str:
    """Fill a draft template; what the message did not tell stays as a [BRACKETED] placeholder."""
    if not name:
        return ""
    template = _draft_template(name)
    key_text = _human_date(key.value) if key else None
    return template.format(
        recruiter=ctx.recruiter or "[RECRUITER'S NAME]",
        company=ctx.company or "[COMPANY]",
        role=ctx.role or "[ROLE]",
        key_date=key_text or "[THE DATE THEY GAVE]",
        key_date_line=f"{key_text} works for me. " if key_text and key.kind == "event" else "",
        reply_by=f"before {key_text}" if key_text else "by [WHEN YOU WILL ANSWER]",
    )


def _human_date(value: str) -> str:
    when = dt.datetime.fromisoformat(value)
    day = when.strftime("%A, %B %-d")
    return f"{day} at {when:%H:%M}" if "T" in value else day


def recommend(
    label: str,
    key: KeyDate | None,
    sent: dt.date,
    *,
    sender: str = "",
    subject: str = "",
    rules: list[Rule] | None = None,
    country: str | None = None,
) -> Recommendation:
    """The recommendation for a message: meaning, action, follow-up date and a filled draft."""
    rule = choose_rule(rules or load_table(), label, key)
    key_day = dt.date.fromisoformat(key.value[:10]) if key else None
    follow = follow_up_date(rule.follow_up, sent, key_day, country=country)
    if follow is not None and follow < sent:
        follow = sent  # a deadline that is today or past: act today
    ctx = message_context(sender, subject)
    key_text = _human_date(key.value) if key else "the date they gave"
    return Recommendation(
        meaning=rule.meaning.format(key_date=key_text),
        action=rule.action.format(key_date=key_text),
        follow_up_on=follow,
        draft_name=rule.draft,
        draft=draft_text(rule.draft, ctx, key),
    )
