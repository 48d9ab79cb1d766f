from django.db import migrations

GROUP = "province_viewer"


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=GROUP)


def delete_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    # The province viewer (issue 17) reads the province's roll-up, aggregates of every
    # commune; like the other roles' groups it carries no Django permission (accounts.access
    # decides).
    dependencies = [("enterprises", "0016_commune_key_required")]

    operations = [migrations.RunPython(create_group, delete_group)]
