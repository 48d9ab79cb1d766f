"""Who the commune is on paper: its name and code, the body that issues its reports, the
superior body, the addressee and the leaders who sign.

Since 1 July 2025 Vietnam has no district level and communes have merged, so none of these
is written into the code. They are a row of `communes.Commune`, read by
`communes.identity.current()`; the settings (README, Configuration) made the first row and
stand in only while there is none (`from_settings`). The `check --deploy` of the communes
app refuses the demo's values and any name of a district (the rules: core.checks).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils.text import slugify

# The demo's identity (the seed's commune, Hoàng Hợp, merged on 1/7/2025): fine on a
# laptop, never on a production server (core.checks).
DEMO_VALUES = {
    "PORTAL_COMMUNE_NAME": "Hoàng Hợp",
    "PORTAL_COMMUNE_BODY": "Ủy ban nhân dân xã Hoàng Hợp",
    "PORTAL_SUPERIOR_BODY": "Ủy ban nhân dân tỉnh Thanh Hóa",
    "PORTAL_REPORT_ADDRESSEE": "Liên đoàn Lao động tỉnh Thanh Hóa",
    "PORTAL_COMMUNE_LEADERS": [("Chủ tịch", "Nguyễn Văn An"), ("Phó Chủ tịch", "Lê Thị Hoa")],
}
# Names of the district level, which ended on 1 July 2025 (huyện, quận, thị xã).
DISTRICT = re.compile(r"\b(huyện|quận|thị xã)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Leader:
    """One of the commune's leaders who may sign: 'Chủ tịch', 'Nguyễn Văn An'."""

    title: str
    name: str

    def __str__(self):
        return f"{self.name} ({self.title})"


@dataclass(frozen=True)
class Identity:
    """What a document needs to know of the commune that issues it."""

    place: str  # the commune's name, as the place of a document: "Hoàng Hợp"
    code: str  # the administrative unit's code, "" when not set
    body: str  # the issuing body: "Ủy ban nhân dân xã Hoàng Hợp"
    superior: str  # "Ủy ban nhân dân tỉnh Thanh Hóa"
    addressee: str  # "Liên đoàn Lao động tỉnh Thanh Hóa"
    leaders: tuple[Leader, ...]

    @property
    def slug(self) -> str:
        return ascii_slug(self.place)

    def leader(self, name: str) -> Leader | None:
        return next((leader for leader in self.leaders if leader.name == name), None)


def from_settings() -> Identity:
    """The commune as the settings describe it: what the first commune row was made from,
    and what stands in while the communes table is empty."""
    return Identity(
        place=settings.PORTAL_COMMUNE_NAME,
        code=settings.PORTAL_COMMUNE_CODE,
        body=settings.PORTAL_COMMUNE_BODY,
        superior=settings.PORTAL_SUPERIOR_BODY,
        addressee=settings.PORTAL_REPORT_ADDRESSEE,
        leaders=tuple(Leader(title, name) for title, name in settings.PORTAL_COMMUNE_LEADERS),
    )


def ascii_slug(text: str) -> str:
    """'Hoàng Hợp' -> 'hoang-hop', 'Đông Sơn' -> 'dong-son' (slugify alone drops Đ)."""
    text = unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D")
    return slugify(text)
