"""The items of the 个人有关事项报告 as data (《领导干部报告个人有关事项规定》's headings); an organisation
department adds or retires items in the admin without a release."""

from typing import Any

from django.db import migrations

ITEMS = [
    ("marriage", "本人婚姻变化情况"),
    ("passports", "本人持有因私出入境证件情况"),
    ("travel_abroad", "本人因私出国（境）情况"),
    ("children_abroad", "子女与外国人、港澳台居民通婚情况"),
    ("family_abroad", "配偶、子女移居国（境）外或连续在国（境）外工作生活情况"),
    ("family_jobs", "配偶、子女及其配偶从业情况"),
    ("family_cases", "配偶、子女及其配偶被追究刑事责任情况"),
    ("income", "本人工资及各类奖金、津贴、补贴等"),
    ("labour_income", "本人从事讲学、写作、咨询、审稿、书画等劳务所得"),
    ("real_estate", "本人、配偶、共同生活的子女为所有权人或共有人的房产情况"),
    ("securities", "本人、配偶、共同生活的子女投资或以其他方式持有股票、基金、投资型保险等"),
    ("business", "配偶、子女及其配偶经商办企业情况"),
]


def forwards(apps: Any, schema_editor: Any) -> None:
    Item = apps.get_model("selection", "PersonalMatterItem")
    for order, (code, label) in enumerate(ITEMS, start=1):
        Item.objects.update_or_create(code=code, defaults={"label": label, "order": order, "active": True})


def backwards(apps: Any, schema_editor: Any) -> None:
    apps.get_model("selection", "PersonalMatterItem").objects.filter(code__in=[c for c, _ in ITEMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("selection", "0004_personal_reports")]
    operations = [migrations.RunPython(forwards, backwards)]
