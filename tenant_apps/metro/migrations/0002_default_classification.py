"""Default classification: METRO sections and a few designation patterns → famille / categorie.

The rules are rows, editable per tenant; these are only a starting point. Lower priority wins.
"""

from django.db import migrations

# (famille, categorie, sous_categorie, field, pattern, priority)
RULES = [
    ("Services", "Services", "Livraison", "designation", r"^(LIVRAISON|GARANTIE)\b", 5),
    ("Boissons", "Spiritueux", "Whisky", "designation", r"\b(WH|WHISKY|WHISKEY)\b", 10),
    ("Boissons", "Spiritueux", "Vodka", "designation", r"\b(VODKA|VDK)\b", 10),
    ("Boissons", "Spiritueux", "Rhum", "designation", r"\bRHUM\b", 10),
    ("Boissons", "Spiritueux", "Gin", "designation", r"\bGIN\b", 10),
    ("Boissons", "Bières", "", "designation", r"\b(BIERE|HEINEKEN|DESPERAD\w*|LEFFE|KRONENBOURG|1664)\b", 20),
    ("Boissons", "Vins", "", "designation", r"\b(VIN|BDX|IGP|AOC|AOP)\b", 30),
    ("Boissons", "Spiritueux", "", "categorie_metro", r"^SPIRITUEUX", 50),
    ("Boissons", "Vins", "", "categorie_metro", r"^CAVE", 50),
    ("Boissons", "Champagnes", "", "categorie_metro", r"^CHAMPAGNE", 50),
    ("Boissons", "Softs", "", "categorie_metro", r"^BRASSERIE", 60),
    ("Épicerie", "Épicerie sucrée", "", "categorie_metro", r"^EPICERIE SUCREE", 50),
    ("Épicerie", "Épicerie salée", "", "categorie_metro", r"^EPICERIE SECHE", 50),
    ("Frais", "Surgelés", "", "categorie_metro", r"^SURGELES", 50),
    ("Frais", "Traiteur", "", "categorie_metro", r"^TRAITEUR", 50),
    ("Frais", "Boucherie", "", "categorie_metro", r"^(BOUCHERIE|CHARCUTERIE|VOLAILLE)", 50),
    ("Frais", "Fruits et légumes", "", "categorie_metro", r"^FRUITS ET LEGUMES", 50),
    ("Frais", "Crèmerie", "", "categorie_metro", r"^(BEURRE|CREMERIE|FROMAGE)", 50),
    ("Frais", "Marée", "", "categorie_metro", r"^MAREE", 50),
    ("Hygiène et entretien", "Droguerie", "", "categorie_metro", r"^DROGUERIE", 50),
    (
        "Matériel",
        "Équipement",
        "",
        "categorie_metro",
        r"^(MATERIEL|ARTS DE LA TABLE|FOURNITURES|VETEMENT|CHAUSSURES|CONSOMMAB)",
        50,
    ),
]


def seed(apps, schema_editor):
    Category = apps.get_model("metro", "Category")
    Rule = apps.get_model("metro", "ClassificationRule")
    for famille, categorie, sous_categorie, field, pattern, priority in RULES:
        category, _ = Category.objects.get_or_create(
            famille=famille, categorie=categorie, sous_categorie=sous_categorie
        )
        Rule.objects.create(category=category, field=field, pattern=pattern, priority=priority)


def unseed(apps, schema_editor):
    apps.get_model("metro", "ClassificationRule").objects.all().delete()
    apps.get_model("metro", "Category").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("metro", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
