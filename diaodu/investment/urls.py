"""Pages of the investment app, mounted under /investment/ (diaodu/urls.py)."""

app_name = "investment"
urlpatterns: list = []
