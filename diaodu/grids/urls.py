"""Pages of grid governance, mounted under /grids/ (diaodu/urls.py)."""

from django.urls import path

from . import views

app_name = "grids"
urlpatterns = [
    path("", views.GridListView.as_view(), name="list"),
    path("register.xlsx", views.GridExportView.as_view(), name="export"),
    path("<int:pk>/", views.GridDetailView.as_view(), name="detail"),
    path("map/", views.GridMapView.as_view(), name="map"),
    path("sizing/", views.SizingView.as_view(), name="sizing"),
    path("training/", views.TrainingView.as_view(), name="training"),
    path("boundaries/", views.BoundaryImportView.as_view(), name="boundaries"),
]
