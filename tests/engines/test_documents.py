"""Text sources through their readers: HTML (trafilatura), Word (python-docx), PDF (pypdf)."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from pypdf import PdfWriter

from player.core.align.types import AlignError
from player.engines.documents import read_text_source

ARTICLE = """<!doctype html>
<html><head><title>Briefing</title><style>body { color: red }</style>
<script>var tracking = "please wait";</script></head>
<body>
<nav><a href="/">Home</a> <a href="/news">Breaking News</a> <a href="/login">Sign in</a></nav>
<div class="player">please wait 0:00 0:03:48</div>
<article>
<h1>Press briefing by the spokesperson</h1>
<p>Good afternoon, everyone. The Secretary met Ambassador DeLaurentis on Tuesday to discuss
the convoy that left the border crossing this morning.</p>
<p>We have pledged $2.5 billion in humanitarian aid this year, which is 8% more than in 2019,
and we call on every partner to do the same.</p>
<p>The talks in Geneva will resume next week, and both delegations have agreed to a short
ceasefire around the hospital.</p>
</article>
<footer>Copyright 2025. All rights reserved. Privacy policy.</footer>
<script>console.log("Breaking News");</script>
</body></html>
"""


def test_html_keeps_the_article_only(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(ARTICLE, "utf-8")
    text = read_text_source(page).text
    assert "Good afternoon, everyone." in text
    assert "ceasefire around the hospital." in text
    for junk in ("Breaking News", "please wait", "tracking", "color: red", "Sign in"):
        assert junk not in text
    assert "\n\n" in text  # paragraphs stay paragraphs


def test_docx_paragraphs(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("MS. KOVAC: Good afternoon, everyone.")
    document.add_paragraph("")
    document.add_paragraph("Q: When will the convoy leave?")
    path = tmp_path / "record.docx"
    document.save(str(path))
    text = read_text_source(path).text
    assert text == "MS. KOVAC: Good afternoon, everyone.\n\nQ: When will the convoy leave?"


def _pdf_with_text(lines: list[str]) -> bytes:
    """A minimal one-page PDF with a text layer (Helvetica), written by hand."""
    body = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(body)} >>\nstream\n{body}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("latin-1")
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode("latin-1")
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode("latin-1")
    return bytes(out)


def test_pdf_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "record.pdf"
    path.write_bytes(_pdf_with_text(["Good afternoon, everyone.", "The talks will resume."]))
    text = read_text_source(path).text
    assert "Good afternoon, everyone." in text
    assert "The talks will resume." in text


def test_scanned_pdf_says_it_has_no_text_layer(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(AlignError, match=r"this PDF has no text layer \(scanned\?\)"):
        read_text_source(path)


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_damaged_documents_are_one_line_errors(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"broken{suffix}"
    path.write_bytes(b"PK\x03\x04 this is not really a document" * 10)
    with pytest.raises(AlignError) as caught:
        read_text_source(path)
    assert caught.value.path == str(path)
    assert "\n" not in str(caught.value)


def test_plain_text_goes_through_the_same_entry(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# Title\n\n**Good** afternoon.\n", "utf-8")
    assert read_text_source(path).text.split() == ["Title", "Good", "afternoon."]
