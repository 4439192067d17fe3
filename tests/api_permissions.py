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


def create_for(roles: set[str]):
    """POST of a new object about the caller's own project: the project must be visible
    (else 404), then the service decides on the role (403)."""
    def expect(role: str, which: str) -> int:
        if not visible(role, which):
            return NOT_FOUND
        return CREATED if role in roles else FORBIDDEN
    return expect


def schedule_write(ok: int):
    # The dispatcher and the project's own street (reporter, head) edit a schedule.
    def expect(role: str, which: str) -> int:
        if not visible(role, which):
            return NOT_FOUND
        return ok if role == "dispatcher" or role in SEE_OWN else FORBIDDEN
    return expect


def case_assign(role: str, which: str) -> int:
    # Supervisors assign anywhere, the unit head within their unit; others may not.
    if not visible(role, which):
        return NOT_FOUND
    return OK if role in {"dispatcher", "leader", "street_a_head"} else FORBIDDEN


def case_unit_step(role: str, which: str) -> int:
    # Reply and resolve belong to the case's own units; to anyone else the case is not there.
    return OK if role in SEE_OWN and which == "own" else NOT_FOUND


def case_supervise(role: str, which: str) -> int:
    # The case is only assigned, so a supervisor's verify/close is refused as input (400).
    if not visible(role, which):
        return NOT_FOUND
    return BAD if role in {"dispatcher", "leader"} else FORBIDDEN


P = "/api/v1"
# "METHOD path": (target: None | "project" | "report" | "round" | "case" | "activity" | "plan" |
# "approval", body, expectation)
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
    # Site photos follow their report: read where the report is, added by the unit that fills
    # it in (a multipart upload, tests/test_api_matrix.py).
    f"GET {P}/reports/{{report_id}}/photos": ("report", None, read),
    f"POST {P}/reports/{{report_id}}/photos": (
        "report", "photo_upload", lambda role, which: CREATED if fill(role, which) == OK
        else NOT_FOUND),
    f"GET {P}/reports/{{report_id}}/photos/{{photo_id}}": ("photo", None, read),
    f"GET {P}/cases": (None, None, everyone),
    f"GET {P}/cases/{{case_id}}": ("case", None, read),
    f"POST {P}/projects/{{project_id}}/activities": ("project", "activity_new",
                                                      schedule_write(CREATED)),
    f"PATCH {P}/projects/{{project_id}}/activities/{{activity_id}}": (
        "activity", "activity_patch", schedule_write(OK)),
    f"POST {P}/projects/{{project_id}}/activities/{{activity_id}}/progress": (
        "activity", "activity_progress", schedule_write(OK)),
    f"POST {P}/cases": (None, "case_new", create_for({"dispatcher", "leader",
                                                       "street_a_reporter", "street_a_head"})),
    f"POST {P}/cases/{{case_id}}/assign": ("case", "case_assign", case_assign),
    f"POST {P}/cases/{{case_id}}/reply": ("case", "case_reply", case_unit_step),
    f"POST {P}/cases/{{case_id}}/resolve": ("case", "case_resolve", case_unit_step),
    f"POST {P}/cases/{{case_id}}/verify": ("case", "case_verify", case_supervise),
    f"POST {P}/cases/{{case_id}}/close": ("case", "case_close", case_supervise),
    f"GET {P}/plans": (None, None, everyone),
    f"GET {P}/plans/{{plan_id}}": ("plan", None, read),
    f"POST {P}/plans": (None, "plan_new", create_for({"dispatcher"})),
    f"POST {P}/plans/{{plan_id}}/approve": ("plan", None, ledger_write),
    f"POST {P}/plans/{{plan_id}}/adjust": ("plan", "plan_adjust", ledger_write),
    f"GET {P}/approvals": (None, None, everyone),
    f"GET {P}/approvals/{{approval_id}}": ("approval", None, read),
    f"POST {P}/approvals": (None, "approval_new", create_for({"dispatcher"})),
    f"POST {P}/approvals/{{approval_id}}/complete": ("approval", "approval_complete",
                                                     ledger_write),
}


# 城运中心 (tests/cityops/matrix.py): an event is seen like its street's grid (the head of
# street A its own, a reporter none); reporting and every step belong to grid workers and the
# centres, none of the matrix's roles (tests/cityops/test_api.py covers them).
def event_read(role: str, which: str) -> int:
    return OK if role in SEE_ALL or (role == "street_a_head" and which == "own") else NOT_FOUND


def event_step(role: str, which: str) -> int:
    return FORBIDDEN if event_read(role, which) == OK else NOT_FOUND


API_MATRIX.update({
    f"GET {P}/events": (None, None, everyone),
    f"POST {P}/events": ("event", "event_new", lambda role, which: FORBIDDEN),
    f"GET {P}/events/{{event_id}}": ("event", None, event_read),
    f"POST {P}/events/{{event_id}}/act": ("event", "event_act", event_step),
    f"GET {P}/open311/v2/services.json": (None, None, everyone),
    f"GET {P}/open311/v2/requests.json": (None, None, everyone),
    f"GET {P}/open311/v2/requests/{{request_id}}.json": ("event", None, event_read),
    f"POST {P}/open311/v2/requests.json": ("event", "open311_new",
                                           lambda role, which: FORBIDDEN),
})

assert NO_PROJECTS  # the three administrators and the lone task-force member see nothing
