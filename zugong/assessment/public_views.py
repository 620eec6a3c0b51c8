"""The voter's phone page (/m/vote/): no account. Enter the one-time code from the slip, grade every
subject, cast. Both steps are POSTs, so the code never appears in a URL or an access log line."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from zugong.assessment.models_survey import ANSWER_POINTS
from zugong.assessment.services import ballots, survey_links, surveys
from zugong.core.errors import DomainError


def _failure_key(request: HttpRequest) -> str:
    address = str(request.META.get("REMOTE_ADDR", "") or "unknown")
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"assessment:vote-failures:{digest}:{timezone.now():%Y%m%d%H}"


def _throttled(request: HttpRequest) -> bool:
    """Refused codes per client address per hour, counted in the shared cache: guessing codes is slow, while
    a meeting room of voters behind one address is never held up by its own valid codes."""
    return int(cache.get(_failure_key(request), 0)) >= int(getattr(settings, "ZUGONG_VOTE_PER_ADDRESS_HOUR", 30))


def _count_failure(request: HttpRequest) -> None:
    key = _failure_key(request)
    cache.add(key, 0, timeout=3700)
    cache.incr(key)


def _grades(request: HttpRequest) -> dict[int, str]:
    return {int(k[6:]): request.POST.get(k, "") for k in request.POST if k.startswith("grade-") and k[6:].isdigit()}


@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "assessment/public/vote_code.html", {})
    if _throttled(request):
        return render(request, "assessment/public/vote_code.html", {"error": "尝试次数过多，请一小时后再试"},
                      status=429)
    code = request.POST.get("code", "")[:20]
    try:
        if "cast" not in request.POST:
            campaign, voter_class, subjects = ballots.ballot_of(code)
            return render(request, "assessment/public/vote_ballot.html", {
                "code": code, "campaign": campaign, "voter_class": voter_class, "subjects": subjects})
        ballots.ballot_cast(code=code, grades=_grades(request))
    except DomainError as exc:
        if "cast" in request.POST and exc.status == 400:
            campaign, voter_class, subjects = ballots.ballot_of(code)
            return render(request, "assessment/public/vote_ballot.html", {
                "code": code, "campaign": campaign, "voter_class": voter_class, "subjects": subjects,
                "error": exc.message}, status=400)
        _count_failure(request)
        return render(request, "assessment/public/vote_code.html", {"error": exc.message}, status=exc.status)
    return render(request, "assessment/public/vote_done.html", {})


def _answers(request: HttpRequest) -> dict[int, str]:
    return {int(k[2:]): request.POST.get(k, "") for k in request.POST
            if k.startswith("q-") and k[2:].isdigit() and len(k) < 14}


def _questionnaire(request: HttpRequest, code: str, error: str = "", status: int = 200) -> HttpResponse:
    survey, county, indicators = surveys.questionnaire_of(code)
    return render(request, "assessment/public/survey_form.html", {
        "code": code, "survey": survey, "county": county, "indicators": indicators, "error": error,
        "answers": list(ANSWER_POINTS)}, status=status)


@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest) -> HttpResponse:
    """The satisfaction survey's phone page: the code (a POST, never in a URL), then every indicator."""
    if request.method == "GET":
        return render(request, "assessment/public/survey_code.html", {})
    if _throttled(request):
        return render(request, "assessment/public/survey_code.html", {"error": "尝试次数过多，请一小时后再试"},
                      status=429)
    code = request.POST.get("code", "")[:20]
    try:
        if "submit" not in request.POST:
            return _questionnaire(request, code)
        surveys.survey_answer(code=code, answers=_answers(request))
    except DomainError as exc:
        if "submit" in request.POST and exc.status == 400:
            return _questionnaire(request, code, exc.message, 400)
        _count_failure(request)
        return render(request, "assessment/public/survey_code.html", {"error": exc.message}, status=exc.status)
    return render(request, "assessment/public/survey_done.html", {})


COOKIE_SALT = "assessment.survey-link"
COOKIE_AGE = 365 * 24 * 3600


def _answered_here(request: HttpRequest, survey_id: int) -> bool:
    return request.get_signed_cookie(f"zg_sv{survey_id}", default=None, salt=COOKIE_SALT) == "1"


def _link_page(request: HttpRequest, token: str, *, error: str = "", status: int = 200) -> HttpResponse:
    survey, counties, indicators = survey_links.link_form(token)
    if _answered_here(request, survey.pk):
        return render(request, "assessment/public/survey_done.html", {"again": True}, status=409)
    chosen = request.POST.get("county", "") if request.method == "POST" else ""
    return render(request, "assessment/public/survey_link.html", {
        "survey": survey, "counties": counties, "indicators": indicators, "answers": list(ANSWER_POINTS),
        "error": error, "chosen": chosen, "given": _answers(request) if request.method == "POST" else {}},
        status=status)


@require_http_methods(["GET", "POST"])
def survey_link(request: HttpRequest, token: str) -> HttpResponse:
    """The round's public link: choose the county, give a mobile number (kept only as a keyed hash, for
    dedupe), answer every indicator. A browser that answered is refused by its signed cookie."""
    if _throttled(request):
        return render(request, "assessment/public/survey_code.html", {"error": "尝试次数过多，请一小时后再试"},
                      status=429)
    try:
        if request.method == "GET":
            return _link_page(request, token)
        survey = survey_links.survey_by_token(token)
        if _answered_here(request, survey.pk):
            return render(request, "assessment/public/survey_done.html", {"again": True}, status=409)
        county = request.POST.get("county", "")
        survey_links.survey_answer_link(token=token, county_id=int(county) if county.isdigit() and len(county) < 10
                                        else 0, phone=request.POST.get("phone", "")[:20], answers=_answers(request))
    except DomainError as exc:
        if exc.message == survey_links.INVALID_LINK:
            _count_failure(request)
            return render(request, "assessment/public/survey_code.html", {"error": exc.message}, status=exc.status)
        return _link_page(request, token, error=exc.message, status=exc.status)
    response = render(request, "assessment/public/survey_done.html", {})
    response.set_signed_cookie(f"zg_sv{survey.pk}", "1", salt=COOKIE_SALT, max_age=COOKIE_AGE, httponly=True,
                               samesite="Lax", secure=request.is_secure())
    return response
