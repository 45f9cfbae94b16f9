"""A window visit's rating comes from the person served: on the pad in their hands or with the
window's QR code on their phone. The token printed on the public QR page does not let staff —
an unrelated handler, or the clerk himself — rate a visit through the API. Others' refused
attempts do not use up the allowance of the one who may rate."""

import json

import pytest

from yingshang.ratings.models import Rating, RatingSettings

pytestmark = pytest.mark.django_db
URL = "/api/v1/ratings/ratings"


def _post(client, data):
    return client.post(URL, json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("who", ["clerk", "handler_a", "supervisor"])
@pytest.mark.parametrize("channel", ["window_pad", "terminal", "qr", "app_api"])
def test_staff_cannot_rate_a_visit_through_the_api_even_with_its_token(
    api_client, personas, visit, who, channel
):
    response = _post(
        api_client(personas.by_role(who)),
        {
            "object": "visit",
            "id": visit.pk,
            "level": 5,
            "channel": channel,
            "visit_token": visit.token,
        },
    )
    assert response.status_code == 403
    assert response.json()["code"] == "STAFF_CANNOT_RATE"
    assert not Rating.objects.exists()


def test_the_public_qr_page_token_does_not_open_the_pad_channel(client, personas, visit):
    page = client.get(f"/ratings/w/{personas.window.pk}/")
    assert visit.token in page.content.decode()  # the person served scans it: it is public
    response = _post(
        client,
        {
            "object": "visit",
            "id": visit.pk,
            "level": 5,
            "channel": "window_pad",
            "visit_token": visit.token,
        },
    )
    assert response.status_code == 401  # the API is not the pad
    assert not Rating.objects.exists()


def test_the_person_served_rates_with_the_qr_code(api_client, personas, visit):
    response = _post(
        api_client(personas.applicant),
        {
            "object": "visit",
            "id": visit.pk,
            "level": 4,
            "channel": "qr",
            "visit_token": visit.token,
        },
    )
    assert response.status_code == 201
    assert Rating.objects.get().visit_id == visit.pk


def test_the_pad_page_still_records_the_person_served(login, personas, visit):
    client = login(personas.clerk)
    response = client.post(
        f"/ratings/pad/{personas.window.pk}/rate/",
        {"visit": visit.pk, "token": visit.token, "level": 5},
    )
    assert response.status_code == 200
    rating = Rating.objects.get()
    assert rating.channel == "window_pad" and rating.anonymous and rating.rater is None


def test_refused_attempts_of_others_do_not_use_up_the_owners_allowance(
    api_client, personas, make_case
):
    conf = RatingSettings.current()
    conf.public_per_object_per_minute = 2
    conf.save()
    case = make_case()
    stranger = api_client(personas.firm_user)
    for _ in range(5):
        assert _post(stranger, {"object": "case", "id": case.pk, "level": 1}).status_code == 404
    owner = api_client(personas.applicant)
    response = _post(owner, {"object": "case", "id": case.pk, "level": 5})
    assert response.status_code == 201


def test_wrong_tokens_at_the_window_do_not_use_up_the_visit_allowance(client, personas, visit):
    from django.test import Client

    conf = RatingSettings.current()
    conf.public_per_object_per_minute = 2
    conf.save()
    url = f"/ratings/w/{personas.window.pk}/"
    for i in range(4):
        Client(REMOTE_ADDR=f"10.9.0.{i}").post(
            url, {"visit": visit.pk, "token": "forged", "level": 1}
        )
    response = client.post(url, {"visit": visit.pk, "token": visit.token, "level": 5})
    assert response.status_code == 302
    assert Rating.objects.get().level == 5
