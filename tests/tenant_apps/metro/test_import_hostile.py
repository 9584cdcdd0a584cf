"""Uploaded PDFs are parsed in sandboxed processes: a hostile one costs a bounded time, is refused as
`too_complex` while the good files of the same upload are imported, and the server answers meanwhile."""

from __future__ import annotations

import threading
import time
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories.metro import sample_paths
from tests.support.hostile_pdf import hostile_pdf

BASE = "/api/v1/metro"


def _upload(*files: tuple[str, bytes]) -> dict[str, Any]:
    return {"files": [SimpleUploadedFile(name, data, content_type="application/pdf") for name, data in files]}


def _codes(body: dict[str, Any]) -> dict[str, str]:
    return {error["fichier"]: error["code"] for error in body["erreurs"]}


def test_a_small_pdf_sharing_megabytes_of_content_is_too_complex_and_the_good_file_imports(
    admin_api_a: Client,
) -> None:
    sample = sample_paths("135_13_81001")[0]
    started = time.monotonic()
    response = admin_api_a.post(
        f"{BASE}/import", _upload(("hostile.pdf", hostile_pdf()), (sample.name, sample.read_bytes()))
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.content
    body = response.json()
    assert _codes(body) == {"hostile.pdf": "too_complex"}
    assert body["nb_factures_importees"] == 1
    assert elapsed < 10  # not the minutes an in-process parse of it takes


class _Prober(threading.Thread):
    """GET /health in a loop until stopped: the slowest answer seen while an import runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.latencies: list[float] = []
        self.statuses: set[int] = set()

    def run(self) -> None:
        client = Client()
        while not self.stop.is_set():
            started = time.monotonic()
            self.statuses.add(client.get("/health").status_code)
            self.latencies.append(time.monotonic() - started)
            time.sleep(0.02)


def test_costly_pdfs_within_the_size_limits_stop_at_the_time_budget_while_the_server_answers(
    admin_api_a: Client, settings: Any
) -> None:
    settings.METRO_PARSE_WALL_SECONDS = 0.4  # each costs about 1 s of CPU
    settings.METRO_IMPORT_SYNC_PARSE_SECONDS = 1.5
    costly = hostile_pdf(pages=4, content_bytes=250_000)
    files = [(f"costly{n}.pdf", costly + b"%" * n) for n in range(8)]  # distinct contents, no duplicates
    prober = _Prober()
    prober.start()
    started = time.monotonic()
    try:
        response = admin_api_a.post(f"{BASE}/import", _upload(*files))
    finally:
        elapsed = time.monotonic() - started
        prober.stop.set()
        prober.join()
    assert response.status_code == 200, response.content
    assert set(_codes(response.json()).values()) == {"too_complex"}
    assert len(response.json()["erreurs"]) == len(files)
    assert elapsed < 1.5 + 5  # the request's parse budget, plus the rest (in process: 8 s of CPU at least)
    assert prober.statuses == {200}
    assert len(prober.latencies) >= 5
    assert max(prober.latencies) < 1.0
