from django.db import migrations

ROLE_GROUPS = ["commune_official", "union_officer", "district_viewer"]


def clear_permissions(apps, schema_editor):
    # Who may do what is decided by accounts.access; the Django permissions these groups
    # were once given were read by nothing.
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLE_GROUPS):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_roles")]

    operations = [migrations.RunPython(clear_permissions, migrations.RunPython.noop)]
