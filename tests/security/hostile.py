"""Helpers of the hostile-input tests: what a French error page must look like, raw multipart bodies."""

from __future__ import annotations

import re
import time
import uuid

from hypothesis import strategies as st

ENGLISH = re.compile(
    r"This field|Enter a|Ensure this|Select a valid|is required|not a valid|Upload a valid|"
    r"The submitted|No file was|Null characters|has at most|valid number|valid date",
    re.I,
)
ERRORS = re.compile(r'<(?:ul|p) class="errorlist[^"]*"[^>]*>(.*?)</(?:ul|p)>', re.S)

# Text a user (or a script) may type: anything printable or not, and the usual attack strings.
NASTY = st.sampled_from(
    [
        "", " ", "\x00", "' OR 1=1 --", "<script>alert(1)</script>", "../../etc/passwd", "%s%s%n",
        "9" * 60, "-1", "1e999", "NaN", "Infinity", "１２３", "\u202e\u200b", "é" * 600, "{{ 7*7 }}",
    ]
)  # fmt: skip
TEXT = st.one_of(NASTY, st.text(max_size=120), st.text(st.characters(codec="utf-8"), max_size=40))
# Digits that str.isdigit() accepts and int() refuses or reads as another number: superscripts, Arabic-Indic,
# full-width, mathematical, plus the ASCII ones and signs around them.
UNICODE_DIGITS = st.text(
    st.one_of(st.characters(categories=["Nd", "No"]), st.sampled_from("0123456789-+ ")),
    min_size=1,
    max_size=25,
)
# Texts far beyond any field's limit (up to a million characters, under Django's 15 MB body limit): long, tall
# (line breaks) or both, in one- to four-byte characters.
HUGE_TEXT = st.builds(
    lambda unit, count: (unit * count)[:count],
    st.sampled_from(["x", "\n", "é", "ligne\n", "🗺️", "\u202e", "a" * 99 + "\n"]),
    st.sampled_from([1001, 10_000, 200_000, 1_000_000]),
)
# A request, whatever its input, answers within this many seconds: a bound on the work, not a performance goal.
BOUNDED_SECONDS = 5.0


def timed(call):
    """The response of `call()`, after checking it came within BOUNDED_SECONDS."""
    started = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - started
    assert elapsed < BOUNDED_SECONDS, f"{elapsed:.1f} s"
    return response


def check_answer(response, *, malformed_upload: bool = False) -> None:
    """Never a 500 (the test client would raise), and a page that is not a redirect says what is wrong, in
    French. A multipart part whose headers exceed Django's limit (a file name over ~1 KB, which no file
    system produces) is refused by Django's parser with a 400 before any view runs."""
    allowed = (200, 302, 400) if malformed_upload else (200, 302)
    assert response.status_code in allowed, response.status_code
    if response.status_code in (302, 400):
        return
    text = response.content.decode()
    errors = [re.sub(r"<[^>]+>", " ", e) for e in ERRORS.findall(text)]
    messages = re.findall(r'<li class="msg-error">(.*?)</li>', text, re.S)
    assert errors or messages, "a form re-shown without saying what is wrong"
    for message in errors + messages:
        assert not ENGLISH.search(message), message


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body written by hand, so file names reach the server exactly as given
    (Django's test client would strip their directories)."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode()
        )
    for name, (filename, content, mime) in files.items():
        quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{quoted}"\r\n'
            f"Content-Type: {mime}\r\n\r\n"
        )
        parts.append(head.encode("utf-8", "surrogatepass") + content)
    body = b"\r\n".join(parts) + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"
