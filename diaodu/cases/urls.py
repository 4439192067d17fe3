"""Pages of the cases app, mounted under /cases/ (diaodu/urls.py)."""

app_name = "cases"
urlpatterns: list = []
