from django.db import migrations

GROUP = "province_admin"


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=GROUP)


def delete_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    # The province administrator (issue 17) keeps the list of communes; like the other
    # roles' groups it carries no Django permission (accounts.access decides).
    dependencies = [("enterprises", "0011_legal_form_and_economic_sector")]

    operations = [migrations.RunPython(create_group, delete_group)]
