"""Excel exports. Confidential columns follow the same rule as pages and API: filled only for a reader
allowed to see them, each filled cell logged as an access event (channel "export")."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from io import BytesIO

from django.contrib.auth.models import User
from openpyxl import Workbook

from zugong.core.downloads import xlsx_append
from zugong.talks.access import ConfidentialReader, talk_summaries_for
from zugong.talks.models import Talk, TalkerRole, TalkKind
from zugong.talks.stats import TalkStats

HIDDEN = "（保密，无权查看）"


def _bytes(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def talks_xlsx(talks: Iterable[Talk], reader: ConfidentialReader, user: User,
               progress: Callable[[int, int], None] | None = None) -> bytes:
    talks = list(talks)
    summaries = talk_summaries_for(reader, user, talks, channel="export")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "谈心谈话"
    xlsx_append(sheet, ["日期", "类型", "谈话人", "谈话对象", "单位", "地点", "主题", "内容摘要"])
    for done, talk in enumerate(talks, start=1):
        if progress is not None and done % 500 == 0:
            progress(done, len(talks))
        summary = summaries[talk.pk]
        xlsx_append(sheet, [talk.held_on, talk.get_kind_display(), "、".join(t.name for t in talk.talkers.all()),
                            "、".join(c.name for c in talk.talkees.all()), talk.org_unit.name, talk.place,
                            talk.topics, summary if summary is not None else HIDDEN])
    return _bytes(book)


def stats_xlsx(stats: TalkStats) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "统计"
    xlsx_append(sheet, [stats.sentence])
    sheet.append([])
    xlsx_append(sheet, ["合计（人次）", stats.total])
    xlsx_append(sheet, ["花名册人数", stats.roster])
    xlsx_append(sheet, ["已谈人数", stats.covered])
    xlsx_append(sheet, ["覆盖率", stats.coverage])
    for title, rows in (
        ("按谈话人身份", [(TalkerRole(k).label, v) for k, v in stats.by_role.items()]),
        ("按谈话类型", [(TalkKind(k).label, v) for k, v in stats.by_kind.items()]),
        ("按谈话人", stats.by_talker),
        ("按单位", stats.by_unit),
    ):
        part = book.create_sheet(title)
        xlsx_append(part, [title, "人次"])
        for label, count in rows:
            xlsx_append(part, [str(label), count])
    return _bytes(book)
