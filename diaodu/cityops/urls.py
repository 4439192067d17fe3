"""Pages of the operations centres, mounted under /cityops/ (diaodu/urls.py)."""

from django.urls import path

from . import views

app_name = "cityops"
urlpatterns = [
    path("", views.ConsoleView.as_view(), name="console"),
    path("events/", views.EventListView.as_view(), name="events"),
    path("events/new/", views.EventReportView.as_view(), name="event_report"),
    path("events/<int:pk>/", views.EventView.as_view(), name="event"),
    path("ranking/", views.RankingView.as_view(), name="ranking"),
]
