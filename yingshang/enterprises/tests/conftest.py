import pytest

from yingshang.cases.tests.conftest import cat  # noqa: F401  (catalogue fixture shared with cases)
from yingshang.testing.personas import valid_uscc


def wrong_check(code: str) -> str:
    """`code` with another check character."""
    return code[:17] + ("1" if code[17] != "1" else "2")


def uscc(n: int) -> str:
    """A valid USCC numbered n (tests)."""
    return valid_uscc(f"9134122{n:010d}")


def submit_firm_case(personas, catalogue):
    """A case the firm account submits online (so it is the firm's case, in unit A)."""
    from yingshang.cases import services
    from yingshang.cases.tests.conftest import all_files, form_for

    return services.case_submit(
        actor=personas.firm_user,
        matter=catalogue.matter,
        form_data=form_for(personas.firm_user),
        files=all_files(),
        channel="online",
    )


@pytest.fixture
def firm_case(personas, cat):  # noqa: F811  (the fixture imported above)
    return submit_firm_case(personas, cat)
