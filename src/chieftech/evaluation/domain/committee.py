"""The committee: its members, who scores whom, and the conflicts of interest found automatically."""

from django.db import transaction

from chieftech.evaluation.models import (
    Assignment,
    AssignmentMode,
    Committee,
    GroupPlacement,
    Recusal,
)
from chieftech.selection.models import Application, ApplicationState

EMPLOYER_RECUSAL_REASON = "该专家工作单位与候选人推荐单位相同，依规自动回避。"


def committee_candidates(committee: Committee):
    """The candidates the committee scores: the round's qualified applications."""
    return Application.objects.filter(round_id=committee.round_id, state=ApplicationState.QUALIFIED)


def committee_assignments_sync(*, committee: Committee) -> None:
    """Make Assignment rows and employer recusals match the members, the mode and the qualified candidates.

    Idempotent. In `all` mode every member scores every candidate; in `by_group` mode a member scores the
    candidates placed in their trade group. An expert employed by a candidate's enterprise is recused from
    that candidate (a declared recusal is kept as it is).
    """
    with transaction.atomic():
        members = list(committee.members.select_related("expert"))
        candidates = list(committee_candidates(committee).only("pk", "enterprise_id"))
        if committee.assignment_mode == AssignmentMode.BY_GROUP:
            groups = dict(
                GroupPlacement.objects.filter(committee=committee).values_list(
                    "application_id", "trade_group"
                )
            )
            wanted = {
                (m.pk, a.pk)
                for m in members
                for a in candidates
                if m.trade_group and groups.get(a.pk) == m.trade_group
            }
        else:
            wanted = {(m.pk, a.pk) for m in members for a in candidates}
        existing = set(
            Assignment.objects.filter(member__committee=committee).values_list("member_id", "application_id")
        )
        stale = existing - wanted
        for member_id, application_id in stale:
            Assignment.objects.filter(member_id=member_id, application_id=application_id).delete()
        Assignment.objects.bulk_create(
            Assignment(member_id=m, application_id=a) for m, a in sorted(wanted - existing)
        )
        employer = {
            (m.pk, a.pk)
            for m in members
            for a in candidates
            if m.expert.employer_enterprise_id is not None
            and m.expert.employer_enterprise_id == a.enterprise_id
        }
        recused = {
            (m, a): kind
            for m, a, kind in Recusal.objects.filter(member__committee=committee).values_list(
                "member_id", "application_id", "kind"
            )
        }
        for member_id, application_id in [
            pair for pair, kind in recused.items() if kind == Recusal.Kind.EMPLOYER and pair not in employer
        ]:
            Recusal.objects.filter(member_id=member_id, application_id=application_id).delete()
        Recusal.objects.bulk_create(
            Recusal(member_id=m, application_id=a, kind=Recusal.Kind.EMPLOYER, reason=EMPLOYER_RECUSAL_REASON)
            for m, a in sorted(employer - recused.keys())
        )
