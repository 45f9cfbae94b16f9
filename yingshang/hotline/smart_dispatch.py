"""Smart dispatch (智能派单): suggest the main unit and the topic of a work order from its text,
learned from this county's own past dispatch decisions.

Model: multinomial naive Bayes on binarised jieba token counts (standard library only), one
classifier for the main unit and one for the topic. Training reads every dispatched order
(content → main_unit, topic), holds back a share of them to measure top-1/top-3 accuracy, then
trains the stored model on all of them. The parameters go into knowledge.DispatchModel (sparse
counts as JSON), so every process uses the newest model; a process loads a model once and
keeps it until a newer row appears.

    suggest(text, k=3)        -> [(Unit, probability), ...]   best first
    suggest_topic(text, k=3)  -> [(Topic, probability), ...]
    train(holdout=0.2)        -> DispatchModel (or None when there is nothing to learn from)
"""

from __future__ import annotations

import logging
import math
import random
import re
import threading
import time
from collections import defaultdict

from django.db import transaction

from yingshang.knowledge import text as textmod
from yingshang.knowledge.models import DispatchModel

log = logging.getLogger(__name__)

ALPHA = 0.1
MIN_DF = 2
MAX_VOCAB = 60_000
MAX_TOKENS = 200  # of one text, for the 20 ms budget on very long texts

_lock = threading.Lock()
_loaded: dict = {"id": None, "model": None}


# --- training data ------------------------------------------------------------------------
def training_rows(limit: int | None = None):
    """(content, main_unit_id, topic_id) of orders a dispatcher decided: dispatched at least
    once and with a main unit (direct answers and undispatched orders teach nothing)."""
    from yingshang.hotline.models import WorkOrder

    qs = (
        WorkOrder.objects.filter(main_unit__isnull=False)
        .exclude(status=WorkOrder.Status.REGISTERED)
        .order_by("-pk")
        .values_list("content", "main_unit_id", "topic_id")
    )
    if limit:
        qs = qs[:limit]
    return qs.iterator(chunk_size=5000) if not limit else iter(qs)


_CLAUSE = re.compile(r"[，。！？；、,.!?;:：\s\n]+")


def seed_rows() -> list[tuple[str, int, int]]:
    """Prior knowledge that is always trained on (never held out, not counted): each active
    topic's name, description and keywords → its default unit. It gives a sensible start
    while a county has few past dispatches and fades as real decisions accumulate."""
    from yingshang.hotline.models import Topic

    rows = []
    for topic in Topic.objects.filter(is_active=True, default_unit__isnull=False).select_related(
        "parent"
    ):
        words = " ".join(
            filter(
                None,
                [
                    topic.parent.name if topic.parent_id else "",
                    topic.name,
                    topic.description,
                    (topic.keywords or "").replace(",", " ").replace("，", " "),
                ],
            )
        )
        rows.append((words, topic.default_unit_id, topic.pk))
    return rows


def _features(content: str) -> list[str]:
    """Tokens of a text, segmented clause by clause with a cache: hotline texts repeat their
    clauses (greetings, places, stock phrases), so 300,000 orders tokenise in seconds."""
    out: list[str] = []
    for clause in _CLAUSE.split((content or "")[:2000]):
        if clause:
            out.extend(textmod.tokens_cached(clause))
    return out


class _Counts:
    """Sparse class-conditional document counts of tokens."""

    def __init__(self):
        self.docs = defaultdict(int)  # class -> n docs
        self.tokens = defaultdict(int)  # class -> total token occurrences (binarised)
        self.tc = defaultdict(lambda: defaultdict(int))  # token -> class -> n
        self.df = defaultdict(int)

    def add(self, feats: frozenset, label) -> None:
        if label is None:
            return
        self.docs[label] += 1
        self.tokens[label] += len(feats)
        tc = self.tc
        for tok in feats:
            tc[tok][label] += 1
            self.df[tok] += 1

    def merge(self, other: _Counts) -> _Counts:
        out = _Counts()
        for src in (self, other):
            for k, v in src.docs.items():
                out.docs[k] += v
            for k, v in src.tokens.items():
                out.tokens[k] += v
            for tok, row in src.tc.items():
                dst = out.tc[tok]
                for k, v in row.items():
                    dst[k] += v
            for k, v in src.df.items():
                out.df[k] += v
        return out

    def params(self) -> dict:
        """Serialisable parameters: classes, log priors, per-class normaliser, sparse counts."""
        classes = sorted(self.docs)
        if not classes:
            return {"classes": []}
        index = {c: i for i, c in enumerate(classes)}
        # small histories keep every token (the topic keywords occur once); large ones drop hapaxes
        min_df = MIN_DF if sum(self.docs.values()) >= 5000 else 1
        vocab = [t for t, n in self.df.items() if n >= min_df]
        if len(vocab) > MAX_VOCAB:
            vocab = sorted(vocab, key=lambda t: -self.df[t])[:MAX_VOCAB]
        v = len(vocab) or 1
        total = sum(self.docs.values())
        prior = [math.log(self.docs[c] / total) for c in classes]
        # tokens of each class counted over the kept vocabulary only
        kept = defaultdict(int)
        feat = {}
        for tok in vocab:
            row = self.tc[tok]
            feat[tok] = [[index[c], n] for c, n in row.items()]
            for c, n in row.items():
                kept[c] += n
        norm = [math.log(kept[c] + ALPHA * v) for c in classes]
        return {"classes": classes, "prior": prior, "norm": norm, "feat": feat, "vocab": v}


class _Classifier:
    def __init__(self, params: dict):
        self.classes = params.get("classes", [])
        self.prior = params.get("prior", [])
        self.norm = params.get("norm", [])
        la = math.log(ALPHA)
        self.delta = {
            tok: [(ci, math.log(ALPHA + n) - la) for ci, n in row]
            for tok, row in params.get("feat", {}).items()
        }
        self.base_token = [la - nz for nz in self.norm]

    def scores(self, feats) -> list[float]:
        known = [self.delta[t] for t in feats if t in self.delta]
        m = len(known)
        s = [p + m * b for p, b in zip(self.prior, self.base_token, strict=True)]
        for row in known:
            for ci, d in row:
                s[ci] += d
        return s

    def top(self, feats, k: int) -> list[tuple[object, float]]:
        if not self.classes:
            return []
        s = self.scores(feats)
        top = max(s)
        exp = [math.exp(x - top) for x in s]
        z = sum(exp)
        order = sorted(range(len(s)), key=lambda i: -s[i])[:k]
        return [(self.classes[i], exp[i] / z) for i in order]


class Model:
    def __init__(self, params: dict):
        self.units = _Classifier(params.get("units", {}))
        self.topics = _Classifier(params.get("topics", {}))


# --- training -----------------------------------------------------------------------------
def _evaluate(clf: _Classifier, rows) -> tuple[float | None, float | None]:
    if not rows or not clf.classes:
        return None, None
    top1 = top3 = 0
    for feats, label in rows:
        best = [c for c, _p in clf.top(feats, 3)]
        if best and best[0] == label:
            top1 += 1
        if label in best:
            top3 += 1
    return top1 / len(rows), top3 / len(rows)


def train(
    *, holdout: float = 0.2, actor=None, limit: int | None = None, seed: int = 20261122, rows=None
) -> DispatchModel | None:
    """Train on past dispatch decisions, measure accuracy on `holdout` of them, store the model
    trained on all of them. `rows` (iterable of (content, unit_id, topic_id)) replaces the
    database read, for tests and benchmarks."""
    from yingshang import audit

    started = time.perf_counter()
    rng = random.Random(seed)
    train_units, train_topics = _Counts(), _Counts()
    held_units, held_topics = _Counts(), _Counts()
    held: list[tuple[frozenset, object, object]] = []
    n = 0
    for content, unit_id, topic_id in rows if rows is not None else training_rows(limit):
        feats = frozenset(_features(content))
        if not feats or unit_id is None:
            continue
        n += 1
        if holdout and rng.random() < holdout:
            held.append((feats, unit_id, topic_id))
            held_units.add(feats, unit_id)
            held_topics.add(feats, topic_id)
        else:
            train_units.add(feats, unit_id)
            train_topics.add(feats, topic_id)
    if n == 0:
        log.info("smart dispatch: no dispatched orders to learn from")
        return None
    if rows is None:  # prior knowledge from the topic tree, in every training set
        for content, unit_id, topic_id in seed_rows():
            feats = frozenset(_features(content))
            if feats:
                train_units.add(feats, unit_id)
                train_topics.add(feats, topic_id)
    top1 = top3 = topic_top1 = None
    if held and train_units.docs:
        unit_clf = _Classifier(train_units.params())
        top1, top3 = _evaluate(unit_clf, [(f, u) for f, u, _t in held])
        topic_rows = [(f, t) for f, _u, t in held if t is not None]
        if train_topics.docs and topic_rows:
            topic_top1, _ = _evaluate(_Classifier(train_topics.params()), topic_rows)
    all_units = train_units.merge(held_units) if held else train_units
    all_topics = train_topics.merge(held_topics) if held else train_topics
    params = {
        "algorithm": "multinomial-nb-binarised",
        "alpha": ALPHA,
        "units": all_units.params(),
        "topics": all_topics.params(),
    }
    seconds = time.perf_counter() - started
    with transaction.atomic():
        model = DispatchModel.objects.create(
            created_by=actor,
            trained_on=n,
            evaluated_on=len(held),
            holdout=holdout,
            top1_accuracy=top1,
            top3_accuracy=top3,
            topic_top1_accuracy=topic_top1,
            seconds=seconds,
            params=params,
        )
        audit.record(
            actor=actor,
            action="dispatch_model.train",
            obj=model,
            after={
                "trained_on": n,
                "evaluated_on": len(held),
                "top1": top1,
                "top3": top3,
                "topic_top1": topic_top1,
                "holdout": holdout,
            },
        )
    with _lock:
        _loaded["id"], _loaded["model"] = (model.pk, model.created_at), Model(params)
    log.info(
        "smart dispatch: trained on %s orders in %.1fs, top1=%s top3=%s", n, seconds, top1, top3
    )
    return model


# --- suggesting ---------------------------------------------------------------------------
def current_model() -> Model | None:
    """The newest stored model, loaded once per process (keyed by id and training time, so a
    re-used id after a rollback is not mistaken for the model already loaded)."""
    latest = DispatchModel.objects.order_by("-pk").values_list("pk", "created_at").first()
    if latest is None:
        return None
    with _lock:
        if _loaded["id"] == latest:
            return _loaded["model"]
    params = (
        DispatchModel.objects.filter(pk=latest[0]).values_list("params", flat=True).first() or {}
    )
    model = Model(params)
    with _lock:
        _loaded["id"], _loaded["model"] = latest, model
    return model


def _text_features(content: str) -> frozenset:
    return frozenset(_features(content)[:MAX_TOKENS])


def suggest_ids(content: str, k: int = 3) -> list[tuple[int, float]]:
    model = current_model()
    if model is None or not (content or "").strip():
        return []
    return model.units.top(_text_features(content), k)


def suggest(content: str, k: int = 3) -> list[tuple[object, float]]:
    """[(Unit, probability), ...] best first; [] when no model or no text. Falls back to the
    topics' keywords and default units when no model has been trained yet."""
    from yingshang.org.models import Unit

    ranked = suggest_ids(content, k)
    if not ranked:
        return (
            _keyword_fallback(content, k)
            if (content or "").strip() and current_model() is None
            else []
        )
    units = Unit.objects.in_bulk([uid for uid, _p in ranked])
    return [(units[uid], round(p, 4)) for uid, p in ranked if uid in units]


def suggest_topic(content: str, k: int = 3) -> list[tuple[object, float]]:
    from yingshang.hotline.models import Topic

    model = current_model()
    if model is None or not (content or "").strip():
        return []
    ranked = model.topics.top(_text_features(content), k)
    topics = Topic.objects.in_bulk([tid for tid, _p in ranked])
    return [(topics[tid], round(p, 4)) for tid, p in ranked if tid in topics]


def _keyword_fallback(content: str, k: int) -> list[tuple[object, float]]:
    """Before any training: topics whose keywords occur in the text → their default unit."""
    from yingshang.hotline.models import Topic

    feats = set(textmod.search_tokens(content))
    scores: dict = defaultdict(float)
    units = {}
    for topic in Topic.objects.filter(is_active=True, default_unit__isnull=False).select_related(
        "default_unit"
    ):
        words = {
            w.strip()
            for w in (topic.keywords or "").replace("，", ",").replace(" ", ",").split(",")
            if w.strip()
        }
        words |= set(textmod.search_tokens(topic.name))
        hit = len(words & feats)
        if hit:
            scores[topic.default_unit_id] += hit
            units[topic.default_unit_id] = topic.default_unit
    total = sum(scores.values())
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])[:k]
    return [(units[uid], round(s / total, 4)) for uid, s in ranked]


# --- how often operators accept the suggestion ------------------------------------------------
def acceptance(days: int = 30, limit: int = 50_000) -> dict:
    """Of the dispatches of the last `days` days made with a suggestion on screen (the
    console passes `suggested_unit_id` to hotline.services.dispatch, which audits it), how
    many went to the suggested unit. This is the accuracy that operators actually see."""
    import datetime as dt

    from django.utils import timezone

    from yingshang.audit.models import AuditEvent

    since = timezone.now() - dt.timedelta(days=days)
    shown = accepted = 0
    for changes in (
        AuditEvent.objects.filter(action="hotline.dispatch", created_at__gte=since)
        .order_by("-seq")
        .values_list("changes", flat=True)[:limit]
    ):
        suggested = (changes or {}).get("suggested_unit_id")
        chosen = (changes or {}).get("main_unit_id")
        suggested = suggested[1] if isinstance(suggested, list) else suggested
        chosen = chosen[1] if isinstance(chosen, list) else chosen
        if suggested is None:
            continue
        shown += 1
        accepted += int(suggested == chosen)
    return {
        "days": days,
        "shown": shown,
        "accepted": accepted,
        "rate": accepted / shown if shown else None,
    }
