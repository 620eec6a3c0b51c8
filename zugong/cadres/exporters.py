"""Build `CadreRecord`s from the database and write them as LRMX (one file, or a zip of files) or xlsx."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from zugong.cadres.appointment_form import render_docx, render_pdf
from zugong.cadres.lrmx import write_lrmx
from zugong.cadres.models import (
    AnnualReview,
    Cadre,
    EducationRecord,
    FamilyMember,
    ResumeLine,
    RewardPunishment,
)
from zugong.cadres.records import CadreRecord, EducationData, FamilyData, ResumeData, ReviewData, RewardData
from zugong.cadres.services import SCALAR_FIELDS
from zugong.cadres.xlsx import write_workbook


def _current(model: type, attr: str) -> Prefetch[Any]:
    return Prefetch(attr, queryset=model._default_manager.filter(superseded_at__isnull=True)  # type: ignore[attr-defined]
                    .order_by("sort_order", "pk"), to_attr=f"current_{attr}")


def with_history(queryset: QuerySet[Cadre]) -> QuerySet[Cadre]:
    return queryset.prefetch_related(
        _current(EducationRecord, "education"), _current(ResumeLine, "resume_lines"), _current(FamilyMember, "family"),
        _current(RewardPunishment, "rewards"), _current(AnnualReview, "annual_reviews"),
    )


def record_of(cadre: Cadre) -> CadreRecord:
    """The cadre's current record; `cadre` must come from `with_history()`."""
    record = CadreRecord(**{name: getattr(cadre, name) for name in SCALAR_FIELDS})
    record.photo = bytes(cadre.photo) if cadre.photo else None
    record.education = [EducationData(e.kind, e.level_text, e.degree_text, e.school, e.degree_school)
                        for e in cadre.current_education]  # type: ignore[attr-defined]
    record.resume = [ResumeData(r.start, r.end, r.text, r.note) for r in cadre.current_resume_lines]  # type: ignore[attr-defined]
    record.family = [FamilyData(f.relation_text, f.name, f.birth_date, f.political_status, f.work_unit_post, f.kind)
                     for f in cadre.current_family]  # type: ignore[attr-defined]
    record.rewards = [RewardData(r.text, r.kind, r.on) for r in cadre.current_rewards]  # type: ignore[attr-defined]
    record.reviews = [ReviewData(r.year, r.rating) for r in cadre.current_annual_reviews]  # type: ignore[attr-defined]
    return record


def safe_text(text: str, *, limit: int = 40) -> str:
    """`text` reduced to letters, digits, `·` and `-` (anything else becomes `_`): safe in any file name."""
    kept = "".join(ch if ch.isalnum() or ch in "·-" else "_" for ch in text[:limit]).strip("_")
    return kept or "_"


def member_name(cadre: Cadre, suffix: str) -> str:
    """A file's name inside an exported archive: the cadre's id and the name made safe (`17_张三.lrmx`);
    never a path, whatever the stored name holds."""
    return f"{cadre.pk}_{safe_text(cadre.name)}{suffix}"


def export_lrmx(cadres: Iterable[Cadre], *, filled_on: date | None = None) -> tuple[bytes, str]:
    """One cadre: the .lrmx itself; several: a zip of .lrmx files. Returns (bytes, suffix)."""
    cadres = list(cadres)
    if len(cadres) == 1:
        return write_lrmx(record_of(cadres[0]), filled_on=filled_on), ".lrmx"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for cadre in cadres:
            archive.writestr(member_name(cadre, ".lrmx"), write_lrmx(record_of(cadre), filled_on=filled_on))
    return out.getvalue(), ".zip"


def export_xlsx(cadres: Iterable[Cadre], *, mask_id: bool = False) -> bytes:
    return write_workbook([record_of(c) for c in cadres], mask_id=mask_id)


FORMATS = ("lrmx", "xlsx", "docx", "pdf")


def export_forms(cadres: list[Cadre], fmt: str, *, on: date) -> tuple[bytes, str]:
    """The printed 任免审批表: one cadre gives the file itself, several a zip of files."""
    render = render_docx if fmt == "docx" else render_pdf
    if len(cadres) == 1:
        return render(record_of(cadres[0]), on=on), f".{fmt}"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for cadre in cadres:
            archive.writestr(member_name(cadre, f".{fmt}"), render(record_of(cadre), on=on))
    return out.getvalue(), ".zip"


def export(fmt: str, cadres: list[Cadre], *, filled_on: date | None = None) -> tuple[bytes, str]:
    if fmt == "lrmx":
        return export_lrmx(cadres, filled_on=filled_on)
    if fmt == "xlsx":
        return export_xlsx(cadres), ".xlsx"
    if fmt in {"docx", "pdf"}:
        return export_forms(cadres, fmt, on=filled_on or timezone.localdate())
    raise ValueError(f"unknown export format {fmt!r}")
