"""Writes of the ledger import, for callers that want one name to import from. The work is
split by step: jobs.py (reading, sheets and mapping, profiles, reconciliation), queue.py
(handing work to the tasks), sheet.py (rows with sections and totals), names.py (names →
records and aliases), runner.py (the run through each app's planner, registered in core/imports.py:
projects/imports.py, investment/imports.py, cases/imports.py)."""

from diaodu.core.imports import Line, Pending

from .jobs import (
    KINDS_FOR_ROLE,
    PART_LABELS,
    aliases_from_csv,
    ensure_may_import,
    import_job_create,
    import_job_read,
    import_job_reconcile,
    import_job_set_mapping,
    kinds_for,
    mapping_profile_save,
    parts_found,
    progress_key,
)
from .names import name_alias_save
from .queue import import_job_queue, import_job_upload
from .runner import ROWS_KEPT, import_job_run, planner_for
from .sheet import CELL_MESSAGES, Sheet

__all__ = [
    "CELL_MESSAGES", "KINDS_FOR_ROLE", "PART_LABELS", "ROWS_KEPT", "Line", "Pending", "Sheet",
    "aliases_from_csv", "ensure_may_import", "import_job_create", "import_job_queue",
    "import_job_read", "import_job_reconcile", "import_job_run", "import_job_set_mapping",
    "import_job_upload", "kinds_for", "mapping_profile_save", "name_alias_save",
    "parts_found", "planner_for", "progress_key",
]
