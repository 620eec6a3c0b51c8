"""Builders shared by the rectification tests: a list issued by county A to township A, files."""

from __future__ import annotations

import io
import itertools
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from reportlab.pdfgen import canvas

from zugong.cadres import idcard
from zugong.cadres.models import Cadre
from zugong.conftest import Tree
from zugong.core.jurisdiction import jurisdiction_for
from zugong.core.models import Attachment, OrgUnit
from zugong.rectification.models import Problem, ProblemList, Severity, Source
from zugong.rectification.services.problems import (
    evidence_upload,
    plan_review,
    plan_submit,
    problem_add,
    problem_list_create,
)


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 750, "evidence")
    page.save()
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_upload(name: str = "整改报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes())


def exe_as_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("佐证.pdf", b"MZ\x90\x00" + b"\x00" * 200)


def issue_list(tree: Tree, alice: User, *, issued_on: date | None = None) -> ProblemList:
    return problem_list_create(
        actor=alice, jurisdiction=jurisdiction_for(alice), title="2025年度甲镇党建述职评议问题清单",
        source=Source.DUTY_REVIEW, issuing_unit=tree.county_a, owner_unit=tree.township_a, owner_person="张书记",
        issued_on=issued_on or timezone.localdate() - timedelta(days=60))


def add_problem(problem_list: ProblemList, alice: User, text: str = "“三会一课”落实不到位",
                severity: str = Severity.GENERAL) -> Problem:
    return problem_add(actor=alice, jurisdiction=jurisdiction_for(alice), list_id=problem_list.pk, description=text,
                       severity=severity)


def rectifying_problem(tree: Tree, alice: User, bob: User) -> Problem:
    """A problem whose plan bob submitted and alice accepted."""
    problem = add_problem(issue_list(tree, alice), alice)
    plan_submit(actor=bob, jurisdiction=jurisdiction_for(bob), problem_id=problem.pk, measures="每月召开党员大会",
                deadline=timezone.localdate() + timedelta(days=90))
    plan_review(actor=alice, jurisdiction=jurisdiction_for(alice), problem_id=problem.pk, accept=True)
    problem.refresh_from_db()
    return problem


def upload_evidence(problem: Problem, bob: User) -> Attachment:
    return evidence_upload(actor=bob, jurisdiction=jurisdiction_for(bob), problem_id=problem.pk,
                           files=[pdf_upload()])[0]


_serial = itertools.count()  # tests roll their cadres back: wrapping is harmless


def secretary_cadre(name: str, unit: OrgUnit) -> Cadre:
    """A township's party secretary as a cadre (valid ID number), the subject of a 述职 民主测评."""
    body = f"61010219750101{next(_serial) % 900 + 100:03d}"
    return Cadre.objects.create(name=name, org_unit=unit, rank_level="正科级", is_leading=True, current_post="党委书记",
                                id_number=body + idcard.check_digit(body), birth_date=date(1975, 1, 1), sex="1")
