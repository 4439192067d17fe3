"""Factories for tests. Rows are created directly here (test set-up, not user writes);
behaviour under test always goes through the services."""

from decimal import Decimal

import factory
from django.utils import timezone

from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.projects.models import Category, Level, Project, Stage

TEST_PASSWORD = "Test-password-2026"
# The authenticator secret of every test account that has one (20 bytes, hex).
TEST_TOTP_KEY = b"diaodu-test-totp-key".hex()


def unit(code: str, name: str, kind: str, parent: OrgUnit | None = None) -> OrgUnit:
    fields = {"code": code, "name": name, "short_name": name, "kind": kind}
    if parent is None:
        return OrgUnit.objects.add_root(fields)
    return OrgUnit.objects.add_child(OrgUnit.objects.get(pk=parent.pk), fields)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda u: u.username)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)
    password_changed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def persist(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def totp(obj, create, extracted, **kwargs):
        """Dispatchers and administrators have enrolled an authenticator, as they must before
        using the system; UserFactory(totp=False) gives one who has not, totp=True anyone."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from diaodu.core.two_factor import required_for

        if create and (required_for(obj) if extracted is None else extracted):
            TOTPDevice.objects.create(user=obj, name="TOTP", key=TEST_TOTP_KEY, confirmed=True)


def complete_two_factor(client, user) -> None:
    """Mark a test client's signed-in session as having passed the TOTP step (what django-otp's
    login() records), for an account with an authenticator."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = "urban_renewal"
    name = "城市更新"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"测试项目{n}")
    level = Level.DISTRICT
    category = factory.SubFactory(CategoryFactory)
    stage = Stage.PREPARATION
    total_investment = Decimal("1000.00")


__all__ = ["TEST_PASSWORD", "TEST_TOTP_KEY", "CategoryFactory", "ProjectFactory", "UnitKind",
           "UserFactory", "complete_two_factor", "unit"]
