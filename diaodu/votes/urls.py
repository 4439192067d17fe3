"""Pages of 无记名投票, mounted under /votes/ (diaodu/urls.py)."""

from django.urls import path

from . import views

app_name = "votes"
urlpatterns = [
    path("", views.PollListView.as_view(), name="list"),
    path("new/", views.PollCreateView.as_view(), name="create"),
    path("<int:pk>/", views.PollDetailView.as_view(), name="detail"),
    path("<int:pk>/cast/", views.CastView.as_view(), name="cast"),
    path("<int:pk>/close/", views.CloseView.as_view(), name="close"),
    path("<int:pk>/results/", views.ResultsView.as_view(), name="results"),
    path("<int:pk>/results.xlsx", views.ExportView.as_view(), name="export"),
]
