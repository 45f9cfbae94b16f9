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
