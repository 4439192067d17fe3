from django.urls import path

from . import views

app_name = "notify"

urlpatterns = [
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("inbox/read/", views.InboxReadView.as_view(), name="inbox_read"),
    path("deliveries/", views.DeliveryLogView.as_view(), name="deliveries"),
    path("preferences/", views.PreferencesView.as_view(), name="preferences"),
]
