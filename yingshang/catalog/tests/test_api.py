import pytest

from yingshang.catalog.models import Matter

pytestmark = pytest.mark.django_db


def test_matters_search_is_public_json(client, demo_catalog):
    response = client.get("/api/v1/catalog/matters", {"q": "餐饮"})
    assert response.status_code == 200
    body = response.json()
    names = [m["name"] for m in body["items"]]
    assert "食品经营许可" in names and body["count"] == len(names)
    food = next(m for m in body["items"] if m["name"] == "食品经营许可")
    assert food["promised_limit_days"] == 5 and food["legal_limit_days"] == 20
    assert food["guide_url"] == f"/catalog/matters/{food['id']}/"


def test_matters_filter_by_unit_and_paginate(client, demo_catalog):
    body = client.get("/api/v1/catalog/matters", {"unit": "gaj", "limit": 2}).json()
    assert (
        body["count"] == Matter.objects.filter(unit__code="gaj").count() and len(body["items"]) == 2
    )
    assert {m["unit_code"] for m in body["items"]} == {"gaj"}


def test_matter_detail_has_materials_and_form_fields(client, demo_catalog):
    matter = Matter.objects.get(name_cache="食品经营许可")
    body = client.get(f"/api/v1/catalog/matters/{matter.pk}").json()
    keys = [m["key"] for m in body["materials"]]
    assert "health_certs" in keys and "premises_proof" in keys
    health = next(m for m in body["materials"] if m["key"] == "health_certs")
    assert health["deficit_allowed"] is True and health["commitment_replaces"] is True
    assert {
        "key": "firm.name",
        "label": "企业名称",
        "field_type": "text",
        "required": True,
        "choices": [],
        "profile_source": "firm.name",
    } in body["form_fields"]
    assert body["faq"][0]["q"]


def test_missing_or_inactive_matter_is_404_with_error_format(client, demo_catalog):
    from yingshang.catalog import services

    matter = Matter.objects.get(name_cache="药品零售企业经营许可")
    services.matter_deactivate(actor=demo_catalog.data["admin"], matter=matter, reason="划转")
    for pk in (matter.pk, 999999):
        response = client.get(f"/api/v1/catalog/matters/{pk}")
        assert response.status_code == 404 and response.json()["code"] == "NOT_FOUND"


def test_package_detail_has_merged_fields_and_materials(client, demo_catalog):
    packages = client.get("/api/v1/catalog/packages").json()
    assert {"open-restaurant", "open-business", "utilities-connection"} <= {
        p["code"] for p in packages
    }
    body = client.get("/api/v1/catalog/packages/open-restaurant").json()
    keys = [m["key"] for m in body["materials"]]
    assert len(keys) == len(set(keys))
    premises = next(m for m in body["materials"] if m["key"] == "premises_proof")
    assert len(premises["matter_ids"]) == 3  # 设立登记, 食品经营许可, 公共场所卫生许可
    field_keys = [f["key"] for f in body["form_fields"]]
    assert field_keys.count("firm.name") == 1
    firm_name = next(f for f in body["form_fields"] if f["key"] == "firm.name")
    assert sorted(firm_name["matter_ids"]) == sorted(body["matter_ids"])


def test_catalog_endpoints_are_in_the_openapi_document(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/catalog/matters",
        "/api/v1/catalog/matters/{matter_id}",
        "/api/v1/catalog/packages",
        "/api/v1/catalog/packages/{code}",
    ):
        assert path in paths, path
        assert "security" not in paths[path]["get"] or paths[path]["get"]["security"] in ([], [{}])


def test_bad_query_parameters_get_the_error_format_not_a_500(client, db):
    response = client.get("/api/v1/catalog/matters", {"limit": "many"})
    assert response.status_code == 422 and response.json()["code"] == "VALIDATION_ERROR"
    response = client.get("/api/v1/catalog/matters", {"q": "餐" * 101})
    assert response.status_code == 422
