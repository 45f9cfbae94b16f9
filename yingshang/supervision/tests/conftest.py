import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def problem_factory(personas):
    from yingshang.supervision import services

    def make(unit=None, **kw):
        kw.setdefault("description", "窗口办事指南要件表述模糊")
        kw.setdefault("deadline_days", 20)
        return services.problem_create(
            actor=personas.supervisor, unit=unit or personas.unit_a, **kw
        )

    return make


@pytest.fixture(scope="session")
def _live_server_media_url():
    """settings.MEDIA_URL is None (media is never served directly), but Django's live server
    wraps every request in a media handler that needs a string, so each request fails with a
    TypeError. Give it a prefix nothing links to before the live server starts (request this
    fixture before `page`). Reported to the owners of settings.py/conftest.py."""
    from django.conf import settings

    if settings.MEDIA_URL is None:
        settings.MEDIA_URL = "/__media_not_served__/"
    yield
