"""Writes of the duty app (DESIGN §4): each function checks who acts, validates, writes and
records audit in one transaction; bad input is a UserError naming the field and nothing
changes. Split by domain: rosters (值班), flood (防汛), drills (演练), tracing (流调)."""

from .drills import drill_plan_create, drill_record, finding_to_case
from .flood import (
    flood_plan_create,
    flood_post_create,
    flood_season_set,
    flood_warning_issue,
    flood_warning_lift,
)
from .rosters import (
    duty_person_create,
    duty_person_update,
    handover_record,
    roster_generate,
    roster_generate_all,
    roster_save,
    spot_check_answer,
    spot_check_create,
    swap_decide,
    swap_request,
)
from .tracing import (
    activation_close,
    activation_contact,
    activation_start,
    tracing_group_create,
    tracing_group_set_members,
    tracing_member_add,
    tracing_member_set_status,
    tracing_team_create,
)

__all__ = [
    "activation_close", "activation_contact", "activation_start", "drill_plan_create",
    "drill_record", "duty_person_create", "duty_person_update", "finding_to_case",
    "flood_plan_create", "flood_post_create", "flood_season_set", "flood_warning_issue",
    "flood_warning_lift", "handover_record", "roster_generate", "roster_generate_all",
    "roster_save", "spot_check_answer", "spot_check_create", "swap_decide", "swap_request",
    "tracing_group_create", "tracing_group_set_members", "tracing_member_add",
    "tracing_member_set_status", "tracing_team_create",
]
