"""Photo files, only through here: the owner's scope decides (404 outside it), never a public
media URL. Served inline with their sniffed content type and nosniff, privately cached."""

from django import forms
from django.http import FileResponse, Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views import View

from .photo_services import photo_get
from .views import ShellMixin


class PhotoFileView(ShellMixin, View):
    def get(self, request, pk: int, kind: str):
        photo = photo_get(user=request.user, pk=pk)
        field = photo.thumbnail if kind == "thumb" else photo.file
        content_type = "image/jpeg" if kind == "thumb" else photo.content_type
        try:
            handle = field.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type, filename=photo.name,
                                as_attachment=False)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=3600"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files from one input (Django's documented pattern); each is checked by
    core/photos.py, not here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,"
                                                                       "image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class PhotoUploadForm(forms.Form):
    photo = MultiplePhotoField(label=_("现场照片"), required=True)
    caption = forms.CharField(label=_("说明"), max_length=200, required=False)


app_name = "photos"
urlpatterns = [
    path("<int:pk>/", PhotoFileView.as_view(), {"kind": "file"}, name="file"),
    path("<int:pk>/thumb/", PhotoFileView.as_view(), {"kind": "thumb"}, name="thumb"),
]
