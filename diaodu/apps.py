from django.contrib.admin.apps import AdminConfig


class DiaoduAdminConfig(AdminConfig):
    """The admin is the application shell for every role (DESIGN §4a)."""

    default_site = "diaodu.admin_site.DiaoduAdminSite"
