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
