"""Who sees which knowledge articles: published ones are for everyone who answers citizens
(all staff, and the public API reads only published ones); drafts and withdrawn articles are
seen by the editors (hotline operators, supervisors, admins), county-wide roles, and the
units the article belongs to."""

from django.db.models import Q

from yingshang.knowledge.models import DispatchModel, KnowledgeArticle
from yingshang.org import scope, tenancy
from yingshang.org.roles import Role

EDITORS = (Role.HOTLINE_OPERATOR, Role.SUPERVISOR, Role.ADMIN)


def _articles(grants, qs):
    published = Q(status=KnowledgeArticle.Status.PUBLISHED)
    if not grants.is_authenticated:
        return qs.filter(published)
    if grants.has(*EDITORS) or grants.countywide:
        return qs
    units = grants.units()
    if units:
        ids = KnowledgeArticle.units.through.objects.filter(unit_id__in=units).values(
            "knowledgearticle_id"
        )
        return qs.filter(published | Q(pk__in=ids))
    return qs.filter(published)


def _article_abilities(grants, article):
    editor = grants.has(*EDITORS)
    status = article.status
    return {
        "edit": editor and status != KnowledgeArticle.Status.WITHDRAWN,
        "publish": editor and status != KnowledgeArticle.Status.PUBLISHED,
        "withdraw": editor and status != KnowledgeArticle.Status.WITHDRAWN,
    }


def _models(grants, qs):
    if grants.has(*EDITORS) or grants.countywide:
        return qs
    return qs.none()


scope.register(KnowledgeArticle, _articles, tenant=tenancy.SHARED)
scope.register_abilities(KnowledgeArticle, _article_abilities)
scope.register(DispatchModel, _models, tenant=tenancy.SHARED)
