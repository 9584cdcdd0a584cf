"""How many files one import takes, and what happens to the files that are not invoices among good ones."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories.metro import sample_paths

BASE = "/api/v1/metro"


def _files(*files: tuple[str, bytes]) -> dict[str, Any]:
    return {"files": [SimpleUploadedFile(name, data, content_type="application/pdf") for name, data in files]}


def test_more_files_than_django_parses_is_a_400_naming_the_limit(admin_api_a: Client, settings: Any) -> None:
    count = settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1
    response = admin_api_a.post(f"{BASE}/import", _files(*((f"f{n}.pdf", b"%PDF-1.4") for n in range(count))))
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "TOO_MANY_FILES"
    assert body["details"] == {"max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES}


def test_a_file_that_is_not_a_pdf_among_good_ones_gets_its_own_outcome(admin_api_a: Client) -> None:
    sample = sample_paths("135_13_81001")[0]
    response = admin_api_a.post(
        f"{BASE}/import", _files(("notes.pdf", b"plain text"), (sample.name, sample.read_bytes()))
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["statut"] == "partial"
    assert body["nb_factures_importees"] == 1
    assert [(e["fichier"], e["code"]) for e in body["erreurs"]] == [("notes.pdf", "not_pdf")]


def test_when_no_file_could_be_imported_the_status_says_so(admin_api_a: Client) -> None:
    broken = b"%PDF-1.4\nnot really a PDF"
    body = admin_api_a.post(f"{BASE}/import", _files(("broken.pdf", broken))).json()
    assert body["statut"] == "none"
    assert body["nb_factures_importees"] == 0
    sample = sample_paths("135_13_81001")[0]
    complete = admin_api_a.post(f"{BASE}/import", _files((sample.name, sample.read_bytes()))).json()
    assert complete["statut"] == "complete"
