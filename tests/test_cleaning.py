"""Only the newest part of a message is read: quoted threads, signatures and footers go."""

from nextsteps.cleaning import newest_part


def test_gmail_quoted_reply_is_removed():
    text = (
        "Hi Sam,\n\nWe've decided to move forward with another candidate.\n\nBest,\nDana\n\n"
        "On Tue, Oct 14, 2025 at 9:03 AM Dana Whitfield <dana@northwind.example> wrote:\n"
        "> Are you free Wednesday at 2 for a second round?\n"
    )
    body = newest_part(text).body
    assert "another candidate" in body and "second round" not in body


def test_outlook_header_block_is_removed():
    text = (
        "Thanks Sam, you'll hear from us by Friday.\n\nRegards\nRaj\n\n"
        "From: Raj Patel <raj@acme.example>\nSent: Monday, March 3, 2025 4:12 PM\n"
        "To: Sam <sam@example.com>\nSubject: RE: interview\n\nPlease complete the test by Monday.\n"
    )
    result = newest_part(text)
    assert "by Friday" in result.body and "complete the test" not in result.body
    assert result.removed_quote


def test_legal_footer_is_removed():
    text = (
        "Hi Sam,\n\nThank you for your time today. We'll be in touch.\n\n"
        "CONFIDENTIALITY NOTICE: This email and any attachments are confidential and may contain an offer."
    )
    assert "offer" not in newest_part(text).body


def test_forwarded_message_is_read_not_dropped():
    text = (
        "FYI, see below!\n\n---------- Forwarded message ---------\nFrom: Dana <d@n.example>\n"
        "Date: Tue, Oct 14, 2025 at 9:03 AM\nSubject: Offer\nTo: Sam <s@example.com>\n\n"
        "Hi Sam, we are delighted to offer you the role. Please respond by Friday.\n"
    )
    result = newest_part(text)
    assert result.forwarded and "delighted to offer you the role" in result.body


def test_html_only_body_becomes_text():
    html = "<html><body><p>Hi Sam,</p><p>We'd like to <b>invite</b> you to a final interview.</p></body></html>"
    body = newest_part(html).body
    assert "invite you to a final interview" in body and "<" not in body


def test_plain_short_text_is_kept_as_is():
    assert newest_part("can u do tmrw at 10?").body == "can u do tmrw at 10?"


def test_an_address_in_angle_brackets_is_not_taken_for_html():
    text = "Thanks, we'll decide by Friday.\n\nOn Mon, Mar 3, 2025 at 4:12 PM Ann <a@x.com> wrote:\n> Are you free Tuesday?"
    assert newest_part(text).body == "Thanks, we'll decide by Friday."


def test_a_bulleted_list_is_not_mistaken_for_a_signature():
    text = (
        "Hi Sam,\n\nWe are delighted to offer you the role. Key terms:\n\n"
        "- Base salary: 120,000\n- Start date: March 3\n- Please sign by Friday\n\nBest,\nAnn\n"
    )
    body = newest_part(text).body
    assert "Please sign by Friday" in body and "Start date: March 3" in body
