"""What the fixed parts of an administrative document say (Decree 30/2020/NĐ-CP), for any format.

The header block, the number line, the place and date, "Nơi nhận" and the signature block, as
text and nothing else: core.xlsx_writing draws them as worksheet rows, and a Word rendering can
draw the same parts. The texts are translated when built, in the active language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The level word that starts the place in a body's name: "Ủy ban nhân dân | xã Hoàng Hợp".
_LEVEL = re.compile(r"\s(?=(?:xã|phường|thị trấn|đặc khu|huyện|quận|thị xã|thành phố|tỉnh)\s)", re.IGNORECASE)
# A signer title starting with this is a deputy's ("PHÓ CHỦ TỊCH"), who signs
# "KT. CHỦ TỊCH" (on behalf of the chair) above their own title.
DEPUTY_PREFIX = "PHÓ "


@dataclass(frozen=True)
class HeaderBlock:
    """The top of the first page: the issuing body on the left, the nation on the right,
    then the document's number on the left and its place and date on the right."""

    body: tuple[str, str]  # ("ỦY BAN NHÂN DÂN", "XÃ HOÀNG HỢP")
    national_title: str  # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    motto: str  # "Độc lập - Tự do - Hạnh phúc"
    number: str  # "Số:       /BC-UBND", the number left blank for the office to fill in
    place_and_date: str  # "Hoàng Hợp, ngày 05 tháng 01 năm 2026"


@dataclass(frozen=True)
class Recipients:
    """ "Nơi nhận": its heading and one entry per recipient, the archive ("Lưu: VT.") last."""

    heading: str
    entries: list[str]


@dataclass(frozen=True)
class Signature:
    """The signature block: the authority lines above the room to sign, the name below."""

    authority: list[str]  # ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    name: str


def body_lines(body: str) -> tuple[str, str]:
    """The issuing body as the header's two upper-case lines: ('ỦY BAN NHÂN DÂN',
    'XÃ HOÀNG HỢP'). A name without a level word stays whole on the first line."""
    body = " ".join(body.split())
    match = _LEVEL.search(body)
    if match is None:
        return body.upper(), ""
    return body[: match.start()].upper(), body[match.end() :].upper()


BLANK = "…"  # what the office fills in by hand: a number, a day, a month, a year


def place_and_date(place: str, when: date | None) -> str:
    """'Hoàng Hợp, ngày 05 tháng 01 năm 2026' (Decree 30/2020: days below 10 and the
    months January and February take a leading zero, other months do not); without a
    date, 'Hoàng Hợp, ngày … tháng … năm …' for the office to date it when it is signed."""
    if when is None:
        return _("%(place)s, %(day)s/%(month)s/%(year)s") % {
            "place": place,
            "day": BLANK,
            "month": BLANK,
            "year": BLANK,
        }
    return _("%(place)s, %(day)s/%(month)s/%(year)s") % {
        "place": place,
        "day": f"{when.day:02d}",
        "month": f"{when.month:02d}" if when.month <= 2 else str(when.month),
        "year": when.year,
    }


def number_line(number: int | None) -> str:
    """'Số: 15/BC-UBND', or 'Số:       /BC-UBND' with the number left for the office."""
    if number is None:
        return _("No.:      /BC-UBND")
    return _("No.: %(number)s/BC-UBND") % {"number": number}


@dataclass(frozen=True)
class Reference:
    """The report a set of appendices is attached to: its number and date (None: left for
    the office to fill in by hand), the body that issues it, who signs it, and, when it may
    only be a draft, why (DỰ THẢO)."""

    body: str
    number: int | None = None
    issued_on: date | None = None
    signer_title: str = ""
    signer_name: str = ""
    draft_note: str = ""  # "" when the report may be signed


HAND_BLANK = "……"  # a blank long enough to fill in by hand on paper


def attached_line(reference: Reference) -> str:
    """'(Kèm theo Báo cáo số 15/BC-UBND ngày 05/01/2026 của Ủy ban nhân dân xã Hoàng Hợp)', the
    line under an appendix's title; what the report does not yet know is left dotted:
    '(Kèm theo Báo cáo số ……/BC-UBND ngày ……/……/…… của …)'."""
    when = reference.issued_on
    return _("(Attached to report No. %(number)s/BC-UBND of %(date)s of the %(body)s)") % {
        "number": reference.number if reference.number is not None else HAND_BLANK,
        "date": when.strftime("%d/%m/%Y") if when else "/".join([HAND_BLANK] * 3),
        "body": reference.body,
    }


def header_block(*, body: str, place: str, when: date | None, number: int | None = None) -> HeaderBlock:
    """The header block of a report (BC-UBND) that `body` issues at `place` on `when`
    (None: left blank), numbered `number` (None: left blank)."""
    return HeaderBlock(
        body=body_lines(body),
        national_title=_("SOCIALIST REPUBLIC OF VIETNAM"),
        motto=_("Independence - Freedom - Happiness"),
        number=number_line(number),
        place_and_date=place_and_date(place, when),
    )


def recipients(*, addressee: str, superior: str) -> Recipients:
    """Whom a report goes to: the addressee, the superior body if it is another, and the
    issuing body's archive ("Lưu: VT")."""
    entries = [_("%(addressee)s (for reporting);") % {"addressee": addressee}]
    if superior and superior != addressee:
        entries.append(_("%(addressee)s (for reporting);") % {"addressee": superior})
    entries.append(_("Archived: VT."))
    return Recipients(heading=_("Recipients:"), entries=entries)


# Why a document goes to a recipient, as Nơi nhận writes it after the name.
PURPOSES = {
    "b/c": gettext_lazy("for reporting"),  # báo cáo
    "p/h": gettext_lazy("for coordination"),  # phối hợp
    "t/h": gettext_lazy("for implementation"),  # thực hiện
}


def recipient_list(entries: list[tuple[str, str]], *, archive: str) -> Recipients:
    """ "Nơi nhận" from (name, purpose code) pairs: '- Liên đoàn Lao động tỉnh (b/c);', the
    archive last ('- Lưu: VT, VHXH.')."""
    lines = [f"{name} ({purpose});" for name, purpose in entries]
    lines.append(_("Archived: %(archive)s.") % {"archive": archive})
    return Recipients(heading=_("Recipients:"), entries=lines)


def signature(*, body: str, signer_title: str, signer_name: str) -> Signature:
    """'TM. ỦY BAN NHÂN DÂN' / 'CHỦ TỊCH' above the signer's name; the chair when no title
    is given. A deputy signs 'KT. CHỦ TỊCH' (on behalf of the chair) above their own title."""
    title = (signer_title or _("CHAIRMAN")).upper()
    authority = [_("ON BEHALF OF THE %(body)s") % {"body": body_lines(body)[0]}]
    if title.startswith(DEPUTY_PREFIX):
        authority.append(_("FOR THE %(title)s") % {"title": _("CHAIRMAN")})
    authority.append(title)
    return Signature(authority=authority, name=signer_name)
