from decimal import Decimal

from django.db import migrations

# The national program's targets (Decision 1268/QĐ-TTg, 19/10/2022; DOMAIN.md): the province's
# until its administrator raises them. Codes and short names are those of the communes' plans.
DECISION_1268 = [
    ("a", "Chính trị, pháp luật", 70, 90),
    ("b", "Kỹ năng nghề", 50, 75),
    ("c", "Kỹ năng sống", 50, 75),
    ("d", "Công nghệ số", 40, 65),
    ("e", "Công dân học tập", 30, 50),
]


def national_targets(apps, schema_editor):
    Indicator = apps.get_model("province", "ProvinceIndicator")
    Target = apps.get_model("province", "ProvinceTarget")
    for order, (code, name, target_2025, target_2030) in enumerate(DECISION_1268):
        indicator, _created = Indicator.objects.get_or_create(code=code, defaults={"name": name, "order": order})
        for year, value in ((2025, target_2025), (2030, target_2030)):
            Target.objects.get_or_create(indicator=indicator, year=year, defaults={"value": Decimal(value)})


def remove_targets(apps, schema_editor):
    apps.get_model("province", "ProvinceIndicator").objects.filter(code__in=[row[0] for row in DECISION_1268]).delete()


class Migration(migrations.Migration):
    dependencies = [("province", "0001_province_targets")]

    operations = [migrations.RunPython(national_targets, remove_targets)]
