"""Seed the admin-editable lists of admonition-interview situations (约谈情形).

From seed 001 (咸阳《领导班子和领导干部约谈办法（试行）》): 6 situations for leadership teams, 12 for
cadres, 6 + 6 for separate interviews of the party and administrative heads. The article names
only the first of each list (marked `seed` below); the others are zugong's drafting of common
practice, to be edited by admins to match their own 办法.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

SITUATIONS = [
    ("team", "T01", "大局意识和政治观念不强，贯彻执行上级决策部署不力"),  # seed
    ("team", "T02", "不认真执行民主集中制，班子不团结、内耗严重"),
    ("team", "T03", "落实党建工作责任制和党风廉政建设责任制不力"),
    ("team", "T04", "作风不实，形式主义、官僚主义问题突出，群众反映强烈"),
    ("team", "T05", "工作推进不力，年度目标任务完成差、考核排名靠后"),
    ("team", "T06", "选人用人、干部管理监督问题较多，群众反映较大"),
    ("cadre", "C01", "不严格遵守党的政治纪律和政治规矩"),  # seed
    ("cadre", "C02", "不认真执行民主集中制，独断专行或软弱涣散"),
    ("cadre", "C03", "工作不在状态、履职不力，出现较大失误"),
    ("cadre", "C04", "作风漂浮，形式主义、官僚主义问题突出"),
    ("cadre", "C05", "有违反中央八项规定精神的苗头性问题"),
    ("cadre", "C06", "不如实报告个人有关事项"),
    ("cadre", "C07", "群众来信来访反映问题较多，经核查存在一定问题"),
    ("cadre", "C08", "考察考核中民主测评、民意调查结果较差"),
    ("cadre", "C09", "廉洁自律方面存在苗头性、倾向性问题"),
    ("cadre", "C10", "违反组织人事纪律"),
    ("cadre", "C11", "不服从组织安排，或擅离职守"),
    ("cadre", "C12", "生活作风、社会交往方面群众有反映"),
    ("party_head", "P01", "不主动履行党建责任"),  # seed
    ("party_head", "P02", "不从严管理监督班子成员及党员干部"),  # seed
    ("party_head", "P03", "不认真执行民主集中制，搞“一言堂”"),
    ("party_head", "P04", "选人用人把关不严，用人失察失误"),
    ("party_head", "P05", "对意识形态工作领导不力"),
    ("party_head", "P06", "对班子内部不团结问题处置不力"),
    ("admin_head", "A01", "不认真执行党委（党组）决定"),  # seed
    ("admin_head", "A02", "落实“一岗双责”不到位"),
    ("admin_head", "A03", "重大事项不按规定提交集体研究"),
    ("admin_head", "A04", "推进中心工作和重点任务不力"),
    ("admin_head", "A05", "执行财经纪律不严"),
    ("admin_head", "A06", "对分管领域发现的问题整改不力"),
]


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    model = apps.get_model("talks", "InterviewSituation")
    for order, (scope, code, text) in enumerate(SITUATIONS, start=1):
        model.objects.update_or_create(code=code, defaults={"scope": scope, "text": text, "sort_order": order})


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("talks", "InterviewSituation").objects.filter(code__in=[c for _, c, _ in SITUATIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("talks", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
