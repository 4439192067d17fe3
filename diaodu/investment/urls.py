"""Pages of the dispatch loop, mounted under /investment/ (diaodu/urls.py)."""

from django.urls import path

from . import views

app_name = "investment"
urlpatterns = [
    path("reports/", views.ReportListView.as_view(), name="reports"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report"),
    path("rounds/", views.RoundListView.as_view(), name="rounds"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round"),
    path("kpis/", views.KpiView.as_view(), name="kpis"),
    path("registration/", views.RegistrationView.as_view(), name="registration"),
    path("registration/<int:pk>/", views.RegistrationEvidenceView.as_view(),
         name="registration_evidence"),
]
