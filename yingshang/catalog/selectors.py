"""Reads of the catalogue: which matters are public, the merged form and materials of a 一件事
package, guide lists and the Chinese search (jieba)."""

from dataclasses import dataclass, field
from functools import cache

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from yingshang import rowload
from yingshang.catalog.models import (
    FormField,
    Material,
    Matter,
    MatterVersion,
    Package,
    PackageMember,
)
from yingshang.org import scope, tenancy


# --- public matters ----------------------------------------------------------------------------
# The one rule: a matter is public — listed in the guides, open to applications, allowed in a
# package — while it is active and has a published version. (Withdrawing a matter deactivates
# it; its versions stay.)
def is_public(matter: Matter) -> bool:
    return matter.is_active and matter.current_version_id is not None


def public_q(prefix: str = "") -> Q:
    """The rule as a filter, on matters reached through `prefix` (e.g. "matters__")."""
    return Q(**{f"{prefix}is_active": True, f"{prefix}current_version__isnull": False})


def localisable(matter: Matter) -> bool:
    """A county may localise (本县承接) a public matter of the city's own units (tenant "")."""
    return is_public(matter) and matter.unit.tenant == ""


def public_matters(qs=None):
    """The public matters of `qs` (default: all matters)."""
    return (Matter.objects.all() if qs is None else qs).filter(public_q())


# --- one county's catalogue (a city and its counties, org.tenancy) ---------------------------
def reader_county(user, chosen: str = "") -> str:
    """The county whose catalogue a reader is offered, as a tenant: the one county a member of
    staff is bounded to (Grants.reach), else the county a portal visitor chose (`chosen`, a
    county's path); "" — the whole city — for everyone else and in a one-county deployment."""
    return tenancy.home_of(user) or chosen


def for_county(qs, county: str):
    """The matters of `qs` offered to a reader of `county`: the county's own and the city's, a
    city matter the county localised replaced by its localisation (listed once, not twice);
    another county still gets the city's. "" (the whole city): `qs` unchanged."""
    if not county:
        return qs
    localised = Matter.objects.filter(
        public_q(), localised_from=OuterRef("pk"), unit__tenant=county
    )
    return qs.filter(tenancy.Within("unit", city_shared=True).q((county,))).exclude(
        Exists(localised)
    )


def offered_matters(user, county: str = ""):
    """The public matters a reader is offered — guides, search, applying: those their scope
    shows, one county's catalogue for a reader of one county (`county`: the one a portal visitor
    chose)."""
    return for_county(public_matters(scope.visible_to(user, Matter)), reader_county(user, county))


# --- packages: one form, one set of materials ------------------------------------------------
@dataclass
class MergedField:
    key: str
    label: str
    field_type: str
    required: bool
    choices: list
    profile_source: str
    order: int
    fields: list[FormField] = field(default_factory=list)  # one per member version that asks it
    matters: list[Matter] = field(default_factory=list)
    # the member whose handling produces it inside the package: not asked of the applicant
    produced_by: Matter | None = None

    def get_field_type_display(self) -> str:
        return str(FormField.FieldType(self.field_type).label)


@dataclass
class MergedMaterial:
    key: str
    name: str
    required: bool
    form: str
    copies: int
    deficit_allowed: bool
    commitment_replaces: bool
    notes: str
    materials: list[Material] = field(default_factory=list)
    matters: list[Matter] = field(default_factory=list)
    produced_by: Matter | None = None  # as MergedField.produced_by
    # the package's own blank joint form (一表申请) replaces the members' templates and examples
    joint_form_url: str = ""

    @property
    def template(self):
        return next((m for m in self.materials if m.template), None)

    @property
    def example(self):
        return next((m for m in self.materials if m.example), None)

    @property
    def template_url(self) -> str:
        if self.joint_form_url:
            return self.joint_form_url
        return self.template.template_url if self.template else ""

    @property
    def example_url(self) -> str:
        if self.joint_form_url:
            return ""
        return self.example.example_url if self.example else ""

    def get_form_display(self) -> str:
        return str(Material.Form(self.form).label)


def package_versions(package: Package) -> list[MatterVersion]:
    """The current versions of the package's active members, in member order, with their
    materials and form fields prefetched (one query each)."""
    members = (
        PackageMember.objects.filter(public_q("matter__"), package=package)
        .select_related("matter__unit", "matter__current_version")
        .prefetch_related(
            Prefetch(
                "matter__current_version__materials",
                queryset=Material.objects.order_by("order", "id"),
            ),
            Prefetch(
                "matter__current_version__form_fields",
                queryset=FormField.objects.order_by("order", "id"),
            ),
        )
        .order_by("order", "id")
    )
    versions = []
    for pm in members:
        version = pm.matter.current_version
        version.matter = pm.matter  # keep the loaded unit
        version.outputs = list(pm.outputs or [])  # what the member produces in the package
        versions.append(version)
    return versions


def _producers(versions: list[MatterVersion]) -> dict[tuple[str, str], tuple[int, Matter]]:
    """(kind, key) → (position, member matter) of the first member that produces it."""
    out: dict[tuple[str, str], tuple[int, Matter]] = {}
    for i, version in enumerate(versions):
        for item in getattr(version, "outputs", None) or []:
            out.setdefault((item.get("kind") or "material", item["key"]), (i, version.matter))
    return out


def _mark_produced(items, kind: str, versions: list[MatterVersion]) -> None:
    """An input is produced inside the package when a member produces it and every member that
    asks it comes later (data entered once: the applicant is not asked)."""
    producers = _producers(versions)
    position = {v.matter.pk: i for i, v in enumerate(versions)}
    for item in items:
        found = producers.get((kind, item.key))
        if found is None:
            continue
        at, matter = found
        if all(position.get(m.pk, -1) > at for m in item.matters):
            item.produced_by = matter


def merged_form_fields(
    package: Package, versions: list[MatterVersion] | None = None
) -> list[MergedField]:
    """Fields of every member version, de-duplicated by key: a shared field appears once (required
    if any member requires it) and feeds every member matter listed in `.matters`."""
    versions = package_versions(package) if versions is None else versions
    merged: dict[str, MergedField] = {}
    position = 0
    for version in versions:
        for f in version.form_fields.all():
            item = merged.get(f.key)
            if item is None:
                item = merged[f.key] = MergedField(
                    key=f.key,
                    label=f.label,
                    field_type=f.field_type,
                    required=f.required,
                    choices=list(f.choices or []),
                    profile_source=f.profile_source,
                    order=position,
                )
                position += 1
            else:
                item.required = item.required or f.required
                item.profile_source = item.profile_source or f.profile_source
                for choice in f.choices or []:
                    if choice not in item.choices:
                        item.choices.append(choice)
            item.fields.append(f)
            if version.matter not in item.matters:
                item.matters.append(version.matter)
    items = _with_package_form(package, list(merged.values()))
    _mark_produced(items, "field", versions)
    return items


def _with_package_form(package: Package, items: list[MergedField]) -> list[MergedField]:
    """The package's own joint form first (its labels, types and required flags), then the
    members' fields it does not cover."""
    own = list(package.form_fields or [])
    if not own:
        return items
    by_key = {i.key: i for i in items}
    out = []
    for position, spec in enumerate(own):
        member = by_key.pop(spec["key"], None)
        out.append(
            MergedField(
                key=spec["key"],
                label=spec.get("label") or (member.label if member else spec["key"]),
                field_type=spec.get("field_type") or (member.field_type if member else "text"),
                required=bool(spec.get("required", True)),
                choices=list(spec.get("choices") or (member.choices if member else [])),
                profile_source=spec.get("profile_source")
                or (member.profile_source if member else ""),
                order=position,
                fields=member.fields if member else [],
                matters=member.matters if member else [],
            )
        )
    for position, item in enumerate(by_key.values(), start=len(out)):
        item.order = position
        out.append(item)
    return out


# Material keys of each matter's own application form: in a package they merge into one form.
SHARED_FORM_KEYS = ("application_form",)


def merged_materials(
    package: Package, versions: list[MatterVersion] | None = None
) -> list[MergedMaterial]:
    """Materials of every member version, de-duplicated by key, each with the member matters that
    need it. Required if any member requires it; 容缺 / 告知承诺 only if every member allows it;
    the form and number of copies asked are the most demanding ones."""
    versions = package_versions(package) if versions is None else versions
    form_rank = {
        Material.Form.ELECTRONIC: 0,
        Material.Form.COPY: 1,
        Material.Form.ORIGINAL: 2,
        Material.Form.ORIGINAL_AND_COPY: 3,
    }
    merged: dict[str, MergedMaterial] = {}
    for version in versions:
        for m in version.materials.all():
            item = merged.get(m.key)
            if item is None:
                item = merged[m.key] = MergedMaterial(
                    key=m.key,
                    name=m.name,
                    required=m.required,
                    form=m.form,
                    copies=m.copies,
                    deficit_allowed=m.deficit_allowed,
                    commitment_replaces=m.commitment_replaces,
                    notes=m.notes,
                )
            else:
                item.required = item.required or m.required
                item.deficit_allowed = item.deficit_allowed and m.deficit_allowed
                item.commitment_replaces = item.commitment_replaces and m.commitment_replaces
                item.copies = max(item.copies, m.copies)
                if form_rank.get(m.form, 0) > form_rank.get(item.form, 0):
                    item.form = m.form
            item.materials.append(m)
            if version.matter not in item.matters:
                item.matters.append(version.matter)
    for key in SHARED_FORM_KEYS:
        item = merged.get(key)
        if item is not None and len(item.matters) > 1:
            # 一表申请: the members' application forms become the package's one form
            item.name = _("《%(p)s》一件事联办申请表") % {"p": package.name}
            # its blank form is the package's own (its fields), not the first member's template
            item.joint_form_url = reverse("catalog:package_form", args=[package.code])
    items = list(merged.values())
    _mark_produced(items, "material", versions)
    return items


def package_members(package: Package) -> list[Matter]:
    return [v.matter for v in package_versions(package)]


# --- guide lists -------------------------------------------------------------------------------
def matters_for(
    user, *, county: str = "", unit_code: str = "", theme: str = "", life_event: str = ""
):
    """The public matters of the guides; `county`: the one a portal visitor chose (for_county)."""
    qs = offered_matters(user, county).select_related("unit", "current_version")
    if unit_code:
        qs = qs.filter(unit__code=unit_code)
    if theme:
        qs = (
            qs.filter(search_text__icontains=_label_text("theme", theme))
            if _label_text("theme", theme)
            else qs.none()
        )
    if life_event:
        label = _label_text("life_event", life_event)
        qs = qs.filter(search_text__icontains=label) if label else qs.none()
    return qs.order_by("unit__sort_order", "name_cache", "id")


def _label_text(kind: str, code: str) -> str:
    from yingshang.catalog.vocab import LIFE_EVENTS, THEMES

    table = THEMES if kind == "theme" else LIFE_EVENTS
    return str(table[code]).lower() if code in table else ""


def filter_by_codes(matters, *, theme: str = "", life_event: str = ""):
    """Exact filter on the version's JSON lists (the icontains pre-filter can over-match)."""
    out = []
    for m in matters:
        v = m.current_version
        if theme and theme not in (v.themes or []):
            continue
        if life_event and life_event not in (v.life_events or []):
            continue
        out.append(m)
    return out


def packages_for(
    user, *, county: str = "", theme: str = "", life_event: str = "", unit_code: str = ""
):
    qs = _packages_of(user, county).select_related("lead_unit")
    if theme:
        qs = qs.filter(theme=theme)
    if life_event:
        qs = qs.filter(life_event=life_event)
    if unit_code:
        qs = qs.filter(
            Q(lead_unit__code=unit_code) | Q(members__matter__unit__code=unit_code)
        ).distinct()
    return qs.order_by("id")


def _packages_of(user, county: str = ""):
    """The active packages a reader sees; with a county chosen, the county's and the city's."""
    qs = scope.visible_to(user, Package).filter(is_active=True)
    county = reader_county(user, county)
    if county:
        qs = qs.filter(tenancy.Within("lead_unit", city_shared=True).q((county,)))
    return qs


# --- search ------------------------------------------------------------------------------------
_STOP = {
    "的",
    "了",
    "和",
    "与",
    "及",
    "或",
    "在",
    "是",
    "我",
    "要",
    "想",
    "我要",
    "我想",
    "想要",
    "办",
    "怎么",
    "怎么办",
    "如何",
    "哪里",
    "什么",
    "需要",
    "办理",
    "申请",
    "一个",
    "一家",
}


def tokens(query: str) -> list[str]:
    """jieba search-mode tokens of the query, most specific first, without stop words."""
    import jieba

    query = (query or "").strip().lower()
    if not query:
        return []
    seen, out = set(), []
    for token in sorted(jieba.lcut_for_search(query), key=len, reverse=True):
        token = token.strip()
        if not token or token in seen or token in _STOP or not any(ch.isalnum() for ch in token):
            continue
        seen.add(token)
        out.append(token)
    multi = [t for t in out if len(t) > 1]
    return multi or out


# What people type → how the catalogue says it (the catalogue speaks legal Chinese).
SYNONYMS = {
    "饭店": ["餐饮"],
    "饭馆": ["餐饮"],
    "餐馆": ["餐饮"],
    "餐厅": ["餐饮"],
    "小吃": ["餐饮"],
    "开饭店": ["餐饮"],
    "营业执照": ["设立登记"],
    "执照": ["设立登记"],
    "开公司": ["企业设立", "企业开办"],
    "开店": ["设立登记"],
    "社保": ["社会保险"],
    "医保": ["医疗保障", "医保"],
    "户口": ["户籍", "户口"],
    "买房": ["不动产转移"],
    "过户": ["转移登记"],
    "房产证": ["不动产"],
    "盖房": ["建设工程", "宅基地"],
    "建房": ["宅基地", "乡村建设"],
    "发票": ["发票"],
    "公章": ["印章"],
    "刻章": ["印章"],
    "通电": ["用电"],
    "通水": ["用水"],
    "宽带": ["宽带"],
    "退休": ["养老"],
    "低保": ["最低生活保障"],
    "结婚": ["婚姻登记"],
}


def expanded(words: list[str]) -> list[tuple[str, float]]:
    """(token, weight): the query's own tokens, then synonyms at a lower weight."""
    out = [(w, 1.0) for w in words]
    seen = set(words)
    for w in words:
        for alt in SYNONYMS.get(w, []):
            if alt not in seen:
                seen.add(alt)
                out.append((alt, 0.8))
    return out


@dataclass
class SearchResult:
    matters: list[Matter]
    packages: list[Package]
    tokens: list[str]


def search(user, query: str, *, county: str = "", limit: int = 50) -> SearchResult:
    words = tokens(query)
    if not words:
        return SearchResult([], [], [])
    weighted = expanded(words)
    q_lower = query.strip().lower()
    cond = Q()
    for w, _weight in weighted:
        cond |= Q(search_text__icontains=w)
    candidates = (
        offered_matters(user, county).filter(cond).select_related("unit", "current_version")[:500]
    )
    scored = []
    for m in candidates:
        name = m.name_cache.lower()
        text = m.search_text
        score = 30 if q_lower and q_lower in name else 0
        for w, weight in weighted:
            if w in name:
                score += 10 * len(w) * weight
            elif w in text:
                # more mentions (conditions, materials, packages) = more relevant, within reason
                score += 2 * len(w) * min(text.count(w), 5) * weight
        scored.append((score, m.name_cache, m.pk, m))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))

    pcond = Q()
    for w, _weight in weighted:
        pcond |= (
            Q(name__icontains=w)
            | Q(description__icontains=w)
            | Q(members__matter__name_cache__icontains=w)
        )
    packages = list(
        _packages_of(user, county).filter(pcond).distinct().select_related("lead_unit")[:50]
    )
    pscored = []
    for p in packages:
        name = p.name.lower()
        score = 30 if q_lower in name else 0
        for w, weight in weighted:
            score += (10 if w in name else 2 if w in p.description.lower() else 1) * len(w) * weight
        pscored.append((score, p.pk, p))
    pscored.sort(key=lambda s: (-s[0], s[1]))
    return SearchResult([s[3] for s in scored[:limit]], [s[2] for s in pscored], words)


@cache
def _matters_with_version() -> rowload.RowLoader:
    table = Matter._meta.db_table
    return rowload.RowLoader(Matter, f"{table}.id = %s", join="current_version")


def matter_for_submission(user, pk):
    """The matter a submission names: a public one (which the catalogue scope shows everyone)
    read by key with its published version in one statement built once per process (the
    submission reads the version's limits next; a lazy load of it compiled a second query,
    ~0.6 ms of a submission's Python — bench/analysis.md, session 17); any other through the
    user's scope (404 unless they see it; the submission then refuses it)."""
    matter = _matters_with_version().one([pk]) if rowload.key_fits(pk) else None
    if matter is not None and is_public(matter):
        return matter
    return scope.get_for(user, Matter, pk)
