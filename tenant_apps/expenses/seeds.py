"""The cost centres and expense categories every tenant starts with (a French restaurant's usual overheads).

Seeded by the data migration 0002 into every tenant schema; the owner edits them afterwards.
Rates: insurance, bank charges, wages and taxes are outside VAT; water is at 5.5 %; food bought from a
supplier other than the imported invoices mostly at 5.5 %; the rest at the normal 20 %.
"""

from __future__ import annotations

# (name, kind, fed by supplier invoices)
CENTRES: tuple[tuple[str, str, bool], ...] = (
    ("Matières premières", "variable", True),
    ("Personnel", "fixe", False),
    ("Locaux", "fixe", False),
    ("Énergie", "variable", False),
    ("Entretien", "variable", False),
    ("Marketing", "variable", False),
    ("Frais généraux", "fixe", False),
)

# (name, default VAT rate, default centre)
CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("Achats de marchandises", "5.5", "Matières premières"),
    ("Salaires et charges sociales", "0", "Personnel"),
    ("Intérim et extras", "20", "Personnel"),
    ("Loyer", "20", "Locaux"),
    ("Charges locatives", "20", "Locaux"),
    ("Électricité", "20", "Énergie"),
    ("Gaz", "20", "Énergie"),
    ("Eau", "5.5", "Énergie"),
    ("Entretien et réparations", "20", "Entretien"),
    ("Nettoyage et hygiène", "20", "Entretien"),
    ("Marketing et publicité", "20", "Marketing"),
    ("Assurances", "0", "Frais généraux"),
    ("Frais bancaires", "0", "Frais généraux"),
    ("Honoraires comptables", "20", "Frais généraux"),
    ("Télécom et logiciels", "20", "Frais généraux"),
    ("Fournitures", "20", "Frais généraux"),
    ("Impôts et taxes", "0", "Frais généraux"),
)
