"""Builders of the project tests: a key task of county A led by township A, with one milestone."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User

from zugong.conftest import Tree
from zugong.core.jurisdiction import jurisdiction_for
from zugong.rectification.models import Project, ProjectKind
from zugong.rectification.services.projects import project_publish, project_register


def register(tree: Tree, alice: User, *, title: str = "村级活动场所提档升级", kind: str = ProjectKind.KEY_TASK,
             starts_on: date = date(2026, 7, 1), deadline: date = date(2027, 3, 31)) -> Project:
    return project_register(
        actor=alice, jurisdiction=jurisdiction_for(alice), title=title, issuing_unit=tree.county_a,
        lead_unit=tree.township_a, leader="王副县长", responsible_person="李镇长", measures="每村一策，分批改造",
        starts_on=starts_on, deadline=deadline, kind=kind, milestones=[("完成摸底", date(2026, 9, 30))])


def published(tree: Tree, alice: User, *, on: date = date(2026, 8, 10), **kwargs: object) -> Project:
    project = register(tree, alice, **kwargs)  # type: ignore[arg-type]
    return project_publish(actor=alice, jurisdiction=jurisdiction_for(alice), project_id=project.pk, published_on=on)
