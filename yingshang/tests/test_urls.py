"""The URL conf mounts the portal and the staff home before the other apps (yingshang/urls.py:
"/" and "/staff/" no longer walk every app's patterns). That order must not matter: every path
of every app resolves to its own view, wherever its app is mounted."""

import re

from django.urls import URLResolver, get_resolver

CONVERTER = re.compile(r"<(?:(\w+):)?\w+>")
SAMPLE = {None: "x1", "str": "x1", "slug": "x1", "int": "1", "path": "x1"}


def _paths(resolver, prefix="", namespace=""):
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        # a regular expression (the API's catch-all), or the API (one router: its operations
        # share paths by method): not sampled
        if route.startswith("^") or route == "api/v1/":
            continue
        route = CONVERTER.sub(lambda m: SAMPLE.get(m.group(1), "1"), route)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _paths(pattern, prefix + route, inner)
        elif pattern.name:
            yield "/" + prefix + route, f"{namespace}{pattern.name}"


def test_every_named_path_resolves_to_its_own_view():
    resolver = get_resolver()
    paths = list(_paths(resolver))
    assert len(paths) > 300
    taken = [
        (path, name, resolver.resolve(path).view_name)
        for path, name in paths
        if resolver.resolve(path).view_name != name
    ]
    assert taken == []


def test_every_api_operation_resolves_to_its_own_route_once_grouped():
    """The API's operations are mounted grouped under their first path segment
    (yingshang.api.urls); each path still reaches the route ninja declared for it."""
    from yingshang.api import api

    flat, _app, _namespace = api.urls
    resolver = get_resolver()
    first_name: dict[str, str] = {}  # operations on one path share its first pattern's view
    for pattern in flat:
        first_name.setdefault(str(pattern.pattern), pattern.name)
    checked = 0
    for route, name in first_name.items():
        if not name or route.startswith("^"):
            continue
        path = "/api/v1/" + CONVERTER.sub(lambda m: SAMPLE.get(m.group(1), "1"), route)
        match = resolver.resolve(path)
        assert (path, match.route, match.url_name) == (path, "api/v1/" + route, name)
        checked += 1
    assert checked > 200
