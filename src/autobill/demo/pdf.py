"""A minimal PDF writer: plain text pages in Helvetica, deterministic bytes, no dependencies."""

from __future__ import annotations

import textwrap
from typing import Final

_LINES_PER_PAGE: Final = 52
_WIDTH: Final = 92


def _escape(line: str) -> str:
    """Escape a line for a PDF string literal, keeping to printable ASCII."""
    ascii_only = line.encode("ascii", "replace").decode("ascii")
    return ascii_only.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _wrap(text: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines():
        lines.extend(textwrap.wrap(paragraph, _WIDTH, subsequent_indent="  ") or [""])
    return lines


def _stream(lines: list[str]) -> bytes:
    body = ["BT", "/F1 10 Tf", "13 TL", "56 780 Td"]
    body += [f"({_escape(line)}) Tj T*" for line in lines]
    body.append("ET")
    return "\n".join(body).encode("ascii")


def render_pdf(title: str, text: str) -> bytes:
    """Lay ``text`` out on A4 pages and return the PDF file's bytes."""
    lines = _wrap(text)
    pages = [lines[i : i + _LINES_PER_PAGE] for i in range(0, len(lines), _LINES_PER_PAGE)]
    pages = pages or [[]]
    count = len(pages)
    # Objects: 1 catalog, 2 pages, 3 font, 4 info, then a page and its content per page.
    kids = " ".join(f"{5 + 2 * n} 0 R" for n in range(count))
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode("ascii"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Title ({_escape(title)}) /Producer (autobill demo) >>".encode("ascii"),
    ]
    for n, page in enumerate(pages):
        content = _stream(page)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {6 + 2 * n} 0 R >>".encode("ascii")
        )
        objects.append(
            f"<< /Length {len(content)} >>\nstream\n".encode("ascii") + content + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode("ascii") + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += b"".join(f"{o:010d} 00000 n \n".encode("ascii") for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 4 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode("ascii")
    return bytes(out)
