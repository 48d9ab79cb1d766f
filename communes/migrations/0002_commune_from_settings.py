"""The commune an existing installation serves, made from its settings (issue 17, item 9).

Until now the commune's identity was read from the settings (`PORTAL_COMMUNE_NAME`,
`PORTAL_COMMUNE_CODE`, `PORTAL_COMMUNE_BODY`, `PORTAL_SUPERIOR_BODY`,
`PORTAL_REPORT_ADDRESSEE`, `PORTAL_COMMUNE_LEADERS`); from now on it is a `Commune` row.
This migration makes that row from the settings as they are when it runs, so that every
document, e-mail and page keeps saying what it said; with the demo's defaults, Hoàng Hợp.

- The code is `PORTAL_COMMUNE_CODE` when it is five digits; otherwise (empty, the default,
  or mistyped) it is 00000, which means "no code yet": nothing prints it (the data sheet's
  `ma_xa` stays empty, as before), no commune can be saved with it through the portal, and
  `check --deploy` asks for the real one. A code is never guessed from the name.
- The kind is read from the issuing body ("Ủy ban nhân dân phường …" is a ward, "… đặc
  khu …" a special zone); otherwise a commune (xã).
- The place name in dates is the name; the short name in addresses is the name in Latin
  letters (hoang-hop).
- The leaders are `PORTAL_COMMUNE_LEADERS` in their order, each allowed to sign.

It makes nothing when a commune is already recorded. Reversed, it removes the communes and
their leaders (the next step back drops the tables).
"""

import re
import unicodedata

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.text import slugify

PLACEHOLDER_CODE = "00000"
REASON = "settings"  # shown as "Made from the settings" (accounts.province_views)


def code_from(value) -> str:
    text = str(value or "").strip()
    return text if re.fullmatch(r"[0-9]{5}", text) and text != PLACEHOLDER_CODE else PLACEHOLDER_CODE


def kind_from(body: str) -> str:
    text = unicodedata.normalize("NFC", body or "").casefold()
    if re.search(r"\bphường\b", text):
        return "ward"
    if re.search(r"\bđặc khu\b", text):
        return "special_zone"
    return "commune"


def slug_from(name: str, code: str) -> str:
    # core.identity.ascii_slug as it is today (a migration keeps its own copy).
    text = unicodedata.normalize("NFC", name).replace("đ", "d").replace("Đ", "D")
    return slugify(text)[:90] or f"xa-{code}"


def commune_from_settings(apps, schema_editor):
    Commune = apps.get_model("communes", "Commune")
    CommuneLeader = apps.get_model("communes", "CommuneLeader")
    HistoricalCommune = apps.get_model("communes", "HistoricalCommune")
    HistoricalCommuneLeader = apps.get_model("communes", "HistoricalCommuneLeader")
    if Commune.objects.exists():
        return
    name = settings.PORTAL_COMMUNE_NAME.strip()
    code = code_from(settings.PORTAL_COMMUNE_CODE)
    now = timezone.now()
    fields = {
        "code": code,
        "name": name,
        "kind": kind_from(settings.PORTAL_COMMUNE_BODY),
        "slug": slug_from(name, code),
        "body": settings.PORTAL_COMMUNE_BODY.strip(),
        "place": name,
        "superior": settings.PORTAL_SUPERIOR_BODY.strip(),
        "addressee": settings.PORTAL_REPORT_ADDRESSEE.strip(),
        "created_at": now,
        "updated_at": now,
    }
    commune = Commune.objects.create(**fields)
    history = {"history_date": now, "history_type": "+", "history_change_reason": REASON}
    HistoricalCommune.objects.create(id=commune.pk, merged_into_id=None, merged_on=None, **fields, **history)
    for order, (position, leader_name) in enumerate(settings.PORTAL_COMMUNE_LEADERS, start=1):
        leader = CommuneLeader.objects.create(
            commune=commune, name=leader_name, position=position, may_sign=True, order=order
        )
        HistoricalCommuneLeader.objects.create(
            id=leader.pk,
            commune_id=commune.pk,
            name=leader_name,
            position=position,
            may_sign=True,
            order=order,
            **history,
        )


def remove_communes(apps, schema_editor):
    apps.get_model("communes", "CommuneLeader").objects.all().delete()
    apps.get_model("communes", "Commune").objects.update(merged_into=None)
    apps.get_model("communes", "Commune").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("communes", "0001_communes")]

    operations = [migrations.RunPython(commune_from_settings, remove_communes)]
