from datetime import date

import pytest
from django.core.management import CommandError, call_command

from diaodu.core.models import CalendarYear
from diaodu.duty.models import DutyShift

pytestmark = pytest.mark.django_db


def test_duty_roster_command_needs_a_complete_calendar_and_runs_once(street_a, a_people,
                                                                     capsys):
    CalendarYear.objects.filter(year=2031).delete()
    with pytest.raises(CommandError):
        call_command("duty_roster", year=2031)
    CalendarYear.objects.update_or_create(year=2022, defaults={"complete": True})
    call_command("duty_roster", year=2022)
    assert "365 shifts for 1 units in 2022." in capsys.readouterr().out
    call_command("duty_roster", year=2022)
    assert "0 shifts" in capsys.readouterr().out
    assert DutyShift.objects.filter(date=date(2022, 12, 31)).count() == 1
