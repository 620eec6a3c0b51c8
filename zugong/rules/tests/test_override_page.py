"""The override form on the rule page and the permission matrix of the rules pages."""

from datetime import date

import pytest
from django.contrib.auth.models import User

from zugong.conftest import logged_in, make_user
from zugong.core.models import AuditEvent, Role
from zugong.core.permissions import PERMISSIONS, actions_of
from zugong.rules.forms import nest, parse_value
from zugong.rules.models import RuleVersion


@pytest.fixture
def lena(tree):
    """A leader of county A: reads everything there, changes nothing."""
    return make_user("lena", tree.county_a, Role.LEADER)


def _post(user, unit, code="R09", client=None, **fields):
    data = {"org": unit.pk, "valid_from": "2024-05-01", "note": "", **fields}
    return (client or logged_in(user)).post(f"/rules/{code}/override/?org={unit.pk}", data)


def test_admin_sets_a_parameter_through_the_rule_page(tree, alice):
    client = logged_in(alice)
    page = client.get("/rules/", {"rule": "R09", "org": tree.county_a.pk}).content.decode()
    assert 'id="rules-override"' in page and 'data-param="min_total"' in page
    # when
    response = _post(alice, tree.county_a, client=client, name="min_total", value="12", note="本县加码")
    # then
    assert response.status_code == 302
    assert response.headers["Location"] == f"/rules/?rule=R09&org={tree.county_a.pk}"
    version = RuleVersion.objects.get(scope=tree.county_a)
    assert (version.rule.code, version.valid_from, version.params, version.note, version.created_by) == (
        "R09", date(2024, 5, 1), {"min_total": 12}, "本县加码", alice)
    assert AuditEvent.objects.filter(action="rules.rule_override_set", actor=alice).count() == 1
    shown = client.get(response.headers["Location"]).content.decode()
    assert f"已调整R09的参数，自2024-05-01起在{tree.county_a.name}及下级生效。" in shown
    assert '<tr data-param="min_total"><td><code>min_total</code></td><td>每月最少走访户数</td><td>12</td>' in shown


def test_parameters_in_force_are_shown_plainly(tree, alice):
    html = logged_in(alice).get("/rules/", {"rule": "R25"}).content.decode()
    assert '<tr data-param="occasions"><td><code>occasions</code></td><td>走访节点</td><td>七一、春节</td>' in html
    html = logged_in(alice).get("/rules/", {"rule": "R09"}).content.decode()
    assert '<td>每月最少走访户数</td><td>10</td>' in html and '<td>最低天数占比</td><td>—</td>' in html
    html = logged_in(alice).get("/rules/", {"rule": "R12"}).content.decode()
    assert '<td><code>retreat.max_count</code></td><td>务虚会·最多次数</td><td>2</td>' in html
    assert '<td><code>symposium.period</code></td><td>座谈会·周期</td><td>quarter</td>' in html


@pytest.mark.parametrize(("code", "name", "value", "saved"), [
    ("R12", "retreat.min_count", "2", {"retreat": {"min_count": 2}}),
    ("R16", "workdays", "是", {"workdays": True}),
    ("R10", "min_share_of_days", "0.5", {"min_share_of_days": 0.5}),
    ("R07", "period", "quarter", {"period": "quarter"}),
])
def test_form_parses_parts_yes_no_decimals_and_words(tree, alice, code, name, value, saved):
    assert _post(alice, tree.county_a, code=code, name=name, value=value).status_code == 302
    assert RuleVersion.objects.get(scope=tree.county_a).params == saved


def test_bad_value_re_renders_the_page_with_the_chinese_message(tree, alice):
    response = _post(alice, tree.county_a, name="min_total", value="许多")
    assert response.status_code == 400
    assert "参数“每月最少走访户数”（min_total）应为数字" in response.content.decode()
    assert not RuleVersion.objects.filter(scope__isnull=False).exists()


def test_earlier_override_is_a_conflict_shown_on_the_page(tree, alice):
    assert _post(alice, tree.county_a, name="min_total", value="12").status_code == 302
    response = _post(alice, tree.county_a, name="min_total", value="14")
    assert response.status_code == 409
    assert "该组织自 2024-05-01 起已有制度参数版本" in response.content.decode()


def test_missing_parameter_name_is_a_form_error(tree, alice):
    response = _post(alice, tree.county_a, name="", value="12")
    assert response.status_code == 400
    assert response.context["form"].errors["name"]


@pytest.mark.parametrize(("who", "unit", "status", "message"), [
    ("bob", "township_a", 403, "您没有调整制度参数的权限"),
    ("lena", "county_a", 403, "您没有调整制度参数的权限"),
    ("carol", "county_a", 404, "组织不存在，或不在您的管辖范围内"),
])
def test_override_page_refuses_who_may_not(tree, people, lena, who, unit, status, message):
    user = lena if who == "lena" else people[who]
    response = _post(user, getattr(tree, unit), name="min_total", value="12")
    assert response.status_code == status
    assert message in response.content.decode()
    assert not RuleVersion.objects.filter(scope__isnull=False).exists()


def test_form_is_shown_only_to_admins(tree, people, lena):
    for user, shown in ((people["alice"], True), (people["bob"], False), (lena, False)):
        page = logged_in(user).get("/rules/", {"rule": "R09"}).content.decode()
        assert ('id="rules-override"' in page) is shown, user.username
        assert 'data-param="min_total"' in page  # everyone reads the parameters in force


def test_override_url_accepts_only_post(tree, alice):
    assert logged_in(alice).get("/rules/R09/override/").status_code == 405


@pytest.mark.parametrize("url", ["/rules/", "/rules/?rule=R07", "/rules/inbox/"])
def test_pages_refuse_a_user_without_any_role(db, url):
    nobody = User.objects.create_user(username="nobody", password="x")
    response = logged_in(nobody).get(url)
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_unknown_rule_is_the_chinese_404_page(tree, alice):
    response = logged_in(alice).get("/rules/", {"rule": "R99"})
    assert response.status_code == 404
    assert "制度 R99 不存在" in response.content.decode()


def test_leader_has_no_write_action_of_the_rules_app():
    writes = [a for a in actions_of("rules") if PERMISSIONS[a].writes]
    assert writes == ["rules.evaluate", "rules.rule_override_set"]
    assert all(Role.LEADER.value not in PERMISSIONS[a].roles for a in writes)


def test_value_parsing_and_nesting():
    assert [parse_value(v) for v in ("12", " 0.5 ", "是", "否", "true", "month", "")] == [
        12, 0.5, True, False, True, "month", ""]
    assert nest("retreat.min_count", 2) == {"retreat": {"min_count": 2}}


def test_rule_page_in_english(tree, alice):
    client = logged_in(alice)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/rules/", {"rule": "R09", "org": tree.county_a.pk}).content.decode()
    assert '<html lang="en"' in html
    assert "Parameters in force" in html and "Change a parameter" in html and "Save the parameter" in html
    # a refusal stays Chinese: DomainError messages are shown as they are (docs/rules.md, "Pages and errors")
    refused = _post(alice, tree.county_a, client=client, name="min_total", value="许多").content.decode()
    assert "参数“每月最少走访户数”（min_total）应为数字" in refused


def test_inbox_mark_read_says_how_many_and_is_audited(tree, alice):
    from zugong.rules.models import Notification, Rule

    rule = Rule.objects.get(code="R07")
    Notification.objects.bulk_create([
        Notification(user=alice, rule=rule, period_start=date(2024, m, 1), subject_type="core.orgunit",
                     subject_id=str(tree.township_a.pk), status="overdue", org_unit=tree.township_a,
                     title=f"R07 民情分析会：甲镇已逾期{m}", body="") for m in (1, 2, 3)])
    client = logged_in(alice)
    assert "未读 3 条" in client.get("/rules/inbox/").content.decode()
    response = client.post("/rules/inbox/read/", follow=True)
    assert "已将 3 条提醒标为已读。" in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="rules.notifications_mark_read")
    assert (event.actor, event.summary) == (alice, {"count": 3})
