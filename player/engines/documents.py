"""Rich text sources to plain text: HTML (trafilatura), Word (python-docx), PDF (pypdf).

The only module importing those three libraries. ``read_text_source(path)`` reads any kind in
``player.core.align.textsource.TEXT_SUFFIXES`` through the guarded reader (regular file, size
cap) and returns a ``SourceText``:

* ``.html``/``.htm``: the article's main text only (trafilatura drops scripts, styles,
  navigation and page chrome), paragraphs kept; never touches the network;
* ``.docx``: the paragraphs (and table cells) in order;
* ``.pdf``: the text layer, page by page; a PDF without one says "this PDF has no text layer
  (scanned?)";
* ``.txt``/``.md``: ``player.core.align.textsource``.

Every failure is an ``AlignError`` with a one-line reason.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

from player.core.align.textsource import (
    PLAIN_SUFFIXES,
    TEXT_SUFFIXES,
    SourceText,
    decode_plain_bytes,
)
from player.core.align.types import AlignError
from player.core.inputs import InputError, read_bytes

__all__ = ["read_text_source"]

log = logging.getLogger(__name__)


def read_text_source(path: str | Path) -> SourceText:
    """Plain text of the source at ``path`` (see the module docstring)."""
    source = str(path)
    suffix = Path(path).suffix.lower()
    if suffix not in TEXT_SUFFIXES:
        kinds = ", ".join(sorted(TEXT_SUFFIXES))
        raise AlignError(f"not a text this program reads (use one of {kinds})", path=source)
    try:
        data = read_bytes(path)
    except InputError as err:
        raise AlignError(err.message, path=source) from None
    if suffix in PLAIN_SUFFIXES:
        return decode_plain_bytes(data, source=source, markdown=suffix in {".md", ".markdown"})
    if suffix in {".html", ".htm"}:
        text = _html_text(data, source)
    elif suffix == ".docx":
        text = _docx_text(data, source)
    else:
        text = _pdf_text(data, source)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not re.search(r"[^\W\d_]", text):
        raise AlignError("the text is empty", path=source)
    return SourceText(text, "utf-8")


def _html_text(data: bytes, source: str) -> str:
    import trafilatura

    decoded = decode_plain_bytes(data, source=source) if data.strip() else None
    if decoded is None:
        raise AlignError("the text is empty", path=source)
    text = trafilatura.extract(
        decoded.text,
        include_comments=False,
        include_tables=True,
        favor_recall=True,
        with_metadata=False,
        deduplicate=False,
    )
    if not text or not text.strip():
        raise AlignError("no article text found in this page", path=source)
    # trafilatura puts one paragraph per line: blank lines make them paragraphs for the splitter.
    return "\n\n".join(line for line in text.split("\n") if line.strip())


def _docx_text(data: bytes, source: str) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as err:
        log.info("cannot read %s: %s", source, err)
        raise AlignError("not a Word document (.docx) this program can read", path=source) from None
    except Exception as err:  # zipfile.BadZipFile, lxml errors: a damaged file
        log.info("cannot read %s: %s", source, err)
        raise AlignError("the Word document is damaged", path=source) from None
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append(" ".join(cell.text for cell in row.cells))
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())


def _pdf_text(data: bytes, source: str) -> str:
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as err:
        log.info("cannot read %s: %s", source, err)
        raise AlignError("not a PDF this program can read", path=source) from None
    except Exception as err:  # pypdf raises many kinds on damaged files
        log.info("cannot read %s: %s", source, err)
        raise AlignError("the PDF is damaged", path=source) from None
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not re.search(r"[^\W\d_]{2}", text):
        raise AlignError("this PDF has no text layer (scanned?)", path=source)
    return text
