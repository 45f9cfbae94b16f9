"""本地化（本县承接）: a county adopts a matter the city publishes, with its own local details;
its readers — its staff, and portal visitors who chose it — are offered the county's version
instead of the city's, and another county still gets the city's (issue 24)."""

import pytest
from django.urls import reverse

from yingshang.audit.models import AuditEvent
from yingshang.catalog import selectors, services
from yingshang.catalog.models import Matter
from yingshang.catalog.tests.factories import DEFAULT_FIELDS, MatterFactory
from yingshang.errors import InvalidInput, PermissionDeniedError
from yingshang.org import services as org_services
from yingshang.org.roles import Role
from yingshang.portal.county import SESSION_KEY
from yingshang.testing.city import make_city

pytestmark = pytest.mark.django_db

LOCAL = {"promised_limit_days": 3, "phone": "0399-6612345", "address": "A县政务服务中心"}


def _head(c, username: str, unit, mobile: str):
    user = org_services.user_create(
        actor=c.admin, username=username, password=None, real_name=username, mobile=mobile
    )
    org_services.role_grant(actor=c.admin, user=user, role=Role.DEPT_HEAD, unit=unit)
    return user


@pytest.fixture
def city():
    """The city of testing.city with a head of each county's 市场监管局, and a matter of the
    city's own 营商办 whose application form has a blank and an example file."""
    c = make_city()
    c.head_a = _head(c, "head_a", c.dept_a, "13700001005")
    c.head_b = _head(c, "head_b", c.dept_b, "13700002005")
    c.matter = MatterFactory(
        actor=c.admin,
        unit=c.city_office,
        base_code="QT09901000",
        name="惠企政策兑现申请",
        legal_limit_days=20,
        promised_limit_days=15,
        phone="0399-88812345",
        materials=[
            {
                "key": "application_form",
                "name": "申请表",
                "form": "original",
                "template": "catalog/materials/blank.xlsx",
                "example": "catalog/materials/example.xlsx",
            },
            {"key": "business_licence", "name": "营业执照", "form": "copy"},
        ],
    )
    c.matter_b = MatterFactory(actor=c.admin, unit=c.dept_b, name="B县自有事项")
    return c


def _localise(c, actor=None, unit=None, changes=None, source=None):
    return services.matter_localise(
        actor=actor or c.head_a,
        source=source or c.matter,
        unit=unit or c.dept_a,
        changes=LOCAL if changes is None else changes,
        note="A县承接",
    )


# --- the service -------------------------------------------------------------------------------
def test_localising_copies_the_city_version_with_the_local_details(city):
    c = city
    local = _localise(c)
    version, source = local.current_version, c.matter.current_version
    assert local.localised_from == c.matter and local.unit == c.dept_a
    assert local.base_code == "QT09901000"
    assert local.implementation_code == services.implementation_code_for("QT09901000", c.dept_a)
    assert version.version == 1 and version.name == "惠企政策兑现申请"
    assert (version.promised_limit_days, version.phone, version.address) == (
        3,
        "0399-6612345",
        "A县政务服务中心",
    )
    assert (version.legal_limit_days, version.conditions, version.fee) == (
        source.legal_limit_days,
        source.conditions,
        source.fee,
    )
    form = version.materials.get(key="application_form")
    assert (form.template.name, form.example.name) == (
        "catalog/materials/blank.xlsx",
        "catalog/materials/example.xlsx",
    )
    assert [m.key for m in version.materials.all()] == ["application_form", "business_licence"]
    assert [f.key for f in version.form_fields.all()] == [f["key"] for f in DEFAULT_FIELDS]
    assert c.matter.current_version == source  # the city's matter is untouched
    event = AuditEvent.objects.get(action="matter.localise", object_id=str(local.pk))
    assert event.actor_id == c.head_a.pk and event.reason == "A县承接"
    assert {k: v[1] for k, v in event.changes.items()} == {
        "implementation_code": local.implementation_code,
        "source": c.matter.implementation_code,
        "changed": ["address", "phone", "promised_limit_days"],
    }


@pytest.mark.parametrize("which", ["county", "inactive"])
def test_only_an_active_city_matter_is_localised(city, which):
    c = city
    source = c.matter_b
    if which == "inactive":
        source = services.matter_deactivate(actor=c.admin, matter=c.matter, reason="政策到期")
    with pytest.raises(InvalidInput) as exc:
        _localise(c, actor=c.admin, source=source)
    assert exc.value.code == "CATALOG_NOT_CITY_MATTER"
    assert not Matter.objects.filter(localised_from__isnull=False).exists()


def test_a_unit_outside_the_counties_cannot_localise(city):
    with pytest.raises(InvalidInput) as exc:
        _localise(city, actor=city.admin, unit=city.city_office)
    assert exc.value.code == "CATALOG_UNIT_NOT_IN_COUNTY"


def test_a_county_localises_a_city_matter_once(city):
    c = city
    first = _localise(c)
    with pytest.raises(InvalidInput) as exc:
        _localise(c, actor=c.admin, unit=c.section_a)  # another unit of the same county
    assert exc.value.code == "CATALOG_ALREADY_LOCALISED"
    assert first.implementation_code in exc.value.message
    # another county still may
    assert _localise(c, actor=c.head_b, unit=c.dept_b).unit == c.dept_b


def test_promised_days_above_the_legal_limit_are_refused(city):
    with pytest.raises(InvalidInput) as exc:
        _localise(city, changes={"promised_limit_days": 30})
    assert exc.value.code == "CATALOG_INVALID"
    assert "不得超过法定办结时限（20 个工作日）" in exc.value.message
    assert "promised_limit_days" in exc.value.details["fields"]
    assert not Matter.objects.filter(localised_from__isnull=False).exists()


def test_only_version_fields_are_localised(city):
    with pytest.raises(InvalidInput) as exc:
        _localise(city, changes={"materials": []})
    assert exc.value.code == "CATALOG_UNKNOWN_FIELD"


@pytest.mark.parametrize("who", ["handler_a", "head_b", "supervisor_a"])
def test_only_a_head_of_the_unit_or_the_admin_localises(city, who):
    with pytest.raises(PermissionDeniedError):
        _localise(city, actor=getattr(city, who))
    assert not Matter.objects.filter(localised_from__isnull=False).exists()


# --- the reads ---------------------------------------------------------------------------------
def _ids(matters) -> set[int]:
    return {m.pk for m in matters}


def test_a_county_reads_its_localisation_and_another_county_the_city_matter(city):
    c = city
    local = _localise(c)
    for reader in (c.supervisor_a, c.head_a):
        offered = _ids(selectors.matters_for(reader))
        assert local.pk in offered and c.matter.pk not in offered
        assert _ids(selectors.search(reader, "惠企政策").matters) == {local.pk}
    offered = _ids(selectors.matters_for(c.supervisor_b))
    assert c.matter.pk in offered and local.pk not in offered
    assert _ids(selectors.search(c.supervisor_b, "惠企政策").matters) == {c.matter.pk}
    # the city's staff and the public without a county read the whole city, as before
    assert {local.pk, c.matter.pk} <= _ids(selectors.matters_for(c.city_supervisor))
    assert {local.pk, c.matter.pk} <= _ids(selectors.matters_for(c.applicant))


def test_a_deactivated_localisation_gives_the_county_the_city_matter_back(city):
    c = city
    local = _localise(c)
    services.matter_deactivate(actor=c.head_a, matter=local, reason="改由市级统一办理")
    assert c.matter.pk in _ids(selectors.matters_for(c.supervisor_a))


# --- the portal's county chooser ---------------------------------------------------------------
def _guide(pk: int) -> str:
    return reverse("catalog:guide_detail", args=[pk])


def test_the_chosen_county_filters_the_guide_list_and_is_kept(client, city):
    c = city
    local = _localise(c)
    url = reverse("catalog:guide_list")
    html = client.get(url, {"county": "county-a"}).content.decode()
    assert 'data-testid="county-chooser"' in html and 'value="county-a" selected' in html
    assert _guide(local.pk) in html
    assert _guide(c.matter.pk) not in html and _guide(c.matter_b.pk) not in html
    assert client.session[SESSION_KEY] == "county-a"
    html = client.get(url).content.decode()  # the choice is kept
    assert _guide(local.pk) in html and _guide(c.matter.pk) not in html
    html = client.get(url, {"county": "county-b", "q": "惠企政策"}).content.decode()
    assert _guide(c.matter.pk) in html and _guide(local.pk) not in html
    html = client.get(url, {"county": "all"}).content.decode()  # 全市: everything, as before
    for pk in (local.pk, c.matter.pk, c.matter_b.pk):
        assert _guide(pk) in html
    assert SESSION_KEY not in client.session


def test_an_unknown_county_is_ignored(client, city):
    c = city
    local = _localise(c)
    response = client.get(reverse("catalog:guide_list"), {"county": "nowhere"})
    assert response.status_code == 200
    html = response.content.decode()
    assert _guide(local.pk) in html and _guide(c.matter.pk) in html
    assert SESSION_KEY not in client.session


def test_the_portal_home_offers_the_counties(client, city):
    html = client.get(reverse("portal:home"), {"county": "county-b"}).content.decode()
    assert 'data-testid="county-chooser"' in html
    assert "全市" in html and 'value="county-b" selected' in html


def test_a_one_county_deployment_shows_no_chooser(client, personas, matter_factory):
    matter_factory()
    for url in (reverse("catalog:guide_list"), reverse("portal:home")):
        response = client.get(url, {"county": "county-a"})
        assert response.status_code == 200
        assert 'data-testid="county-chooser"' not in response.content.decode()
    assert SESSION_KEY not in client.session


# --- the workbench -----------------------------------------------------------------------------
def test_a_county_head_localises_from_the_city_matter_page(city, login):
    c = city
    client = login(c.head_a)
    page = client.get(reverse("catalog:staff_matter", args=[c.matter.pk])).content.decode()
    assert "本地化（本县承接）" in page
    url = reverse("catalog:staff_matter_localise", args=[c.matter.pk])
    form = client.get(url).content.decode()
    assert f'value="{c.dept_a.pk}"' in form and f'value="{c.dept_b.pk}"' not in form
    assert f">A县 · {c.dept_a}</option>" in form  # the picker names each unit's county
    response = client.post(
        url,
        {
            "unit": c.dept_a.pk,
            "promised_limit_days": 30,
            "fee": "不收费",
            "address": "A县政务服务中心",
            "phone": "0399-6612345",
        },
    )
    assert response.status_code == 200
    assert "不得超过法定办结时限（20 个工作日）" in response.content.decode()
    assert not Matter.objects.filter(localised_from=c.matter).exists()
    response = client.post(
        url,
        {
            "unit": c.dept_a.pk,
            "promised_limit_days": 5,
            "fee": "不收费",
            "address": "A县政务服务中心",
            "phone": "0399-6612345",
            "note": "A县承接",
        },
    )
    local = Matter.objects.get(localised_from=c.matter)
    assert response.status_code == 302
    assert response.url == reverse("catalog:staff_matter", args=[local.pk])
    assert local.current_version.promised_limit_days == 5
    page = client.get(response.url).content.decode()
    assert "本地化自市级事项" in page
    assert reverse("catalog:staff_matter", args=[c.matter.pk]) in page
    # once more: refused in Chinese on the form, naming the county's matter
    again = client.post(url, {"unit": c.dept_a.pk, "promised_limit_days": 5, "fee": "不收费"})
    assert again.status_code == 200 and local.implementation_code in again.content.decode()


def test_no_localise_button_without_a_county_unit(city, login):
    c = city
    head = _head(c, "city_head", c.city_office, "13700009005")
    client = login(head)
    page = client.get(reverse("catalog:staff_matter", args=[c.matter.pk])).content.decode()
    assert "本地化（本县承接）" not in page
    url = reverse("catalog:staff_matter_localise", args=[c.matter.pk])
    assert client.get(url).status_code == 404
    # nor on a county's own matter
    page = login(c.head_b).get(reverse("catalog:staff_matter", args=[c.matter_b.pk]))
    assert "本地化（本县承接）" not in page.content.decode()


# --- the API -----------------------------------------------------------------------------------
def test_api_localises_and_answers_with_stable_codes(city, api_client):
    c = city
    client = api_client(c.head_a)
    url = f"/api/v1/catalog/matters/{c.matter.pk}/localise"
    body = {"unit": "scjg-a", "promised_limit_days": 4, "phone": "0399-6612345"}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    local = Matter.objects.get(localised_from=c.matter)
    assert data["id"] == local.pk and data["implementation_code"] == local.implementation_code
    assert data["promised_limit_days"] == 4 and data["phone"] == "0399-6612345"
    assert len(data["materials"]) == 2
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "CATALOG_ALREADY_LOCALISED"
    response = api_client(c.handler_a).post(url, body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (403, "CATALOG_FORBIDDEN")
    response = client.post(url, {**body, "unit": "no-such-unit"}, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (400, "CATALOG_UNIT_UNKNOWN")


def test_the_public_api_lists_one_countys_catalogue(client, city):
    c = city
    local = _localise(c)
    url = "/api/v1/catalog/matters"

    def ids(**params) -> set[int]:
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        return {m["id"] for m in response.json()["items"]}

    assert {local.pk, c.matter.pk, c.matter_b.pk} <= ids()  # 全市
    assert local.pk in ids(county="county-a") and c.matter.pk not in ids(county="county-a")
    assert c.matter_b.pk not in ids(county="county-a")
    assert ids(county="county-b", q="惠企政策") == {c.matter.pk}
    response = client.get(url, {"county": "nowhere"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "CATALOG_COUNTY_UNKNOWN" and "nowhere" in body["message"]
    assert body["details"]["counties"] == ["county-a", "county-b"]
