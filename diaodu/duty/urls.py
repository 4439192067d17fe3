"""Pages of the duty app, mounted under /duty/ (diaodu/urls.py)."""

from django.urls import path

from .views import emergency, rosters

app_name = "duty"
urlpatterns = [
    path("", rosters.BoardView.as_view(), name="board"),
    path("roster/", rosters.RosterView.as_view(), name="roster"),
    path("roster/generate/", rosters.RosterGenerateView.as_view(), name="roster_generate"),
    path("shifts/<int:pk>/", rosters.ShiftView.as_view(), name="shift"),
    path("shifts/<int:pk>/handover/", rosters.HandoverView.as_view(), name="handover"),
    path("shifts/<int:pk>/swap/", rosters.SwapRequestView.as_view(), name="swap_request"),
    path("swaps/", rosters.SwapListView.as_view(), name="swaps"),
    path("swaps/<int:pk>/decide/", rosters.SwapDecideView.as_view(), name="swap_decide"),
    path("checks/", rosters.SpotCheckListView.as_view(), name="checks"),
    path("checks/new/", rosters.SpotCheckCreateView.as_view(), name="check_create"),
    path("checks/<int:pk>/answer/", rosters.SpotCheckAnswerView.as_view(), name="check_answer"),
    path("holiday/", rosters.HolidayView.as_view(), name="holiday"),
    path("holiday/table.<slug:fmt>", rosters.HolidayExportView.as_view(), name="holiday_export"),
    path("flood/", emergency.FloodView.as_view(), name="flood"),
    path("flood/posts/<int:pk>/", emergency.FloodPostView.as_view(), name="flood_post"),
    path("flood/plans/<int:pk>/warn/", emergency.WarningIssueView.as_view(),
         name="warning_issue"),
    path("flood/warnings/<int:pk>/lift/", emergency.WarningLiftView.as_view(),
         name="warning_lift"),
    path("drills/", emergency.DrillListView.as_view(), name="drills"),
    path("drills/plans/<int:pk>/new/", emergency.DrillCreateView.as_view(), name="drill_create"),
    path("drills/<int:pk>/", emergency.DrillView.as_view(), name="drill"),
    path("drills/findings/<int:pk>/case/", emergency.FindingCaseView.as_view(),
         name="finding_case"),
    path("tracing/", emergency.TracingView.as_view(), name="tracing"),
    path("tracing/teams/<int:pk>/activate/", emergency.ActivationStartView.as_view(),
         name="activation_start"),
    path("tracing/activations/<int:pk>/", emergency.ActivationView.as_view(),
         name="activation"),
    path("tracing/activations/<int:pk>/<slug:step>/", emergency.ActivationStepView.as_view(),
         name="activation_step"),
    path("tracing/members/status/", emergency.MemberStatusView.as_view(),
         name="member_status"),
]
