"""Statement text as HTML: paragraphs, line breaks and links to published policies.

Everything the organisation typed is escaped; only the markup built here (paragraphs, <br>, and
links whose address is a plain http(s) URL) is trusted, so no |safe is ever needed on user text.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

URL_RE = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
# Punctuation that ends a sentence rather than the address: "see https://example.org/policy."
TRAILING_PUNCTUATION = ".,;:!?)]}'\""


def _split_url(match: str) -> tuple[str, str]:
    url = match.rstrip(TRAILING_PUNCTUATION)
    # Keep a closing bracket that belongs to the address, e.g. https://example.org/page_(a)
    while match[len(url) :].startswith(")") and url.count("(") > url.count(")"):
        url += ")"
    return url, match[len(url) :]


def linkify_line(line: str) -> Markup:
    parts: list[Markup] = []
    position = 0
    for found in URL_RE.finditer(line):
        url, rest = _split_url(found.group(0))
        parts.append(escape(line[position : found.start()]))
        parts.append(Markup('<a class="govuk-link" href="{0}" rel="noopener noreferrer">{0}</a>').format(url))
        parts.append(escape(rest))
        position = found.end()
    parts.append(escape(line[position:]))
    return Markup("").join(parts)


def statement_html(text: str | None) -> Markup:
    """Blank lines separate paragraphs; single line breaks are kept; URLs become links."""
    paragraphs = [p for p in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()) if p.strip()]
    html = []
    for paragraph in paragraphs:
        lines = Markup("<br>").join(linkify_line(line) for line in paragraph.strip().split("\n"))
        html.append(Markup('<p class="govuk-body">{}</p>').format(lines))
    return Markup("\n").join(html)
