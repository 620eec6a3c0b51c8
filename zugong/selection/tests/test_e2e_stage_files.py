"""In headless Chromium, in Chinese: the org department admin uploads a file to a stage on the selection page,
sees it listed, removes it through the confirm step with a reason, and the stage is left without it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from selenium.webdriver.common.by import By

from zugong.core.models import Attachment, AuditEvent
from zugong.e2e import browser, click_to_next_page, click_when_settled, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.selection.tests.conftest import World, open_selection, walk


@pytest.mark.e2e
def test_org_admin_uploads_a_stage_file_and_removes_it_in_chinese(live_server: Any, browser: Any,  # noqa: F811
                                                                 world: World, tmp_path: Path,
                                                                 settings: Any) -> None:
    # given: a selection at 确定考察对象 (动议 and 民主推荐 recorded, nobody signed)
    settings.MEDIA_ROOT = tmp_path / "media"
    s = walk(world, open_selection(world), "shortlist")
    picture = tmp_path / "误传的会议纪要.png"
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    picture.write_bytes(buffer.getvalue())
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    driver.get(f"{live_server.url}/selection/{s.pk}/")
    # when: a file is uploaded to the 民主推荐 stage
    wait_for(driver, "#stage-recommendation .zg-stage-files input[type=file]").send_keys(str(picture))
    click_to_next_page(driver, "zg-stage-files-submit-recommendation")
    wait_for_text(driver, ".zg-messages", "已上传 1 个材料")
    wait_for_text(driver, "#stage-recommendation .zg-files", "误传的会议纪要.png")
    stored = Attachment.objects.get()
    # and: removed through the confirm step, with a reason
    click_when_settled(driver, f"#zg-file-remove-{stored.pk} summary")
    wait_for_text(driver, f"#zg-file-remove-{stored.pk}", "确认删除误传的材料“误传的会议纪要.png”")
    driver.find_element(By.CSS_SELECTOR, f"#zg-file-remove-{stored.pk} input[name=reason]").send_keys("传错了环节")
    click_to_next_page(driver, f"zg-file-remove-confirm-{stored.pk}")
    # then
    wait_for_text(driver, ".zg-messages", "已删除材料“误传的会议纪要.png”")
    files = driver.find_element(By.CSS_SELECTOR, "#stage-recommendation .zg-files").text
    assert "误传的会议纪要.png" not in files
    assert not Attachment.objects.exists()
    event = AuditEvent.objects.get(action="selection.stage_file_remove")
    assert event.summary["reason"] == "传错了环节" and event.summary["file"]["name"] == "误传的会议纪要.png"


@pytest.mark.e2e
def test_org_admin_records_a_signature_of_a_member_who_is_not_a_user(live_server: Any, browser: Any,  # noqa: F811
                                                                    world: World) -> None:
    s = walk(world, open_selection(world), "shortlist")
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    driver.get(f"{live_server.url}/selection/{s.pk}/")
    click_when_settled(driver, "#zg-attested-motion summary")
    wait_for(driver, "#zg-attested-motion input[name=signer_name]").send_keys("王书记")
    driver.find_element(By.CSS_SELECTOR, "#zg-attested-motion input[name=capacity]").send_keys("县委书记")
    click_to_next_page(driver, "zg-attested-submit-motion")
    wait_for_text(driver, ".zg-messages", "已登记王书记的签字确认")
    wait_for_text(driver, "#stage-motion .zg-signatures", "王书记（县委书记）")
    assert "非系统用户，由alice见证登记" in driver.find_element(By.CSS_SELECTOR, "#stage-motion .zg-signatures").text
