"""Find date expressions in a message and resolve them against its sent datetime.

Conventions: docs/dates.md. Vocabulary and cue words: resources/date_vocab.yaml.
Only regex, dateutil, numpy and holidays are imported, so a cold start stays cheap.

>>> from datetime import datetime
>>> sent = datetime(2025, 3, 10, 9, 0)  # a Monday
>>> [m.value for m in find_dates("Are you free next Friday at 2?", sent)]
['2025-03-21T14:00']
>>> key_date("You'll hear from us by the end of next week.", sent).value
'2025-03-21'
"""

from __future__ import annotations

from datetime import date, datetime

from nextsteps.casefold import fold_letters
from nextsteps.dates import _calendar
from nextsteps.dates._find import (
    absorb_parts_of_day,
    attach_times,
    collect,
    drop_traps,
    longest_first,
    share_across_or,
    to_mentions,
)
from nextsteps.dates._key import choose_key_date
from nextsteps.dates._rules import Ctx
from nextsteps.types import DateMention, KeyDate

__all__ = ["add_business_days", "country_code", "find_dates", "key_date"]


def country_code(country: str | None) -> str | None:
    """An ISO country code upper-cased and checked against the `holidays` package.

    >>> country_code("us")
    'US'
    """
    if not country:
        return None
    code = country.strip().upper()
    _calendar.public_holidays(code, 2025)  # an unknown code raises ValueError here, not later
    return code


def add_business_days(day: date, n: int, *, country: str | None = None) -> date:
    """`day` moved by n business days; weekends and the country's public holidays skipped.

    >>> add_business_days(date(2025, 11, 26), 1, country="US")  # over Thanksgiving
    datetime.date(2025, 11, 28)
    """
    roll = "backward" if n >= 0 else "forward"
    return _calendar.add_business_days(day, n, country_code(country), roll=roll)


def find_dates(text: str, sent_at: datetime, *, country: str | None = None) -> list[DateMention]:
    """Every date expression in `text`, resolved against `sent_at`, sorted and non-overlapping.

    `sent_at` keeps its own wall-clock time (an offset is never converted);
    `country` (ISO code, e.g. "US") makes business days skip its public holidays;
    an unknown code raises ValueError.

    >>> sent = datetime.fromisoformat("2025-06-18T10:00-05:00")  # a Wednesday
    >>> [(m.text, m.kind, m.value) for m in find_dates("Please reply within 48 hours.", sent)]
    [('48 hours', 'deadline', '2025-06-20T10:00')]
    """
    country = country_code(country)
    folded = fold_letters(text)
    ctx = Ctx(folded, sent_at, country)
    kept = longest_first(drop_traps(collect(ctx), folded, ctx))
    attach_times(kept, ctx)
    kept = absorb_parts_of_day(kept, folded)
    share_across_or(kept, folded)
    return to_mentions(kept, ctx, text)


def key_date(
    text: str,
    sent_at: datetime,
    *,
    mentions: list[DateMention] | None = None,
    country: str | None = None,
    hear_back: bool = False,
) -> KeyDate | None:
    """The one date that matters for the candidate's follow-up (docs/dates.md, "The key date").

    With `hear_back=True` (the message is known to promise an answer, e.g. it was classified
    `clear_timeline`) the date to hear back by is preferred, and the key date is a `hear_by`.

    >>> sent = datetime(2025, 3, 10, 9, 0)  # a Monday
    >>> kd = key_date("Are you free Wednesday or Thursday at 2?", sent)
    >>> (kd.value, kd.kind)
    ('2025-03-12T14:00', 'event')
    """
    if mentions is None:
        mentions = find_dates(text, sent_at, country=country)
    return choose_key_date(text, sent_at, mentions, hear_back=hear_back)
