"""Pages of 人民调解 and the legal network, mounted under /mediation/ (diaodu/urls.py)."""

from django.urls import path

from . import views

app_name = "mediation"
urlpatterns = [
    path("", views.DisputeListView.as_view(), name="list"),
    path("new/", views.DisputeCreateView.as_view(), name="create"),
    path("<int:pk>/", views.DisputeDetailView.as_view(), name="detail"),
    path("<int:pk>/<slug:action>/", views.DisputeActView.as_view(), name="act"),
    path("agreements/<int:pk>.docx", views.AgreementView.as_view(), name="agreement"),
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("exports/<slug:kind>.xlsx", views.ExportView.as_view(), name="export"),
    path("committees/", views.CommitteeListView.as_view(), name="committees"),
    path("legal/", views.NetworkView.as_view(), name="network"),
    path("legal/directory/", views.DirectoryPrintView.as_view(), name="directory"),
]
