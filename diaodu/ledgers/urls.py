"""Ledger import and export pages, mounted under /ledgers/ (diaodu/urls.py)."""

from django.urls import path

from . import views

app_name = "ledgers"
urlpatterns = [
    path("imports/", views.ImportListView.as_view(), name="imports"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import"),
    path("imports/<int:pk>/progress/", views.ImportProgressView.as_view(),
         name="import_progress"),
    path("exports/", views.ExportListView.as_view(), name="exports"),
    path("exports/<slug:ledger>.xlsx", views.ExportView.as_view(), name="export"),
    path("briefing.docx", views.BriefingView.as_view(), name="briefing"),
]
