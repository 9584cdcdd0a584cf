"""PDFs built to cost a parser far more than their size: one compressed content stream of text operators,
shared by every page (so it is decompressed and interpreted once per page)."""

from __future__ import annotations

import zlib


def _content(size: int) -> bytes:
    rows: list[bytes] = []
    total, row = 0, 0
    while total < size:
        # Nearly periodic: compresses ~250:1, as a real attack would to fit a small upload.
        line = f"BT /F1 9 Tf {row % 4} 0 Td (METRO 00) Tj ET\n".encode()
        rows.append(line)
        total += len(line)
        row += 1
    return b"".join(rows)


def hostile_pdf(*, pages: int = 30, content_bytes: int = 3_000_000) -> bytes:
    """A valid PDF of `pages` pages whose pages all draw the same `content_bytes` of text operators."""
    stream = zlib.compress(_content(content_bytes), 9)
    kids = " ".join(f"{5 + n} 0 R" for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>"
        b" /Contents 4 0 R >>"
        for _ in range(pages)
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
