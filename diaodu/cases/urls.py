"""Pages of the cases app, mounted under /cases/ (diaodu/urls.py)."""

from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.CaseListView.as_view(), name="list"),
    path("new/", views.CaseCreateView.as_view(), name="create"),
    path("stats/", views.CaseStatsView.as_view(), name="stats"),
    path("<int:pk>/", views.CaseDetailView.as_view(), name="detail"),
    path("<int:pk>/<slug:action>/", views.CaseActView.as_view(), name="act"),
    path("attachments/<int:pk>/", views.AttachmentView.as_view(), name="attachment"),
    path("notices/<int:pk>.docx", views.NoticeDocxView.as_view(), name="notice_docx"),
    path("visits/", views.VisitListView.as_view(), name="visits"),
    path("visits/new/", views.VisitCreateView.as_view(), name="visit_create"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/edit/", views.VisitUpdateView.as_view(), name="visit_update"),
    path("instructions/<int:pk>/case/", views.InstructionToCaseView.as_view(),
         name="instruction_to_case"),
    path("approvals/", views.ApprovalListView.as_view(), name="approvals"),
    path("approvals/new/", views.ApprovalCreateView.as_view(), name="approval_create"),
    path("approvals/<int:pk>/complete/", views.ApprovalCompleteView.as_view(),
         name="approval_complete"),
    path("task-forces/", views.TaskForceListView.as_view(), name="task_forces"),
    path("task-forces/<int:pk>/", views.TaskForceDetailView.as_view(), name="task_force"),
]
