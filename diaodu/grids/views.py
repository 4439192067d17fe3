"""Pages of grid governance inside the unfold shell: the grid register (and its Excel), a
grid's page, the map, the sizing check, the training check and the boundary upload."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from diaodu.core import clock
from diaodu.core.errors import NotFound, UserError
from diaodu.core.models import UnitKind
from diaodu.core.views import ShellMixin

from . import exports, geo, geojson, mapsvg, policy, rules, selectors

STATUS_LABELS = {rules.OK: gettext_lazy("符合标准"), rules.UNDER: gettext_lazy("偏小"),
                 rules.OVER: gettext_lazy("偏大")}


def _int(value) -> int | None:
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None


def _year(request) -> int:
    year = _int(request.GET.get("year"))
    return year if year and 2000 <= year <= 2100 else clock.today().year


class GridListView(ShellMixin, TemplateView):
    template_name = "grids/list.html"
    title = gettext_lazy("网格台账")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, street = self.request.user, _int(self.request.GET.get("street"))
        rows = selectors.grid_register(user=user, street=street)
        context.update(rows=rows, streets=selectors.streets_for(user=user), street=street,
                       labels=STATUS_LABELS, may_keep=policy.may_keep(user),
                       households=sum(r.profile.households for r in rows),
                       population=sum(r.profile.population for r in rows))
        return context


class GridExportView(ShellMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        rows = selectors.grid_register(user=request.user, street=_int(request.GET.get("street")))
        body = exports.register_xlsx(rows, {k: str(v) for k, v in STATUS_LABELS.items()})
        response = HttpResponse(
            body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = content_disposition_header(
            True, _("网格台账.xlsx"))
        return response


class GridDetailView(ShellMixin, TemplateView):
    template_name = "grids/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = _year(self.request)
        page = selectors.grid_page(user=self.request.user, pk=self.kwargs["pk"], year=year)
        unit = page.profile.unit
        points = geo.points_for([unit])
        chart = ""
        shapes = [_shape(p, 0) for p in [page.profile, *page.micro_grids] if p.polygon]
        if shapes:
            chart = mapsvg.render(shapes, [mapsvg.Dot(pt.lon, pt.lat, pt.href, pt.label)
                                           for pt in points], width=600, title=str(unit))
        minimum = selectors.settings_get().training_hours
        context.update(page=page, title=str(unit), year=year, labels=STATUS_LABELS,
                       minimum=minimum, points=points, chart=mark_safe(chart),  # escaped
                       workers=[(w, page.training.get(w.pk, 0),
                                 rules.training_ok(page.training.get(w.pk, 0), minimum))
                                for w in page.workers])
        return context


def _shape(profile, count: int, href: str = "") -> mapsvg.Shape:
    geometry = profile.polygon or {}
    return mapsvg.Shape(profile.unit_id, str(profile.unit), geometry.get("coordinates", []),
                        count, href, profile.polygon_sample,
                        _("%(n)s 件") % {"n": count} if count else "")


class GridMapView(ShellMixin, TemplateView):
    template_name = "grids/map.html"
    title = gettext_lazy("网格地图")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, street = self.request.user, _int(self.request.GET.get("street"))
        profiles = selectors.map_profiles(user=user, street=street)
        points = geo.points_for([p.unit for p in profiles])
        counts = selectors.grid_event_counts(points, profiles)
        shapes = [_shape(p, counts.get(p.unit_id, 0), reverse("grids:detail", args=[p.unit_id]))
                  for p in profiles]
        note = _("示例边界（虚线）：演示用生成的网格范围，并非实际划界。") \
            if any(p.polygon_sample for p in profiles) else ""
        chart = mapsvg.render(
            shapes, [mapsvg.Dot(pt.lon, pt.lat, pt.href, pt.label) for pt in points],
            title=str(self.title),
            sample_note=note)
        context.update(chart=mark_safe(chart) if shapes else "",  # mapsvg escapes every text
                       streets=selectors.streets_for(user=user), street=street,
                       grids=len(shapes), points=len(points), heat=mapsvg.HEAT,
                       top=max(counts.values(), default=0))
        return context


class SizingView(ShellMixin, TemplateView):
    template_name = "grids/sizing.html"
    title = gettext_lazy("网格规模检查")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found, standard, communities = selectors.sizing_check(user=self.request.user)
        context.update(suggestions=found, standard=standard, communities=communities,
                       labels=STATUS_LABELS)
        return context


class TrainingView(ShellMixin, TemplateView):
    template_name = "grids/training.html"
    title = gettext_lazy("网格员培训")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = _year(self.request)
        rows, minimum = selectors.training_check(user=self.request.user, year=year)
        context.update(rows=rows, minimum=minimum, year=year,
                       short=sum(1 for r in rows if not r.ok))
        return context


class BoundaryImportView(ShellMixin, TemplateView):
    """Upload a GeoJSON FeatureCollection of boundaries (the street or district centre)."""

    template_name = "grids/boundaries.html"
    title = gettext_lazy("导入网格边界")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not policy.may_keep(request.user):
            raise NotFound
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择 GeoJSON 文件。"))
            return redirect("grids:boundaries")
        try:
            counts = geojson.geojson_import(
                actor=request.user, data=upload.read(geojson.MAX_BYTES + 1),
                sample=bool(request.POST.get("sample")))
        except UserError as error:
            messages.error(request, error.message)
            return redirect("grids:boundaries")
        messages.success(request, _("已导入边界：社区 %(c)s 个，网格 %(g)s 个，微网格 %(m)s 个。")
                         % {"c": counts[UnitKind.COMMUNITY], "g": counts[UnitKind.GRID],
                            "m": counts[UnitKind.MICRO_GRID]})
        return redirect("grids:map")
