"""Inbox exports to a stream of messages: mbox, Maildir, .eml, .emlx, Outlook .msg, CSV and JSONL.

Shaped like sqlite-utils' `rows_from_file`: `read_messages(path)` yields one record per message
found in the export, a `Message` or a `ReadError`, and never raises for a broken message, so the
number of records out is the number of messages in. Reading is streaming: one message is in memory
at a time, however large the export.

Reading happens in two steps so that the expensive one can run on other cores: `read_raw` cuts an
export into `RawMessage`s (bytes or a table row, cheap), and `parse` turns one into a `Message`.

>>> import io
>>> export = io.BytesIO(b"From a@x Mon Oct 13 09:00:00 2025\\nSubject: Hi\\n\\nSee you Friday.\\n")
>>> [m.subject for m in read_messages(export, format="mbox")]
['Hi']
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields, replace
from email import policy
from email.contentmanager import raw_data_manager
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser, Parser
from email.policy import Compat32
from pathlib import Path
from typing import BinaryIO

from nextsteps.cleaning import html_to_text
from nextsteps.emails import body_text, looks_like_raw_email, parse_date_header

#: A message bigger than this becomes an error row instead of filling memory.
MAX_MESSAGE_BYTES = 25 * 2**20
FORMATS = ("mbox", "maildir", "eml", "emlx", "msg", "csv", "jsonl", "folder")
_SUFFIXES = {
    ".mbox": "mbox",
    ".mbx": "mbox",
    ".eml": "eml",
    ".emlx": "emlx",
    ".msg": "msg",
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
# An mbox separator: "From <sender> <asctime date>", as Gmail Takeout, Thunderbird and Apple Mail
# write it. Requiring the date keeps an unescaped "From here we..." line inside a body from
# splitting its message in two.
_FROM_LINE = re.compile(
    rb"From \S*\s+(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+"
    rb"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+\d{1,2}\s+\d{1,2}:\d\d"
)
_ESCAPED_FROM = re.compile(rb">+From ")  # mboxrd quoting, undone on reading
_READ_PIECE = 1 << 20  # longest line read at once: a file without newlines stays bounded


class _FastPolicy(Compat32):
    """compat32 parsing (headers stay plain strings, about 7x faster than policy.default) with
    policy.default's content manager, so `emails.body_text` decodes the body exactly as
    `interpret` does."""

    content_manager = raw_data_manager


_POLICY = _FastPolicy()


class _FastMessage(EmailMessage):
    """EmailMessage under compat32 headers: `is_attachment` is the one method of `get_body`'s path
    that needs policy.default's header objects, so it is written on the plain string."""

    def is_attachment(self) -> bool:
        return self.get_content_disposition() == "attachment"


@dataclass(frozen=True)
class Columns:
    """Which column of a CSV or JSONL export holds each field ("" when there is none)."""

    id: str = "id"
    text: str = "text"
    subject: str = "subject"
    sender: str = "sender"
    sent_at: str = "sent_at"
    thread_id: str = "thread_id"


#: Outlook's "Export to a file > Comma Separated Values" (it has no date column).
OUTLOOK_COLUMNS = Columns(id="", text="Body", subject="Subject", sender="From: (Name)", sent_at="")
_OUTLOOK_ADDRESS = "From: (Address)"


@dataclass(frozen=True)
class RawMessage:
    """One message cut out of an export, not parsed yet: its bytes, or its table row."""

    source: str
    position: int  # 0-based index of the message in its source
    line: int | None = None  # 1-based line where it starts, for line-based formats
    raw: bytes | None = None
    row: dict[str, str] | None = None  # keys: the fields of Columns


@dataclass(frozen=True)
class Message:
    """One message, its envelope decoded and its body read as `interpret` reads it."""

    id: str
    thread_id: str
    sent_at: dt.datetime | None
    sender: str
    subject: str
    body: str  # decoded text (HTML converted), quoted replies not yet removed
    labels: str  # Gmail's X-Gmail-Labels, as written there
    source: str
    position: int
    line: int | None = None
    warning: str = ""  # read, but not fully: e.g. a date that could not be read


@dataclass(frozen=True)
class ReadError:
    """A message that could not be read, and where it is."""

    source: str
    position: int
    line: int | None
    message_id: str
    error: str


def read_messages(
    source: str | Path | BinaryIO, *, format: str | None = None, columns: Columns | None = None
) -> Iterator[Message | ReadError]:
    """Every message of an export, parsed; a broken one is a `ReadError`, never an exception."""
    for item in read_raw(source, format=format, columns=columns):
        yield item if isinstance(item, ReadError) else parse(item)


def read_paths(
    sources: Iterable[str | Path | BinaryIO],
    *,
    format: str | None = None,
    columns: Columns | None = None,
) -> Iterator[RawMessage | ReadError]:
    """`read_raw` over several exports, one after the other."""
    for source in sources:
        yield from read_raw(source, format=format, columns=columns)


def read_raw(
    source: str | Path | BinaryIO, *, format: str | None = None, columns: Columns | None = None
) -> Iterator[RawMessage | ReadError]:
    """Cut an export into raw messages; the format comes from the path unless given.

    A file object needs `format` (one of FORMATS except "maildir" and "folder").
    """
    if not isinstance(source, str | Path):
        yield from _read_stream(source, getattr(source, "name", "<stream>"), format, columns)
        return
    path = Path(source)
    try:
        fmt = format or detect_format(path)
    except (OSError, ValueError) as exc:
        yield ReadError(str(path), 0, None, "", str(exc))
        return
    if fmt == "folder":
        yield from _read_folder(path, columns)
    elif fmt == "maildir":
        yield from _read_maildir(path)
    elif fmt == "msg":
        yield _read_msg(path)
    else:
        yield from _read_file(path, fmt, columns)


def detect_format(path: Path) -> str:
    """The export format of a path: by folder layout, suffix, then the first bytes."""
    if path.is_dir():
        return "maildir" if _is_maildir(path) else "folder"
    if path.name == "mbox" and path.parent.suffix == ".mbox":  # Apple Mail's export folder
        return "mbox"
    if path.suffix.lower() in _SUFFIXES:
        return _SUFFIXES[path.suffix.lower()]
    with path.open("rb") as fp:
        head = fp.read(4096)
    if head.startswith(b"From "):  # Thunderbird keeps folders as mbox files with no suffix
        return "mbox"
    if looks_like_raw_email(head.decode("latin-1")):
        return "eml"
    raise ValueError(
        f"{path}: not a recognised inbox export (expected one of {', '.join(FORMATS)})"
    )


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def _read_file(path: Path, fmt: str, columns: Columns | None) -> Iterator[RawMessage | ReadError]:
    try:
        fp = path.open("rb")
    except OSError as exc:
        yield ReadError(str(path), 0, None, "", str(exc))
        return
    with fp:
        yield from _read_stream(fp, str(path), fmt, columns)


def _read_stream(
    fp: BinaryIO, name: str, fmt: str | None, columns: Columns | None
) -> Iterator[RawMessage | ReadError]:
    readers = {
        "mbox": lambda: split_mbox(fp, name),
        "eml": lambda: iter([_whole(fp, name, emlx=False)]),
        "emlx": lambda: iter([_whole(fp, name, emlx=True)]),
        "csv": lambda: _read_csv(fp, name, columns),
        "jsonl": lambda: _read_jsonl(fp, name, columns or Columns()),
    }
    if fmt not in readers:
        yield ReadError(name, 0, None, "", f"cannot read format {fmt!r} from a stream")
        return
    try:
        yield from readers[fmt]()
    except OSError as exc:  # a disk or network error mid-file: say so in a row, then stop
        yield ReadError(name, -1, None, "", f"reading stopped: {exc}")


def split_mbox(fp: BinaryIO, name: str = "<mbox>") -> Iterator[RawMessage | ReadError]:
    """Cut an mbox into messages, streaming.

    Written here rather than taken from the standard library because `mailbox.mbox` needs a path
    (not a stream), reads the whole file once to build a table of every message's offsets before
    yielding the first, and splits on any line starting with "From ", so an unescaped "From "
    inside a body (Gmail Takeout writes them) cuts one message in two. Here a separator must look
    like one (see _FROM_LINE), mboxrd ">From " quoting is undone, and a message bigger than
    MAX_MESSAGE_BYTES becomes an error row while its lines are skipped.
    """
    cut = _MboxCut(name)
    line_no, at_line_start = 0, True
    for piece in iter(lambda: fp.readline(_READ_PIECE), b""):
        if at_line_start:
            line_no += 1
            if _FROM_LINE.match(piece):
                yield from cut.finish()
                cut.start(line_no)
                at_line_start = piece.endswith(b"\n")
                continue
            if piece[:1] == b">" and _ESCAPED_FROM.match(piece):
                piece = piece[1:]
        cut.add(piece, line_no)
        at_line_start = piece.endswith(b"\n")
    yield from cut.finish()


class _MboxCut:
    """The message being cut out of an mbox: its lines so far, or only its size when too big."""

    def __init__(self, name: str) -> None:
        self.name, self.position = name, -1
        self.line: int | None = None
        self.parts: list[bytes] = []
        self.size = 0

    def start(self, line: int) -> None:
        self.position += 1
        self.line, self.parts, self.size = line, [], 0

    def add(self, piece: bytes, line: int) -> None:
        if self.line is None:
            if not piece.strip():
                return  # blank lines before the first separator are not a message
            self.start(line)  # text before any separator: read it as a message anyway
        self.size += len(piece)
        if self.size <= MAX_MESSAGE_BYTES:
            self.parts.append(piece)
        else:
            self.parts = []

    def finish(self) -> Iterator[RawMessage | ReadError]:
        if self.line is None:
            return
        if self.size > MAX_MESSAGE_BYTES:
            yield _too_big(self.name, self.position, self.line, self.size)
        else:
            yield RawMessage(self.name, self.position, self.line, raw=b"".join(self.parts))
        self.line, self.parts = None, []


def _too_big(name: str, position: int, line: int | None, size: int) -> ReadError:
    limit = f"{MAX_MESSAGE_BYTES:,}"
    return ReadError(
        name, position, line, "", f"message of {size:,}+ bytes is over the {limit}-byte limit"
    )


def _whole(fp: BinaryIO, name: str, *, emlx: bool, position: int = 0) -> RawMessage | ReadError:
    data = fp.read(MAX_MESSAGE_BYTES + 1)
    if len(data) > MAX_MESSAGE_BYTES:
        return _too_big(name, position, None, len(data))
    if emlx:  # Apple Mail: a byte count on the first line, the message, then an XML plist
        head, _, rest = data.partition(b"\n")
        if not head.strip().isdigit():
            return ReadError(name, position, None, "", "not an .emlx file: no byte count")
        data = rest[: int(head.strip())]
    return RawMessage(name, position, 1, raw=data)


def _read_folder(root: Path, columns: Columns | None) -> Iterator[RawMessage | ReadError]:
    """Every export found under a folder (Apple Mail .mbox folders, Maildirs, .eml trees).

    A folder that cannot be listed becomes an error row: skipping it would drop its messages
    without a word.
    """
    unlisted: list[OSError] = []
    for folder, subdirs, files in os.walk(root, onerror=unlisted.append):
        yield from _unlisted(unlisted)
        here = Path(folder)
        subdirs.sort()
        if _is_maildir(here):
            yield from _read_maildir(here)
            subdirs[:] = [d for d in subdirs if d not in ("cur", "new", "tmp")]
        for file in sorted(files):
            path = here / file
            fmt = _SUFFIXES.get(path.suffix.lower()) or (
                "mbox" if _starts_like_mbox(path) else None
            )
            if fmt:  # other files (table_of_contents, Info.plist, .msf indexes) are not messages
                yield from read_raw(path, format=fmt, columns=columns)
    yield from _unlisted(unlisted)


def _unlisted(errors: list[OSError]) -> Iterator[ReadError]:
    """The folders os.walk could not list since last asked (it reports them to a callback)."""
    while errors:
        exc = errors.pop(0)
        yield ReadError(str(exc.filename), 0, None, "", f"cannot read the folder: {exc.strerror}")


def _starts_like_mbox(path: Path) -> bool:
    """A file without a suffix that starts like an mbox: Apple Mail's `X.mbox/mbox`, and
    Thunderbird, which keeps each folder as a suffix-less mbox file ("Inbox", "Sent")."""
    if path.suffix:
        return False
    try:
        with path.open("rb") as fp:
            return _FROM_LINE.match(fp.readline(200)) is not None
    except OSError:
        return False


def _read_maildir(root: Path) -> Iterator[RawMessage | ReadError]:
    names = [p for sub in ("new", "cur") for p in sorted((root / sub).iterdir()) if p.is_file()]
    for path in names:
        try:
            with path.open("rb") as fp:
                yield _whole(fp, str(path), emlx=False)
        except OSError as exc:
            yield ReadError(str(path), 0, None, "", str(exc))


def _read_msg(path: Path) -> RawMessage | ReadError:
    """An Outlook .msg through the optional extract-msg package (GPL, hence not a dependency)."""
    try:
        import extract_msg
    except ImportError:
        return ReadError(
            str(path),
            0,
            None,
            "",
            "reading Outlook .msg needs extract-msg: pip install extract-msg",
        )
    try:
        msg = extract_msg.openMsg(str(path))
    except Exception as exc:  # extract-msg raises many kinds of error on a damaged file
        return ReadError(str(path), 0, None, "", f"not a readable .msg file: {exc}")
    try:
        return RawMessage(str(path), 0, None, row=_msg_row(msg))
    finally:
        msg.close()


def _msg_row(msg) -> dict[str, str]:
    body = msg.body or ""
    if not body.strip() and msg.htmlBody:
        body = html_to_text(msg.htmlBody.decode("utf-8", errors="replace"))
    date = msg.date
    return {
        "id": (msg.messageId or "").strip(),
        "text": body,
        "subject": msg.subject or "",
        "sender": msg.sender or "",
        "sent_at": date.isoformat() if isinstance(date, dt.datetime) else "",
        "thread_id": "",
    }


def _text_stream(fp: BinaryIO) -> io.TextIOWrapper:
    """The file as text: UTF-8 (BOM or not) when its start decodes as UTF-8, else cp1252, which
    is what Outlook and Excel write on Windows."""
    head = _peek(fp, 65536)
    try:
        head.decode("utf-8")
        encoding = "utf-8-sig"
    except UnicodeDecodeError as exc:
        encoding = "utf-8-sig" if exc.start > len(head) - 4 else "cp1252"
    return io.TextIOWrapper(fp, encoding=encoding, errors="replace", newline="")


def _peek(fp: BinaryIO, size: int) -> bytes:
    if hasattr(fp, "peek"):
        return fp.peek(size)[:size]
    if fp.seekable():
        start = fp.tell()
        head = fp.read(size)
        fp.seek(start)
        return head
    return b""


def _read_csv(fp: BinaryIO, name: str, columns: Columns | None) -> Iterator[RawMessage | ReadError]:
    # A whole email in one cell passes the default 128 kB field limit; the limit is global to the
    # csv module, so it is raised to the same bound as any message.
    csv.field_size_limit(MAX_MESSAGE_BYTES)
    text = _text_stream(fp)
    reader = csv.DictReader(text)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        yield ReadError(name, 0, 1, "", f"unreadable CSV header: {exc}")
        return
    cols = columns or (OUTLOOK_COLUMNS if _is_outlook(header) else Columns())
    missing = "" if cols.text in header else _missing_text(cols.text, header)
    position, line = 0, reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield ReadError(name, position, line, "", f"unreadable CSV row: {exc}")
        else:
            yield _table_message(name, position, line, _pick(record, cols), missing)
        position, line = position + 1, reader.line_num + 1
    text.detach()


def _is_outlook(header: list[str]) -> bool:
    return "Body" in header and "From: (Name)" in header


def _missing_text(column: str, header: list[str]) -> str:
    return f"no {column!r} column (columns: {', '.join(header)}); map yours with --text-column"


def _pick(record: dict, cols: Columns) -> dict[str, str]:
    row = {f.name: _cell(record, getattr(cols, f.name)) for f in fields(Columns)}
    address = _cell(record, _OUTLOOK_ADDRESS)
    # Exchange senders have an X.500 path ("/O=EXCHANGELABS/...") instead of an address.
    if "@" in address and cols is OUTLOOK_COLUMNS:
        row["sender"] = f"{row['sender']} <{address}>" if row["sender"] else address
    return row


def _cell(record: dict, column: str) -> str:
    value = record.get(column) if column else None
    if value is None:
        return ""
    # JSON may carry lone surrogates ("\\udc80"), which no output format can store.
    return str(value).encode("utf-8", errors="replace").decode("utf-8")


def _table_message(
    name: str, position: int, line: int, row: dict[str, str], missing: str = ""
) -> RawMessage | ReadError:
    if missing:
        return ReadError(name, position, line, row.get("id", ""), missing)
    return RawMessage(name, position, line, row=row)


def _read_jsonl(fp: BinaryIO, name: str, cols: Columns) -> Iterator[RawMessage | ReadError]:
    position, line_no = 0, 0
    for line in iter(lambda: fp.readline(MAX_MESSAGE_BYTES + 1), b""):
        line_no += 1
        if len(line) > MAX_MESSAGE_BYTES:
            yield _too_big(name, position, line_no, len(line))
            _skip_rest_of_line(fp, line)
        elif line.strip():
            yield _json_message(name, position, line_no, line, cols)
        else:
            continue  # blank lines are not messages
        position += 1


def _skip_rest_of_line(fp: BinaryIO, piece: bytes) -> None:
    while piece and not piece.endswith(b"\n"):
        piece = fp.readline(_READ_PIECE)


def _json_message(
    name: str, position: int, line: int, data: bytes, cols: Columns
) -> RawMessage | ReadError:
    try:
        record = json.loads(data)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        return ReadError(name, position, line, "", f"not a JSON object: {exc}")
    if not isinstance(record, dict):
        return ReadError(name, position, line, "", "not a JSON object")
    missing = "" if cols.text in record else _missing_text(cols.text, list(record))
    return _table_message(name, position, line, _pick(record, cols), missing)


def parse(item: RawMessage) -> Message | ReadError:
    """Read one raw message: decode its envelope and body; any failure becomes a ReadError.

    >>> m = parse(RawMessage("x.eml", 0, raw=b"Subject: Next steps\\n\\nCall me Friday."))
    >>> (m.subject, m.body.strip())
    ('Next steps', 'Call me Friday.')
    """
    try:
        return _parse_row(item) if item.row is not None else _parse_bytes(item, item.raw or b"")
    except Exception as exc:  # a broken message must become a row, whatever the parser raises
        message_id = (item.row or {}).get("id", "")
        return ReadError(item.source, item.position, item.line, message_id, _describe(exc))


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _parse_bytes(item: RawMessage, data: bytes | str) -> Message | ReadError:
    """Read a raw email: bytes from a mail file, or text (a whole email in a table's column),
    parsed as text so its characters are not decoded a second time, as `interpret` does."""
    if not data.strip():
        return ReadError(item.source, item.position, item.line, "", "empty message")
    if isinstance(data, str):
        msg = Parser(_FastMessage, policy=_POLICY).parsestr(data)
    else:
        msg = BytesParser(_FastMessage, policy=_POLICY).parsebytes(data)
    headers = _headers(msg)
    body = body_text(msg, pasted=isinstance(data, str))
    if body is None or not body.strip():
        reason = "no readable text body" + (" (attachments only)" if _has_attachment(msg) else "")
        return ReadError(item.source, item.position, item.line, headers["message-id"], reason)
    sent_at = parse_date_header(headers["date"])  # malformed: None, dated by the caller
    return Message(
        id=headers["message-id"] or _fallback_id(item),
        thread_id=_thread_id(headers),
        sent_at=sent_at,
        sender=headers["from"],
        subject=headers["subject"],
        body=body,
        labels=headers["x-gmail-labels"],
        source=item.source,
        position=item.position,
        line=item.line,
        warning=_unread_date("Date header", headers["date"]) if sent_at is None else "",
    )


_AS_INTERPRET = ("from", "subject")  # the classifier reads them: their text must be interpret's
_WANTED = (*_AS_INTERPRET, "message-id", "date", "x-gmail-labels", "x-gm-thrid", "references")
_WANTED += ("in-reply-to",)


def _headers(msg: EmailMessage) -> dict[str, str]:
    """The envelope headers we read; the first of each name wins, as in `msg[name]`."""
    out = dict.fromkeys(_WANTED, "")
    for name, value in msg.raw_items():
        key = name.lower()
        if key in out and not out[key]:
            out[key] = _as_interpret(name, value) if key in _AS_INTERPRET else _decode(value)
    return out


# Values that policy.default returns unchanged, so its header object (a third of the cost of
# reading a message) can be skipped: a subject of plain printable ASCII, and a sender that is a
# bare address or "Name Words <address>" (tests/test_inbox.py compares both with the library).
_PLAIN_SUBJECT = re.compile(r"[!-~]+(?: [!-~]+)*")
_ADDRESS = r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_PLAIN_FROM = re.compile(rf"{_ADDRESS}|[A-Za-z0-9][A-Za-z0-9'-]*(?: [A-Za-z0-9'-]+)* <{_ADDRESS}>")


def _as_interpret(name: str, value: str) -> str:
    """The header as `emails.parse_email` sees it: policy.default's header object, made only for
    the two headers the classifier reads (making one for every header, and for every MIME part's
    Content-Type, is what makes policy.default slow). policy.default rewrites addresses
    ("Jen (Pillar Freight)" becomes "Jen"), so the sender's text differs from compat32's."""
    plain = _PLAIN_FROM if name.lower() == "from" else _PLAIN_SUBJECT
    if plain.fullmatch(value) and "=?" not in value:
        return value
    try:
        return str(policy.default.header_fetch_parse(name, value) or "").strip()
    except Exception:  # as emails._header: keep going without it
        return ""


def _decode(value: str) -> str:
    """Any other header as text: raw 8-bit bytes read as UTF-8 (else cp1252), RFC 2047 words
    decoded (an unknown charset falls back the same way), folding undone."""
    if _has_surrogates(value):
        value = _redecode(value.encode("ascii", "surrogateescape"), "utf-8")
    if "=?" in value:
        try:
            value = str(make_header(decode_header(value)))
        except (LookupError, UnicodeError, ValueError, AssertionError):
            parts = decode_header(value)
            value = "".join(p if isinstance(p, str) else _redecode(p, c) for p, c in parts)
    return " ".join(value.split())


_SURROGATE = re.compile("[\udc80-\udcff]")  # raw 8-bit bytes kept by surrogateescape


def _has_surrogates(value: str) -> bool:
    return not value.isascii() and _SURROGATE.search(value) is not None


def printable(value: str) -> str:
    """The text with what no file format can store (lone surrogates from raw 8-bit headers)
    replaced."""
    if not _has_surrogates(value):
        return value
    return value.encode("utf-8", errors="replace").decode("utf-8")


def _redecode(data: bytes, charset: str | None) -> str:
    for candidate in (charset or "utf-8", "utf-8", "cp1252"):
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def _thread_id(headers: dict[str, str]) -> str:
    """Gmail's thread id; else the first message of the References chain, or the message it
    replies to; else the message's own id (so its replies join it)."""
    if headers["x-gm-thrid"]:
        return headers["x-gm-thrid"]
    for name in ("references", "in-reply-to"):
        ids = headers[name].split()
        if ids:
            return ids[0]
    return headers["message-id"]


def _has_attachment(msg: EmailMessage) -> bool:
    return any(part.is_attachment() for part in msg.walk())


def _parse_row(item: RawMessage) -> Message | ReadError:
    row = item.row or {}
    text = row.get("text", "")
    if looks_like_raw_email(text):  # a whole email in the text column: read it as interpret does
        parsed = _parse_bytes(item, text)
        if isinstance(parsed, ReadError):
            return replace(parsed, message_id=row.get("id") or parsed.message_id)
        return _override(parsed, row)
    if not text.strip():
        return ReadError(item.source, item.position, item.line, row.get("id", ""), "empty message")
    sent_at = _row_date(row.get("sent_at", ""))
    return Message(
        id=row.get("id") or _fallback_id(item),
        thread_id=row.get("thread_id", ""),
        sent_at=sent_at,
        sender=row.get("sender", ""),
        subject=row.get("subject", ""),
        body=text,
        labels="",
        source=item.source,
        position=item.position,
        line=item.line,
        warning=_unread_date("sent_at", row.get("sent_at", "")) if sent_at is None else "",
    )


def _fallback_id(item: RawMessage) -> str:
    """An id for a message without one: its file and line (or position), stable across runs."""
    return f"{Path(item.source).name}:{item.line or item.position}"


def _override(parsed: Message, row: dict[str, str]) -> Message:
    """Fields given in the row win over the email's headers, as arguments do in `interpret`;
    a row date that cannot be read does not replace a Date header that can."""
    given: dict = {k: row[k] for k in ("id", "thread_id", "sender", "subject") if row.get(k)}
    value = row.get("sent_at", "")
    sent_at = _row_date(value)
    if sent_at is not None:
        given |= {"sent_at": sent_at, "warning": ""}
    elif value.strip() and parsed.sent_at is not None:
        given["warning"] = f"sent_at {value.strip()!r} unreadable; the Date header is used"
    elif value.strip():
        given["warning"] = _unread_date("sent_at", value)
    return replace(parsed, **given)


def _unread_date(field: str, value: str) -> str:
    """The warning for a date given but unreadable; none when no date was given at all."""
    value = value.strip()
    return f"{field} {value!r} unreadable; dates resolved against today" if value else ""


def _row_date(value: str) -> dt.datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return parse_date_header(value)  # an RFC 2822 date, as some exports write
