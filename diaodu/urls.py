from django.contrib import admin
from django.urls import include, path

from diaodu.api.main import api
from diaodu.core.views import home

urlpatterns = [
    path("", home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("projects/", include("diaodu.projects.urls")),
    path("investment/", include("diaodu.investment.urls")),
    path("schedule/", include("diaodu.schedule.urls")),
    path("cases/", include("diaodu.cases.urls")),
    path("notify/", include("diaodu.core.notify.urls")),
    path("ledgers/", include("diaodu.ledgers.urls")),
    path("dashboard/", include("diaodu.dashboard.urls")),
    path("mediation/", include("diaodu.mediation.urls")),
    path("votes/", include("diaodu.votes.urls")),
    path("duty/", include("diaodu.duty.urls")),
    path("cityops/", include("diaodu.cityops.urls")),
    path("grids/", include("diaodu.grids.urls")),
    path("api/v1/", api.urls),
    path("account/tokens/", include("diaodu.api.urls")),
    path("photos/", include("diaodu.core.photo_views")),
    path("account/two-factor/", include("diaodu.core.two_factor_views")),
    path("admin/", admin.site.urls),
]
