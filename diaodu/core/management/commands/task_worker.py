"""`diaodu task_worker`: django-tasks-db's db_worker (same options) whose death mid-task is
detected and recovered (diaodu/core/workers.py), and which seals committed audit events into
the chain every AUDIT_SEAL_INTERVAL seconds (diaodu/core/audit_seal.py). Use it instead of
`db_worker`."""

from django_tasks_db.management.commands import db_worker

from diaodu.core import audit_seal, workers


class Command(db_worker.Command):
    help = "Run a task worker that other workers can see die (and recover its tasks)"

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        # Replace the random default: the id must name host and process.
        parser.set_defaults(worker_id=None)

    def handle(self, *args, worker_id=None, **options) -> None:
        worker_id = worker_id or workers.new_worker_id()
        presence = workers.Presence(worker_id)
        presence.start()
        recoverer = workers.Recoverer()
        recoverer.start()
        sealer = audit_seal.Sealer()
        sealer.start()
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            sealer.stopped.set()
            recoverer.stopped.set()
            presence.stop()
