"""Training pages: the org-department cadres of a unit with their off-job days over the rolling cycle
(R30), the Excel import of training records, and the department's own classes of a year."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zugong.core.errors import DomainError
from zugong.core.permissions import may
from zugong.core.request import AuthedRequest, page, query_int
from zugong.fieldwork import selectors
from zugong.fieldwork.forms import ProgrammeForm, TrainingImportForm, TrainingRecordForm
from zugong.fieldwork.services.training import training_import, training_programme_add, training_record_add


@page(action="fieldwork.training_view", methods=("GET", "HEAD"))
def training(request: AuthedRequest) -> HttpResponse:
    pk = query_int(request, "org", low=1)
    unit = (selectors.visible_unit(request.jurisdiction, pk) if pk is not None
            else selectors.home_unit(request.jurisdiction))
    today = timezone.localdate()
    rows = list(selectors.off_job_days_in_cycle(request.jurisdiction, as_of=today, org_unit=unit)[:1000])
    return render(request, "fieldwork/training.html", {
        "unit": unit, "rows": rows, "check": selectors.cycle_check(unit, today),
        "short": sum(1 for r in rows if not r["meets"]),
        "may_import": may(request.jurisdiction, "fieldwork.training_record"), "form": TrainingImportForm()})


@page(action="fieldwork.training_record", methods=("GET", "POST"))
def training_upload(request: AuthedRequest) -> HttpResponse:
    form = TrainingImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        try:
            result = training_import(actor=request.user, jurisdiction=request.jurisdiction, data=upload.read(),
                                     filename=upload.name or "training.xlsx")
        except DomainError as exc:
            form.add_error("workbook", exc.message)
        else:
            messages.success(request, _("已导入 %(n)s 条培训记录") % {"n": result.added})
            for line in result.refused:
                messages.warning(request, line)
            return HttpResponseRedirect(reverse("fieldwork:training"))
    return render(request, "fieldwork/training_import.html", {"form": form})


@page(action="fieldwork.training_view", writes="fieldwork.training_record")
def training_programmes(request: AuthedRequest) -> HttpResponse:
    """The classes a unit's org department ran in a year (示范班, 研讨班) against R30's programme."""
    pk = query_int(request, "org", low=1)
    unit = (selectors.visible_unit(request.jurisdiction, pk) if pk is not None
            else selectors.home_unit(request.jurisdiction))
    year = query_int(request, "year", default=timezone.localdate().year, low=2000, high=2100) or 2000
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = training_programme_add(actor=request.user, jurisdiction=request.jurisdiction, org_unit=unit,
                                               kind=data["kind"], title=data["title"], start_date=data["start_date"],
                                               end_date=data["end_date"], participants=data["participants"] or 0)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已登记%(title)s") % {"title": programme.title})
            return HttpResponseRedirect(f"{reverse('fieldwork:training-programmes')}?org={unit.pk}"
                                        f"&year={programme.start_date.year}")
    return render(request, "fieldwork/training_programmes.html", {
        "unit": unit, "year": year, "figures": selectors.programme_year(unit, year),
        "rows": selectors.programmes_visible(request.jurisdiction).filter(org_unit=unit, start_date__year=year),
        "form": form, "may_record": may(request.jurisdiction, "fieldwork.training_record", unit)})


@page(action="fieldwork.training_record", methods=("GET", "HEAD", "POST"))
def training_record_new(request: AuthedRequest) -> HttpResponse:
    """One training record entered by hand (the Excel import is the other way in)."""
    form = TrainingRecordForm(request.POST or None, jurisdiction=request.jurisdiction)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = training_record_add(actor=request.user, jurisdiction=request.jurisdiction, cadre=data["cadre"],
                                         course=data["course"], kind=data["kind"], start_date=data["start_date"],
                                         end_date=data["end_date"], organiser=data["organiser"], days=data["days"],
                                         hours=data["hours"], certificate=data["certificate"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("已登记%(name)s的培训：%(course)s") % {"name": record.cadre.name,
                                                                          "course": record.course})
            return HttpResponseRedirect(reverse("fieldwork:training"))
    return render(request, "fieldwork/training_record.html", {"form": form})
