"""Calendar arithmetic for the conventions of docs/dates.md.

Month and year arithmetic is dateutil's relativedelta, business days are numpy's
busday functions and public holidays come from the `holidays` package. What is
left here is the week convention (Monday-Sunday weeks, Monday-Friday windows)
and "next occurrence on or after", which no library states the way dates.md does.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import cache

import holidays
import numpy as np
from dateutil.relativedelta import relativedelta

Span = tuple[date, date]


def monday_of(d: date) -> date:
    """Monday of the Monday-Sunday week holding `d`."""
    return d - timedelta(days=d.weekday())


def work_week(monday: date) -> Span:
    """Monday-Friday of the week starting on `monday`."""
    return monday, monday + timedelta(days=4)


def weekday_after(today: date, weekday: int) -> date:
    """The next `weekday` strictly after `today` (same weekday -> 7 days later)."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def weekday_before(today: date, weekday: int) -> date:
    """The last `weekday` strictly before `today` ("last Friday")."""
    return today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)


def last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def month_on_or_after(today: date, month: int, year: int | None = None) -> tuple[int, int]:
    """(year, month) of the next `month` on or after the sent month."""
    if year is not None:
        return year, month
    return (today.year if month >= today.month else today.year + 1), month


def month_span(year: int, month: int) -> Span:
    return date(year, month, 1), last_day(year, month)


def month_part(year: int, month: int, part: str) -> Span:
    """Days 1-10 (early), 11-20 (mid) or 21-last (late) of a month."""
    if part == "early":
        return date(year, month, 1), date(year, month, 10)
    if part == "mid":
        return date(year, month, 11), date(year, month, 20)
    return date(year, month, 21), last_day(year, month)


def month_day_on_or_after(today: date, month: int, day: int) -> date | None:
    """Next `month`/`day` on or after `today`; Feb 29 waits for a leap year."""
    for year in range(today.year, today.year + 9):
        if day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= today:
            return date(year, month, day)
    return None


def day_of_month_on_or_after(today: date, day: int) -> date | None:
    """The next `day`-th of a month on or after `today` ("the 25th")."""
    first = today.replace(day=1)
    for k in range(13):
        month = first + relativedelta(months=k)
        if day <= calendar.monthrange(month.year, month.month)[1]:
            candidate = month.replace(day=day)
            if candidate >= today:
                return candidate
    return None


def quarter_span(year: int, quarter: int) -> Span:
    start = date(year, 3 * quarter - 2, 1)
    return start, last_day(year, 3 * quarter)


def quarter_of(d: date) -> int:
    return (d.month - 1) // 3 + 1


@cache
def public_holidays(country: str, year: int) -> dict[date, str]:
    """The country's public holidays of a year (the `holidays` package), cached."""
    try:
        return dict(holidays.country_holidays(country, years=year))
    except NotImplementedError as err:
        raise ValueError(f"unknown country code for holidays: {country!r}") from err


@cache
def _busday_holidays(country: str | None, year: int) -> np.ndarray:
    if country is None:
        return np.array([], dtype="datetime64[D]")
    days = [d for y in (year - 1, year, year + 1, year + 2) for d in public_holidays(country, y)]
    return np.array(sorted(days), dtype="datetime64[D]")


def add_business_days(today: date, n: int, country: str | None, *, roll: str = "backward") -> date:
    """The n-th Monday-Friday day after `today` (before it for negative n), skipping the
    country's holidays.

    A weekend (or holiday) sent day counts from the business day before it, which is numpy's
    roll="backward"; counting back from a deadline, roll="forward" counts from the one after.
    """
    hol = _busday_holidays(country, today.year)
    day = np.busday_offset(np.datetime64(today, "D"), n, roll=roll, holidays=hol)
    return day.astype(date)


def holiday_on_or_after(today: date, name: str, country: str) -> date | None:
    """Date of the named holiday in the sent year, or the next year if it has passed."""
    for year in (today.year, today.year + 1):
        days = sorted(d for d, n in public_holidays(country, year).items() if name in n)
        for d in days:
            if d >= today:
                return d
    return None


def has_holiday(country: str, name: str, year: int) -> bool:
    return any(name in n for n in public_holidays(country, year).values())


def next_public_holiday(today: date, country: str) -> date | None:
    """The country's next public holiday on or after `today` ("after the bank holiday")."""
    for year in (today.year, today.year + 1):
        days = sorted(d for d in public_holidays(country, year) if d >= today)
        if days:
            return days[0]
    return None
