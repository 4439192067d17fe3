"""Page-level fuzzer (issue 16, finding 5): every URL pattern of the site, from the resolver,
with malformed path arguments (text, huge and negative integers, unicode) and every documented
query parameter with malformed values, as every role and signed out — no answer ≥ 500.

Documented query parameters are the fields of the pages' filter forms plus the ones views read
by hand (below); a new filter form is picked up by itself. One request sets all parameters to
the same bad value, so a page is tried with each kind of bad value at once.
"""

import os
import re
import sys
from datetime import date

import pytest
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from .permissions import MATRIX, ROLES
from .test_permission_matrix import _args

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"
PATH_VALUES = ("abc", HUGE, "-1", "数据", "0")
QUERY_VALUES = ("abc", HUGE, "-1", "数据\u202e", "1e400", "a\x00b", "2022-13-45")
# Read with request.GET.get() in views (not through a form).
RAW_PARAMS = ("year", "month", "round", "status", "mine", "page", "project", "baseline",
              "activity", "by", "sort", "kind", "level", "metric", "history", "scope", "next",
              "group", "p", "o", "q", "e", "all")


def _form_params() -> set[str]:
    from diaodu.cases.forms import ApprovalFilterForm, CaseFilterForm
    from diaodu.projects.forms import ProjectFilterForm
    from diaodu.schedule.forms import BoardFilterForm

    return {name for form in (ApprovalFilterForm, CaseFilterForm, ProjectFilterForm,
                              BoardFilterForm) for name in form.base_fields}


def _patterns(resolver=None, namespace=""):
    """(name, parameter names) of every named URL pattern."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            pattern = entry.pattern
            names = list(getattr(pattern, "converters", {}) or {}) or \
                list(re.compile(str(pattern)).groupindex)
            yield f"{namespace}{entry.name}", names


def _query(value: str) -> str:
    from urllib.parse import quote

    return "?" + "&".join(f"{p}={quote(value)}" for p in sorted(set(RAW_PARAMS) | _form_params()))


def _urls(own_project, turn: int) -> list[str]:
    """One URL with a bad path argument and one with bad query parameters per pattern; the kind
    of bad value turns with `turn` (the role's index) so that over the roles every pattern gets
    every kind. DIAODU_FUZZ_FULL=1 tries every kind for every role (minutes)."""
    full = os.environ.get("DIAODU_FUZZ_FULL") == "1"
    urls, built = set(), {}
    for k, (name, params) in enumerate(sorted(_patterns())):
        turns = range(len(QUERY_VALUES)) if full else [k + turn]
        queries = [_query(QUERY_VALUES[t % len(QUERY_VALUES)]) for t in turns]
        if not params:
            try:
                base = reverse(name)
            except NoReverseMatch:
                continue
            urls.update(base + q for q in ["", *queries])
            continue
        tried = 0
        for t in range(len(PATH_VALUES)):
            value = PATH_VALUES[(k + turn + t) % len(PATH_VALUES)]
            try:
                urls.add(reverse(name, kwargs={p: value for p in params}))
            except NoReverseMatch:
                continue  # the converter refuses it: the resolver answers 404 itself
            tried += 1
            if tried == (len(PATH_VALUES) if full else 1):
                break
        # A real object, then bad query parameters — on our pages; the admin's object pages
        # read none (its list and add pages, which do, have no path argument).
        if name in MATRIX and MATRIX[name][0] and not name.startswith("admin:"):
            build = MATRIX[name][0]
            if build not in built:
                built[build] = _args(build, own_project)
            base = reverse(name, args=built[build])
            urls.update(base + q for q in queries)
    return sorted(urls)


@pytest.fixture
def world(request, project_a, project_b, street_a_reporter, settings, tmp_path):
    """Enough objects that list pages, exports and briefings reach their queries: a round,
    reports, a case with and one without a lead unit, a visit with instructions."""
    from diaodu.cases import services as cases
    from diaodu.ledgers.exports import LEDGERS

    settings.MEDIA_ROOT = tmp_path / "media"
    role = request.node.callspec.params["role"]
    # Builds the round, reports, a case, a visit … of project A.
    urls = _urls(project_a, turn=TURNS.index(role))
    case = cases.case_create(actor=street_a_reporter, title="报给调度中心的问题",
                             project=project_a, lead_unit=None, today=date(2022, 3, 28))
    # Every ledger export, with a case that has no lead unit yet (what a reporter raises).
    exports = [reverse("ledgers:export", args=[slug]) + _query(HUGE) for slug in LEDGERS]
    return [*urls, *exports, reverse("cases:detail", args=[case.pk])]


TURNS = (*ROLES, "anonymous")


@pytest.mark.parametrize("role", TURNS)
def test_no_page_answers_500(request, role, world):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    errors: list[str] = []

    def record(sender, request, **kwargs):
        errors.append(f"{request.get_full_path()}: {sys.exc_info()[1]!r}")

    got_request_exception.connect(record, dispatch_uid="page_fuzz")
    try:
        failures = []
        for url in world:
            status = client.get(url).status_code
            if status >= 500:
                failures.append(f"{status} {url}")
    finally:
        got_request_exception.disconnect(dispatch_uid="page_fuzz")
    assert not failures, "\n".join([*failures, *errors])
