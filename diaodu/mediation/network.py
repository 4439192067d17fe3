"""Writes of the public legal-service network: the centre, stations and rooms, legal advisers
and their assignments (一村（社区）一法律顾问), and 法律明白人. Audited, one transaction each."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from diaodu.core import audit
from diaodu.core.errors import UserError
from diaodu.core.models import OrgUnit, UnitKind, User
from diaodu.core.saving import save_audited

from . import rules
from .models import Adviser, Assignment, LegalPlace, Liaison, PlaceKind
from .services import PHONE, _require_reference_editor

PLACE_UNITS = {PlaceKind.CENTRE: (UnitKind.DISTRICT,), PlaceKind.STATION: (UnitKind.STREET,),
               PlaceKind.ROOM: (UnitKind.COMMUNITY,)}


def _phone(phone: str) -> str:
    phone = phone.strip()
    if phone and not PHONE.match(phone):
        raise UserError("legal.phone", _("联系电话格式不正确：%(v)s") % {"v": phone}, "phone")
    return phone


def _community(unit: OrgUnit, field: str = "community") -> OrgUnit:
    if unit.kind != UnitKind.COMMUNITY:
        raise UserError("legal.not_community", _("%(u)s不是社区（村）。") % {"u": unit}, field)
    return unit


def place_save(*, actor: User | None, kind: str, name: str, unit: OrgUnit, address: str = "",
               phone: str = "", hours: str = "", active: bool = True,
               place: LegalPlace | None = None) -> LegalPlace:
    """Add or change a place: the centre in the district, a station in a street, a room in
    a community; one of each kind per unit."""
    _require_reference_editor(actor)
    if kind not in PlaceKind.values:
        raise UserError("legal.kind", _("场所类型无效：%(v)s") % {"v": kind}, "kind")
    if unit.kind not in PLACE_UNITS[PlaceKind(kind)]:
        raise UserError("legal.place_unit", _("%(kind)s不能设在%(unit)s（%(ukind)s）。")
                        % {"kind": PlaceKind(kind).label, "unit": unit,
                           "ukind": unit.get_kind_display()}, "unit")
    if not name.strip():
        raise UserError("legal.name", _("请填写场所名称。"), "name")
    fields = {"kind": kind, "name": name.strip(), "unit": unit, "address": address.strip(),
              "phone": _phone(phone), "hours": hours.strip(), "active": active}
    with transaction.atomic():
        clash = LegalPlace.objects.filter(kind=kind, unit=unit)
        if place is not None:
            clash = clash.exclude(pk=place.pk)
        if clash.exists():
            raise UserError("legal.place_duplicate", _("%(unit)s已有%(kind)s。")
                            % {"unit": unit, "kind": PlaceKind(kind).label}, "unit")
        place = save_audited(actor, LegalPlace, place, fields, action="legal_place")
    return place


def adviser_save(*, actor: User | None, name: str, firm: str, licence_no: str, phone: str = "",
                 active: bool = True, adviser: Adviser | None = None) -> Adviser:
    _require_reference_editor(actor)
    if not name.strip() or not firm.strip():
        raise UserError("adviser.required", _("请填写法律顾问姓名和执业机构。"), "name")
    licence_no = licence_no.strip()
    if not licence_no.isdigit() or len(licence_no) != 17:
        raise UserError("adviser.licence", _("执业证号应为17位数字：%(v)s") % {"v": licence_no},
                        "licence_no")
    fields = {"name": name.strip(), "firm": firm.strip(), "licence_no": licence_no,
              "phone": _phone(phone), "active": active}
    with transaction.atomic():
        clash = Adviser.objects.filter(licence_no=licence_no)
        if adviser is not None:
            clash = clash.exclude(pk=adviser.pk)
        if clash.exists():
            raise UserError("adviser.duplicate", _("执业证号%(v)s已登记。") % {"v": licence_no},
                            "licence_no")
        adviser = save_audited(actor, Adviser, adviser, fields, action="adviser")
    return adviser


def assignment_create(*, actor: User | None, adviser: Adviser, community: OrgUnit,
                      starts_on: date, ends_on: date | None = None) -> Assignment:
    """Assign an adviser to a community for a period. The same adviser twice in one community
    for overlapping periods is refused (the first assignment already covers it)."""
    _require_reference_editor(actor)
    _community(community)
    if ends_on is not None and ends_on < starts_on:
        raise UserError("assignment.period", _("聘任截止日期不能早于起始日期。"), "ends_on")
    if not adviser.active:
        raise UserError("assignment.inactive", _("法律顾问%(a)s已不在职。") % {"a": adviser.name},
                        "adviser")
    with transaction.atomic():
        # Lock the adviser so two simultaneous assignments of them cannot both pass the check.
        Adviser.objects.select_for_update().get(pk=adviser.pk)
        for other in Assignment.objects.filter(adviser=adviser, community=community):
            if rules.periods_overlap(starts_on, ends_on, other.starts_on, other.ends_on):
                raise UserError(
                    "assignment.duplicate",
                    _("%(a)s已受聘为%(c)s的法律顾问（%(s)s至%(e)s），聘期重叠，不能重复聘任。")
                    % {"a": adviser.name, "c": community, "s": other.starts_on,
                       "e": other.ends_on or _("长期")}, "starts_on")
        assignment = Assignment.objects.create(adviser=adviser, community=community,
                                               starts_on=starts_on, ends_on=ends_on)
        audit.record(actor, "assignment.create", assignment,
                     {"adviser": adviser.pk, "community": community.pk,
                      "starts_on": starts_on, "ends_on": ends_on})
    return assignment


def assignment_end(*, actor: User | None, assignment: Assignment, ends_on: date) -> Assignment:
    _require_reference_editor(actor)
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if ends_on is None:
            raise UserError("assignment.end_required", _("请填写聘任截止日期。"), "ends_on")
        if ends_on < assignment.starts_on:
            raise UserError("assignment.period", _("聘任截止日期不能早于起始日期。"), "ends_on")
        before = {"ends_on": assignment.ends_on}
        assignment.ends_on = ends_on
        assignment.save(update_fields=["ends_on"])
        audit.record(actor, "assignment.end", assignment, audit.diff(before, {"ends_on": ends_on}))
    return assignment


def liaison_save(*, actor: User | None, name: str, community: OrgUnit, phone: str = "",
                 trained_on: date | None = None, active: bool = True,
                 liaison: Liaison | None = None) -> Liaison:
    _require_reference_editor(actor)
    _community(community)
    if not name.strip():
        raise UserError("liaison.name", _("请填写法律明白人姓名。"), "name")
    fields = {"name": name.strip(), "community": community, "phone": _phone(phone),
              "trained_on": trained_on, "active": active}
    with transaction.atomic():
        clash = Liaison.objects.filter(community=community, name=fields["name"])
        if liaison is not None:
            clash = clash.exclude(pk=liaison.pk)
        if clash.exists():
            raise UserError("liaison.duplicate", _("%(c)s已登记法律明白人%(n)s。")
                            % {"c": community, "n": fields["name"]}, "name")
        liaison = save_audited(actor, Liaison, liaison, fields, action="liaison")
    return liaison
