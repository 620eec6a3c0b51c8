"""End to end in headless Chromium, in Chinese: the county's organisation department imports its project register
from Excel — from the register's page, the issuing unit chosen with the unit picker, the file chosen — and sees the
item stored and the row refused with file, row and column; a renamed PDF is refused on the form, nothing stored."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from zugong.e2e import browser, choose_in_picker, click_to_next_page, sign_in, wait_for, wait_for_text  # noqa: F401
from zugong.rectification.models import Project, ProjectStatus
from zugong.rectification.tests.helpers import pdf_bytes
from zugong.rectification.tests.test_project_import import good_row, workbook


@pytest.mark.e2e
def test_the_county_imports_its_register_in_chinese(live_server, browser, tree, alice, tmp_path) -> None:  # noqa: F811
    register = tmp_path / "2027年项目台账.xlsx"
    register.write_bytes(workbook([good_row(tree, "软弱涣散村党组织整顿"),
                                   good_row(tree, "乙镇的项目", 牵头单位=tree.township_b.name)]))
    renamed = tmp_path / "台账.xlsx"
    renamed.write_bytes(pdf_bytes())
    driver = browser
    sign_in(driver, live_server.url, "alice", "pw-alice")
    # the menu: 监督 › 项目化管理 → 从 Excel 导入
    wait_for(driver, 'summary[data-nav-group="supervision"]').click()
    wait_for(driver, 'a[data-nav="rectification-projects"]').click()
    click_to_next_page(driver, "zg-project-import")
    wait_for_text(driver, "h1", "从 Excel 导入项目台账")
    # a PDF renamed .xlsx is refused on the form
    choose_in_picker(driver, "issuing_unit", tree.county_a.name, tree.county_a.pk)
    driver.find_element(By.ID, "id_workbook").send_keys(str(renamed))
    click_to_next_page(driver, "zg-import-submit")
    wait_for_text(driver, "#zg-project-import-form", "台账.xlsx：不是 Excel（.xlsx）文件")
    assert not Project.objects.exists()
    # the register: one item stored, one row refused naming the file, row and column
    choose_in_picker(driver, "issuing_unit", tree.county_a.name, tree.county_a.pk)
    driver.find_element(By.ID, "id_workbook").send_keys(str(register))
    click_to_next_page(driver, "zg-import-submit")
    wait_for_text(driver, "#zg-import-added", "2027年项目台账.xlsx：已导入 1 个项目")
    wait_for_text(driver, "#zg-import-refused", f"2027年项目台账.xlsx 第 3 行：“牵头单位”{tree.township_b.name}不在")
    stored = Project.objects.get()
    assert (stored.title, stored.status, stored.issuing_unit_id) == ("软弱涣散村党组织整顿", ProjectStatus.DRAFT,
                                                                     tree.county_a.pk)
    # the stored item opens from the result
    driver.find_element(By.CSS_SELECTOR, f'#zg-import-result a[href="/rectification/projects/{stored.pk}/"]').click()
    wait_for_text(driver, "h1", "软弱涣散村党组织整顿")
