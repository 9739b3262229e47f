"""What to do next: follow-up dates from the editable table, and drafts filled from the message."""

import datetime as dt

import pytest

from nextsteps.dates import add_business_days
from nextsteps.recommend import (
    RecommendationTableError,
    load_table,
    message_context,
    recommend,
)
from nextsteps.types import KeyDate

MON = dt.date(2025, 3, 3)


def test_vague_reply_without_dates_recommends_follow_up_in_about_a_week():
    rec = recommend("vague", None, MON)
    assert rec.follow_up_on == dt.date(2025, 3, 10)
    assert "week" in rec.action


def test_promised_date_is_followed_up_two_business_days_after_it_passes():
    rec = recommend("clear_timeline", KeyDate("2025-03-07", "hear_by"), MON)  # a Friday
    assert rec.follow_up_on == dt.date(2025, 3, 11)  # Tuesday after
    assert "Friday, March 7" in rec.action


def test_offer_deadline_is_answered_the_business_day_before():
    rec = recommend("offer", KeyDate("2025-03-10", "deadline"), MON)  # a Monday
    assert rec.follow_up_on == dt.date(2025, 3, 7)
    assert rec.draft_name == "reply_to_offer"


def test_invitation_gets_a_prompt_reply_next_business_day():
    rec = recommend(
        "immediate_next_steps", KeyDate("2025-03-12T14:00", "event"), dt.date(2025, 3, 7)
    )
    assert rec.follow_up_on == dt.date(2025, 3, 10)
    assert "Wednesday, March 12 at 14:00 works for me" in rec.draft


def test_a_deadline_already_past_means_act_today():
    rec = recommend("immediate_next_steps", KeyDate("2025-03-03", "deadline"), MON)
    assert rec.follow_up_on == MON


def test_unrelated_mail_gets_no_follow_up_and_no_draft():
    rec = recommend("unrelated", None, MON)
    assert rec.follow_up_on is None and rec.draft == ""


def test_business_days_skip_public_holidays_when_the_country_is_known():
    wed_before_thanksgiving = dt.date(2025, 11, 26)
    assert add_business_days(wed_before_thanksgiving, 1) == dt.date(2025, 11, 27)
    assert add_business_days(wed_before_thanksgiving, 1, country="US") == dt.date(2025, 11, 28)


def test_draft_is_filled_from_the_envelope_and_marks_what_is_unknown():
    rec = recommend(
        "rejection",
        None,
        MON,
        sender='"Dana Whitfield" <dana@northwind-capital.com>',
        subject="Re: Interview for Senior Data Analyst",
    )
    assert "Hi Dana," in rec.draft
    assert "Senior Data Analyst position at Northwind Capital" in rec.draft
    assert "[YOUR NAME]" in rec.draft


def test_unknown_sender_leaves_clear_placeholders():
    rec = recommend("vague", None, MON, sender="careers@gmail.com", subject="Hello")
    assert "[RECRUITER'S NAME]" in rec.draft and "[COMPANY]" in rec.draft and "[ROLE]" in rec.draft


def test_ats_sender_name_is_not_taken_for_a_person():
    assert message_context("Acme Careers <no-reply@acme.com>", "").recruiter is None


def _table(tmp_path, rows: str):
    path = tmp_path / "mine.csv"
    path.write_text("label,key_date_kind,meaning,action,follow_up,draft\n" + rows, "utf-8")
    return path


SHIPPED_ROWS = "".join(
    f"{lab},*,m,a,sent+1d,\n"
    for lab in (
        "clear_timeline",
        "vague",
        "no_next_steps",
        "immediate_next_steps",
        "rejection",
        "offer",
        "unrelated",
    )
)


def test_users_can_supply_their_own_table(tmp_path):
    path = _table(
        tmp_path, SHIPPED_ROWS.replace("vague,*,m,a,sent+1d,", "vague,*,m,Call them,sent+3bd,")
    )
    rec = recommend("vague", None, MON, rules=load_table(path))
    assert rec.action == "Call them" and rec.follow_up_on == dt.date(2025, 3, 6)


@pytest.mark.parametrize(
    ("bad_row", "needle"),
    [
        ("maybe,*,m,a,sent+1d,", "unknown label 'maybe'"),
        ("vague,soon,m,a,sent+1d,", "key_date_kind must be one of"),
        ("vague,*,m,a,next week,", "follow_up 'next week'"),
        ("vague,*,m,a,sent+1d,no_such_draft", "no draft template named 'no_such_draft'"),
        ("vague,*,m,,sent+1d,", "empty action"),
    ],
)
def test_a_malformed_table_is_rejected_with_its_line(tmp_path, bad_row, needle):
    path = _table(tmp_path, SHIPPED_ROWS + bad_row + "\n")
    with pytest.raises(RecommendationTableError) as err:
        load_table(path)
    assert f"{path}:9:" in str(err.value) and needle in str(err.value)


def test_a_table_without_a_catch_all_row_for_a_label_is_rejected(tmp_path):
    path = _table(tmp_path, SHIPPED_ROWS.replace("offer,*,m,a,sent+1d,\n", ""))
    with pytest.raises(RecommendationTableError, match=r"no catch-all row .* for offer"):
        load_table(path)


def test_a_table_missing_a_column_is_rejected(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("label,action\nvague,wait\n", "utf-8")
    with pytest.raises(RecommendationTableError, match=":1: missing column"):
        load_table(path)


def test_a_sender_given_as_a_name_alone_still_fills_the_greeting():
    assert message_context("Ann Lee", "").recruiter == "Ann"
    assert message_context("Lee, Ann", "").recruiter == "Ann"


def test_a_placeholder_the_table_cannot_fill_is_rejected_at_load_time(tmp_path):
    path = _table(
        tmp_path, SHIPPED_ROWS.replace("vague,*,m,a,sent+1d,", "vague,*,Sorry {company},a,sent+1d,")
    )
    with pytest.raises(RecommendationTableError, match=r":3: meaning uses \{company\}"):
        load_table(path)
