import pytest


@pytest.fixture(scope="session")
def _live_server_media_url():
    """settings.MEDIA_URL is None, but Django's live server wraps every request in a media
    handler that needs a string (TypeError otherwise): give it a prefix nothing links to before
    the live server starts. (Same workaround as supervision's tests; the proper fix belongs in
    conftest.py/settings.py.)"""
    from django.conf import settings

    if settings.MEDIA_URL is None:
        settings.MEDIA_URL = "/__media_not_served__/"
    yield
