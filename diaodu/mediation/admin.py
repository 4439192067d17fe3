"""Reference data of 人民调解 and the legal network in the admin: committees, mediators,
places, advisers, assignments and 法律明白人. Everyone signed in reads them (a public
directory); the reference editors (policy.REFERENCE_EDITORS) write them through the services."""

from django import forms
from django.contrib import admin

from diaodu.core.admin_base import ScopedModelAdmin, ServiceAdminMixin, ServiceForm

from . import network, services
from .models import Adviser, Assignment, Committee, LegalPlace, Liaison, Mediator
from .policy import REFERENCE_EDITORS


class CommitteeForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = Committee
        fields = ("name", "level", "unit", "parent", "phone", "active")

    def run_service(self, d):
        if self.instance.pk is None:
            return services.committee_create(actor=self.actor, name=d["name"], level=d["level"],
                                             unit=d["unit"], parent=d.get("parent"),
                                             phone=d.get("phone", ""))
        return services.committee_update(actor=self.actor, committee=self.instance,
                                         name=d["name"], phone=d.get("phone", ""),
                                         active=d.get("active", True))


class MediatorForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = Mediator
        fields = ("name", "committee", "gold", "gold_since", "phone", "active")

    def run_service(self, d):
        return services.mediator_save(
            actor=self.actor, committee=d["committee"], name=d["name"], gold=d.get("gold", False),
            gold_since=d.get("gold_since"), phone=d.get("phone", ""),
            active=d.get("active", True), mediator=self.instance if self.instance.pk else None)


class PlaceForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = LegalPlace
        fields = ("kind", "name", "unit", "address", "phone", "hours", "active")

    def run_service(self, d):
        return network.place_save(
            actor=self.actor, kind=d["kind"], name=d["name"], unit=d["unit"],
            address=d.get("address", ""), phone=d.get("phone", ""), hours=d.get("hours", ""),
            active=d.get("active", True), place=self.instance if self.instance.pk else None)


class AdviserForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = Adviser
        fields = ("name", "firm", "licence_no", "phone", "active")

    def run_service(self, d):
        return network.adviser_save(
            actor=self.actor, name=d["name"], firm=d["firm"], licence_no=d["licence_no"],
            phone=d.get("phone", ""), active=d.get("active", True),
            adviser=self.instance if self.instance.pk else None)


class AssignmentForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ("adviser", "community", "starts_on", "ends_on")

    def run_service(self, d):
        if self.instance.pk is None:
            return network.assignment_create(actor=self.actor, adviser=d["adviser"],
                                             community=d["community"],
                                             starts_on=d["starts_on"], ends_on=d.get("ends_on"))
        return network.assignment_end(actor=self.actor, assignment=self.instance,
                                      ends_on=d["ends_on"])


class LiaisonForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = Liaison
        fields = ("name", "community", "phone", "trained_on", "active")

    def run_service(self, d):
        return network.liaison_save(
            actor=self.actor, name=d["name"], community=d["community"], phone=d.get("phone", ""),
            trained_on=d.get("trained_on"), active=d.get("active", True),
            liaison=self.instance if self.instance.pk else None)


class ReferenceAdmin(ServiceAdminMixin, ScopedModelAdmin):
    add_roles = REFERENCE_EDITORS
    edit_roles = REFERENCE_EDITORS


@admin.register(Committee)
class CommitteeAdmin(ReferenceAdmin):
    form = CommitteeForm
    list_display = ("name", "level", "unit", "parent", "active")
    list_filter = ("level", "active")
    list_select_related = ("unit", "parent")
    search_fields = ("name",)
    autocomplete_fields = ("unit", "parent")


@admin.register(Mediator)
class MediatorAdmin(ReferenceAdmin):
    form = MediatorForm
    list_display = ("name", "committee", "gold", "gold_since", "active")
    list_filter = ("gold", "active", "committee__level")
    list_select_related = ("committee",)
    search_fields = ("name", "committee__name")
    autocomplete_fields = ("committee",)


@admin.register(LegalPlace)
class PlaceAdmin(ReferenceAdmin):
    form = PlaceForm
    list_display = ("name", "kind", "unit", "phone", "active")
    list_filter = ("kind", "active")
    list_select_related = ("unit",)
    search_fields = ("name", "address")
    autocomplete_fields = ("unit",)


@admin.register(Adviser)
class AdviserAdmin(ReferenceAdmin):
    form = AdviserForm
    list_display = ("name", "firm", "licence_no", "phone", "active")
    list_filter = ("active",)
    search_fields = ("name", "firm", "licence_no")


@admin.register(Assignment)
class AssignmentAdmin(ReferenceAdmin):
    form = AssignmentForm
    list_display = ("adviser", "community", "starts_on", "ends_on")
    list_select_related = ("adviser", "community")
    search_fields = ("adviser__name", "community__name")
    autocomplete_fields = ("adviser", "community")

    def get_readonly_fields(self, request, obj=None):
        # A saved assignment only gets its end date; another period is a new assignment.
        return ("adviser", "community", "starts_on") if obj is not None else ()


@admin.register(Liaison)
class LiaisonAdmin(ReferenceAdmin):
    form = LiaisonForm
    list_display = ("name", "community", "trained_on", "active")
    list_filter = ("active",)
    list_select_related = ("community",)
    search_fields = ("name", "community__name")
    autocomplete_fields = ("community",)
