"""A round at the leadership's decision with everything the decision is taken with: a committee that scored
and confirmed its list, a closed notice with an objection the officer found not upheld, evidence files."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.core.files.base import ContentFile

from chieftech.evaluation.domain.results import proposed_list_confirm
from chieftech.publicity.models import Notice, Objection, ObjectionEvidence
from chieftech.selection.domain.rounds import round_transition
from chieftech.selection.models import Application, ApplicationState, RoundState
from tests.certificates.factories import make_closed_notice
from tests.evaluation.factories import AFTER_DEADLINE
from tests.evaluation.test_results_helpers import CLOSED_AT, make_worked_example
from tests.factories import SHANGHAI

EVIDENCE_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FINDING = "经向推荐单位核实，所列成果系本人主持完成，异议不成立。"


@dataclass
class DecisionStage:
    round: object
    committee: object
    proposed: list
    notice: Notice
    objection: Objection


def make_decision_stage_round(officer, alice, bob, chris) -> DecisionStage:
    scored = make_worked_example(officer, alice, bob, chris)
    proposed_list_confirm(actor=chris, round_=scored.round, now=CLOSED_AT)
    round_ = scored.round
    proposed = list(Application.objects.filter(round=round_, state=ApplicationState.PROPOSED).order_by("pk"))
    notice = make_closed_notice(round_, proposed)
    objection = Objection.objects.create(
        notice=notice,
        entry=notice.entries.first(),
        name="赵明理",
        phone="13905317788",
        content="该同志申报材料所列成果并非本人完成。",
        receipt_code="YY2026DECIDE",
        submitted_at=datetime(2026, 12, 22, 10, 0, tzinfo=SHANGHAI),
        state=Objection.State.NOT_UPHELD,
        finding_reason=FINDING,
        public_reply="经核实，异议不成立。",
        handled_by=officer,
        handled_at=datetime(2026, 12, 24, 10, 0, tzinfo=SHANGHAI),
    )
    evidence = ObjectionEvidence(
        objection=objection,
        original_name="成果证明.pdf",
        size=len(EVIDENCE_PDF),
        content_type="application/pdf",
        sha256=hashlib.sha256(EVIDENCE_PDF).hexdigest(),
    )
    evidence.file.save("decide.pdf", ContentFile(EVIDENCE_PDF), save=True)
    round_transition(actor=officer, round_=round_, to_state=RoundState.APPROVAL, now=AFTER_DEADLINE)
    round_.refresh_from_db()
    for application in proposed:
        application.refresh_from_db()
    return DecisionStage(round_, scored.committee, proposed, notice, objection)


def make_other_authority():
    """A second authority where the Huancui staff hold no role."""
    from chieftech.policy.models import Authority

    return Authority.objects.create(
        code="weihai",
        name="威海市",
        level="city",
        bureau_name="威海市人力资源和社会保障局",
        leadership_name="市委人才工作领导小组",
        government_name="市人民政府",
        title_name="威海市首席技师",
        site_name="威海市首席技师选拔管理系统",
        certificate_prefix="WHSJ",
    )
