"""``resolve_report`` ``{report}``: a moderator closes a report (no quorum).

On the log as ``Resolve`` (Lemmy's word, ``crates/apub/apub/assets/lemmy/activities/community/
resolve_report_page.json``) of the ``Flag``, named by our id for it only: neither the reporter
nor what was reported is made public. Nothing is sent.
"""

from __future__ import annotations

from typing import Any

from community.moderation import Report, find_report, resolve_report
from community.storage.database import Conn
from community.urls import Urls
from outbox.activities.base import activity, now_iso
from outbox.errors import ActRefused
from outbox.governance.kinds.common import param
from outbox.governance.model import SILENT, Act, Applying, Distribution, Kind
from outbox.governance.registry import register


def report_uri(act: Act, report: Report) -> str:
    return f"{act.group.uri}/reports/{report.id}"


async def report_named(conn: Conn, act: Act) -> Report:
    value = param(act, "report")
    report = await find_report(conn, int(value)) if str(value).isdigit() else None
    if report is None or report.group_id != act.group.id:
        raise ActRefused("not_found", f"no report #{value} in {act.group.handle}")
    return report


async def build_resolve(conn: Conn, urls: Urls, act: Act) -> dict[str, Any]:
    report = await report_named(conn, act)
    if report.state != "open":
        raise ActRefused("invalid", f"report #{report.id} is already resolved")
    flag = {"id": report_uri(act, report), "type": "Flag"}
    resolved = activity(urls, "Resolve", act.by.uri, flag, to=[act.group.uri])
    resolved["published"] = now_iso()
    return resolved


async def apply_resolve(applying: Applying) -> Distribution:
    report = await report_named(applying.conn, applying.act)
    await resolve_report(applying.conn, report, applying.act.by)
    return SILENT


RESOLVE_REPORT = register(Kind("resolve_report", False, build_resolve, apply_resolve))
