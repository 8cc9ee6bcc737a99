"""An edit or an upload from a tab opened before the application was submitted in another tab.

The edit and the upload read the application again under a row lock and are refused once it is no longer
editable; a stale copy never writes its state or submission time back. Run on SQLite and on PostgreSQL
(DATABASE_URL), with real threads each holding its own connection.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.selection.domain.applications import application_submit, application_update
from chieftech.selection.domain.evidence import evidence_add
from chieftech.selection.models import Application, ApplicationState
from tests.factories import IN_WINDOW, PNG_BYTES, make_application, make_round

SUBMITTED_MESSAGE = "申报已提交，不能再修改。"


def _state(application: Application) -> tuple:
    row = Application.objects.get(pk=application.pk)
    return row.state, row.submitted_at, row.post


def _draft_to_draft_after_submission(application: Application) -> list[int]:
    """Update records written after the submission record that still claim the application is a draft."""
    submit = AuditRecord.objects.get(action="application.submit", object_id=str(application.pk))
    return [
        r.pk
        for r in AuditRecord.objects.filter(
            action="application.update", object_id=str(application.pk), pk__gt=submit.pk
        )
        if r.after.get("state") == ApplicationState.DRAFT
    ]


# --- The same, deterministically, in one thread ------------------------------------------------------


def test_an_edit_from_a_stale_copy_after_submission_is_refused_and_changes_nothing(alice, olivia):
    round_ = make_round(olivia)
    application = make_application(alice, round_)
    other_tab = Application.objects.get(pk=application.pk)  # opened while still a draft
    application_submit(actor=alice, application=application, now=IN_WINDOW)
    before_audit = AuditRecord.objects.count()

    with pytest.raises(DomainError) as refused:
        application_update(actor=alice, application=other_tab, data={"post": "数控车间班组长"})

    assert (refused.value.message, refused.value.code) == (SUBMITTED_MESSAGE, "not_editable")
    assert _state(application) == (ApplicationState.SUBMITTED, IN_WINDOW, "数控车间机床操作")
    assert AuditRecord.objects.count() == before_audit


def test_an_upload_from_a_stale_copy_after_submission_is_refused_and_adds_nothing(alice, olivia):
    round_ = make_round(olivia)
    application = make_application(alice, round_)
    other_tab = Application.objects.get(pk=application.pk)
    application_submit(actor=alice, application=application, now=IN_WINDOW)
    files = application.evidence.count()

    with pytest.raises(DomainError) as refused:
        evidence_add(actor=alice, application=other_tab, kind="other", name="补充.png", content=PNG_BYTES)

    assert (refused.value.message, refused.value.code) == ("申报已提交，不能再上传材料。", "not_editable")
    assert application.evidence.count() == files
    assert _state(application) == (ApplicationState.SUBMITTED, IN_WINDOW, "数控车间机床操作")


def test_an_edit_saves_only_the_edited_fields(alice, olivia):
    round_ = make_round(olivia)
    application = make_application(alice, round_)
    other_tab = Application.objects.get(pk=application.pk)
    # Meanwhile another tab changed a different field.
    application_update(actor=alice, application=application, data={"occupation": "焊工"})

    application_update(actor=alice, application=other_tab, data={"post": "焊接车间班组长"})

    row = Application.objects.get(pk=application.pk)
    assert (row.state, row.occupation, row.post) == (ApplicationState.DRAFT, "焊工", "焊接车间班组长")


# --- Two real threads ---------------------------------------------------------------------------------


def _run(*targets) -> None:
    threads = [threading.Thread(target=t) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)


@pytest.mark.django_db(transaction=True)
def test_an_edit_saved_after_another_tab_submitted_is_refused(alice, olivia):
    round_ = make_round(olivia)
    application = make_application(alice, round_)
    submitted = threading.Event()
    outcomes: dict[str, str] = {}

    def submit() -> None:
        try:
            application_submit(
                actor=alice, application=Application.objects.get(pk=application.pk), now=IN_WINDOW
            )
            outcomes["submit"] = "submitted"
        finally:
            submitted.set()
            connection.close()

    def edit() -> None:
        try:
            stale = Application.objects.get(pk=application.pk)  # the form was opened on the draft
            submitted.wait(timeout=30)
            application_update(actor=alice, application=stale, data={"post": "数控车间班组长"})
            outcomes["edit"] = "saved"
        except DomainError as exc:
            outcomes["edit"] = exc.message
        finally:
            connection.close()

    _run(edit, submit)

    assert outcomes == {"submit": "submitted", "edit": SUBMITTED_MESSAGE}
    assert _state(application) == (ApplicationState.SUBMITTED, IN_WINDOW, "数控车间机床操作")
    assert _draft_to_draft_after_submission(application) == []


@pytest.mark.django_db(transaction=True)
def test_a_submit_waits_for_an_edit_in_progress_and_submits_the_edited_application(alice, olivia):
    round_ = make_round(olivia)
    application = make_application(alice, round_)
    editing = threading.Event()
    outcomes: dict[str, str] = {}

    def edit() -> None:
        try:
            with transaction.atomic():
                application_update(
                    actor=alice,
                    application=Application.objects.get(pk=application.pk),
                    data={"post": "数控车间班组长"},
                )
                editing.set()
                time.sleep(0.5)  # the submit in the other thread must wait for this commit
            outcomes["edit"] = "saved"
        finally:
            editing.set()
            connection.close()

    def submit() -> None:
        try:
            stale = Application.objects.get(pk=application.pk)
            editing.wait(timeout=30)
            application_submit(actor=alice, application=stale, now=IN_WINDOW)
            outcomes["submit"] = "submitted"
        except DomainError as exc:
            outcomes["submit"] = exc.message
        finally:
            connection.close()

    _run(edit, submit)

    assert outcomes == {"edit": "saved", "submit": "submitted"}
    assert _state(application) == (ApplicationState.SUBMITTED, IN_WINDOW, "数控车间班组长")
    update = AuditRecord.objects.get(action="application.update", object_id=str(application.pk))
    submit_record = AuditRecord.objects.get(action="application.submit", object_id=str(application.pk))
    assert update.pk < submit_record.pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_an_edit_and_a_submit_at_once_never_lose_the_submission(alice, olivia, attempt):
    round_ = make_round(olivia, title=f"2026年度环翠区首席技师选拔{attempt}")
    application = make_application(alice, round_)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def edit() -> None:
        try:
            stale = Application.objects.get(pk=application.pk)
            barrier.wait()
            application_update(actor=alice, application=stale, data={"post": "数控车间班组长"})
            outcomes["edit"] = "saved"
        except DomainError as exc:
            outcomes["edit"] = exc.message
        finally:
            connection.close()

    def submit() -> None:
        try:
            stale = Application.objects.get(pk=application.pk)
            barrier.wait()
            application_submit(actor=alice, application=stale, now=IN_WINDOW)
            outcomes["submit"] = "submitted"
        finally:
            connection.close()

    _run(edit, submit)

    state, submitted_at, post = _state(application)
    assert (outcomes["submit"], state, submitted_at) == ("submitted", ApplicationState.SUBMITTED, IN_WINDOW)
    # Either the edit came first and was submitted with the application, or it came second and was refused.
    assert (outcomes["edit"], post) in {("saved", "数控车间班组长"), (SUBMITTED_MESSAGE, "数控车间机床操作")}
    assert _draft_to_draft_after_submission(application) == []
