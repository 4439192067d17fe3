"""The REST API at /api/v1/ (django-ninja) and the per-user API tokens that reach it."""
