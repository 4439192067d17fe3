from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="index"),
    path("groups/", views.GroupsPartView.as_view(), name="groups"),
    path("ranking/", views.RankingPartView.as_view(), name="ranking"),
    path("warnings/", views.WarningListView.as_view(), name="warnings"),
    path("overdue-reports/", views.OverdueReportsView.as_view(), name="overdue_reports"),
    path("rules/", views.RuleSetView.as_view(), name="rules"),
    path("scheme/", views.SchemeView.as_view(), name="scheme"),
    path("evaluate/", views.EvaluateView.as_view(), name="evaluate"),
]
