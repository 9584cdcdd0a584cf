"""SumUp exports built to cost a reader more than any till export: many rows (each file under the upload's
size limit), a zip bomb, a gigantic field. Built from the test factory's one valid order."""

from __future__ import annotations

import io
import zipfile

from tests.factories.sumup import SumupExportBuilder

ORDER_ID = '"ORDER-1"'


def many_orders(count: int) -> dict[str, bytes]:
    """The order of SumupExportBuilder `count` times under distinct ids: a valid export whose reading
    costs in proportion (about 300 bytes per order per file)."""
    builder = SumupExportBuilder().add_order()
    files: dict[str, bytes] = {}
    for name, data in builder.files().items():
        header, _, body = data.decode().partition("\r\n")
        if ORDER_ID not in body:  # a header-only file (cancelled, refunded lines)
            files[name] = data
            continue
        rows = "".join(body.replace(ORDER_ID, f'"ORDER-{n}"') for n in range(count))
        files[name] = f"{header}\r\n{rows}".encode()
    return files


def zip_bomb(*, member_bytes: int = 20_000_000) -> bytes:
    """One zip whose orders member inflates about 1000 times (CSV text inflates 5 to 20 times)."""
    files = SumupExportBuilder().add_order().files()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data + b" " * member_bytes if "totaux" in name else data)
    return out.getvalue()


def gigantic_field(*, chars: int = 5_000_000) -> dict[str, bytes]:
    """The valid export, with one product name of `chars` characters."""
    builder = SumupExportBuilder().add_order()
    builder.rows["produits"][0]["Produit"] = "X" * chars
    return builder.files()
