"""The eligibility rule language: errors name the field and the place; the ORM form and the
Python form agree with a hand-written query."""

import datetime as dt

import pytest
from django.db.models import Exists, OuterRef, Q

from yingshang.credit.models import CreditSubject, DishonestListing
from yingshang.enterprises.models import Firm
from yingshang.errors import InvalidInput
from yingshang.policies import rules
from yingshang.policies.services.entitled import entitled_firms

from .conftest import make_firm


@pytest.mark.parametrize(
    ("text", "position", "says"),
    [
        ("size = huge", 8, "规模应为"),
        ("colour = red", 1, "未知字段“colour”"),
        ("size in [small", 15, "条件不完整"),
        ("industry = C C", 14, "多余的"),
        ("established_on < 2020-13-01", 18, "日期应写作"),
        ("age_years >= 2.5", 14, "整数"),
        ("dishonest > 1", 11, "不能用“>”比较"),
        ("(size = small", 14, "条件不完整"),
        ("industry = Z", 12, "门类字母"),
        ("age_years >= 99999", 14, "0–500"),
    ],
)
def test_a_rule_that_does_not_parse_is_refused_naming_field_and_place(text, position, says):
    with pytest.raises(InvalidInput) as caught:
        rules.parse(text, field="rule")
    err = caught.value
    assert err.code == "POLICY_RULE_INVALID"
    assert err.details == {"field": "rule", "position": position}
    assert f"第 {position} 个字符" in err.message and says in err.message


def test_chinese_and_english_spellings_give_the_same_rule():
    a = rules.parse("size in [small, micro] and industry = C and not dishonest")
    b = rules.parse("规模属于[小型,微型]且行业=C且非失信")
    strip = lambda n: repr(n).replace("text=", "")  # noqa: E731
    assert [type(p) for p in a.parts] == [type(p) for p in b.parts]
    assert [getattr(p, "value", None) for p in a.parts] == [
        getattr(p, "value", None) for p in b.parts
    ]
    assert strip(a) != ""  # both parse


@pytest.fixture
def county(db, personas):
    """Thirty firms across sizes, industries, towns and ages; two on the dishonest list."""
    sizes = ["small", "micro", "medium", "large", ""]
    codes = ["C13", "C", "F5211", "I65", "", "H61"]
    regions = ["139999100000", "139999101000", "139999102000", ""]
    firms = []
    for n in range(30):
        firms.append(
            make_firm(
                n + 1,
                size=sizes[n % 5],
                industry_code=codes[n % 6],
                region_code=regions[n % 4],
                established_on=None
                if n % 7 == 0
                else dt.date(2015 + n % 10, 1 + n % 12, 1 + n % 27),
            )
        )
    for f in firms[2:4]:
        subject = CreditSubject.objects.create(firm=f)
        DishonestListing.objects.create(
            subject=subject, reason="拒不履行", listed_at="2026-01-01T00:00:00Z", active=True
        )
    return firms


ON = dt.date(2026, 6, 15)


def _listed():
    return Exists(
        DishonestListing.objects.filter(subject__firm=OuterRef("pk"), active=True).filter(
            Q(until__isnull=True) | Q(until__gte=ON)
        )
    )


HAND_WRITTEN = [
    (
        "规模 in [小型, 微型] 且 行业 = C 且 非 失信",
        lambda: Firm.objects.annotate(listed=_listed()).filter(
            size__in=["small", "micro"], industry_code__startswith="C", listed=False
        ),
    ),
    (
        "age_years >= 5 and region = 139999101",
        # whole years on 2026-06-15: established on or before 2021-06-15
        lambda: Firm.objects.filter(
            established_on__lte=dt.date(2021, 6, 15), region_code__startswith="139999101"
        ),
    ),
    (
        "industry != C or size = large",
        lambda: Firm.objects.filter(
            (~Q(industry_code="") & ~Q(industry_code__startswith="C")) | Q(size="large")
        ),
    ),
    (
        "not (established_on < 2020-01-01) and size not in [medium]",
        lambda: (
            Firm.objects.exclude(established_on__lt=dt.date(2020, 1, 1))
            .exclude(size="")
            .exclude(size="medium")
        ),
    ),
    ("失信", lambda: Firm.objects.annotate(listed=_listed()).filter(listed=True)),
    ("", lambda: Firm.objects.all()),
]


@pytest.mark.parametrize(("rule", "query"), HAND_WRITTEN, ids=[r for r, _q in HAND_WRITTEN])
def test_entitled_firms_equal_a_hand_written_query(county, rule, query):
    compiled, used = entitled_firms(rule, on=ON)
    expected = set(query().values_list("pk", flat=True))
    assert set(compiled.values_list("pk", flat=True)) == expected
    assert expected, "the county fixture must give each rule something to match"
    # and the Python form (one firm at a time, used at application time) agrees
    tree = rules.parse(rule)
    one_by_one = {
        f.pk for f in Firm.objects.all() if rules.holds(tree, rules.firm_facts(f, used, ON))
    }
    assert one_by_one == expected


def test_age_in_whole_years_counts_the_birthday():
    assert rules.age(dt.date(2021, 6, 15), ON) == 5
    assert rules.age(dt.date(2021, 6, 16), ON) == 4
    assert rules.age(dt.date(2020, 2, 29), dt.date(2024, 2, 28)) == 3


def test_unmet_names_the_failing_clauses():
    tree = rules.parse("规模 = 小型 且 行业 = C 且 成立年限 >= 3")
    facts = {"size": "medium", "industry": "C", "age_years": 1}
    assert rules.unmet(tree, facts) == ["规模 = 小型", "成立年限 >= 3"]
