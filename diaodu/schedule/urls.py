"""Pages of the schedule app, mounted under /schedule/ (diaodu/urls.py)."""

from django.urls import path

from . import views

app_name = "schedule"
urlpatterns = [
    path("", views.BoardView.as_view(), name="board"),
    path("<int:pk>/", views.GanttView.as_view(), name="gantt"),
    path("<int:pk>/edit/", views.ActivityEditView.as_view(), name="edit"),
    path("<int:pk>/links/", views.LinksView.as_view(), name="links"),
    path("<int:pk>/settings/", views.SettingsView.as_view(), name="settings"),
    path("<int:pk>/template/", views.TemplateApplyView.as_view(), name="template"),
    path("<int:pk>/baselines/", views.BaselinesView.as_view(), name="baselines"),
]
