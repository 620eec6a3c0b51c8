"""What the import page shows before a confirmation: the first rows of an import's dry run, masked.

The page builds it inside the request for small uploads; above `JOB_THRESHOLD_BYTES` a background job
(`jobs.kinds.cadre_import`) builds the same thing and keeps it on the job (`Job.outcome`), and the page
shows it from there (`/cadres/import/?job=<id>`).
"""

from __future__ import annotations

from typing import Any

from zugong.cadres import idcard
from zugong.cadres.importers import PREVIEW_DIFFS, ImportResult

# Uploads above this many bytes are previewed and saved by a background job, not inside the request.
JOB_THRESHOLD_BYTES = 2 * 1024 * 1024


def preview_rows(result: ImportResult) -> list[dict[str, Any]]:
    return [{"file": p.file, "row": p.row, "name": p.record.name, "id_number": idcard.mask(p.record.id_number),
             "action": "更新" if p.record.id_number in result.existing_ids else "新增", "matched_by": p.matched_by,
             "changes": p.changes, "resume": len(p.record.resume), "family": len(p.record.family)}
            for p in result.parsed[:PREVIEW_DIFFS]]


def preview_outcome(result: ImportResult, *, token: str, org_id: int) -> dict[str, Any]:
    """The dry run as JSON for `Job.outcome`: the counts, every error and warning, the first rows."""
    return {**result.as_dict(), "preview": preview_rows(result), "token": token if not result.errors else "",
            "org": org_id}
