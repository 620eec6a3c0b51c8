"""Seed the admin-editable rank level (职务层次, after ZB09) and grade (职级, after ZB148) lists.

The codes are zugong's own short codes; names follow the published lists. Admins edit them later.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

RANK_LEVELS = [
    ("A1", "省部级正职"), ("A2", "省部级副职"), ("B1", "厅局级正职"), ("B2", "厅局级副职"),
    ("C1", "县处级正职"), ("C2", "县处级副职"), ("D1", "乡科级正职"), ("D2", "乡科级副职"),
    ("E1", "科员"), ("E2", "办事员"),
]
GRADES = [
    ("G01", "一级巡视员"), ("G02", "二级巡视员"), ("G03", "一级调研员"), ("G04", "二级调研员"),
    ("G05", "三级调研员"), ("G06", "四级调研员"), ("G07", "一级主任科员"), ("G08", "二级主任科员"),
    ("G09", "三级主任科员"), ("G10", "四级主任科员"), ("G11", "一级科员"), ("G12", "二级科员"),
]


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for model_name, rows in (("RankLevel", RANK_LEVELS), ("Grade", GRADES)):
        model = apps.get_model("cadres", model_name)
        for order, (code, name) in enumerate(rows, start=1):
            model.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("cadres", "RankLevel").objects.filter(code__in=[c for c, _ in RANK_LEVELS]).delete()
    apps.get_model("cadres", "Grade").objects.filter(code__in=[c for c, _ in GRADES]).delete()


class Migration(migrations.Migration):
    dependencies = [("cadres", "0002_registry_fields")]
    operations = [migrations.RunPython(seed, unseed)]
