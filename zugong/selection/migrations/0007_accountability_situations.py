"""R22's two editable lists: situations that make the party committee's head accountable (the seed counts
nine, naming 临时动议决定干部任免) and the org department's head (seven, naming 线索清楚、内容具体的问题不调查).
The wording follows the accountability rules for selection work; an org department edits the list."""

from typing import Any

from django.db import migrations

PARTY_COMMITTEE = [
    "临时动议决定干部任免的",
    "个人决定干部任免，或者个人改变集体作出的干部任免决定的",
    "不按规定进行民主推荐，或者民主推荐结果不符合规定仍作为考察对象的",
    "讨论决定干部任免时到会成员不足三分之二，或者未按规定表决的",
    "在干部选拔任用中封官许愿、任人唯亲、营私舞弊的",
    "违反规定突击提拔调整干部的",
    "违反规定超职数、超规格配备干部的",
    "拒不纠正违规选拔任用干部行为的",
    "对违规选拔任用干部问题压案不查、包庇袒护的",
]
ORG_DEPARTMENT = [
    "对反映的线索清楚、内容具体的违反规定选拔任用干部问题不进行调查的",
    "不按规定程序组织民主推荐、考察的",
    "考察严重失真失实，造成用人失察失误的",
    "隐瞒、歪曲事实真相，或者泄露酝酿、讨论干部任免情况的",
    "违反规定擅自提出干部任免建议的",
    "对干部档案造假问题不及时查处的",
    "违反规定为干部出具虚假证明材料的",
]


def forwards(apps: Any, schema_editor: Any) -> None:
    Situation = apps.get_model("selection", "AccountabilitySituation")
    for head, texts in (("party_committee", PARTY_COMMITTEE), ("org_department", ORG_DEPARTMENT)):
        for order, text in enumerate(texts, start=1):
            Situation.objects.get_or_create(head=head, text=text, defaults={"order": order})


def backwards(apps: Any, schema_editor: Any) -> None:
    apps.get_model("selection", "AccountabilitySituation").objects.filter(
        text__in=PARTY_COMMITTEE + ORG_DEPARTMENT).delete()


class Migration(migrations.Migration):
    dependencies = [("selection", "0006_special_inspections")]
    operations = [migrations.RunPython(forwards, backwards)]
