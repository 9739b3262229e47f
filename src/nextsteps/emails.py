"""One raw email (as saved from a mail client, headers and MIME) to the fields nextsteps reads.

The standard library's `email` package does the MIME work (multipart, quoted-printable, base64,
charsets); what is written here is the choice of body part and the fallbacks for broken charsets.
"""

from __future__ import annotations

import datetime as dt
import email
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

from nextsteps.cleaning import html_to_text

_HEADER_LINE = re.compile(
    r"^(From|To|Subject|Date|Message-ID|MIME-Version|Received|Return-Path)"
    r":",
    re.IGNORECASE | re.MULTILINE,
)


class EmailParseError(ValueError):
    """A raw email whose body could not be read."""


@dataclass(frozen=True)
class ParsedEmail:
    body: str
    subject: str = ""
    sender: str = ""
    sent_at: dt.datetime | None = None
    message_id: str = ""


def looks_like_raw_email(text: str) -> bool:
    """True when the text starts with a block of RFC 5322 headers (at least two known ones)."""
    head = text.lstrip()[:4000].split("\n\n", 1)[0]
    return len(_HEADER_LINE.findall(head)) >= 2


def parse_email(raw: bytes | str) -> ParsedEmail:
    """Headers and decoded body of one raw email. Raises EmailParseError when there is no body."""
    if isinstance(raw, str):
        msg = email.message_from_string(raw, policy=policy.default)
    else:
        msg = email.message_from_bytes(raw, policy=policy.default)
    body = body_text(msg, pasted=isinstance(raw, str))
    if body is None or not body.strip():
        raise EmailParseError("no readable text body in the email")
    return ParsedEmail(
        body=body,
        subject=_header(msg, "Subject"),
        sender=_header(msg, "From"),
        sent_at=_date(msg),
        message_id=_header(msg, "Message-ID"),
    )


def _header(msg: EmailMessage, name: str) -> str:
    try:
        return str(msg.get(name, "") or "").strip()
    # A malformed header: keep going without it. The stdlib's header parser raises assorted
    # errors on bad input (ValueError, IndexError, AttributeError on From: ':;0', ...).
    except Exception:
        return ""


def _date(msg: EmailMessage) -> dt.datetime | None:
    return parse_date_header(_header(msg, "Date"))


def parse_date_header(raw: str) -> dt.datetime | None:
    """An RFC 5322 Date header as a datetime, or None when it is missing or malformed.

    >>> parse_date_header("Mon, 13 Oct 99999999999 10:00:00 +0000") is None
    True
    """
    try:
        return parsedate_to_datetime(raw) if raw else None
    except (ValueError, TypeError, IndexError, OverflowError):
        return None


def body_text(msg: EmailMessage, *, pasted: bool = False) -> str | None:
    """The plain body, else the HTML one as text. `pasted`: the email was parsed from text, not
    bytes (see `_pasted_text`)."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return None
    text = _decode(part, pasted=pasted)
    return html_to_text(text) if part.get_content_subtype() == "html" else text


def _pasted_text(part: EmailMessage) -> str | None:
    """The body of an email given as text (pasted, or a table's column), when it is not
    transfer-encoded: its characters may be decoded already. The standard library would encode
    them again with raw-unicode-escape and decode that with the charset, turning "⋅" into the six
    characters backslash-u-2-2-c-5 and "é" into the replacement character. Text whose characters
    all fit in a byte and decode under the charset is taken for undecoded bytes (a file read as
    latin-1), and decoded; anything else is kept as it is."""
    payload = part.get_payload()
    if not isinstance(payload, str) or payload.isascii():
        return None
    if part.get("content-transfer-encoding", "").strip().lower() in ("base64", "quoted-printable"):
        return None
    if max(payload) > "\xff":
        return payload
    charset = (part.get_content_charset() or "utf-8").lower()
    charset = "cp1252" if charset in _READ_AS_CP1252 else charset
    try:
        return payload.encode("latin-1").decode(charset)
    except (LookupError, UnicodeDecodeError):
        return payload


# Mail clients (like browsers, per the WHATWG encoding standard) label Windows text as
# iso-8859-1 or us-ascii; reading it as cp1252 keeps curly quotes and dashes.
_READ_AS_CP1252 = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"}


def _decode(part: EmailMessage, *, pasted: bool = False) -> str:
    """The part's text; a wrong or unknown charset falls back to utf-8, then cp1252, then utf-8
    with replacement, so a mislabelled body is read rather than lost."""
    if pasted and (text := _pasted_text(part)) is not None:
        return text
    charset = (part.get_content_charset() or "").lower()
    if charset not in _READ_AS_CP1252:
        try:
            return part.get_content()
        except (LookupError, UnicodeDecodeError):
            pass
    payload = part.get_payload(decode=True) or b""
    for candidate in ("utf-8", "cp1252"):
        try:
            return payload.decode(candidate)
        except UnicodeDecodeError:
            continue
    return payload.decode("utf-8", errors="replace")
