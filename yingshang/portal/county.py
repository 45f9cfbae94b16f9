"""The county a portal visitor reads (a city and its counties, org.tenancy): chosen on the portal
home or the guide list, `?county=<code>` as a link, kept in the session. A one-county
deployment has nothing to choose: no chooser, no choice."""

from dataclasses import dataclass

from yingshang.org import tenancy

SESSION_KEY = "portal_county"
ALL = "all"  # 全市: the value that clears the choice


@dataclass(frozen=True)
class Chooser:
    """What the chooser shows: the counties as (code, short name), the chosen county's code
    ("" for 全市) and its path (what the catalogue selectors filter by)."""

    options: tuple[tuple[str, str], ...]
    code: str = ""
    path: str = ""
    name: str = ""

    def __bool__(self) -> bool:
        return bool(self.options)


def chooser(request) -> Chooser:
    """The visitor's county, after taking `?county=` (a county's code, or "all") into the
    session; an unknown value changes nothing."""
    counties = tenancy.counties()
    if not counties:
        return Chooser(options=())
    by_code = {code: (path, name) for code, path, name in counties}
    asked = request.GET.get("county")
    if asked == ALL:
        request.session.pop(SESSION_KEY, None)
    elif asked in by_code:
        request.session[SESSION_KEY] = asked
    code = request.session.get(SESSION_KEY, "")
    path, name = by_code.get(code, ("", ""))
    return Chooser(
        options=tuple((code, name) for code, _path, name in counties),
        code=code if path else "",
        path=path,
        name=name,
    )
