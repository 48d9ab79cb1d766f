"""Every existing commune official and superior body's viewer serves the commune the
installation served until now (issue 17): an existing installation changes nothing.

The served commune is the one `CommuneQuerySet.served` names today: the first row, or the
commune it was merged into. The role groups are named as accounts.roles names them (a
migration keeps its own copy). Superusers need no row: they serve every commune. Reversed,
it removes the memberships it would have made (every membership: before this step there
were none).
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

# accounts.roles.OFFICIAL and VIEWER as they are today.
ROLE_GROUPS = ("commune_official", "district_viewer")


def served_commune(Commune):
    commune = Commune.objects.order_by("pk").first()
    seen = set()
    while commune is not None and commune.merged_into_id is not None and commune.pk not in seen:
        seen.add(commune.pk)
        commune = Commune.objects.get(pk=commune.merged_into_id)
    return commune


def memberships_from_roles(apps, schema_editor):
    Commune = apps.get_model("communes", "Commune")
    Membership = apps.get_model("communes", "Membership")
    HistoricalMembership = apps.get_model("communes", "HistoricalMembership")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    commune = served_commune(Commune)
    if commune is None:
        return
    users = (
        User.objects.filter(groups__name__in=ROLE_GROUPS)
        .exclude(commune_memberships__commune=commune)
        .distinct()
        .order_by("pk")
    )
    now = timezone.now()
    for user in users:
        membership = Membership.objects.create(user=user, commune=commune)
        HistoricalMembership.objects.create(
            id=membership.pk,
            user_id=user.pk,
            commune_id=commune.pk,
            created_at=membership.created_at,
            history_date=now,
            history_type="+",
            history_change_reason="roles",
        )


def remove_memberships(apps, schema_editor):
    apps.get_model("communes", "HistoricalMembership").objects.all().delete()
    apps.get_model("communes", "Membership").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("communes", "0003_membership"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [migrations.RunPython(memberships_from_roles, remove_memberships)]
