"""The demo's revocation case (第十七条): in November 2026 a check of the 2024 cohort's award certificates found
曲志刚's 2023 city competition certificate forged. The office opened a case on 9 November, he stated his case
within the five working days, and the office's initial finding of 20 November awaits the leadership's 审定;
nothing public has changed, so his certificate still verifies as 有效.
"""

from collections.abc import Callable
from datetime import date, datetime, time

from chieftech.duties.demo import demo_pdf
from chieftech.duties.domain.files import Upload
from chieftech.policy.calendar import DEADLINE_TZ
from chieftech.revocation.domain.cases import (
    revocation_case_open,
    revocation_finding_record,
    revocation_statement_submit,
)
from chieftech.revocation.models import Ground, RevocationCase
from chieftech.tenure.models import Tenure

Event = tuple[datetime, Callable[[], None]]
RANK = 0  # 曲志刚 (tech1)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=DEADLINE_TZ)


OPENED = _at(date(2026, 11, 9), 10)
STATED = _at(date(2026, 11, 13), 16)
FOUND = _at(date(2026, 11, 20), 15)
FACTS = (
    "经向威海市职业技能大赛组委会核实，申报材料所附“2023年威海市职业技能大赛数控铣工项目一等奖”获奖证书"
    "在组委会获奖名单中无记录，证书编号与当年编号规则不符，系伪造。"
)


def _pdf(title: str, text: str) -> Upload:
    return Upload(name=f"{title}.pdf", content=demo_pdf(title, "环翠区人力资源和社会保障局", text))


def revocation_events(*, cohort: list[Tenure], users: dict) -> list[Event]:
    """The case as (moment, step) events; `users` holds the holders by the time they run."""
    officer = users["officer"]

    def case() -> RevocationCase:
        return RevocationCase.objects.get(tenure_id=cohort[RANK].pk)

    def open_case() -> None:
        revocation_case_open(
            actor=officer,
            tenure=Tenure.objects.get(pk=cohort[RANK].pk),
            grounds=[Ground.FRAUD],
            facts=FACTS,
            files=[_pdf("威海市职业技能大赛组委会核查复函", "经核查，该证书不在2023年获奖名单中。")],
            now=OPENED,
        )

    def state_case() -> None:
        revocation_statement_submit(
            actor=users["tech1"],
            case=case(),
            statement="该证书系本人参赛后由培训机构代为领取转交，本人不知其真伪，请求核实后从轻处理。",
            files=[],
            now=STATED,
        )

    def find() -> None:
        revocation_finding_record(
            actor=officer,
            case=case(),
            revoke=True,
            finding="经核查，申报时所附获奖证书系伪造，本人陈述不能说明其来源真实，属第十七条（三）情形，"
            "拟取消其首席技师资格，报区委人才工作领导小组审定。",
            files=[_pdf("初步认定意见", "拟取消首席技师资格，报领导小组审定。")],
            now=FOUND,
        )

    return [(OPENED, open_case), (STATED, state_case), (FOUND, find)]
