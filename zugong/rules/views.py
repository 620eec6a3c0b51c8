"""Pages of the rules app (placeholder until the dashboard lands)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return HttpResponse("制度执行")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    return HttpResponse("提醒")
