"""Named fixtures: a small district with two streets and a department, and one user per role
(STYLE.md: street_a_reporter, street_b_reporter, dispatcher, leader …)."""

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from diaodu.core.models import UnitKind
from diaodu.core.roles import Role

from .factories import ProjectFactory, UserFactory, complete_two_factor, unit


@pytest.fixture(autouse=True, scope="session")
def _audit_flush_allowed():
    """Transactional tests empty the database between tests with `flush`, which the audit
    log's append-only triggers otherwise refuse (diaodu/core/management/commands/flush.py)."""
    from django.conf import settings

    settings.AUDIT_FLUSH_ALLOWED = True


@pytest.fixture(autouse=True)
def _audit_sealing_thread_stopped():
    """A committed write wakes a sealing thread with a connection of its own (PostgreSQL,
    diaodu/core/audit_seal.py): it is ended after each test, so no test sees another's
    sealing and the test database can be dropped at the end."""
    yield
    from diaodu.core import audit_seal

    audit_seal.background.stop()


# Property tests judge correctness, not speed: no per-example deadline and no "too slow"
# health check, so a busy CI machine cannot fail them (benchmarks in bench/ measure speed).
hypothesis_settings.register_profile("diaodu", deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("diaodu")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language. A request with an English cookie leaves
    English active in the thread (LocaleMiddleware does not switch back), which would leak
    into the next test's service messages."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _force_login_is_a_full_sign_in(monkeypatch):
    """`client.force_login(user)` stands for a finished sign-in: the password and, for an
    account with an authenticator (dispatchers and administrators: tests/factories.py), the
    TOTP code — as django-otp's own login() records it in the session. The two-factor tests
    sign in through the real pages instead (tests/core/test_two_factor.py)."""
    from django.test import Client

    sign_in = Client.force_login

    def force_login(self, user, backend=None):
        sign_in(self, user, backend)
        complete_two_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def district(db):
    return unit("410102", "中原区", UnitKind.DISTRICT)


@pytest.fixture
def street_a(district):
    return unit("410102001", "林山寨街道", UnitKind.STREET, district)


@pytest.fixture
def street_b(district):
    return unit("410102012", "须水街道", UnitKind.STREET, district)


@pytest.fixture
def community_a(street_a):
    return unit("410102001001", "林山寨社区", UnitKind.COMMUNITY, street_a)


@pytest.fixture
def drc(district):
    return unit("410102-FGW", "区发改委", UnitKind.DEPARTMENT, district)


@pytest.fixture
def street_a_reporter(street_a):
    return UserFactory(username="street_a_reporter", unit=street_a, role=Role.REPORTER)


@pytest.fixture
def street_b_reporter(street_b):
    return UserFactory(username="street_b_reporter", unit=street_b, role=Role.REPORTER)


@pytest.fixture
def street_a_head(street_a):
    return UserFactory(username="street_a_head", unit=street_a, role=Role.UNIT_HEAD)


@pytest.fixture
def dispatcher(drc):
    return UserFactory(username="dispatcher", unit=drc, role=Role.DISPATCHER)


@pytest.fixture
def leader(district):
    return UserFactory(username="leader", unit=district, role=Role.LEADER)


@pytest.fixture
def stats_user(district):
    return UserFactory(username="stats", unit=district, role=Role.STATS)


@pytest.fixture
def taskforce_member(drc):
    return UserFactory(username="taskforce", unit=drc, role=Role.TASKFORCE)


@pytest.fixture
def sysadmin(drc):
    return UserFactory(username="sysadmin", unit=drc, role=Role.SYSADMIN)


@pytest.fixture
def secadmin(drc):
    return UserFactory(username="secadmin", unit=drc, role=Role.SECADMIN)


@pytest.fixture
def auditor(drc):
    return UserFactory(username="auditor", unit=drc, role=Role.AUDITOR)


@pytest.fixture
def project_a(street_a):
    return ProjectFactory(name="林山寨更新项目", responsible_unit=street_a, street=street_a)


@pytest.fixture
def project_b(street_b):
    return ProjectFactory(name="须水道路项目", responsible_unit=street_b, street=street_b)


@pytest.fixture
def drc_project_in_a(drc, street_a):
    """A project the DRC is responsible for, located in street A."""
    return ProjectFactory(name="区发改委牵头项目", responsible_unit=drc, street=street_a)
