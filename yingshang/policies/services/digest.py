"""Subscriptions and the weekly digest (政策周报): every Monday the policies published in the
past week and the items whose application window is open and closes within three weeks, sent to
each subscribing firm account — only what matches its tags — as 站内信 and, if it asked, SMS and
e-mail (yingshang.notify: the outbox, delivered by the worker after the commit)."""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from yingshang import workflow
from yingshang.errors import PermissionDeniedError
from yingshang.notify import services as notify
from yingshang.notify.models import Message
from yingshang.org.models import User
from yingshang.policies import transitions as t
from yingshang.policies.models import Digest, Policy, PolicyItem, Subscription, Tag
from yingshang.policies.services.calendar import tags_from, week_of
from yingshang.workcal import periods

BATCH = 2000  # subscribers per transaction: the outbox rows of one batch commit together
SOON = dt.timedelta(days=21)  # items whose window closes within three weeks are listed


def subscription_set(
    *, actor, tags=(), by_sms: bool = False, by_email: bool = False, active: bool = True
) -> Subscription:
    """A firm account subscribes (or changes or stops its subscription)."""
    workflow.require_actor(actor)
    if getattr(actor, "kind", "") != User.Kind.FIRM:
        raise PermissionDeniedError("POLICY_FIRM_ONLY", _("请使用企业账号登录后订阅"))
    chosen = tags_from(tags)
    with transaction.atomic():
        sub, created = Subscription.objects.select_for_update().get_or_create(user=actor)
        before = {
            "tags": sorted(f"{t.kind}:{t.code}" for t in sub.tags.all()),
            "by_sms": sub.by_sms,
            "by_email": sub.by_email,
            "active": sub.active,
        }
        sub.by_sms, sub.by_email, sub.active = bool(by_sms), bool(by_email), bool(active)
        sub.save()
        sub.tags.set(chosen)
        after = {
            "tags": sorted(f"{t.kind}:{t.code}" for t in chosen),
            "by_sms": sub.by_sms,
            "by_email": sub.by_email,
            "active": sub.active,
        }
        workflow.record(
            actor,
            "policy.subscribe",
            sub,
            before=None if created else before,
            after=after,
        )
    return sub


def matches(policy_tags: dict[str, set[str]], wanted: dict[str, set[str]]) -> bool:
    """Whether a policy with `policy_tags` goes to a subscriber who wants `wanted` (both
    {kind: {code}}). Industry and size say whom a policy is for: a policy naming none is for
    every firm, and a subscriber naming none takes every one. A topic is what it is about: a
    subscriber who names topics gets only policies carrying one of them."""
    for kind in (Tag.Kind.INDUSTRY, Tag.Kind.SIZE):
        want, have = wanted.get(kind, set()), policy_tags.get(kind, set())
        if want and have and not (want & have):
            return False
    want_topics = wanted.get(Tag.Kind.TOPIC, set())
    return not want_topics or bool(want_topics & policy_tags.get(Tag.Kind.TOPIC, set()))


def contents(week: dt.date) -> tuple[list[Policy], list[PolicyItem]]:
    """What the digest of the week starting `week` lists: policies published in the week
    before, items open now and closing within three weeks."""
    start = periods.Period("day", week, week).start
    published = Policy.objects.filter(
        status=t.PUBLISHED, published_at__gte=start - dt.timedelta(days=7), published_at__lt=start
    ).order_by("-published_at", "pk")
    items = (
        PolicyItem.objects.filter(
            status=PolicyItem.Status.ACTIVE,
            policy__status=t.PUBLISHED,
            opens_on__lte=week,
            closes_on__gte=week,
            closes_on__lte=week + SOON,
            proactive=False,
        )
        .select_related("policy")
        .order_by("closes_on", "pk")
    )
    return list(published), list(items)


def _tag_map(through, key: str, ids=None) -> dict[int, dict[str, set[str]]]:
    out: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    qs = through.objects.all()
    if ids is not None:
        qs = qs.filter(**{f"{key}__in": ids})
    for owner, kind, code in qs.values_list(key, "tag__kind", "tag__code"):
        out[owner][kind].add(code)
    return out


def digest_generate(*, actor, week: dt.date | None = None) -> Digest:
    """Make the digest of `week` (this week by default) once and queue its messages; a second
    call returns the digest already made."""
    workflow.require_actor(actor)
    week = week_of(week or periods.today())
    with transaction.atomic():
        digest, created = Digest.objects.get_or_create(week=week)
        if digest.completed:
            return digest
        if created:
            published, items = contents(week)
            digest.policies.set(published)
            digest.items.set(items)
            workflow.record(
                actor,
                "policy.digest",
                digest,
                after={"week": week.isoformat(), "policies": len(published), "items": len(items)},
            )
        else:
            published = list(digest.policies.order_by("-published_at", "pk"))
            items = list(digest.items.select_related("policy").order_by("closes_on", "pk"))
    policy_tags = _tag_map(Policy.tags.through, "policy_id", [p.pk for p in published])
    item_tags = {i.pk: policy_tags.get(i.policy_id) or {} for i in items}
    missing = {i.policy_id for i in items} - set(policy_tags)
    if missing:
        extra = _tag_map(Policy.tags.through, "policy_id", missing)
        for i in items:
            item_tags[i.pk] = policy_tags.get(i.policy_id) or extra.get(i.policy_id) or {}
    # subscribers with the same tags get the same text: computed once per distinct set
    texts: dict[frozenset, str] = {}
    link = reverse("policies:portal_digest", args=[week.isoformat()])
    subs = Subscription.objects.filter(
        active=True, user__is_active=True, pk__gt=digest.sent_through
    ).order_by("pk")
    sub_tags = _tag_map(Subscription.tags.through, "subscription_id")
    rows = list(
        subs.values_list("pk", "user_id", "by_sms", "by_email", "user__mobile", "user__email")
    )
    subscribers, sent = digest.subscribers, digest.messages
    subject = _("政策周报（%(w)s）") % {"w": week.isoformat()}
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        queued: list[dict] = []
        with transaction.atomic():
            for pk, user_id, by_sms, by_email, mobile, email in batch:
                wanted = sub_tags.get(pk, {})
                key = frozenset((k, c) for k, codes in wanted.items() for c in codes)
                if key not in texts:
                    texts[key] = _text(week, published, items, policy_tags, item_tags, wanted)
                body = texts[key]
                if not body:
                    continue
                subscribers += 1
                recipient = User(pk=user_id, mobile=mobile, email=email or "")
                channels = [Message.Channel.INAPP]
                if by_sms and mobile:
                    channels.append(Message.Channel.SMS)
                if by_email and email:
                    channels.append(Message.Channel.EMAIL)
                queued += [
                    {
                        "channel": channel,
                        "recipient": recipient,
                        "subject": subject,
                        "body": body,
                        "link": link,
                        "related": digest,
                    }
                    for channel in channels
                ]
            sent += notify.send_many(queued)
            Digest.objects.filter(pk=digest.pk).update(
                subscribers=subscribers, messages=sent, sent_through=batch[-1][0]
            )
    Digest.objects.filter(pk=digest.pk).update(completed=True)
    digest.refresh_from_db()
    return digest


def _text(week, published, items, policy_tags, item_tags, wanted) -> str:
    mine = [p for p in published if matches(policy_tags.get(p.pk, {}), wanted)]
    due = [i for i in items if matches(item_tags.get(i.pk, {}), wanted)]
    if not mine and not due:
        return ""
    lines = [_("政策周报（%(w)s 起一周）") % {"w": week.isoformat()}]
    if mine:
        lines.append(_("【新发布政策】"))
        lines += [
            f"· {p.title}" + (f"（{p.document_number}）" if p.document_number else "") for p in mine
        ]
    if due:
        lines.append(_("【申报即将截止】"))
        lines += [
            _("· %(p)s：%(i)s，%(d)s 截止")
            % {"p": i.policy.title, "i": i.title, "d": i.closes_on.isoformat()}
            for i in due
        ]
    return "\n".join(lines)


def subscriber_filter(tag_codes: list[str]) -> Q:
    """Subscriptions that name any of these "kind:code" tags (for staff lists)."""
    q = Q()
    for code in tag_codes:
        kind, _sep, value = code.partition(":")
        q |= Q(tags__kind=kind, tags__code=value)
    return q
