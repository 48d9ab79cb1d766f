"""Tax codes (mã số thuế): 10 digits, or 10 digits, a hyphen and 3 for a branch."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TAX_CODE_RE = re.compile(r"^\d{10}(-\d{3})?$")


def validate_tax_code(value: str) -> None:
    """A Vietnamese tax code: 10 digits, or 10 digits, a dash and 3 digits for a branch."""
    if not TAX_CODE_RE.match(value or ""):
        raise ValidationError(
            _(
                "Tax code “%(value)s” is not valid: it must be 10 digits, or 10 digits, a dash and 3 digits for a branch (e.g. 2800123456 or 2800123456-001)."
            ),
            code="invalid_tax_code",
            params={"value": value},
        )


def normalize_tax_code(value) -> str:
    """Strip spaces and dots people type or Excel leaves; keep the dash of a branch."""
    text = str(value if value is not None else "").strip()
    if text.endswith(".0") and text[:-2].isdigit():  # a number cell read as float
        text = text[:-2]
    return re.sub(r"[\s.]", "", text)
