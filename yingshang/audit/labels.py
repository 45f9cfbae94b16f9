"""How histories read: human labels of audit actions, fields and object types, registered by each
app in its AppConfig.ready, so a timeline says "受理" instead of "case.accept" and "是否满意" instead
of "satisfied".

- `register({"case.accept": _("受理")})`: the label of an action.
- `register_fields("hotline.workorder", {"days": _("延期天数"), "method": Field(_("送达方式"),
  choices=Delivery.Method.choices)})`: labels (and value labels) of keys that are not model
  fields, or that need better wording than the model's verbose_name. Model fields need nothing:
  their verbose_name, choices and related objects are used as they are.
- `register_sentences({"hotline.dispatch": _("派单至{main_unit_id}")})`: one sentence for an
  action, filled with the formatted new values (`{key__before}`: the old value); used when every
  value it names is there, the keys it uses are then not listed again.
- `register_object_types({"catalog.import": _("事项目录导入")})`: names of object types that are
  not models (models use their verbose_name).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Text = str | Promise


@dataclass(frozen=True)
class Field:
    """How one key of an event's changes reads. `choices`: stored value → label. `lookup`: turns a
    set of stored values (e.g. primary keys) into {value: label} with one query, for the whole
    page at once. `percent`: a ratio shown as a percentage."""

    label: Text
    choices: Mapping[Any, Text] | Iterable[tuple[Any, Text]] | None = None
    lookup: Callable[[set], Mapping[Any, str]] | None = None
    percent: bool = False

    def value_labels(self) -> dict:
        return dict(self.choices or {})


# lazy: a label is translated when shown
_labels: dict[str, Text] = {
    "user.create": _("创建账号"),
    "role.grant": _("授予角色"),
    "role.revoke": _("撤销角色"),
    "unit.create": _("新建单位"),
    "unit.update": _("修改单位"),
    "apitoken.create": _("创建接口令牌"),
    "apitoken.revoke": _("撤销接口令牌"),
    "calendar.enter_year": _("录入年度工作日历"),
    "calendar.set_day": _("修改工作日历"),
    "calendar.schedule": _("修改工作时间"),
    "clock.recompute": _("按新日历重算时限"),
}
_fields: dict[str, dict[str, Field]] = {}
_sentences: dict[str, Text] = {}
_object_types: dict[str, Text] = {}
_field_models: dict[str, tuple[str, ...]] = {}

# Keys many apps record about objects that are not fields of the model itself ("*": any type).
_COMMON = {
    "status": _("状态"),
    "reason": _("原因"),
    "note": _("说明"),
    "items": _("事项"),
    "version": _("版本"),
    "number": _("编号"),
    "title": _("标题"),
    "name": _("名称"),
    "due_at": _("办理时限"),
    "done_at": _("完成时间"),
    "user": _("账号"),
    "unit": _("单位"),
    "role": _("角色"),
}


def register(labels: dict[str, Text]) -> None:
    _labels.update(labels)


def register_fields(object_type: str, fields: Mapping[str, Text | Field]) -> None:
    bucket = _fields.setdefault(object_type, {})
    for key, spec in fields.items():
        bucket[key] = spec if isinstance(spec, Field) else Field(spec)


def register_field_models(object_type: str, *models_: str) -> None:
    """Events about `object_type` record fields of these models too (a matter's events carry the
    fields of its version): their labels apply."""
    _field_models[object_type] = (*_field_models.get(object_type, ()), *models_)


def register_sentences(sentences: Mapping[str, Text]) -> None:
    _sentences.update(sentences)


def register_object_types(types: Mapping[str, Text]) -> None:
    _object_types.update(types)


def label(action: str) -> str:
    return str(_labels.get(action, action))


def actions_matching(text: str) -> list[str]:
    """Action codes whose label contains `text` (the search page looks for "受理", not codes)."""
    text = text.strip()
    return [code for code, lbl in _labels.items() if text and text in str(lbl)]


def sentence(action: str) -> str:
    return str(_sentences.get(action, ""))


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _has_own_name(verbose_name, name: str) -> bool:
    """Django's default verbose_name is the field name with spaces: that is English, not a
    label anyone chose."""
    return bool(verbose_name) and str(verbose_name) != name.replace("_", " ")


def _related_lookup(model: type[models.Model], to_field: str = "pk") -> Callable[[set], dict]:
    """{stored value: name} for a relation. Events store the primary key, or (written before the
    row had one, or for people to read) the related row's unique `code`."""
    if to_field == model._meta.pk.attname:
        to_field = "pk"
    by_code = any(
        f.name == "code" and getattr(f, "unique", False) for f in model._meta.concrete_fields
    )

    def lookup(values: set) -> dict:
        keys = [v for v in values if isinstance(v, (int, str)) and not isinstance(v, bool)]
        out: dict = {}
        if to_field != "pk":
            rows = model._default_manager.filter(**{f"{to_field}__in": keys})
            return {getattr(o, to_field): str(o) for o in rows}
        pks = [v for v in keys if isinstance(v, int)]
        if pks:
            out.update({o.pk: str(o) for o in model._default_manager.filter(pk__in=pks)})
        codes = [v for v in keys if isinstance(v, str)]
        if codes and by_code:
            rows = model._default_manager.filter(code__in=codes)
            out.update({o.serializable_value("code"): str(o) for o in rows})
        return out

    return lookup


def related_names(model_label: str) -> Callable[[set], dict]:
    """A `Field(lookup=...)` naming rows of another model by primary key or code, for keys that
    hold a reference without being a relation (e.g. a topic code)."""

    def lookup(values: set) -> dict:
        model = _model(model_label)
        return _related_lookup(model)(values) if model is not None else {}

    return lookup


def _model_field(object_type: str, key: str) -> tuple[Text | None, Field | None]:
    """(the field's own label or None, how its values read) of a model field."""
    model = _model(object_type)
    if model is None:
        return None, None
    for f in model._meta.get_fields():
        if not isinstance(f, models.Field):
            continue  # reverse relations (named by the other side), generic keys
        if key not in (f.name, f.attname):
            continue
        own = f.verbose_name if _has_own_name(f.verbose_name, f.name) else None
        related = f.related_model if (f.many_to_one or f.many_to_many) else None
        to_field = "pk"
        if isinstance(f, models.ForeignKey):
            to_field = f.target_field.attname
        return own, Field(
            own or "",
            choices=dict(f.flatchoices) if getattr(f, "choices", None) else None,
            lookup=_related_lookup(related, to_field) if isinstance(related, type) else None,
        )
    return None, None


def field(object_type: str, key: str) -> Field | None:
    """How `key` of an event about `object_type` reads: registered, else the model's own field
    (or that of a model registered to stand in for it), else a key common to all apps; None when
    nobody has named it."""
    registered = _fields.get(object_type, {}).get(key)
    values = None
    for candidate in (object_type, *_field_models.get(object_type, ())):
        own, found = _model_field(candidate, key)
        if registered is None and own is not None:
            return found
        values = values or found
    if registered is not None:
        if registered.choices is None and registered.lookup is None and values is not None:
            # a better label for a model field: its values still read as the model's
            return replace(values, label=registered.label, percent=registered.percent)
        return registered
    common = _COMMON.get(key)
    if common is not None:
        return replace(values, label=common) if values is not None else Field(common)
    return None


def object_type_label(object_type: str) -> str:
    if object_type in _object_types:
        return str(_object_types[object_type])
    model = _model(object_type)
    if model is not None and not str(model._meta.verbose_name).isascii():
        return str(model._meta.verbose_name)
    return object_type


def object_type_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Object types a person may search for, grouped by module: every model of the project that
    has a Chinese name (the domain objects; machinery keeps Django's English default), and the
    registered non-model types."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("yingshang."):
            continue
        for model in config.get_models():
            if str(model._meta.verbose_name).isascii():
                continue
            groups.setdefault(str(config.verbose_name), []).append(
                (model._meta.label_lower, str(model._meta.verbose_name))
            )
    for code, name in _object_types.items():
        app = apps.app_configs.get(code.split(".")[0])
        groups.setdefault(str(app.verbose_name) if app else str(_("其他")), []).append(
            (code, str(name))
        )
    return [(group, sorted(items, key=lambda i: i[1])) for group, items in groups.items()]
