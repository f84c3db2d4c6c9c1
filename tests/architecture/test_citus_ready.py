"""The models keep the rules that let Citus spread the organisations' schemas over servers
(docs/scaling.md): 64-bit keys, no foreign key out of an organisation's schema except to a public
reference table, and none from public into an organisation's schema.

The rules are read from the app registry, so a new model or field is checked without a change here.
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

ROOT = Path(settings.BASE_DIR).resolve()
# Public tables that organisations' tables may point at: under Citus they are reference tables,
# copied to every server. The product catalogue, and the operator's shared instructions and
# courses that every organisation reads (its own instructions may adapt them).
REFERENCE_TABLES = {"tenants.Product"} | {
    model._meta.label for model in apps.get_app_config("knowledgebase_shared").get_models(include_auto_created=True)
}
# Django's and django-otp's own tables with 32-bit keys: a fixed handful of rows per schema
# (content types, permissions, groups, second-factor devices of operator staff), never near 2³¹.
SMALL_THIRD_PARTY_TABLES = {
    "contenttypes.ContentType",
    "auth.Permission",
    "auth.Group",
    "auth.Group_permissions",
    "otp_totp.TOTPDevice",
}
TENANT_APPS = {apps.get_app_config(name.rsplit(".", 1)[-1]).label for name in settings.TENANT_APPS}
SHARED_APPS = {config.label for config in apps.get_app_configs() if config.name in settings.SHARED_APPS}


def _ours(model: type[models.Model]) -> bool:
    return Path(model._meta.app_config.path).resolve().is_relative_to(ROOT)


def _all_models() -> list[type[models.Model]]:
    return list(apps.get_models(include_auto_created=True))


def _foreign_keys() -> list[tuple[type[models.Model], models.Field]]:
    return [
        (model, field)
        for model in _all_models()
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False) and field.is_relation and (field.many_to_one or field.one_to_one)
    ]


def test_every_automatic_key_is_64_bit():
    narrow = [
        model._meta.label
        for model in _all_models()
        if isinstance(model._meta.pk, models.AutoField)
        and not isinstance(model._meta.pk, models.BigAutoField)
        and model._meta.label not in SMALL_THIRD_PARTY_TABLES
    ]
    assert narrow == []
    assert settings.DEFAULT_AUTO_FIELD == "django.db.models.BigAutoField"


def test_every_integer_that_holds_another_tables_id_is_64_bit():
    narrow = [
        f"{model._meta.label}.{field.name}"
        for model in _all_models()
        if _ours(model)
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False)
        and not field.is_relation
        and field.name.endswith("_id")
        and isinstance(field, models.IntegerField)
        and not isinstance(field, models.BigIntegerField | models.PositiveBigIntegerField)
    ]
    assert narrow == []


def test_organisations_tables_point_only_into_their_own_schema_or_at_reference_tables():
    outside = [
        f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}"
        for model, field in _foreign_keys()
        if model._meta.app_label in TENANT_APPS
        and field.related_model._meta.app_label not in TENANT_APPS
        and field.related_model._meta.label not in REFERENCE_TABLES
    ]
    assert outside == []


def test_no_public_table_points_into_an_organisations_schema():
    inward = [
        f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}"
        for model, field in _foreign_keys()
        if model._meta.app_label not in TENANT_APPS and field.related_model._meta.app_label not in SHARED_APPS
    ]
    assert inward == []


def test_reference_tables_point_only_at_other_public_tables():
    # Citus copies a reference table to every server; it may only refer to other reference tables,
    # and `manage.py citus_distribute` makes every public table one (operator staff included).
    for label in REFERENCE_TABLES:
        model = apps.get_model(label)
        assert model._meta.app_label in SHARED_APPS and model._meta.app_label not in TENANT_APPS
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) and field.is_relation:
                assert field.related_model._meta.app_label in SHARED_APPS, f"{label}.{field.name}"


def test_the_rules_see_every_app():
    # A rule over an empty list proves nothing: the registry holds the apps these rules are about.
    assert {"tickets", "support", "satisfaction", "accounts"} <= TENANT_APPS
    assert {"tenants", "escalations"} <= SHARED_APPS
    assert any(model._meta.label == "tickets.Ticket" for model in _all_models())
