"""Every row a commune owns carries its commune (issue 17).

The roots of a commune's data (its enterprises, its plan, its reporting periods) name their
commune; every row below them (officers, workers, tasks, activities, evidence, indicators,
reports, figures, totals, logs) carries a copy of its root's commune, `CommuneOwned.commune`.
The copy is what lets each table be filtered, constrained and distributed by commune alone
(the unique constraints start with it; a distributed PostgreSQL shards on it, README) without a
join to its root.

No query escapes its commune: every commune-owned model's default manager is
`commune_manager()`, a django-scopes manager on the dimension `commune`. Inside
`scope(commune=c)` (a request's, opened by `communes.current.CommuneScopeMiddleware`; a
command's, per commune) it answers only commune c's rows; outside any scope a query raises
`ScopeError` instead of reading every commune's; `every_commune()` is the deliberate way across.

A child never chooses its commune: `save()` and `bulk_create()` copy it from the parent named
by the model's `commune_from`, so a row cannot disagree with its parent. A root created without
a commune gets `default_commune()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager, get_scope
from django_scopes.manager import DisabledQuerySet


class NoCommune(LookupError):
    """A commune-owned root was created where no commune is in scope and the installation
    serves several: the code creating it must say whose it is."""


def commune_in_scope():
    """The commune of the scope the code runs in (`django_scopes.scope(commune=…)`, a
    `Commune` or its pk), or None outside one and inside `every_commune()`."""
    from .models import Commune

    in_scope = (get_scope() or {}).get("commune")
    if isinstance(in_scope, Commune):
        return in_scope
    if isinstance(in_scope, int):
        return Commune.objects.filter(pk=in_scope).first()
    return None  # no scope, every commune's, or a page of no commune (an empty list)


def default_commune() -> int:
    """The commune of a new root row whose creator names none: the commune in scope (a
    request's, a command's), else the installation's only active commune."""
    from .models import Commune

    if (in_scope := commune_in_scope()) is not None:
        return in_scope.pk
    active = list(Commune.objects.active().values_list("pk", flat=True)[:2])
    if len(active) == 1:
        return active[0]
    served = Commune.objects.served()
    if served is not None and len(active) == 0:
        return served.pk
    raise NoCommune("No commune in scope: say which commune the new row belongs to.")


def commune_key(**kwargs) -> models.ForeignKey:
    """The commune column of a commune-owned table."""
    options = {
        "on_delete": models.PROTECT,
        "related_name": "+",
        "verbose_name": _("commune"),
        "editable": False,
    }
    options.update(kwargs)
    return models.ForeignKey("communes.Commune", **options)


def _parent_commune(obj: models.Model) -> int | None:
    """The commune of `obj`'s parent (`commune_from`), read from the parent when it is loaded,
    else from the database."""
    name = obj.commune_from
    field = obj._meta.get_field(name)
    if field.is_cached(obj):
        parent = getattr(obj, name)
        return None if parent is None else parent.commune_id
    parent_id = getattr(obj, field.attname)
    if parent_id is None:
        return None
    return field.related_model._base_manager.filter(pk=parent_id).values_list("commune_id", flat=True).first()


def fill_communes(objs: Iterable[models.Model]) -> None:
    """Copy each child's commune from its parent where it is not set yet, reading the parents
    not loaded in one query per parent model (for bulk_create)."""
    objs = [obj for obj in objs if obj.commune_id is None]
    if not objs:
        return
    name = objs[0].commune_from
    field = objs[0]._meta.get_field(name)
    missing = {getattr(obj, field.attname) for obj in objs if not field.is_cached(obj)}
    communes = dict(
        field.related_model._base_manager.filter(pk__in=missing).values_list("pk", "commune_id") if missing else ()
    )
    for obj in objs:
        if field.is_cached(obj):
            parent = getattr(obj, name)
            obj.commune_id = None if parent is None else parent.commune_id
        else:
            obj.commune_id = communes.get(getattr(obj, field.attname))


class CommuneOwnedQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if objs and getattr(self.model, "commune_from", None):
            fill_communes(objs)
        elif any(obj.commune_id is None for obj in objs):
            commune = default_commune()
            for obj in objs:
                if obj.commune_id is None:
                    obj.commune_id = commune
        return super().bulk_create(objs, *args, **kwargs)


# What a query outside any scope may still do: make rows (their commune comes from their parent
# or the scope), and nothing. django-scopes refuses most of the rest; these close what it lets
# through (`exists()`, `exclude()`, `in_bulk()`, `contains()`, `select_related()`, …), each of
# which would read every commune's rows.
ALLOWED_OUTSIDE_A_SCOPE = {"create", "acreate", "bulk_create", "abulk_create", "none", "using"}
REFUSED_OUTSIDE_A_SCOPE = {
    name: DisabledQuerySet.error
    for name, value in vars(models.QuerySet).items()
    if not name.startswith("_")
    and callable(value)
    and not isinstance(value, (classmethod, staticmethod))
    and name not in ALLOWED_OUTSIDE_A_SCOPE
}


def commune_manager(queryset_class: type[models.QuerySet] = CommuneOwnedQuerySet) -> models.Manager:
    """The default manager of a commune-owned model: `queryset_class`'s methods, filtered by
    the commune in scope. Outside a scope every query raises `ScopeError`, the model's own
    methods (`Enterprise.objects.active()`) too; creating rows and `.none()` still work.

    Related managers (`enterprise.workers`) derive from it and are scoped the same way;
    `_base_manager` (following a foreign key, saving, deleting) stays Django's plain manager."""
    scoped = ScopedManager(commune="commune", _manager_class=models.Manager.from_queryset(queryset_class)).__class__
    unscoped = type(f"Unscoped{queryset_class.__name__}", (DisabledQuerySet, queryset_class), REFUSED_OUTSIDE_A_SCOPE)

    class CommuneManager(scoped):
        def get_queryset(self):
            queryset = super().get_queryset()
            if type(queryset) is DisabledQuerySet:
                # The same refusal, with the model's own methods to refuse through.
                return unscoped(self.model, using=self._db, missing_scopes=queryset.missing_scopes)
            return queryset

    CommuneManager.__name__ = CommuneManager.__qualname__ = f"CommuneManagerFrom{queryset_class.__name__}"
    return CommuneManager()


class CommuneOwned(models.Model):
    """A row of one commune's data. Roots leave `commune_from` empty and take the commune
    given, or `default_commune()`; children copy their parent's."""

    commune_from: ClassVar[str | None] = None

    commune = commune_key()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.fill_commune()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        # The commune is the code's, never typed: filled, not checked against the database
        # (which a foreign key's validation would do once for every row of an import).
        self.fill_commune()
        super().clean_fields(exclude={*(exclude or ()), "commune"})

    def validate_constraints(self, exclude=None):
        # The commune is never a form's field, yet every unique constraint starts with it:
        # judge them with the commune the row will be saved with.
        self.fill_commune()
        super().validate_constraints(exclude=set(exclude or ()) - {"commune"})

    def fill_commune(self) -> None:
        if self.commune_id is None:
            # A child whose parent is optional and absent (an officials' digest names no
            # period) belongs to the commune in scope, as a root does.
            self.commune_id = (_parent_commune(self) if self.commune_from else None) or default_commune()
