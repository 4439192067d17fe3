"""The production URLs plus one bench-only view: the stack's ceiling for a write.

`bench/ceiling/` does the least a signed-in write can: the same middleware authenticates the
session (session row, user row, the sign-in policies), then one row is inserted in a
transaction and the browser is redirected, as after a submit. No scoping, no checks, no
history, no audit. bench/submit_surge.py serves it beside the real submit, from the same
gunicorn, so the submit's rate can be read as a share of what the stack can do at all."""

from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import HttpResponseRedirect
from django.urls import path

from diaodu.urls import urlpatterns as production

TABLE = "bench_ceiling"
CREATE = (f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, user_id bigint "
          "NOT NULL, body text NOT NULL, at timestamptz NOT NULL DEFAULT now())")


@login_required
def ceiling(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (user_id, body) VALUES (%s, %s)",
                       [request.user.pk, request.POST.get("body", "")])
    return HttpResponseRedirect(request.path)


urlpatterns = [*production, path("bench/ceiling/", ceiling)]
