"""The portal: the rankings the county chose to publish (with their bulletins) and the 曝光台.
What the public sees comes from the same scope rules (an anonymous visitor's scope is the
published-and-public rankings and the published cases)."""

from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.shortcuts import render

from yingshang.assessment import documents, selectors
from yingshang.assessment.models import Exposure, Snapshot
from yingshang.org import scope

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _public_snapshots():
    # the portal shows what the public may see, also to a signed-in staff member

    return scope.visible_to(None, Snapshot).order_by("-period_first", "-version")


def rankings(request):
    return render(
        request, "assessment/public/rankings.html", {"snapshots": _public_snapshots()[:100]}
    )


def ranking(request, pk: int):
    snapshot = _public_snapshots().filter(pk=pk).first()
    if snapshot is None:
        raise Http404
    view = selectors.shaped_public(snapshot)
    return render(request, "assessment/public/ranking.html", {"snapshot": snapshot, "view": view})


def bulletin(request, pk: int):
    snapshot = _public_snapshots().filter(pk=pk).first()
    if snapshot is None:
        raise Http404
    name = f"{snapshot.results['period']['label']}考核排名通报.docx"
    response = HttpResponse(documents.bulletin(snapshot), content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def exposures(request):

    items = scope.visible_to(None, Exposure).select_related("unit").order_by("-published_at", "-id")
    kind = request.GET.get("kind", "")
    if kind in Exposure.Kind.values:
        items = items.filter(kind=kind)
    return render(
        request,
        "assessment/public/exposures.html",
        {"items": items[:100], "kinds": Exposure.Kind.choices, "kind": kind},
    )
