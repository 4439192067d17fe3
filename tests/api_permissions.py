"""The permission matrix of the API: every operation × role × own / other unit's object.

Rows are keyed by "METHOD /path" exactly as the OpenAPI schema names them; a meta-test fails
when an operation has no row. Other unit's object ⇒ 404, as on the pages.
"""

from .permissions import NO_PROJECTS, NOT_FOUND, OK, SEE_ALL, SEE_OWN

CREATED, BAD, FORBIDDEN = 201, 400, 403


def visible(role: str, which: str) -> bool:
    return role in SEE_ALL or (role in SEE_OWN and which == "own")


def read(role: str, which: str) -> int:
    return OK if visible(role, which) else NOT_FOUND


def everyone(role: str, which: str) -> int:
    return OK


def ledger_write(role: str, which: str) -> int:
    # Seen but not the dispatcher: the service refuses the role (403); unseen: 404.
    if not visible(role, which):
        return NOT_FOUND
    return OK if role == "dispatcher" else FORBIDDEN


def fill(role: str, which: str) -> int:
    # The responsible unit fills in; anyone else is told the report does not exist.
    return OK if role in SEE_OWN and which == "own" else NOT_FOUND


def unit_approve(role: str, which: str) -> int:
    # The report is still a draft, so the head's approval is refused as input (400).
    return BAD if role == "street_a_head" and which == "own" else NOT_FOUND


def approve(role: str, which: str) -> int:
    if not visible(role, which):
        return NOT_FOUND
    return BAD if role == "dispatcher" else FORBIDDEN  # a draft cannot be approved


def return_(role: str, which: str) -> int:
    if role == "dispatcher" or (role == "street_a_head" and which == "own"):
        return BAD  # a draft cannot be returned
    return NOT_FOUND


P = "/api/v1"
# "METHOD path": (target: None | "project" | "report" | "round" | "case", body, expectation)
API_MATRIX = {
    f"GET {P}/projects": (None, None, everyone),
    f"POST {P}/projects": (None, "project_new",
                           lambda role, which: CREATED if role == "dispatcher" else FORBIDDEN),
    f"GET {P}/projects/{{project_id}}": ("project", None, read),
    f"PATCH {P}/projects/{{project_id}}": ("project", "project_patch", ledger_write),
    f"GET {P}/projects/{{project_id}}/activities": ("project", None, read),
    f"GET {P}/rounds": (None, None, everyone),
    # Rounds are reference data (public): every signed-in role sees them.
    f"GET {P}/rounds/{{round_id}}": ("round", None, everyone),
    f"GET {P}/reports": (None, None, everyone),
    f"GET {P}/reports/{{report_id}}": ("report", None, read),
    f"PUT {P}/reports/{{report_id}}": ("report", "report_save", fill),
    f"POST {P}/reports/{{report_id}}/submit": ("report", "version", fill),
    f"POST {P}/reports/{{report_id}}/unit-approve": ("report", "version", unit_approve),
    f"POST {P}/reports/{{report_id}}/approve": ("report", "version", approve),
    f"POST {P}/reports/{{report_id}}/return": ("report", "return", return_),
    f"GET {P}/kpis": (None, None, everyone),
    f"GET {P}/cases": (None, None, everyone),
    f"GET {P}/cases/{{case_id}}": ("case", None, read),
}

assert NO_PROJECTS  # the three administrators and the lone task-force member see nothing
