"""The staff area refuses applicants (apiaccess.middleware.StaffAreaMiddleware): a staff page
that would show them nothing is still a staff page."""

import pytest

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "/staff/units/",
    "/staff/knowledge/",
    "/staff/knowledge/suggest/",
    "/staff/supervision/",
    "/staff/supervision/calendar/",
    "/staff/supervision/export/",
    "/staff/supervision/forms/",
    "/staff/supervision/list/",
    "/staff/supervision/units/",
    "/staff/supervision/weekly/",
    "/staff/hotline/orders/",
]


@pytest.mark.parametrize("who", ["applicant", "firm_user"])
@pytest.mark.parametrize("url", STAFF_PAGES)
def test_applicants_get_the_403_page_on_staff_pages(login, personas, who, url):
    response = login(personas.by_role(who)).get(url)
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


@pytest.mark.parametrize("url", ["/staff/inbox/", "/staff/tokens/"])
def test_applicants_keep_their_inbox_and_tokens(login, personas, url):
    assert login(personas.applicant).get(url).status_code == 200


def test_the_staff_home_sends_applicants_to_their_own_cases(login, personas):
    response = login(personas.applicant).get("/staff/")
    assert response.status_code == 302 and response["Location"] == "/cases/mine/"


def test_staff_still_open_their_pages(login, personas):
    assert login(personas.supervisor).get("/staff/supervision/").status_code == 200


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/staff/supervision/")
    assert response.status_code == 302 and "/login/" in response.url
