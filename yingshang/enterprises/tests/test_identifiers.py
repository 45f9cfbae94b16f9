"""Firm codes are stored normalised (issue 17): the data migration brings old rows to the one
form without merging two firms, and the demo county's identifiers all pass their checks."""

import importlib
import pathlib

import pytest
import yaml
from django.apps import apps

from yingshang.enterprises.models import Firm
from yingshang.enterprises.selectors import firm_by_uscc
from yingshang.errors import InvalidInput
from yingshang.org import identifiers
from yingshang.org.models import User

pytestmark = pytest.mark.django_db
DEMO = pathlib.Path(__file__).resolve().parents[2] / "demo" / "data"


def test_migration_normalises_codes_and_keeps_a_clash_for_a_person(capsys):
    typed = Firm.objects.create(uscc="９１１１０１０８５５１３８５０８２ｑ", name="小米")
    clean = Firm.objects.create(uscc="91330100716105852F", name="阿里")
    clash = Firm.objects.create(uscc="91330100716105852f", name="阿里（重复录入）")
    module = importlib.import_module("yingshang.enterprises.migrations.0002_normalise_uscc")
    module.normalise_uscc(apps, None)
    assert Firm.objects.get(pk=typed.pk).uscc == "91110108551385082Q"
    assert Firm.objects.get(pk=clean.pk).uscc == "91330100716105852F"
    assert Firm.objects.get(pk=clash.pk).uscc == "91330100716105852f"  # left for a person
    assert "already taken" in capsys.readouterr().out


def test_org_migration_normalises_id_numbers_and_mobiles():
    user = User.objects.create_user(
        "typed",
        kind="person",
        id_number="１１０１０５１９４９１２３１００２ｘ",
        mobile="138 0013 80",
    )
    User.objects.filter(pk=user.pk).update(mobile="１３８００１３８０００")
    module = importlib.import_module("yingshang.org.migrations.0003_normalise_identifiers")
    module.normalise(apps, None)
    user.refresh_from_db()
    assert (user.id_number, user.mobile) == ("11010519491231002X", "13800138000")


def test_firm_lookup_refuses_a_wrong_code_and_finds_any_spelling():
    firm = Firm.objects.create(uscc="91110108551385082Q", name="小米")
    assert firm_by_uscc("9111 0108 5513 8508 2q") == firm
    with pytest.raises(InvalidInput) as err:
        firm_by_uscc("91110108551385082R", field="firm")
    assert err.value.code == "USCC_INVALID" and err.value.details["field"] == "firm"


def _values(node, keys):
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and key.split(".")[-1] in keys:
                yield key, value
            else:
                yield from _values(value, keys)
    elif isinstance(node, list):
        for item in node:
            yield from _values(item, keys)


def test_every_identifier_in_the_demo_data_passes_its_check():
    checks = {"uscc": identifiers.is_valid_uscc, "id_number": identifiers.is_valid_id_number}
    seen = 0
    for path in sorted(DEMO.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key, value in _values(data, checks):
            seen += 1
            assert checks[key.split(".")[-1]](value), (path.name, key, value)
    assert seen >= 5
