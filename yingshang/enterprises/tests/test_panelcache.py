"""The firm page's panels kept between saves (enterprises.panelcache), with the per-process
caches on: a reader's second look reads only the firm's version; a save of any record a panel
reads shows on the next look once it commits; readers never see each other's panels."""

import datetime as dt

import pytest
from django.urls import reverse

from yingshang import processcache
from yingshang.credit import records
from yingshang.enterprises import panelcache, panels
from yingshang.enterprises.tests.conftest import submit_firm_case
from yingshang.org.models import RoleAssignment, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(settings):
    settings.FIRM_PANELS_CACHE_SECONDS = 10
    processcache.clear_all()
    yield panelcache.KEPT
    processcache.clear_all()


def _total(firm, user, key, **kw) -> int | None:
    panel = next((p for p in panels.panels_for(firm, user, **kw) if p.key == key), None)
    return None if panel is None else panel.total


def test_a_second_look_reads_only_the_version_and_a_committed_case_shows_at_once(
    personas,
    firm_case,
    cat,
    kept,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    firm = personas.firm
    assert _total(firm, personas.supervisor, "cases") == 1
    with django_assert_num_queries(1):  # the firm's version; the panels are kept
        assert _total(firm, personas.supervisor, "cases") == 1
    before = panelcache.version(firm.pk)
    with django_capture_on_commit_callbacks() as pending:
        submit_firm_case(personas, cat)
    # written but not committed yet (the callbacks have not run): the kept panels stand
    assert panelcache.version(firm.pk) == before
    assert _total(firm, personas.supervisor, "cases") == 1
    for callback in pending:
        callback()
    assert panelcache.version(firm.pk) > before
    assert _total(firm, personas.supervisor, "cases") == 2
    assert _total(firm, personas.firm_user, "cases", public=True) == 2


def test_readers_do_not_share_panels(personas, firm_case, kept):
    firm = personas.firm
    assert _total(firm, personas.supervisor, "cases") == 1
    assert _total(firm, personas.handler_b, "cases") == 0  # unit B handled none of them
    assert _total(firm, personas.firm_user, "cases", public=True) == 1
    assert len(kept) == 3


def test_a_role_granted_renews_the_readers_panels(
    personas,
    firm_case,
    kept,
    django_capture_on_commit_callbacks,
):
    firm = personas.firm
    assert _total(firm, personas.handler_b, "cases") == 0
    with django_capture_on_commit_callbacks(execute=True):
        RoleAssignment.objects.create(
            user=personas.handler_b, unit=personas.unit_a, role="dept_handler"
        )
    # the next request reads the user again, with its new roles version
    again = User.objects.get(pk=personas.handler_b.pk)
    assert again.roles_version != personas.handler_b.roles_version
    assert _total(firm, again, "cases") == 1


def test_a_credit_record_bumps_its_firm_through_the_subject(
    personas, kept, django_capture_on_commit_callbacks
):
    firm = personas.firm
    assert panelcache.version(firm.pk) == 0
    with django_capture_on_commit_callbacks(execute=True):
        records.praise_add(
            actor=personas.supervisor,
            subject_of=firm,
            unit=personas.unit_a,
            kind="red_list",
            title="守合同重信用企业",
            decided_on=dt.date(2026, 6, 1),
        )
    assert panelcache.version(firm.pk) >= 1
    credit = next(p for p in panels.panels_for(firm, personas.supervisor) if p.key == "credit")
    assert {f.label: f.value for f in credit.facts}["守信激励"] == "1"


def test_with_the_caches_off_nothing_is_kept_and_no_version_is_written(
    personas,
    firm_case,
    cat,
    django_capture_on_commit_callbacks,
):
    assert panelcache.KEPT.lifetime() == 0
    assert _total(personas.firm, personas.supervisor, "cases") == 1
    with django_capture_on_commit_callbacks(execute=True):
        submit_firm_case(personas, cat)
    assert panelcache.version(personas.firm.pk) == 0
    assert len(panelcache.KEPT) == 0
    assert _total(personas.firm, personas.supervisor, "cases") == 2


def test_the_page_shows_the_kept_panels(personas, firm_case, kept, login):
    client = login(personas.supervisor)
    url = reverse("enterprises:firm", args=[personas.firm.pk])
    first = client.get(url).content.decode()
    again = client.get(url).content.decode()
    assert 'data-testid="panel-cases"' in first and firm_case.number in again


def test_every_panel_names_what_it_reads():
    for panel in panels.discover():
        assert panel.sources, f"{panel.key}: no sources, its page would never be renewed"
        for model, path in panel.sources:
            head = path.split("__")[0]
            assert hasattr(model, head) or head in {f.attname for f in model._meta.fields}
