"""JSON API of the cadres app, mounted under /api/v1/ by zugong/api.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from zugong.cadres import idcard, selectors
from zugong.cadres.changes import change_rows
from zugong.cadres.dates import month_text
from zugong.cadres.models import Cadre
from zugong.cadres.records import CadreRecord
from zugong.cadres.services import cadre_create, cadre_move, cadre_update
from zugong.core.api_auth import permitted
from zugong.core.api_json import json_body
from zugong.core.audit import access_record
from zugong.core.errors import ValidationFailed
from zugong.core.permissions import require
from zugong.core.request import RowId, actor_of, jurisdiction_of
from zugong.core.schemas import Out
from zugong.core.selectors import org_unit_get

router = Router(tags=["cadres"])


class CadreFilterIn(Schema):
    q: str = ""
    id_number: str = ""
    org: RowId | None = None
    rank_level: str = ""
    leading: bool | None = None
    age_min: int | None = Field(None, ge=0, le=150)
    age_max: int | None = Field(None, ge=0, le=150)
    age_on: date | None = None
    education: str = ""
    political_status: str = ""
    status: str = ""
    managing_unit: RowId | None = None
    sort: str = "name"
    cursor: str = ""
    limit: int = Field(50, ge=1, le=200)


class CadreOut(Out):
    """`id_number` is masked unless the full number was asked for and allowed; then, and only then,
    `birth_date` gives the day too (otherwise null: `birth_month` is all that shows beside a mask)."""

    id: int
    name: str
    sex: str
    birth_month: str | None = Field(description="出生年月 YYYY-MM")
    birth_date: date | None = Field(description="出生日期，仅在查看完整身份证号码时给出")
    id_number: str
    org_unit_id: int
    org_unit_name: str
    current_post: str
    rank_level: str
    is_leading: bool
    political_status: str
    highest_education: str
    status: str


class PageOut(Out):
    items: list[CadreOut]
    next_cursor: str | None


class HistoryLineOut(Out):
    start: date
    end: date | None
    text: str
    note: str


class PostOut(Out):
    org_unit_id: int
    title: str
    rank_level: str
    is_leading: bool
    valid_from: date
    valid_to: date | None


class FamilyOut(Out):
    relation: str
    name: str
    birth_date: date | None
    political_status: str
    work_unit_post: str


class CadreDetailOut(CadreOut):
    ethnicity: str
    native_place: str
    birthplace: str
    party_join_date: date | None
    work_start_date: date | None
    health: str
    professional_title: str
    id_number_masked: bool
    posts: list[PostOut]
    resume: list[HistoryLineOut]
    family: list[FamilyOut]
    reviews: list[dict[str, Any]]


class CadreIn(Schema):
    org_unit_id: RowId
    name: str
    id_number: str
    birth_date: date
    sex: str = ""
    ethnicity: str = ""
    native_place: str = ""
    birthplace: str = ""
    political_status: str = ""
    party_join_date: date | None = None
    work_start_date: date | None = None
    health: str = ""
    professional_title: str = ""
    current_post: str = ""
    rank_level: str = ""
    township_recruit_on: date | None = None


class CadrePatch(Schema):
    name: str | None = None
    sex: str | None = None
    birth_date: date | None = None
    id_number: str | None = None
    ethnicity: str | None = None
    native_place: str | None = None
    birthplace: str | None = None
    political_status: str | None = None
    party_join_date: date | None = None
    work_start_date: date | None = None
    health: str | None = None
    professional_title: str | None = None
    specialties: str | None = None
    status: str | None = None
    rank_level: str | None = None
    grade: str | None = None
    is_reserve: bool | None = None
    township_recruit_on: date | None = None


class PostChangeIn(Schema):
    """任职变动: `appoint` (任职, same unit or a post elsewhere without moving), `transfer` (调动: the cadre
    moves to the unit), `second` (借调: a temporary non-leading post elsewhere, home post kept)."""

    kind: Literal["appoint", "transfer", "second"] = "appoint"
    org_unit_id: RowId
    title: str = ""
    on: date
    until: date | None = None
    rank_level: str = ""
    is_leading: bool = True
    document_number: str = ""
    appointment_method: str = ""


class ChangeOut(Out):
    field: str
    old_value: str
    new_value: str
    changed_at: datetime
    source: str


def _out(cadre: Cadre, *, full_id: bool = False) -> dict[str, Any]:
    return {
        "id": cadre.pk, "name": cadre.name, "sex": cadre.sex, "birth_month": month_text(cadre.birth_date, "-") or None,
        "birth_date": cadre.birth_date if full_id else None,
        "id_number": (cadre.id_number or "") if full_id else idcard.mask(cadre.id_number),
        "org_unit_id": cadre.org_unit_id, "org_unit_name": cadre.org_unit.name, "current_post": cadre.current_post,
        "rank_level": cadre.rank_level, "is_leading": cadre.is_leading, "political_status": cadre.political_status,
        "highest_education": cadre.highest_education, "status": cadre.status,
    }


def _row_out(row: dict[str, Any]) -> dict[str, Any]:
    """`_out` of a list row read as values (`selectors.cadre_search_values`): the ID number always masked."""
    return {
        "id": row["pk"], "name": row["name"], "sex": row["sex"], "birth_month": month_text(row["birth_date"], "-") or None,
        "birth_date": None, "id_number": idcard.mask(row["id_number"]), "org_unit_id": row["org_unit_id"],
        "org_unit_name": row["org_unit__name"], "current_post": row["current_post"], "rank_level": row["rank_level"],
        "is_leading": row["is_leading"], "political_status": row["political_status"],
        "highest_education": row["highest_education"], "status": row["status"],
    }


def _detail(cadre: Cadre, *, full_id: bool) -> dict[str, Any]:
    body = _out(cadre, full_id=full_id)
    body.update({
        "ethnicity": cadre.ethnicity, "native_place": cadre.native_place, "birthplace": cadre.birthplace,
        "party_join_date": cadre.party_join_date, "work_start_date": cadre.work_start_date, "health": cadre.health,
        "professional_title": cadre.professional_title, "id_number_masked": not full_id,
        "posts": [PostOut.from_orm(p) for p in selectors.post_history(cadre)],
        "resume": [{"start": r.start, "end": r.end, "text": r.text, "note": r.note}
                   for r in cadre.current_resume_lines],  # type: ignore[attr-defined]
        "family": [{"relation": f.relation_text, "name": f.name, "birth_date": f.birth_date,
                    "political_status": f.political_status, "work_unit_post": f.work_unit_post}
                   for f in cadre.current_family],  # type: ignore[attr-defined]
        "reviews": [{"year": r.year, "rating": r.rating} for r in cadre.current_annual_reviews],  # type: ignore[attr-defined]
    })
    return body


@router.get("/cadres", response=PageOut)
def cadre_list(request: HttpRequest, params: Query[CadreFilterIn]) -> HttpResponse:
    jurisdiction = jurisdiction_of(request, "cadres.cadre_view")  # the same action as the list page
    data = params.dict()
    sort, cursor, limit = data.pop("sort"), data.pop("cursor"), data.pop("limit")
    page = selectors.cadre_search_values(jurisdiction, selectors.CadreFilters(**data), sort=sort,
                                         cursor=cursor, limit=limit)
    # rows of values this endpoint read itself, in PageOut's fields and order: rendered without revalidation
    return json_body({"items": [_row_out(row) for row in page.items], "next_cursor": page.next_cursor})


@router.get("/cadres/{cadre_id}", response=CadreDetailOut)
def cadre_detail(request: HttpRequest, cadre_id: RowId, full_id: bool = False) -> dict[str, Any]:
    jurisdiction = jurisdiction_of(request)
    cadre = selectors.cadre_record_get(jurisdiction, cadre_id)
    require(jurisdiction, "cadres.cadre_view", cadre.org_unit)
    if full_id:
        require(jurisdiction, "cadres.cadre_confidential_view", cadre.org_unit)
        access_record(user=actor_of(request), obj=cadre, field="id_number", org_unit=cadre.org_unit,
                      channel="api")
    return _detail(cadre, full_id=full_id)


@router.post("/cadres", auth=permitted("cadres.cadre_create"), response={201: CadreDetailOut})
def cadre_post(request: HttpRequest, payload: CadreIn) -> Status[dict[str, Any]]:
    jurisdiction = jurisdiction_of(request)
    unit = org_unit_get(jurisdiction, payload.org_unit_id)
    data = payload.dict()
    options = {k: data.pop(k) for k in ("rank_level", "township_recruit_on")}
    data.pop("org_unit_id")
    cadre = cadre_create(actor=actor_of(request), jurisdiction=jurisdiction, org_unit=unit,
                         record=CadreRecord(**data), managing_unit=unit, **options)
    return Status(201, _detail(selectors.cadre_record_get(jurisdiction, cadre.pk), full_id=False))


@router.patch("/cadres/{cadre_id}",
              auth=permitted("cadres.cadre_update", scope=selectors.cadres_visible, by="cadre_id"),
              response=CadreDetailOut)
def cadre_patch(request: HttpRequest, cadre_id: RowId, payload: CadrePatch) -> dict[str, Any]:
    jurisdiction = jurisdiction_of(request)
    cadre = selectors.cadre_get(jurisdiction, cadre_id)
    nullable = {"birth_date", "party_join_date", "work_start_date", "township_recruit_on"}
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k in nullable}
    if not changes:
        raise ValidationFailed("没有要修改的内容")
    cadre_update(actor=actor_of(request), jurisdiction=jurisdiction, cadre=cadre, changes=changes)
    return _detail(selectors.cadre_record_get(jurisdiction, cadre.pk), full_id=False)


@router.post("/cadres/{cadre_id}/posts",
             auth=permitted("cadres.cadre_move", scope=selectors.cadres_visible, by="cadre_id"),
             response={201: PostOut})
def cadre_post_change(request: HttpRequest, cadre_id: RowId, payload: PostChangeIn) -> Status[PostOut]:
    """A post change, transfer or secondment; rule R23 refuses recent township recruits with 409."""
    jurisdiction = jurisdiction_of(request)
    cadre = selectors.cadre_get(jurisdiction, cadre_id)
    require(jurisdiction, "cadres.cadre_move", cadre.org_unit)  # 403 before the target unit's 404
    unit = org_unit_get(jurisdiction, payload.org_unit_id)
    holding = cadre_move(actor=actor_of(request), jurisdiction=jurisdiction, cadre=cadre, org_unit=unit,
                         **payload.dict(exclude={"org_unit_id"}))
    return Status(201, PostOut.from_orm(holding))


@router.get("/cadres/{cadre_id}/changes", response=list[ChangeOut])
def cadre_change_list(request: HttpRequest, cadre_id: RowId) -> list[dict[str, Any]]:
    """Every overwritten value of the cadre's fields, newest first (ID numbers masked, birth dates as months)."""
    jurisdiction = jurisdiction_of(request)
    cadre = selectors.cadre_get(jurisdiction, cadre_id)
    require(jurisdiction, "cadres.cadre_view", cadre.org_unit)
    return change_rows(selectors.cadre_changes(cadre))
