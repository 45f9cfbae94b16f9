"""Cases for tests, made the way people make them: through the services (factory_boy drives
the arguments; `_create` submits and walks the case to the asked state)."""

import factory

from yingshang.cases import services
from yingshang.cases.tests.conftest import all_files, form_for

# the moves that bring a fresh submission to each state, and who makes them
_WALK = {
    "submitted": [],
    "awaiting_correction": [("clerk", "request_correction")],
    "accepted": [("clerk", "accept")],
    "in_review": [("clerk", "accept"), ("handler_a", "start_review")],
    "decided": [("clerk", "accept"), ("handler_a", "start_review"), ("handler_a", "decide")],
    "delivered": [
        ("clerk", "accept"),
        ("handler_a", "start_review"),
        ("handler_a", "decide"),
        ("clerk", "deliver"),
    ],
}
_MOVES = {
    "request_correction": lambda a, c: (
        services.case_request_correction(actor=a, case=c, items=["申请书缺少签名"]).case
    ),
    "accept": lambda a, c: services.case_accept(actor=a, case=c),
    "start_review": lambda a, c: services.case_start_review(actor=a, case=c),
    "decide": lambda a, c: services.case_decide(actor=a, case=c, decision="approved"),
    "deliver": lambda a, c: services.case_deliver(actor=a, case=c, method="window_pickup"),
}


class CaseFactory(factory.Factory):
    """CaseFactory(personas=p, matter=cat.matter, state="in_review")."""

    class Meta:
        model = dict  # built by the services in _create

    personas = None
    matter = None
    state = "submitted"
    channel = "online"
    skip = ()
    deficit_sign = False
    certificate_keys = ()

    @classmethod
    def _create(
        cls, model_class, *, personas, matter, state, channel, skip, deficit_sign, certificate_keys
    ):
        applicant = personas.applicant
        case = services.case_submit(
            actor=applicant,
            matter=matter,
            form_data=form_for(applicant),
            files=all_files(skip),
            channel=channel,
            deficit_sign=deficit_sign,
            certificate_keys=list(certificate_keys),
        )
        for who, move in _WALK[state]:
            case = _MOVES[move](personas.by_role(who), case)
        case.refresh_from_db()
        return case
