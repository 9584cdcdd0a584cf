"""A small SumUp orders export written the way the till writes it, to mutate in tests.

Quoted ``;``-separated cells, CRLF, decimal comma, and the two zero-width spaces SumUp puts in the
``Prix unitaire TTC`` header. Rows are dicts keyed by the plain header names; ``files()`` gives the CSVs
by file name, ``write()`` and ``zip()`` put them on disk.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

PERIOD = "2024-01-01_2024-01-31"
UNIT_PRICE = "Prix unitaire TTC"
_UNIT_PRICE_AS_EXPORTED = "Prix \u200b\u200bunitaire TTC"
_KEYS = ["Etablissement", "ID Etablissement", "Date ouverture", "Date fermeture", "ID commande", "Devise"]

HEADERS: dict[str, list[str]] = {
    "totaux": [
        *_KEYS,
        "ID commande personnalisé",
        "Nom commande",
        "Ouvert par vendeur",
        "Fermé sur table",
        "Nb clients",
        "Durée commande",
        "Statut commande",
        "CA TTC",
        "CA HT",
        "Total Montant TVA",
        "Total Paiements",
    ],
    "produits": [
        *_KEYS,
        "Produit",
        "SKU",
        "Quantité",
        "Code de la carte-cadeau",
        UNIT_PRICE,
        "Remises",
        "CA TTC",
        "CA HT",
        "Montant TVA",
    ],
    "tva": [*_KEYS, "Taux de TVA", "CA TTC", "CA HT", "Montant TVA"],
    "paiements": [*_KEYS, "Moyen de paiement", "Montant Paiements"],
    "annulés": [
        "Date fermeture",
        "ID Etablissement",
        "Etablissement",
        "ID commande",
        "Nom commande",
        "Vendeur",
        "Commentaires",
        "Produit",
        "SKU",
        "Quantité",
        "Devise",
        UNIT_PRICE,
    ],
    "produits-rembourses": [
        "Date fermeture",
        "ID Etablissement",
        "Etablissement",
        "No de remboursement",
        "ID commande",
        "Ouvert par vendeur",
        "Commentaires",
        "Produit",
        "SKU",
        "Quantité",
        "Code de la carte-cadeau",
        "Devise",
        "CA TTC",
        "CA HT",
        "Montant TVA",
    ],
}


def _keys(order_id: str, opened: str, closed: str) -> dict[str, str]:
    return {
        "Etablissement": "SARL Test",
        "ID Etablissement": "34571",
        "Date ouverture": opened,
        "Date fermeture": closed,
        "ID commande": order_id,
        "Devise": "EUR",
    }


@dataclass
class SumupExportBuilder:
    rows: dict[str, list[dict[str, str]]] = field(default_factory=lambda: {kind: [] for kind in HEADERS})
    headers: dict[str, list[str]] = field(default_factory=lambda: {k: list(v) for k, v in HEADERS.items()})

    def add_order(
        self,
        order_id: str = "ORDER-1",
        *,
        opened: str = "2024-01-05 19:02:11",
        closed: str = "2024-01-05 21:40:00",
        lines: tuple[tuple[str, int, str, str, str], ...] = (
            ("MAFE POISSON FUME", 1, "15,00", "13,64", "1,36"),
            ("GUINESS", 2, "6,00", "10,00", "2,00"),
        ),
        payments: tuple[tuple[str, str], ...] | None = None,
    ) -> SumupExportBuilder:
        """An order whose totaux, tva and paiements agree with its (product, qty, unit, HT, TVA) lines."""
        keys = _keys(order_id, opened, closed)
        by_rate: dict[str, list[int]] = {}
        total = [0, 0, 0]  # cents: TTC, HT, TVA
        for product, quantity, unit, ht, vat in lines:
            ttc_cents = _cents(unit) * quantity
            amounts = (ttc_cents, _cents(ht), _cents(vat))
            self.rows["produits"].append(
                {
                    **keys,
                    "Produit": product,
                    "SKU": "",
                    "Quantité": str(quantity),
                    "Code de la carte-cadeau": "",
                    UNIT_PRICE: unit,
                    "Remises": "0,00",
                    "CA TTC": _text(ttc_cents),
                    "CA HT": ht,
                    "Montant TVA": vat,
                }
            )
            rate_key = f"{amounts[2] * 1000 // max(amounts[1], 1)}"
            slot = by_rate.setdefault(rate_key, [0, 0, 0])
            for index in range(3):
                slot[index] += amounts[index]
                total[index] += amounts[index]
        for rate_ttc, rate_ht, rate_vat in by_rate.values():
            self.rows["tva"].append(
                {
                    **keys,
                    "Taux de TVA": "",
                    "CA TTC": _text(rate_ttc),
                    "CA HT": _text(rate_ht),
                    "Montant TVA": _text(rate_vat),
                }
            )
        self.rows["totaux"].append(
            {
                **keys,
                "ID commande personnalisé": "",
                "Nom commande": "table 4",
                "Ouvert par vendeur": "Vendeur",
                "Fermé sur table": "",
                "Nb clients": "2",
                "Durée commande": "02:37:49",
                "Statut commande": "CLOSE",
                "CA TTC": _text(total[0]),
                "CA HT": _text(total[1]),
                "Total Montant TVA": _text(total[2]),
                "Total Paiements": _text(total[0]),
            }
        )
        for method, amount in payments or (("Espèces", _text(total[0])),):
            self.rows["paiements"].append({**keys, "Moyen de paiement": method, "Montant Paiements": amount})
        return self

    def drop_column(self, kind: str, column: str) -> SumupExportBuilder:
        self.headers[kind].remove(column)
        return self

    def file_name(self, kind: str) -> str:
        return f"rapport-de-commandes-{kind}-{PERIOD}.csv"

    def csv_bytes(self, kind: str, *, encoding: str = "utf-8") -> bytes:
        out = io.StringIO(newline="")
        writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        header = self.headers[kind]
        writer.writerow([_UNIT_PRICE_AS_EXPORTED if name == UNIT_PRICE else name for name in header])
        writer.writerows([row.get(name, "") for name in header] for row in self.rows[kind])
        text = out.getvalue()
        if encoding != "utf-8":
            text = text.replace(_UNIT_PRICE_AS_EXPORTED, UNIT_PRICE)  # no zero-width space outside Unicode
        return text.encode(encoding)

    def files(self) -> dict[str, bytes]:
        return {self.file_name(kind): self.csv_bytes(kind) for kind in self.headers}

    def write(self, directory: Path) -> list[Path]:
        paths = []
        for name, data in self.files().items():
            path = directory / name
            path.write_bytes(data)
            paths.append(path)
        return paths

    def zip(self, path: Path) -> Path:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.files().items():
                archive.writestr(name, data)
        return path


def _cents(text: str) -> int:
    units, _, cents = text.partition(",")
    return int(units) * 100 + int(cents or 0)


def _text(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"
