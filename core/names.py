"""People's names in Vietnamese order (family and middle names first, the given name last).

Django's user model stores `first_name` (the given name) and `last_name` (family and middle
names) and its own `get_full_name()` puts them in Western order; every name the portal shows
or splits goes through here instead. It sits in `core` because names are a formatting rule,
like numbers and dates, that the change history and the template filters need too.
"""

from __future__ import annotations


def split_full_name(full_name: str) -> tuple[str, str]:
    """(family and middle names, given name): "Nguyễn Thị Lan" -> ("Nguyễn Thị", "Lan")."""
    words = full_name.split()
    if len(words) < 2:
        return "", full_name.strip()
    return " ".join(words[:-1]), words[-1]


def full_name_of(user) -> str:
    """The user's name in Vietnamese order, or the username when no name is recorded."""
    return " ".join(part for part in (user.last_name, user.first_name) if part) or user.get_username()
