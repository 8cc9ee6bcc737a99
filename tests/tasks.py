"""Run the background tasks inside a test, as `chieftech worker` runs them.

`run_tasks()` takes the due tasks one at a time the way django-tasks-db's worker does (claim, then its
`run_task`), without the worker's loop, whose connection hygiene would close the connection that holds a
test's transaction. Transactional tests can run the real worker instead (`run_worker()`).
"""

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

WORKER_OPTIONS = dict(
    queue_names=["*"],
    interval=0,
    batch=True,
    backend_name="default",
    startup_delay=False,
    max_tasks=None,
    excluded_queue_names=[],
)


def run_tasks() -> int:
    """Run every task that is due now, including those the tasks queue as they run; returns how many ran."""
    worker = Worker(worker_id="test-worker", **WORKER_OPTIONS)
    ran = 0
    while (result := DBTaskResult.objects.ready().get_locked()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran


def run_worker(worker_id: str = "test-worker") -> None:
    """The library's own worker loop in batch mode: every due task, then return (transactional tests only)."""
    Worker(worker_id=worker_id, **WORKER_OPTIONS).run()
