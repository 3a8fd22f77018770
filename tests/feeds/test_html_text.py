"""HTML to clean text: paragraphs kept, tags and scripts gone, entities decoded."""

from __future__ import annotations

import pytest

from service.feeds.html_text import html_to_text, tidy_text


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("<p>Line<br>next<br/>last</p>", "Line\nnext\nlast"),
        ("First part.<br><br>Second part.", "First part.\n\nSecond part."),
        ("<div>a<div>b</div>c</div>", "a\n\nb\n\nc"),
        ("<h2>Head</h2>Body <b>bold</b> <i>it</i>", "Head\n\nBody bold it"),
        ("<ul><li>x</li><li>y</li></ul>", "x\n\ny"),
        ("caf&eacute; &amp; &#8220;quotes&#8221;&nbsp;here", "café & “quotes” here"),
        ("<script>alert(1)</script><style>p{}</style><noscript>n</noscript>ok", "ok"),
        ("keep<!-- hidden -->ing", "keeping"),
        ("<p>spread\n   over\n\n lines</p>", "spread over lines"),
        ("<table><tr><td>a</td><td>b</td></tr></table>", "a b"),
        ("plain text, no tags", "plain text, no tags"),
        ("<html><head><title>T</title></head><body><p>Body</p></body></html>", "Body"),
        ("", ""),
        ("<p> </p><img src=x>", ""),
    ],
)
def test_html_to_text(markup: str, text: str) -> None:
    assert html_to_text(markup) == text


def test_tidy_text_keeps_paragraphs_of_plain_text() -> None:
    assert tidy_text("  a\r\n\r\nb   c\n d\n \n\n\ne ") == "a\n\nb c d\n\ne"
