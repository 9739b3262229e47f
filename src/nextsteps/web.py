"""The local web page and JSON API behind `nextsteps serve` (docs/web.md).

Emails are hostile input: they carry HTML and scripts. So every piece of their text reaches the
page through Jinja2 with autoescaping always on, a Content-Security-Policy forbids inline scripts
as a second wall, request bodies are capped, uploads are held in memory (never spooled to a
temporary file), and nothing is fetched from the internet: FastAPI's /docs pages, which load
from a CDN, are switched off; /openapi.json stays.

>>> from fastapi.testclient import TestClient
>>> client = TestClient(create_app(), base_url="http://127.0.0.1")
>>> reply = client.post("/api/interpret", json={"text": "We went with another candidate.",
...                                            "sent_at": "2025-10-14T09:00"})
>>> reply.json()["label"]
'rejection'
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections import defaultdict
from dataclasses import asdict, dataclass
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal

import jinja2
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nextsteps import __version__
from nextsteps.batch import (
    Application,
    BatchReport,
    Row,
    classify_inbox,
    summarise,
    write_csv,
    write_ics,
)
from nextsteps.classifier import LinearModel
from nextsteps.emails import ParsedEmail, looks_like_raw_email, parse_email
from nextsteps.interpret import MAX_BODY_CHARS, Interpretation, interpret
from nextsteps.recommend import Rule

#: Requests larger than this get 413: enough for an mbox of a few thousand messages, small
#: enough that a mistaken upload of a whole mailbox cannot exhaust memory.
MAX_REQUEST_BYTES = 20 * 2**20
#: A pasted message longer than this is refused: recruiter mail is short, and classifying a
#: pasted log of megabytes would tie up the server. A whole raw email may be longer (its
#: attachments count), and `interpret` cuts its text body to this length, as batch does.
MAX_TEXT_CHARS = MAX_BODY_CHARS
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
UPLOAD_FORMATS = ("mbox", "csv", "jsonl", "eml")
_SUFFIXES = {".mbox": "mbox", ".mbx": "mbox", ".csv": "csv", ".jsonl": "jsonl", ".eml": "eml"}
_STATIC = {"style.css": "text/css", "page.js": "text/javascript"}
# Scripts and styles only from this server, no inline script, no network from the page, no
# framing: if escaping ever failed, an injected <script> or onerror= still would not run.
_SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",  # pasted mail must not land in the browser's disk cache
}


class InputError(ValueError):
    """Input the user can fix: the message says what is wrong."""


# --- the work: interpret one message, classify an export --------------------------------------


@dataclass(frozen=True)
class Engine:
    """The model and advice table a server uses; None means the shipped ones."""

    model: LinearModel | None = None
    rules: list[Rule] | None = None

    def interpret(
        self, text: str | bytes, sent_at: dt.datetime | None, **options: Any
    ) -> Interpretation:
        """`interpret.interpret` with this engine's model; input errors become InputError.

        `bytes` are an uploaded file: a saved email is parsed from its bytes, so the MIME parser
        applies its charset (8-bit text decoded as UTF-8 first would be lost).
        """
        try:
            message = _uploaded(text) if isinstance(text, bytes) else _pasted(text)
            return interpret(message, sent_at, model=self.model, rules=self.rules, **options)
        except (ValueError, NotImplementedError) as exc:  # empty, unreadable, unknown country
            raise InputError(str(exc)) from exc

    def batch(self, data: bytes, fmt: str, **options: Any) -> BatchResult:
        """Classify an export held in memory; `options` go to `batch.classify_inbox`."""
        export = io.BytesIO(data)
        rows = list(
            classify_inbox([export], format=fmt, model=self.model, rules=self.rules, **options)
        )
        return BatchResult(options["today"], rows, summarise(rows, options["today"]))


def _pasted(text: str) -> str:
    """The text, unless it is too long. A raw email may be: its attachments count towards its
    length, and `interpret` cuts its text body to MAX_BODY_CHARS."""
    if len(text) > MAX_TEXT_CHARS and not looks_like_raw_email(text):
        raise InputError(f"the message is longer than {MAX_TEXT_CHARS:,} characters")
    return text


def _uploaded(data: bytes) -> str | ParsedEmail:
    """An uploaded file: a saved email parsed from its bytes, else its text as if pasted."""
    if looks_like_raw_email(data[:4000].decode("latin-1")):
        return parse_email(data)
    return _pasted(_as_text(data))


def _as_text(data: bytes) -> str:
    """A file's text: UTF-8, else cp1252 (what Windows editors write), as inbox reads CSV."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


@dataclass
class BatchResult:
    """An export classified in memory: its rows, and their counts and applications."""

    today: dt.date
    rows: list[Row]
    report: BatchReport

    def csv(self) -> bytes:
        """The table as `nextsteps batch -o x.csv` writes it, formula-like cells defused."""
        out = io.StringIO()
        write_csv(self.rows, out)
        return out.getvalue().encode("utf-8")

    def ics(self) -> bytes:
        """The follow-up reminders as an iCalendar file."""
        out = io.BytesIO()
        write_ics(self.report.applications, out, self.today)
        return out.getvalue()


# --- request and response shapes of the JSON API ---------------------------------------------


class InterpretRequest(BaseModel):
    text: str = Field(description="The message, or a whole raw email with its headers.")
    sent_at: dt.datetime | None = Field(None, description="When it was sent (ISO 8601).")
    today: dt.date | None = Field(None, description="Without a sent date, resolve against this.")
    subject: str | None = None
    sender: str | None = Field(None, examples=["Ann Lee <ann@acme.com>"])
    country: str | None = Field(None, pattern="^[A-Za-z]{2}$", description="For holidays.")


class EvidenceOut(BaseModel):
    text: str
    start: int
    end: int
    weight: float


class DateOut(BaseModel):
    text: str
    start: int
    end: int
    kind: str
    value: str | dict[str, str] | None
    mod: str | None = None


class KeyDateOut(BaseModel):
    value: str
    kind: str
    mention: DateOut | None


class RecommendationOut(BaseModel):
    meaning: str
    action: str
    follow_up_on: dt.date | None
    draft_name: str | None
    draft: str | None


class InterpretationOut(BaseModel):
    """The same fields as `nextsteps interpret --json`; offsets index into `text`."""

    label: str
    confidence: float
    probabilities: dict[str, float]
    needs_review: bool
    runner_up: str
    evidence: list[EvidenceOut]
    dates: list[DateOut]
    key_date: KeyDateOut | None
    recommendation: RecommendationOut | None
    sent_at: dt.datetime
    sent_at_source: Literal["header", "given", "today"]
    subject: str
    sender: str
    text: str


class BatchOut(BaseModel):
    messages: int
    errors: int
    labels: dict[str, int]
    applications: list[Application]
    rows: list[Row]


class ErrorOut(BaseModel):
    detail: str


# --- the app ----------------------------------------------------------------------------------


def create_app(
    model: LinearModel | None = None,
    *,
    rules: list[Rule] | None = None,
    max_request_bytes: int = MAX_REQUEST_BYTES,
    allowed_hosts: tuple[str, ...] = LOCAL_HOSTS,
) -> FastAPI:
    """The web app: the page at /, the batch page at /batch, the API under /api/.

    `allowed_hosts` guards against DNS rebinding (a web page that points its own domain at
    127.0.0.1); pass ("*",) when serving on a network on purpose.
    """
    app = FastAPI(
        title="nextsteps",
        version=__version__,
        description="Interpret recruiter messages and inbox exports; runs on your own computer.",
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN
        redoc_url=None,
    )
    app.state.engine = Engine(model, rules)
    app.state.pages = _templates()
    app.state.max_bytes = max_request_bytes
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_middleware(_BodyLimit, max_bytes=max_request_bytes)
    app.add_middleware(_SecurityHeaders)
    app.add_exception_handler(StarletteHTTPException, _error_page_or_json)
    _add_api_routes(app)
    _add_page_routes(app)
    return app


def serve(host: str = "127.0.0.1", port: int = 8000, **options: Any) -> None:
    """Run the app with uvicorn until interrupted; `options` go to `create_app`."""
    import uvicorn

    if host not in LOCAL_HOSTS:  # on purpose: accept whatever name the network uses for us
        options.setdefault("allowed_hosts", ("*",))
    uvicorn.run(create_app(**options), host=host, port=port, server_header=False)


def _add_api_routes(app: FastAPI) -> None:
    errors: dict[int | str, dict[str, Any]] = {
        413: {"model": ErrorOut, "description": "The request is too large."},
        422: {"model": ErrorOut, "description": "The message cannot be interpreted."},
    }

    @app.post("/api/interpret", response_model=InterpretationOut, responses=errors)
    def api_interpret(body: InterpretRequest) -> dict[str, Any]:
        """Interpret one message: label, confidence, evidence, dates, advice and a draft."""
        options = body.model_dump(exclude={"text", "sent_at"})  # interpret upper-cases country
        try:
            return app.state.engine.interpret(body.text, body.sent_at, **options).to_dict()
        except InputError as exc:
            raise HTTPException(422, str(exc)) from exc

    @app.post(
        "/api/batch",
        response_model=BatchOut,
        responses={
            **errors,
            200: {"content": {"text/csv": {}, "text/calendar": {}}},
        },
        openapi_extra={"requestBody": _BINARY_BODY},
    )
    async def api_batch(
        request: Request,
        format: Annotated[Literal["mbox", "csv", "jsonl", "eml"], Query()] = "mbox",
        today: Annotated[dt.date | None, Query(description="Default: the server's date.")] = None,
        country: Annotated[str | None, Query(pattern="^[A-Za-z]{2}$")] = None,
        output: Annotated[Literal["json", "csv", "ics"], Query()] = "json",
    ) -> Any:
        """Classify an export sent as the raw request body: the table and the applications as
        JSON, or the table as CSV (`output=csv`), or the reminders as iCalendar (`output=ics`)."""
        data = await request.body()
        result = await _run_batch(app, data, format, today, country)
        if output == "csv":
            return _download(result.csv(), "text/csv", "nextsteps.csv")
        if output == "ics":
            return _download(result.ics(), "text/calendar", "nextsteps.ics")
        return _batch_json(result)


_BINARY_BODY = {
    "required": True,
    "description": "The export file itself (curl --data-binary @inbox.mbox).",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}


def _batch_json(result: BatchResult) -> dict[str, Any]:
    report = result.report
    return {
        "messages": report.messages,
        "errors": report.errors,
        "labels": report.labels,
        "applications": [asdict(a) for a in report.applications],
        "rows": [asdict(r) for r in result.rows],
    }


def _download(data: bytes, media_type: str, name: str) -> Response:
    disposition = f'attachment; filename="{name}"'
    return Response(data, media_type=media_type, headers={"content-disposition": disposition})


async def _run_batch(
    app: FastAPI, data: bytes, fmt: str, today: dt.date | None, country: str | None
) -> BatchResult:
    if not data.strip():
        raise HTTPException(422, "the upload is empty")
    options = {"today": today or dt.date.today(), "country": country}  # batch checks the code
    try:
        return await run_in_threadpool(app.state.engine.batch, data, fmt, **options)
    except (ValueError, NotImplementedError) as exc:
        raise HTTPException(422, str(exc)) from exc


# --- the pages --------------------------------------------------------------------------------


def _add_page_routes(app: FastAPI) -> None:
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request) -> HTMLResponse:
        return _page(request, "index.html")

    @app.post("/", response_class=HTMLResponse, include_in_schema=False)
    async def interpret_page(request: Request) -> HTMLResponse:
        form = await _read_form(request)
        entered = {k: str(form.get(k) or "") for k in ("text", "sent_at", "country")}
        message: str | bytes = entered["text"]
        upload = form.get("file")
        if isinstance(upload, UploadFile) and upload.filename:
            message = await upload.read()
            entered["text"] = _as_text(message)  # only to show it in the form again
        try:
            engine = app.state.engine
            result = await run_in_threadpool(_interpret_entered, engine, entered, message)
        except InputError as exc:
            return _page(request, "index.html", 422, entered=entered, error=str(exc))
        return _page(request, "index.html", entered=entered, result=_view(result))

    @app.get("/batch", response_class=HTMLResponse, include_in_schema=False)
    def batch_form(request: Request) -> HTMLResponse:
        return _page(request, "batch.html")

    @app.post("/batch", response_class=HTMLResponse, include_in_schema=False)
    async def batch_page(request: Request) -> HTMLResponse:
        form = await _read_form(request)
        entered = {k: str(form.get(k) or "") for k in ("format", "today", "country")}
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return _page(request, "batch.html", 422, entered=entered, error="choose a file")
        data = await upload.read()
        try:
            fmt = _upload_format(entered["format"], upload.filename, data)
            result = await _run_batch(app, data, fmt, _date(entered["today"]), _country(entered))
        except (InputError, HTTPException) as exc:
            error = str(getattr(exc, "detail", exc))
            return _page(request, "batch.html", 422, entered=entered, error=error)
        return _page(request, "batch.html", entered=entered, result=_batch_view(result))

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in _STATIC:
            raise HTTPException(404, "no such file")
        data = resources.files("nextsteps").joinpath("resources/web", name).read_bytes()
        return Response(data, media_type=_STATIC[name])


def _interpret_entered(
    engine: Engine, entered: dict[str, str], message: str | bytes
) -> Interpretation:
    sent_at = entered["sent_at"].strip()
    try:
        when = dt.datetime.fromisoformat(sent_at) if sent_at else None
    except ValueError:
        raise InputError(f"the sent date {sent_at!r} is not a date and time") from None
    return engine.interpret(message, when, country=_country(entered))


def _country(entered: dict[str, str]) -> str | None:
    code = entered["country"].strip().upper()
    if code and not (len(code) == 2 and code.isalpha()):
        raise InputError(f"the country {code!r} is not a two-letter code such as US or DE")
    return code or None


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value.strip() else None
    except ValueError:
        raise InputError(f"{value!r} is not a date") from None


def _upload_format(chosen: str, filename: str, data: bytes) -> str:
    """The export format: as chosen, else from the file name, else from its first bytes."""
    if chosen:
        if chosen not in UPLOAD_FORMATS:
            raise InputError(f"unknown format {chosen!r}; use one of {', '.join(UPLOAD_FORMATS)}")
        return chosen
    by_name = _SUFFIXES.get(Path(filename).suffix.lower())
    if by_name:
        return by_name
    head = data.lstrip()[:5]
    if head.startswith(b"From "):
        return "mbox"
    return "jsonl" if head.startswith(b"{") else "csv"


async def _read_form(request: Request) -> FormData:
    """The submitted form, uploads held in memory.

    Starlette spools uploads over 1 MB to a temporary file; the body limit already bounds what
    can arrive, so raising the spool size to it keeps every byte off the disk.
    """
    limit = request.app.state.max_bytes
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return await request.form(max_part_size=limit)
    parser = MultiPartParser(
        request.headers, request.stream(), max_files=1, max_fields=10, max_part_size=limit
    )
    parser.spool_max_size = limit + 1
    try:
        return await parser.parse()
    except MultiPartException as exc:
        raise HTTPException(400, exc.message) from exc


def _templates() -> jinja2.Environment:
    # autoescape=True, not select_autoescape: every template escapes, whatever its name.
    loader = jinja2.PackageLoader("nextsteps", "resources/web")
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)


def _page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("result", None)
    context.setdefault("error", None)
    context["entered"] = defaultdict(str, context.get("entered", {}))  # blank fields on a GET
    html = request.app.state.pages.get_template(name).render(
        max_mb=request.app.state.max_bytes // 2**20, formats=UPLOAD_FORMATS, **context
    )
    return HTMLResponse(html, status)


def _view(result: Interpretation) -> dict[str, Any]:
    """What the result template shows, formatted; the template only lays it out."""
    rec = result.recommendation
    return {
        "label": str(result.label),
        "label_text": str(result.label).replace("_", " "),
        "confidence": result.confidence,
        "percent": f"{result.confidence:.0%}",
        "needs_review": result.needs_review,
        "runner_up": str(result.runner_up).replace("_", " "),
        "sent_at": f"{result.sent_at:%a %d %b %Y, %H:%M}",
        "sent_at_source": result.sent_at_source,
        "subject": result.subject,
        "sender": result.sender,
        "pieces": highlight(result),
        "dates": [_date_row(m, result) for m in result.dates],
        "key_date": result.key_date,
        "rec": rec,
        "follow_up": f"{rec.follow_up_on:%a %d %b %Y}" if rec and rec.follow_up_on else "",
    }


def highlight(result: Interpretation) -> list[tuple[str, str]]:
    """The interpreted text cut where evidence and dates start and end, each piece with its
    CSS classes ("" for plain text), for the template to wrap in <mark>.

    >>> from nextsteps.classifier import Evidence
    >>> from types import SimpleNamespace as Fake
    >>> highlight(Fake(text="Hi. See you Friday.", dates=[],
    ...                evidence=[Evidence("See you Friday.", 4, 19, 1.0)]))
    [('Hi. ', ''), ('See you Friday.', 'evidence')]
    """
    n = len(result.text)
    spans = [(e.start, e.end, "evidence") for e in result.evidence]
    spans += [(m.start, m.end, "date") for m in result.dates]
    cuts = sorted({0, n, *(min(max(x, 0), n) for s, e, _ in spans for x in (s, e))})
    pieces = []
    for a, b in pairwise(cuts):
        classes = " ".join(sorted({kind for s, e, kind in spans if s <= a and b <= e}))
        pieces.append((result.text[a:b], classes))
    return pieces


def _date_row(mention: Any, result: Interpretation) -> dict[str, Any]:
    value = mention.value
    if isinstance(value, dict):
        value = f"{value.get('start', '?')} to {value.get('end', '?')}"
    key = result.key_date
    is_key = key is not None and key.mention is not None and key.mention.start == mention.start
    text = f"{mention.mod} {mention.text}" if mention.mod else mention.text
    return {"text": text, "kind": mention.kind, "value": value or "unresolved", "key": is_key}


def _batch_view(result: BatchResult) -> dict[str, Any]:
    report = result.report
    return {
        "messages": report.messages,
        "errors": report.errors,
        "labels": sorted(report.labels.items(), key=lambda kv: -kv[1]),
        "applications": report.applications,
        "reminders": sum(a.follow_up_on is not None for a in report.applications),
        "csv_url": _data_url(result.csv(), "text/csv"),
        "ics_url": _data_url(result.ics(), "text/calendar"),
    }


def _data_url(data: bytes, media_type: str) -> str:
    # Downloads carried inside the page itself: nothing is kept on the server between requests.
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


# --- middleware -------------------------------------------------------------------------------


async def _error_page_or_json(request: Request, exc: Exception) -> Response:
    """JSON errors for the API; a short page for a person who submitted a form."""
    assert isinstance(exc, StarletteHTTPException)
    if request.url.path.startswith("/api/") or request.url.path.startswith("/static/"):
        return await http_exception_handler(request, exc)
    pages: jinja2.Environment = request.app.state.pages
    html = pages.get_template("error.html").render(status=exc.status_code, detail=exc.detail)
    return HTMLResponse(html, exc.status_code)


class _BodyLimit:
    """413 for a body over `max_bytes`, by its Content-Length or, when it is streamed without
    one, as soon as the bytes received pass the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            await JSONResponse({"detail": _too_large(self.max_bytes)}, 413)(scope, receive, send)
            return
        await self.app(scope, self._counting(receive), send)

    def _counting(self, receive: Receive) -> Receive:
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:  # raised inside the route: FastAPI turns it into 413
                raise HTTPException(413, _too_large(self.max_bytes))
            return message

        return counted


def _too_large(limit: int) -> str:
    return f"the request is larger than the limit of {limit / 2**20:g} MB"


class _SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k.encode(), v.encode()) for k, v in _SECURITY_HEADERS.items()]
                message["headers"] = [*message.get("headers", []), *headers]
            await send(message)

        await self.app(scope, receive, with_headers)
