"""The ranges a value may take when it enters Yingshang, written once per kind of value and used
by every API schema (pydantic `Annotated` types) and every form (Django form fields).

A value outside its range is refused at the edge — 422 naming the field in the API, the form's
message on a page — and never reaches the database, where it would break every page that later
reads the row (`lat=1e300` once did: the decimal column could not convert it back).

    class OrderIn(Schema):
        content: inputs.Text[4000]
        lat: inputs.Latitude | None = None

    def list_orders(request, limit: inputs.Limit = 50, offset: inputs.Offset = 0): ...

    class OrderForm(forms.Form):
        lat = inputs.LatitudeField(required=False)
"""

import datetime as dt
import decimal
import logging
from decimal import Decimal
from typing import Annotated

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, Field, StringConstraints

log = logging.getLogger(__name__)

# --- bounds (one place) --------------------------------------------------------------------
DB_ID_MAX = 2**63 - 1  # a bigint primary key; anything larger matches nothing
OFFSET_MAX = 1_000_000  # deeper than any list a person pages through; a crawler uses `since`
LIMIT_MAX = 500  # NINJA_PAGINATION_MAX_LIMIT
COUNT_MAX = 1_000_000  # copies, visits, persons, working days …
AMOUNT_MAX = Decimal("1000000000000")  # 1e12 yuan (10^4 亿): more than a county ever moves
DATE_MIN = dt.date(1900, 1, 1)  # a firm's founding, a birth date
DATE_MAX = dt.date(2199, 12, 31)  # a deadline, a licence's expiry

# the usual text sizes (characters): a name, a line (title, address), a text (content, reply)
NAME_MAX = 100
LINE_MAX = 300
TEXT_MAX = 4000
LONG_TEXT_MAX = 20000
# the ceiling under every text value of a request (apiaccess.middleware): a guide, an article
FIELD_MAX = 50000


def _date_in_range(value):
    day = value.date() if isinstance(value, dt.datetime) else value
    if day is not None and not (DATE_MIN <= day <= DATE_MAX):
        raise ValueError(f"date must be between {DATE_MIN} and {DATE_MAX}")
    return value


# --- API (pydantic) ------------------------------------------------------------------------
Latitude = Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)]
Longitude = Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6)]
LatitudeFloat = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
LongitudeFloat = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Amount = Annotated[Decimal, Field(ge=0, le=AMOUNT_MAX, max_digits=16, decimal_places=2)]
Count = Annotated[int, Field(ge=0, le=COUNT_MAX)]
DbId = Annotated[int, Field(ge=1, le=DB_ID_MAX)]
Offset = Annotated[int, Field(ge=0, le=OFFSET_MAX)]
Limit = Annotated[int, Field(ge=1, le=LIMIT_MAX)]
Year = Annotated[int, Field(ge=DATE_MIN.year, le=DATE_MAX.year)]  # a plan year, a report year
Date = Annotated[dt.date, AfterValidator(_date_in_range)]
DateTime = Annotated[dt.datetime, AfterValidator(_date_in_range)]


class _Text:
    """`Text[n]`: a string of at most n characters."""

    def __class_getitem__(cls, max_length: int):
        return Annotated[str, StringConstraints(max_length=max_length)]


Text = _Text
Name = Text[NAME_MAX]
Line = Text[LINE_MAX]
Content = Text[TEXT_MAX]


# --- pages (Django forms) ------------------------------------------------------------------
class LatitudeField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("纬度"))
        super().__init__(min_value=-90, max_value=90, max_digits=9, decimal_places=6, **kwargs)


class LongitudeField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("经度"))
        super().__init__(min_value=-180, max_value=180, max_digits=9, decimal_places=6, **kwargs)


class AmountField(forms.DecimalField):
    def __init__(self, **kwargs):
        super().__init__(
            min_value=0, max_value=AMOUNT_MAX, max_digits=16, decimal_places=2, **kwargs
        )


class CountField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", COUNT_MAX)
        super().__init__(**kwargs)


class DateField(forms.DateField):
    default_validators = [MinValueValidator(DATE_MIN), MaxValueValidator(DATE_MAX)]


# --- rows already stored (models) ----------------------------------------------------------
class TolerantDecimalField(models.DecimalField):
    """A DecimalField that reads a value it cannot represent (stored before the edge checked
    it: SQLite keeps whatever it was given) as empty, and logs it, instead of failing every page
    and feed that lists the row. Migrations see a plain DecimalField."""

    @cached_property
    def context(self):
        # SQLite's converter quantizes a stored value with this context: without the
        # InvalidOperation trap an out-of-range value becomes NaN (then None below)
        return decimal.Context(prec=self.max_digits, traps=[])

    def get_db_converters(self, connection):
        # only SQLite keeps what it was given; PostgreSQL's numeric(9, 6) refused it at the
        # insert, and a converter per row costs the Open311 list ~2 ms per 1,000 rows
        converters = super().get_db_converters(connection)
        if connection.vendor == "sqlite":
            return converters
        return [c for c in converters if c != self.from_db_value]

    def from_db_value(self, value, expression, connection):
        if isinstance(value, Decimal) and not value.is_finite():
            log.warning("unreadable decimal in %s shown as empty", self.model._meta.label)
            return None
        return value

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs
