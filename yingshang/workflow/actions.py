"""One action registry per stateful app (`<app>/actions.py`) drives both its staff pages and its
API: name → input schema, what to run, button label, the ability that gates it.

    ORDER_ACTIONS = ActionSet(WorkOrder, table=ORDER, prefix="HOTLINE", actions=[
        Action("sign", _("签收"), run=lambda *, actor, obj, data, files: services.workorder_sign(
            actor=actor, order=obj)),
        Action("return", _("退回"), ReasonIn, run=...),
    ])

    # api.py: POST /orders/{order_id}/<name> for every action, each with its own schema in OpenAPI
    ORDER_ACTIONS.add_routes(router, "/orders/{order_id}", fetch=_get, respond=order_out_of, ...)
    # views.py: one view for every button
    result = ORDER_ACTIONS.execute(name, actor=request.user, obj=order,
                                   data=ORDER_ACTIONS.form_data(name, request.POST),
                                   files=request.FILES)

Input that breaks the schema is a 400 with the field named, in the module's error format;
an unknown action is a 404 with the allowed names.
"""

import datetime as dt
import inspect
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ValidationError

from yingshang.errors import DomainError, InvalidInput
from yingshang.transitions import TransitionTable


class NoInput(Schema):
    """An action that takes nothing but the click."""


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    schema: type[Schema] = NoInput
    # run(actor=, obj=, data=<schema instance>, files=<uploaded files>) -> result
    run: Callable[..., Any] | None = None
    # or, when the schema's fields are the service's keyword arguments:
    # service(actor=, <ActionSet.target>=obj, **data)
    service: Callable[..., Any] | None = None
    ability: str = ""  # key of the model's abilities; the action's name when empty
    move: str | None = ""  # the transition-table move it makes; its name when "", None: no move
    confirm: str = ""  # a question the page asks before doing it (撤回, 终止)
    summary: str = ""  # API summary; the label when empty
    files: tuple[str, ...] = ()  # names of uploaded files it takes (pages: multipart form)
    style: str = "primary"  # button style on pages

    @property
    def ability_key(self) -> str:
        return self.ability or self.name

    @property
    def move_name(self) -> str | None:
        return self.name if self.move == "" else self.move


@dataclass
class ActionSet:
    model: type[models.Model]
    actions: list[Action]
    table: TransitionTable | None = None
    prefix: str = ""
    target: str = ""  # the services' keyword for the object ("order", "problem"); model name
    by_name: dict[str, Action] = field(init=False)

    def __post_init__(self) -> None:
        self.by_name = {a.name: a for a in self.actions}
        if len(self.by_name) != len(self.actions):
            raise ValueError(f"{self.model.__name__}: two actions share a name")
        for a in self.actions:
            if (a.run is None) == (a.service is None):
                raise ValueError(f"{self.model.__name__}.{a.name}: give run or service")
        if not self.target:
            self.target = self.model.__name__.lower()
        if not self.prefix:
            self.prefix = self.table.error_prefix if self.table else self.model.__name__.upper()

    # --- lookup -------------------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return [a.name for a in self.actions]

    def get(self, name: str) -> Action:
        action = self.by_name.get(name)
        if action is None:
            raise DomainError(
                f"{self.prefix}_UNKNOWN_ACTION",
                _("未知操作"),
                details={"action": name, "allowed": self.names},
                status=404,
            )
        return action

    def moves(self) -> set[str]:
        """The transition-table moves the registry offers (a test checks it equals the
        table's)."""
        return {a.move_name for a in self.actions if a.move_name}

    def buttons(self, abilities: dict) -> list[tuple[Action, Any]]:
        """(action, ability) for the page: available ones are truthy; a refused one carries its
        reason (workflow.Denied) when the abilities give it."""
        return [(a, abilities.get(a.ability_key, False)) for a in self.actions]

    # --- running ------------------------------------------------------------------------------
    def parse(self, name: str, data: dict | Schema | None) -> Schema:
        action = self.get(name)
        if isinstance(data, action.schema):
            return data
        if isinstance(data, Schema):
            data = data.model_dump()
        try:
            return action.schema.model_validate(data or {})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise InvalidInput(
                f"{self.prefix}_INVALID_INPUT",
                _("输入有误：%(field)s") % {"field": where or name},
                details={
                    "action": name,
                    "errors": [
                        {"field": ".".join(str(p) for p in e.get("loc", ())), "type": e["type"]}
                        for e in exc.errors()
                    ],
                },
            ) from None

    def execute(self, name: str, *, actor, obj, data=None, files=None):
        action = self.get(name)
        payload = self.parse(name, data)
        if action.service is not None:
            return action.service(actor=actor, **{self.target: obj}, **dict(payload))
        assert action.run is not None  # __post_init__: every action has run or service
        return action.run(actor=actor, obj=obj, data=payload, files=files or {})

    # --- pages --------------------------------------------------------------------------------
    def post(self, name: str, request, obj):
        """A page's POST of one action on `obj` (form fields and files of the request), on a
        staff or a portal page: the DomainError to show the user, or None when it was done."""
        from yingshang.errors import DomainError

        try:
            self.execute(
                name,
                actor=request.user,
                obj=obj,
                data=self.form_data(name, request.POST),
                files=request.FILES,
            )
        except DomainError as exc:
            return exc
        return None

    def form_data(self, name: str, post) -> dict:
        """A posted form (QueryDict) as the action's input: lists from repeated fields, empty
        optional fields as missing, check boxes and yes/no selects as booleans."""
        action = self.get(name)
        out: dict[str, Any] = {}
        for key, info in action.schema.model_fields.items():
            kind = _base(info.annotation)
            if kind in (list, tuple, set):
                values = [v for v in post.getlist(key) if v != ""]
                if values or key in post:
                    out[key] = values
                continue
            if key not in post:
                continue
            value = post.get(key, "")
            if kind is bool:
                value = _yes_no(value)
                if value is None:
                    continue
            elif value == "" and kind is not str:
                continue
            out[key] = value
        return out

    # --- API ----------------------------------------------------------------------------------
    def add_routes(
        self,
        router,
        path: str,
        *,
        fetch: Callable[[Any, Any], Any],
        respond: Callable[[Any, Any, Any], Any],
        response,
        key: tuple[str, type] = ("pk", int),
        only: list[str] | None = None,
    ) -> None:
        """POST `{path}/{name}` for each action (all of them, or `only`): `fetch(request, key)`
        gives the object (404 outside the scope), `respond(request, obj, result)` the body."""
        key_name, key_type = key
        for action in self.actions:
            if only is not None and action.name not in only:
                continue
            endpoint = self._endpoint(action, key_name, fetch, respond)
            endpoint.__signature__ = inspect.Signature(
                [
                    inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
                    inspect.Parameter(
                        key_name, inspect.Parameter.KEYWORD_ONLY, annotation=key_type
                    ),
                    inspect.Parameter(
                        "payload",
                        inspect.Parameter.KEYWORD_ONLY,
                        annotation=action.schema,
                        # an action without input may be posted with no body at all
                        **({"default": None} if action.schema is NoInput else {}),
                    ),
                ]
            )
            endpoint.__name__ = f"{self.model.__name__.lower()}_{action.name}"
            router.post(
                f"{path}/{action.name}",
                response=response,
                summary=action.summary or action.label,
                operation_id=f"{self.model._meta.app_label}_{endpoint.__name__}",
            )(endpoint)

    def _endpoint(self, action: Action, key_name: str, fetch, respond):
        def endpoint(request, **kwargs):
            obj = fetch(request, kwargs[key_name])
            result = self.execute(
                action.name,
                actor=request.auth,
                obj=obj,
                data=kwargs["payload"],
                files=getattr(request, "FILES", None),
            )
            return respond(request, obj, result)

        return endpoint


def _base(annotation) -> Any:
    """The plain type behind Optional[...] / list[...] (list, bool, int, str, …)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _base(args[0]) if len(args) == 1 else Any
    if origin is not None:
        return origin
    if annotation in (int, str, bool, float, Decimal, dt.date, dt.datetime):
        return annotation
    return annotation


def _yes_no(value: str) -> bool | None:
    value = (value or "").strip().lower()
    if value in ("1", "true", "on", "yes", "y", "是"):
        return True
    if value in ("0", "false", "off", "no", "n", "否"):
        return False
    return None
