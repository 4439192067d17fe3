"""Pages of the schedule app, mounted under /schedule/ (diaodu/urls.py)."""

app_name = "schedule"
urlpatterns: list = []
