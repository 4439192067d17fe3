"""The map a project's site is picked on (core/point_picker.py supplies it): a click sets the
latitude and longitude fields of the form, by the map's projection read from data attributes
(Alpine.js, which unfold loads; no inline <script>, the CSP forbids it). Without a map the
widget shows nothing and the point is typed."""

from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

# x = pad + (lon - lon0) * sx, y = base - (lat - lat0) * sy (grids/mapsvg.Frame), inverted.
PICK = ("{ pick(e, el) { const d = el.dataset, r = el.getBoundingClientRect();"
        " const x = (e.clientX - r.left) * d.width / r.width,"
        " y = (e.clientY - r.top) * d.height / r.height;"
        " const lon = +d.lon0 + (x - d.pad) / d.sx, lat = +d.lat0 + (d.base - y) / d.sy;"
        " document.getElementById(d.lat).value = lat.toFixed(6);"
        " document.getElementById(d.lon).value = lon.toFixed(6); } }")


class PointPickerWidget(forms.Widget):
    map = None  # a core.point_picker.PickerMap, set by the form

    def render(self, name, value, attrs=None, renderer=None):
        found = self.map
        if found is None:
            return ""
        return format_html(
            '<div class="point-picker" x-data="{}">'
            '<div class="cursor-crosshair border border-base-200 rounded-default max-w-2xl"'
            ' data-width="{}" data-height="{}" data-lon0="{}" data-lat0="{}" data-sx="{}"'
            ' data-sy="{}" data-base="{}" data-pad="{}" data-lat="id_latitude"'
            ' data-lon="id_longitude" @click="pick($event, $el)">{}</div>'
            '<p class="text-xs mt-1">{}</p></div>',
            PICK, repr(found.width), repr(found.height), repr(found.min_lon),
            repr(found.min_lat), repr(found.scale_x), repr(found.scale_y), repr(found.base),
            repr(found.pad), mark_safe(found.svg),  # mapsvg escapes every text it draws
            _("在地图上点击即可填入纬度和经度；也可直接输入。"))

    def value_from_datadict(self, data, files, name):
        return ""
