"""Every write to the roster: create, update, save a whole record (imports), post changes, transfers.

Each function takes the `actor` and their `jurisdiction` (`SYSTEM` for the demo loader, the command line
and event handlers), locks the cadre's row through `locks.py` and changes *that* row, checks the action
in the permission table (`require`), validates, saves only the fields it changed, writes the audit
event `cadres.<service>` and, last, publishes its domain event. History rows are closed (`valid_to`,
`superseded_at`) and replaced, never edited in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from zugong.cadres import idcard
from zugong.cadres.codes import lookup
from zugong.cadres.codes.data.education import rank as education_rank
from zugong.cadres.dates import add_years
from zugong.cadres.locks import lock_cadre
from zugong.cadres.models import (
    AnnualReview,
    Cadre,
    CadreChange,
    EducationRecord,
    FamilyMember,
    PostHolding,
    ResumeLine,
    RewardPunishment,
)
from zugong.cadres.params import R23Params, r23_params_many
from zugong.cadres.pinyin import name_pinyin
from zugong.cadres.records import CadreRecord, FieldError, record_errors
from zugong.core.audit import audit_record
from zugong.core.errors import GateRefused, NotFound, ValidationFailed
from zugong.core.events import publish
from zugong.core.jurisdiction import Jurisdiction
from zugong.core.models import OrgKind, OrgUnit
from zugong.core.orgtree import ancestor_paths
from zugong.core.permissions import SYSTEM, Actor, require

SCALAR_FIELDS = (
    "name", "sex", "birth_date", "id_number", "ethnicity", "native_place", "birthplace", "political_status",
    "political_note", "party_join_date", "work_start_date", "health", "professional_title", "specialties",
    "current_post", "proposed_post", "proposed_removal", "appointment_reason", "review_note",
    "retirement_age_boundary", "retirement_due", "form_submitting_unit", "form_age_reckoned_on", "form_filled_on",
    "form_filled_by", "form_version",
)
# Editable through cadre_update besides the record's scalars (and the photo).
OTHER_EDITABLE = ("status", "rank_level", "grade", "is_reserve", "township_recruit_on", "managing_unit")
EDITABLE_FIELDS = frozenset((*SCALAR_FIELDS, *OTHER_EDITABLE, "photo"))
# Fields whose every overwritten value is kept in `CadreChange` (the photo too, as bytes); post
# changes and transfers log is_leading and org_unit.
TRACKED_FIELDS = (*SCALAR_FIELDS, *OTHER_EDITABLE, "is_leading", "org_unit", "photo")


def _raise_first(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationFailed("；".join(e.message for e in errors), field=errors[0].field)


def normalise_record(record: CadreRecord) -> None:
    record.name = record.name.strip()
    record.id_number = idcard.normalise(record.id_number)
    if record.ethnicity:
        record.ethnicity = lookup("ethnicity", record.ethnicity) or record.ethnicity
    if record.political_status:
        record.political_status = lookup("political_status", record.political_status) or record.political_status
    if not record.sex and len(record.id_number) == 18 and record.id_number[16].isdigit():
        record.sex = idcard.sex_code(record.id_number)


def _apply_scalars(cadre: Cadre, record: CadreRecord) -> dict[str, tuple[Any, Any]]:
    """Copy the record's scalars onto `cadre`; return {field: (old, new)} for those that differ."""
    changed: dict[str, tuple[Any, Any]] = {}
    for name in SCALAR_FIELDS:
        value = getattr(record, name)
        if getattr(cadre, name) != value:
            changed[name] = (getattr(cadre, name), value)
            setattr(cadre, name, value)
    if record.photo is not None and bytes(cadre.photo or b"") != record.photo:
        changed["photo"] = (bytes(cadre.photo) if cadre.photo else None, record.photo)
        cadre.photo = record.photo
    cadre.name_pinyin, cadre.name_initials = name_pinyin(cadre.name)
    return changed


def change_text(value: Any) -> str:
    """How a field value is kept in `CadreChange` (dates ISO, units by pk, booleans true/false)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, bytes | memoryview):
        return f"{len(value)} bytes"
    return str(value)


def _log_changes(cadre: Cadre, changed: dict[str, tuple[Any, Any]], *, actor: Actor, source: str) -> None:
    """Keep every overwritten value: one `CadreChange` row per changed field, in the same transaction."""
    now = timezone.now()
    CadreChange.objects.bulk_create([
        CadreChange(cadre=cadre, field=name, old_value=change_text(old), new_value=change_text(new),
                    old_photo=bytes(old) if name == "photo" and old else None, changed_at=now,
                    actor=actor, source=source)
        for name, (old, new) in sorted(changed.items())
    ])


def history_rows(record: CadreRecord) -> dict[type[models.Model], list[dict[str, Any]]]:
    return {
        EducationRecord: [{"kind": e.kind, "level": e.level, "level_text": e.level_text, "degree": e.degree,
                           "degree_text": e.degree_text, "school": e.school, "degree_school": e.degree_school}
                          for e in record.education if not e.is_empty()],
        ResumeLine: [{"start": r.start, "end": r.end, "text": r.text, "note": r.note} for r in record.resume],
        FamilyMember: [{"kind": f.kind, "relation": f.relation, "relation_text": f.relation_text, "name": f.name,
                        "birth_date": f.birth_date, "political_status": f.political_status,
                        "work_unit_post": f.work_unit_post} for f in record.family],
        RewardPunishment: [{"kind": r.kind, "on": r.on, "text": r.text} for r in record.rewards],
        AnnualReview: [{"year": r.year, "rating": r.rating} for r in record.reviews],
    }


def _replace_history(cadre: Cadre, model: type[models.Model], rows: list[dict[str, Any]], now: Any) -> bool:
    """Supersede the current rows and add the new ones, unless nothing changed."""
    keys = list(rows[0]) if rows else []
    current = list(model._default_manager.filter(cadre=cadre, superseded_at__isnull=True).order_by("sort_order", "pk"))
    if [{k: getattr(c, k) for k in keys} for c in current] == rows and len(current) == len(rows):
        return False
    model._default_manager.filter(pk__in=[c.pk for c in current]).update(superseded_at=now)
    model._default_manager.bulk_create([model(cadre=cadre, sort_order=i, recorded_at=now, **row) for i, row in enumerate(rows)])
    return True


def _save_histories(cadre: Cadre, record: CadreRecord) -> list[str]:
    now = timezone.now()
    changed = [model.__name__ for model, rows in history_rows(record).items()
               if _replace_history(cadre, model, rows, now)]
    levels = [e.level for e in record.education if e.level]
    highest = min(levels, key=education_rank) if levels else ""
    if cadre.highest_education != highest:
        Cadre.objects.filter(pk=cadre.pk).update(highest_education=highest)
        cadre.highest_education = highest
    return changed


def _update_fields(changed: dict[str, tuple[Any, Any]]) -> list[str]:
    """The columns a change touches: the changed fields, the name's pinyin with the name, `updated_at`."""
    extra = ["name_pinyin", "name_initials"] if "name" in changed else []
    return [*sorted(changed), *extra, "updated_at"]


@transaction.atomic
def cadre_create(*, actor: Actor, jurisdiction: Jurisdiction, org_unit: OrgUnit, record: CadreRecord,
                 managing_unit: OrgUnit | None = None, rank_level: str = "", grade: str = "",
                 is_reserve: bool = False, township_recruit_on: date | None = None) -> Cadre:
    require(jurisdiction, "cadres.cadre_create", org_unit)
    normalise_record(record)
    _raise_first(record_errors(record, timezone.localdate()))
    if Cadre.objects.filter(id_number=record.id_number).exists():
        raise ValidationFailed(f"公民身份号码 {idcard.mask(record.id_number)} 已在干部信息库中", field="id_number")
    cadre = Cadre(org_unit=org_unit, managing_unit=managing_unit, rank_level=rank_level, grade=grade,
                  is_reserve=is_reserve, township_recruit_on=township_recruit_on)
    _apply_scalars(cadre, record)
    cadre.save()
    _save_histories(cadre, record)
    audit_record(actor=actor, action="cadres.cadre_create", obj=cadre, org_unit=org_unit,
                 summary={"name": cadre.name, "id_number": idcard.mask(cadre.id_number)})
    return cadre


def _lock_to_update(jurisdiction: Jurisdiction, pk: int) -> Cadre:
    cadre = lock_cadre(pk)
    require(jurisdiction, "cadres.cadre_update", cadre.org_unit)
    return cadre


@transaction.atomic
def cadre_save_record(*, actor: Actor, jurisdiction: Jurisdiction, cadre: Cadre, record: CadreRecord) -> Cadre:
    """Bring the cadre in line with a whole record (an import): scalars updated, changed histories replaced."""
    locked = _lock_to_update(jurisdiction, cadre.pk)
    normalise_record(record)
    _raise_first(record_errors(record, timezone.localdate()))
    changed = _apply_scalars(locked, record)
    locked.save(update_fields=_update_fields(changed))
    _log_changes(locked, changed, actor=actor, source="import")
    histories = _save_histories(locked, record)
    audit_record(actor=actor, action="cadres.cadre_save_record", obj=locked, org_unit=locked.org_unit,
                 summary={"fields": sorted(changed), "histories": histories, "source": "record"})
    return locked


def _record_of(cadre: Cadre) -> CadreRecord:
    return CadreRecord(**{f.name: getattr(cadre, f.name) for f in fields(CadreRecord) if f.name in SCALAR_FIELDS})


@transaction.atomic
def cadre_update(*, actor: Actor, jurisdiction: Jurisdiction, cadre: Cadre, changes: dict[str, Any]) -> Cadre:
    """Change fields of a cadre; the result is validated as a whole, then only the changed columns are saved.

    The changes apply to the row as it stands under the lock, so a concurrent update of other fields
    survives (no lost update)."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationFailed(f"不能修改字段：{'、'.join(sorted(unknown))}", field=sorted(unknown)[0])
    locked = _lock_to_update(jurisdiction, cadre.pk)
    record = _record_of(locked)
    for name in set(changes) & set(SCALAR_FIELDS):
        setattr(record, name, changes[name])
    record.photo = changes.get("photo")
    normalise_record(record)
    errors = record_errors(record, timezone.localdate())
    if "id_number" in changes and Cadre.objects.filter(id_number=record.id_number).exclude(pk=locked.pk).exists():
        errors.append(FieldError("id_number", "该公民身份号码已属于另一名干部"))
    _raise_first(errors)
    changed = _apply_scalars(locked, record)
    for name in OTHER_EDITABLE:
        if name in changes and getattr(locked, name) != changes[name]:
            changed[name] = (getattr(locked, name), changes[name])
            setattr(locked, name, changes[name])
    locked.save(update_fields=_update_fields(changed))
    _log_changes(locked, changed, actor=actor, source="edit")
    audit_record(actor=actor, action="cadres.cadre_update", obj=locked, org_unit=locked.org_unit,
                 summary={"fields": sorted(changed)})
    return locked


def check_r23(*, cadre: Cadre, target: OrgUnit, on: date, action: str) -> None:
    """R23: a new township recruit with less than [2] years there may not be seconded or transferred out.

    Allowed from the day the years are complete (recruited 2024-08-01: refused on 2026-07-31, allowed
    on 2026-08-01)."""
    refused = r23_refusals([cadre], target=target, on=on, action=action).get(cadre.pk)
    if refused is not None:
        raise refused


def r23_refusals(cadres: Sequence[Cadre], *, target: OrgUnit, on: date, action: str) -> dict[int, GateRefused]:
    """`check_r23` for many cadres moving to `target` on `on`: the refusal of each one R23 stops, by cadre id.
    A fixed handful of queries however many (their units, their townships, R23's versions in force for
    those units, the approvals), so a selection's candidate step checks 200 recommended cadres at once."""
    recruits = [c for c in cadres if c.township_recruit_on is not None]
    if not recruits:
        return {}
    units = _units_of(recruits)
    townships = _townships_of(list(units.values()))
    params = r23_params_many(list({u.pk: u for u in units.values()}.values()), on)
    refusals: dict[int, GateRefused] = {}
    waiting: dict[int, tuple[Cadre, OrgUnit, date, R23Params]] = {}  # between the two numbers: approval needed
    for cadre in recruits:
        unit = units[cadre.pk]
        township = townships.get(unit.pk)
        if township is None or target.path.startswith(township.path):
            continue
        rule = params[unit.pk]
        if not rule.enabled:
            continue
        recruited = cadre.township_recruit_on
        assert recruited is not None
        allowed_from = add_years(recruited, rule.min_years_before_transfer)
        if on < allowed_from:
            refusals[cadre.pk] = GateRefused(
                f"不符合R23（新录用乡镇公务员服务年限）：{cadre.name} 于 {recruited:%Y年%m月%d日} "
                f"新录用到{township.name}，至 {on:%Y年%m月%d日} 在乡镇工作不满 {rule.min_years_before_transfer} 年，"
                f"{allowed_from:%Y年%m月%d日} 前不得{action}（乡镇最低服务年限为 {rule.min_years_in_township} 年）",
                code="gate_refused", field="org_unit",
            )
            continue
        served_from = add_years(recruited, rule.min_years_in_township)
        if on < served_from:
            waiting[cadre.pk] = (cadre, township, served_from, rule)
    if waiting:
        # Between the two numbers a move needs the county's signed approval (fieldwork's 审批, R23).
        from zugong.fieldwork.selectors_recruits import approved_cadre_ids

        approved = approved_cadre_ids(list(waiting), on, "second" if action == "借调" else "transfer")
        for pk, (cadre, _township, served_from, rule) in waiting.items():
            if pk not in approved:
                refusals[pk] = GateRefused(
                    f"不符合R23（新录用乡镇公务员服务年限）：{cadre.name} 在乡镇工作未满 {rule.min_years_in_township} 年"
                    f"（{served_from:%Y年%m月%d日} 期满），{action}须先经审批（干部教育与基层 › 新录用乡镇公务员）",
                    code="gate_refused", field="org_unit",
                )
    return refusals


def _units_of(cadres: list[Cadre]) -> dict[int, OrgUnit]:
    """Each cadre's unit, by cadre id: the loaded one, the rest in one query."""
    field = Cadre._meta.get_field("org_unit")
    missing = {c.org_unit_id for c in cadres if not field.is_cached(c)}
    loaded = OrgUnit.objects.in_bulk(list(missing)) if missing else {}
    return {c.pk: c.org_unit if field.is_cached(c) else loaded[c.org_unit_id] for c in cadres}


def _townships_of(units: list[OrgUnit]) -> dict[int, OrgUnit]:
    """The township (乡镇) holding each unit, by unit id (`orgtree.township_of` for many, one query)."""
    wanted = {path for u in units if u.kind != OrgKind.TOWNSHIP for path in ancestor_paths(u.path)[:-1]}
    found = {t.path: t for t in OrgUnit.objects.filter(kind=OrgKind.TOWNSHIP, path__in=wanted)} if wanted else {}
    result: dict[int, OrgUnit] = {}
    for unit in units:
        if unit.kind == OrgKind.TOWNSHIP:
            result[unit.pk] = unit
            continue
        holders = [found[p] for p in ancestor_paths(unit.path)[:-1] if p in found]
        if holders:
            result[unit.pk] = max(holders, key=lambda t: t.depth)
    return result


def _lock_to_move(jurisdiction: Jurisdiction, cadre: Cadre, target: OrgUnit) -> Cadre:
    """Lock the cadre; the mover needs the role at the cadre's unit and must see the unit it goes to."""
    locked = lock_cadre(cadre.pk)
    require(jurisdiction, "cadres.cadre_move", locked.org_unit)
    if not jurisdiction.contains(target):
        raise NotFound("未找到该组织，或不在您的管辖范围内")
    return locked


def _change_post(*, actor: Actor, cadre: Cadre, org_unit: OrgUnit, title: str, on: date, rank_level: str,
                 is_leading: bool, document_number: str, appointment_method: str,
                 ) -> tuple[PostHolding | None, PostHolding]:
    """Close the locked cadre's current leading holding on `on` and open the new one (no event)."""
    check_r23(cadre=cadre, target=org_unit, on=on, action="调出乡镇")
    old = cadre.post_holdings.filter(valid_to__isnull=True, appointment_method__in=["", "任命", "调任", "聘任", "选任"]
                                     ).order_by("-valid_from", "-pk").first()
    if old is not None and on < old.valid_from:
        raise ValidationFailed(f"新任职时间 {on:%Y.%m.%d} 早于现任职务的任职时间 {old.valid_from:%Y.%m.%d}", field="on")
    if old is not None:
        old.valid_to = on
        old.save(update_fields=["valid_to"])
    new = PostHolding.objects.create(cadre=cadre, org_unit=org_unit, title=title.strip(), rank_level=rank_level,
                                     is_leading=is_leading, valid_from=on, document_number=document_number,
                                     appointment_method=appointment_method)
    now_holds = {"current_post": new.title, "is_leading": is_leading, "rank_level": rank_level or cadre.rank_level}
    changed = {k: (getattr(cadre, k), v) for k, v in now_holds.items() if getattr(cadre, k) != v}
    for name, value in now_holds.items():
        setattr(cadre, name, value)
    cadre.save(update_fields=[*now_holds, "updated_at"])
    _log_changes(cadre, changed, actor=actor, source="post_change")
    audit_record(actor=actor, action="cadres.post_change", obj=cadre, org_unit=org_unit,
                 summary={"old": old.title if old else None, "new": new.title, "on": on.isoformat(),
                          "document_number": document_number})
    return old, new


def _require_title(title: str) -> None:
    if not title.strip():
        raise ValidationFailed("职务名称不能为空", field="title")


@transaction.atomic
def post_change(*, actor: Actor, jurisdiction: Jurisdiction = SYSTEM, cadre: Cadre, org_unit: OrgUnit, title: str,
                on: date, rank_level: str = "", is_leading: bool = True, document_number: str = "",
                appointment_method: str = "") -> PostHolding:
    """Close the cadre's current leading holding on `on` and open the new one; announce `post_changed`.

    `jurisdiction` defaults to SYSTEM only for callers in other apps that predate it (talks' tests);
    every caller in this app passes it."""
    _require_title(title)
    locked = _lock_to_move(jurisdiction, cadre, org_unit)
    old, new = _change_post(actor=actor, cadre=locked, org_unit=org_unit, title=title, on=on, rank_level=rank_level,
                            is_leading=is_leading, document_number=document_number,
                            appointment_method=appointment_method)
    publish("post_changed", cadre=locked, old_holding=old, new_holding=new, actor=actor)
    return new


@transaction.atomic
def cadre_transfer(*, actor: Actor, jurisdiction: Jurisdiction, cadre: Cadre, to_org_unit: OrgUnit, on: date,
                   title: str, rank_level: str = "", is_leading: bool = True, document_number: str = "",
                   ) -> PostHolding:
    """调动: the cadre moves to another unit with a new post (R23 checked).

    `post_changed` is published last, once the cadre serves in the new unit: talks files the 五必谈
    trigger under the unit the cadre now belongs to."""
    _require_title(title)
    locked = _lock_to_move(jurisdiction, cadre, to_org_unit)
    old, new = _change_post(actor=actor, cadre=locked, org_unit=to_org_unit, title=title, on=on,
                            rank_level=rank_level, is_leading=is_leading, document_number=document_number,
                            appointment_method="调任")
    if locked.org_unit_id != to_org_unit.pk:
        _log_changes(locked, {"org_unit": (locked.org_unit, to_org_unit)}, actor=actor, source="transfer")
        locked.org_unit = to_org_unit
        locked.save(update_fields=["org_unit", "updated_at"])
    audit_record(actor=actor, action="cadres.cadre_transfer", obj=locked, org_unit=to_org_unit,
                 summary={"to": to_org_unit.name, "on": on.isoformat()})
    publish("post_changed", cadre=locked, old_holding=old, new_holding=new, actor=actor)
    return new


POST_CHANGE_KINDS: dict[str, StrOrPromise] = {
    "appoint": _("任职（职务变动）"), "transfer": _("调动（调往其他单位）"), "second": _("借调")}


def cadre_move(*, actor: Actor, jurisdiction: Jurisdiction, cadre: Cadre, kind: str, org_unit: OrgUnit, on: date,
               title: str = "", until: date | None = None, rank_level: str = "", is_leading: bool = True,
               document_number: str = "", appointment_method: str = "") -> PostHolding:
    """One 任职变动 as the page and the API name it: `appoint` → post_change, `transfer` → cadre_transfer,
    `second` → cadre_second."""
    if kind == "second":
        return cadre_second(actor=actor, jurisdiction=jurisdiction, cadre=cadre, to_org_unit=org_unit, on=on,
                            until=until, title=title.strip() or "借调工作")
    if kind == "transfer":
        return cadre_transfer(actor=actor, jurisdiction=jurisdiction, cadre=cadre, to_org_unit=org_unit, on=on,
                              title=title, rank_level=rank_level, is_leading=is_leading,
                              document_number=document_number)
    if kind == "appoint":
        return post_change(actor=actor, jurisdiction=jurisdiction, cadre=cadre, org_unit=org_unit, title=title, on=on,
                           rank_level=rank_level, is_leading=is_leading, document_number=document_number,
                           appointment_method=appointment_method)
    raise ValidationFailed(f"不支持的任职变动类型：{kind}", field="kind")


@transaction.atomic
def cadre_second(*, actor: Actor, jurisdiction: Jurisdiction, cadre: Cadre, to_org_unit: OrgUnit, on: date,
                 until: date | None, title: str = "借调工作") -> PostHolding:
    """借调: a temporary holding elsewhere; the home post stays open. R23 refuses recent township recruits."""
    locked = _lock_to_move(jurisdiction, cadre, to_org_unit)
    check_r23(cadre=locked, target=to_org_unit, on=on, action="借调")
    if until is not None and until <= on:
        raise ValidationFailed("借调截止日期应晚于开始日期", field="until")
    holding = PostHolding.objects.create(cadre=locked, org_unit=to_org_unit, title=title, is_leading=False,
                                         valid_from=on, valid_to=until, appointment_method="借调")
    audit_record(actor=actor, action="cadres.cadre_second", obj=locked, org_unit=to_org_unit,
                 summary={"to": to_org_unit.name, "from": on.isoformat(), "until": until.isoformat() if until else None})
    return holding
