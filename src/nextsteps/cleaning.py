"""Turn a message body into the newest part a person would read: HTML to text, quoted replies,
signatures and legal footers removed.

mail-parser-reply splits threads (Gmail "On ... wrote:", Outlook "From:/Sent:" blocks, many
languages) and strips signatures; html-text turns HTML into readable text. What they miss is
written here, each with a test: legal footers that follow a signature-less body, and forwarded
messages, which must be interpreted rather than dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# A tag, not an address: "<p>" or "<a href=...>" but not "<a.jones@acme.com>".
_HTML_HINT = re.compile(r"<(html|body|div|p|br|table|span|a)[\s>/]", re.IGNORECASE)
_FORWARD_MARKER = re.compile(
    r"^\s*(-{3,}\s*Forwarded message\s*-{3,}|Begin forwarded message:)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
# Footers that mail-parser-reply leaves in the body: they carry words ("offer", "intended") that
# would otherwise count as evidence. A footer starts at a line opening with one of these phrases.
_FOOTER_START = re.compile(
    r"^\s*(\*+\s*)?("
    r"confidentiality notice|confidential(ity)? (notice|statement|warning)|disclaimer\b|"
    r"this (e-?mail|message|communication)( and any (attachments?|files?)[^.\n]*)? "
    r"(is|are|may be) (confidential|intended|privileged)|"
    r"the information (contained )?in this (e-?mail|message)|"
    r"please consider the environment|to unsubscribe|unsubscribe\b|you are receiving this|"
    r"this is an automated (message|email)|please do not reply to this"
    r")",
    re.IGNORECASE | re.MULTILINE,
)
_BLANKS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class CleanText:
    """The newest part of a message, and what was cut from it."""

    body: str
    removed_quote: bool
    forwarded: bool


def html_to_text(html: str) -> str:
    """Readable text of an HTML body (html-text keeps paragraph breaks, drops scripts)."""
    import html_text

    return html_text.extract_text(html, guess_layout=True)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text[:2000]))


@lru_cache(maxsize=1)
def _parser():
    from mailparser_reply import EmailReplyParser

    return EmailReplyParser(languages=["en", "de", "fr", "es", "nl"])


def strip_footer(text: str) -> str:
    """Cut a legal or unsubscribe footer that starts on its own line after some body text."""
    match = _FOOTER_START.search(text)
    if match and text[: match.start()].strip():
        return text[: match.start()].rstrip()
    return text


# mail-parser-reply takes a line starting "- " for the "-- " signature delimiter, which would cut
# a bulleted list (offer terms, interview slots) and everything after it from the body.
_BULLET = re.compile(r"^\s*[-*•]\s+\S")


def _reply_text(reply) -> str:
    """A reply's text without its signature, unless the "signature" is really a bulleted list."""
    if reply.signatures and _BULLET.match(reply.signatures):
        return reply.full_body or ""
    return reply.body or reply.full_body or ""


def newest_part(text: str) -> CleanText:
    """The newest part of a message: no quoted thread, signature or footer.

    A forward with little or no new text is read through: the forwarded message is what the
    candidate wants interpreted.

    >>> newest_part("Thanks, we'll decide by Friday.\\n\\nOn Mon, Mar 3, 2025 at 4:12 PM Ann "
    ...             "<a@x.com> wrote:\\n> Are you free Tuesday?").body
    "Thanks, we'll decide by Friday."
    """
    if looks_like_html(text):
        text = html_to_text(text)
    replies = _parser().read(text).replies
    if not replies:
        return CleanText(strip_footer(text.strip()), False, False)
    first = replies[0]
    body = _reply_text(first)
    forwarded = bool(_FORWARD_MARKER.search(body)) or (not body.strip() and len(replies) > 1)
    if forwarded and len(replies) > 1:
        new_text = _FORWARD_MARKER.split(body)[0].strip()
        inner = _reply_text(replies[1])
        body = f"{new_text}\n\n{inner}".strip() if new_text else inner
    body = _BLANKS.sub("\n\n", strip_footer(body.strip()))
    if not body:
        body = strip_footer(text.strip())
    return CleanText(body, len(replies) > 1, forwarded)
