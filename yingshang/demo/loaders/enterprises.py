"""The demo county's firm register (data/enterprises/firms.yaml) through enterprises.services,
and the demo firm account's firm made whole: its profile, its account recorded as the legal
representative's, and the 经办人 it authorised (enterprises.accounts). Idempotent."""

import datetime as dt

from django.db import transaction

from yingshang.demo.registry import load_yaml
from yingshang.enterprises import accounts, services
from yingshang.enterprises.models import Firm
from yingshang.org.models import User


def _profile(data: dict) -> dict:
    data = dict(data)
    if data.get("established_on"):
        data["established_on"] = dt.date.fromisoformat(str(data["established_on"]))
    return data


def _admin():
    return User.objects.filter(username="admin").first()


@transaction.atomic
def load_demo(ctx) -> None:
    from yingshang.demo.loaders.org import DEMO_PASSWORD

    data = load_yaml("enterprises", "firms.yaml")
    admin = ctx.data.get("admin") or _admin()
    known = set(Firm.objects.values_list("uscc", flat=True))
    for row in data["firms"]:
        row = _profile(row)
        code = row.pop("uscc")
        if code not in known:
            services.firm_create(actor=admin, uscc=code, **row)
    demo = data["demo_firm"]
    firm = Firm.objects.filter(uscc=demo["uscc"]).first()
    if firm is None:
        return
    services.firm_update(actor=admin, firm=firm, **_profile(demo["profile"]))
    rep = User.objects.filter(firm=firm, kind=User.Kind.FIRM).order_by("pk").first()
    if rep is None or not accounts.is_legal_rep(rep):
        return
    for agent in demo.get("agents", []):
        if User.objects.filter(mobile=agent["mobile"]).exists():
            continue
        accounts.agent_authorise(actor=rep, password=DEMO_PASSWORD, **agent)
