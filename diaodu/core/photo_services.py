"""Site photos on any owner: add and remove (services), read (selectors). Core does not know the
owners; each owner app registers its model once (`register_owner`) with its scoped selector,
who may add or remove, and the context of the checks (unit, subject, period, point). A photo
is visible exactly when its owner is.

The same photo twice on one owner is refused (its SHA-256), so a repeated upload cannot
inflate the evidence; the same photo on two owners (a report and the 入库 documentation) is
allowed."""

import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from . import audit, clock, photos
from .errors import NotFound, UserError
from .models import Photo, User


@dataclass(frozen=True)
class PhotoContext:
    """What the checks compare a photo with, given by the owner's app."""

    unit_id: int | None = None
    subject: models.Model | None = None  # what the photo shows (the project)
    period: tuple[date, date] | None = None  # taken on these days, both included
    point: tuple[Decimal, Decimal] | None = None  # (latitude, longitude) of the site


@dataclass(frozen=True)
class OwnerType:
    visible: Callable[[User], models.QuerySet]  # the owner app's scoped selector
    require_edit: Callable[[User, Any], None]  # raises Forbidden / UserError
    context: Callable[[Any], PhotoContext]


_OWNERS: dict[type[models.Model], OwnerType] = {}


def register_owner(model: type[models.Model], *, visible: Callable[[User], models.QuerySet],
                   require_edit: Callable[[User, Any], None],
                   context: Callable[[Any], PhotoContext]) -> None:
    """Let `model` own photos (call from the owner app's AppConfig.ready)."""
    _OWNERS[model] = OwnerType(visible=visible, require_edit=require_edit, context=context)


def owner_type(model: type[models.Model]) -> OwnerType:
    try:
        return _OWNERS[model]
    except KeyError:
        raise LookupError(f"{model._meta.label} is not registered as a photo owner") from None


def _owner_visible(user: User, owner: models.Model) -> None:
    if not owner_type(type(owner)).visible(user).filter(pk=owner.pk).exists():
        raise NotFound


def _key(owner: models.Model) -> dict[str, Any]:
    return {"owner_type": ContentType.objects.get_for_model(type(owner)),
            "owner_id": owner.pk}


# --- checks -------------------------------------------------------------------------------


def checks(processed: photos.Processed, context: PhotoContext) -> dict[str, Any]:
    """The flags a reviewer sees. A photo is never refused for them: no EXIF, another period,
    another year or far from the site is accepted and shown as such."""
    flags: dict[str, Any] = {"no_exif": processed.taken_at is None, "outside_period": False,
                             "no_location": processed.latitude is None, "too_far": False,
                             "distance_m": None}
    if processed.taken_at is not None and context.period is not None:
        taken_on = photos.local_date(processed.taken_at)
        first, last = context.period
        flags["outside_period"] = not first <= taken_on <= last
    if (processed.latitude is not None and processed.longitude is not None
            and context.point is not None):
        metres = photos.distance_m(processed.latitude, processed.longitude, *context.point)
        flags["distance_m"] = round(metres)
        flags["too_far"] = metres > photos.max_distance_m()
    return flags


def check_texts(photo: Photo, period: tuple[date, date] | None = None) -> list[tuple[str, str]]:
    """(code, Chinese text) of each flag, for the reviewer; `period` the owner's, to name it."""
    texts = []
    if photo.no_exif:
        texts.append(("no_exif", _("无 EXIF 拍摄时间，无法核对拍摄日期")))
    if photo.outside_period and photo.taken_at is not None:
        taken_on = photos.local_date(photo.taken_at)
        if period is None:
            text = _("拍摄于 %(date)s，不在核对期间内") % {"date": taken_on.isoformat()}
        else:
            text = _("拍摄于 %(date)s，不在 %(first)s 至 %(last)s 之内") % {
                "date": taken_on.isoformat(), "first": period[0].isoformat(),
                "last": period[1].isoformat()}
            if taken_on.year not in (period[0].year, period[1].year):
                text += _("（往年照片）")
        texts.append(("outside_period", text))
    if photo.no_location:
        texts.append(("no_location", _("无 GPS 位置，无法核对拍摄地点")))
    if photo.too_far and photo.distance_m is not None:
        texts.append(("too_far", _("拍摄点距项目位置 %(km)s 公里，超过 %(limit)s 公里")
                      % {"km": f"{photo.distance_m / 1000:.1f}",
                         "limit": f"{photos.max_distance_m() / 1000:g}"}))
    return texts


@dataclass(frozen=True)
class ShownPhoto:
    photo: Photo
    checks: list[tuple[str, str]]  # (code, text) for the reviewer


def shown(items: Iterable[Photo], period: tuple[date, date] | None = None) -> list[ShownPhoto]:
    return [ShownPhoto(photo, check_texts(photo, period)) for photo in items]


# --- services -----------------------------------------------------------------------------


def _store(photo: Photo, processed: photos.Processed) -> None:
    photo.file.save(f"{photo.token}.{processed.extension}", ContentFile(processed.content),
                    save=False)
    photo.thumbnail.save(f"{photo.token}_t.jpg", ContentFile(processed.thumbnail), save=False)


def _discard_files(photo: Photo) -> None:
    for field in (photo.file, photo.thumbnail):
        if field.name:
            field.storage.delete(field.name)


def photo_add_many(*, actor: User | None, owner: models.Model, uploads: Sequence[Any],
                   caption: str = "", sample: bool = False) -> list[Photo]:
    """Add photos to `owner`, all or none: every file is read and checked first; a refused
    one (not an image, too large, a bomb, a duplicate, over the count) stores nothing."""
    entry = owner_type(type(owner))
    if not uploads:
        raise UserError("photo.required", _("请选择要上传的照片。"), "photo")
    caption = (caption or "").strip()
    if len(caption) > 200:
        raise UserError("photo.caption_too_long", _("照片说明不能超过200个字。"), "caption")
    processed = [(upload, photos.process(upload, _name(upload))) for upload in uploads]
    saved: list[Photo] = []
    try:
        with transaction.atomic():
            if actor is not None:
                _owner_visible(actor, owner)
                entry.require_edit(actor, owner)
            # Lock the owner so two uploads at once cannot pass the count limit together.
            owner = type(owner)._default_manager.select_for_update().get(pk=owner.pk)
            key = _key(owner)
            existing = dict(Photo.objects.filter(**key).values_list("sha256", "name"))
            if len(existing) + len(processed) > photos.max_per_owner():
                raise UserError("photo.too_many",
                                _("每项最多 %(n)s 张照片（设置 PHOTO_MAX_PER_OWNER），已有 "
                                  "%(have)s 张，本次 %(add)s 张。")
                                % {"n": photos.max_per_owner(), "have": len(existing),
                                   "add": len(processed)}, "photo")
            context = entry.context(owner)
            for upload, item in processed:
                name = _name(upload)
                if item.sha256 in existing:
                    raise UserError("photo.duplicate",
                                    _("照片“%(name)s”已上传过（与“%(other)s”内容相同）。")
                                    % {"name": name, "other": existing[item.sha256]}, "photo")
                existing[item.sha256] = name
                saved.append(_create(actor, key, item, name, caption, sample, context))
    except BaseException:
        for photo in saved:
            _discard_files(photo)
        raise
    return saved


def photo_add(*, actor: User | None, owner: models.Model, upload: Any, caption: str = "",
              sample: bool = False) -> Photo:
    """Add one photo to `owner` (see photo_add_many)."""
    return photo_add_many(actor=actor, owner=owner, uploads=[upload], caption=caption,
                          sample=sample)[0]


def _name(upload: Any) -> str:
    return (str(getattr(upload, "name", "") or "photo").rsplit("/", 1)[-1])[:200]


def _create(actor: User | None, key: dict[str, Any], item: photos.Processed, name: str,
            caption: str, sample: bool, context: PhotoContext) -> Photo:
    subject = context.subject
    photo = Photo(
        **key,
        subject_type=ContentType.objects.get_for_model(type(subject)) if subject else None,
        subject_id=subject.pk if subject else None,
        unit_id=context.unit_id, token=secrets.token_hex(16), name=name, caption=caption,
        content_type=item.content_type, size=len(item.content), width=item.width,
        height=item.height, sha256=item.sha256, taken_at=item.taken_at,
        latitude=item.latitude, longitude=item.longitude, sample=sample,
        uploaded_by=actor, uploaded_at=clock.now(), **checks(item, context),
    )
    try:
        _store(photo, item)
        photo.save(force_insert=True)
    except BaseException:
        _discard_files(photo)
        raise
    audit.record(actor, "photo.add", photo, {
        "owner": f"{photo.owner_type_id}:{photo.owner_id}", "sha256": item.sha256,
        "taken_at": item.taken_at, "latitude": item.latitude, "longitude": item.longitude,
        "flags": [code for code in ("no_exif", "outside_period", "no_location", "too_far")
                  if getattr(photo, code)],
    })
    return photo


def photo_remove(*, actor: User, photo: Photo) -> None:
    """Remove a photo (the uploader's unit while the owner may still be edited)."""
    with transaction.atomic():
        photo = photo_get(user=actor, pk=photo.pk)
        owner = photo.owner
        if owner is None:
            raise NotFound
        owner_type(type(owner)).require_edit(actor, owner)
        audit.record(actor, "photo.remove", photo, {"sha256": photo.sha256, "name": photo.name})
        files = [(f.storage, f.name) for f in (photo.file, photo.thumbnail) if f.name]
        photo.delete()

        def delete_files() -> None:
            for storage, name in files:
                storage.delete(name)

        transaction.on_commit(delete_files)


# --- selectors ----------------------------------------------------------------------------


def photo_get(*, user: User, pk: int) -> Photo:
    """One photo, or NotFound when its owner is outside the user's scope."""
    photo = Photo.objects.select_related("owner_type").filter(pk=pk).first()
    if photo is None:
        raise NotFound
    model = photo.owner_type.model_class()
    if model is None or model not in _OWNERS:
        raise NotFound
    if not _OWNERS[model].visible(user).filter(pk=photo.owner_id).exists():
        raise NotFound
    return photo


def photo_list(*, user: User, owner: models.Model) -> list[Photo]:
    """The photos of `owner`, oldest first; NotFound when the owner is outside scope."""
    _owner_visible(user, owner)
    return list(Photo.objects.filter(**_key(owner)))


def photos_of(owners: Iterable[models.Model]) -> dict[int, list[Photo]]:
    """Photos of owners of one model the caller already read through its scoped selector, in
    one query: {owner pk: [photos]}."""
    owners = list(owners)
    if not owners:
        return {}
    found: dict[int, list[Photo]] = {owner.pk: [] for owner in owners}
    content_type = ContentType.objects.get_for_model(type(owners[0]))
    for photo in Photo.objects.filter(owner_type=content_type, owner_id__in=list(found)):
        found[photo.owner_id].append(photo)
    return found


def subject_photos(subject: models.Model, *, exclude_owner: models.Model | None = None,
                   limit: int = 6) -> list[Photo]:
    """The latest photos showing `subject` (a subject the caller read through its scoped
    selector), from any owner but `exclude_owner`, in one query."""
    qs = Photo.objects.filter(subject_type=ContentType.objects.get_for_model(type(subject)),
                              subject_id=subject.pk)
    if exclude_owner is not None:
        qs = qs.exclude(**_key(exclude_owner))
    return list(qs.order_by(F("taken_at").desc(nulls_last=True), "-uploaded_at", "-id")[:limit])


def latest_by_subject(model: type[models.Model],
                      ids: Iterable[int] | models.QuerySet) -> dict[int, Photo]:
    """The latest photo (by capture time, then upload) of each subject, in one query. The
    caller passes subjects it read through its scoped selector (ids, or a queryset of their
    pks, which becomes a subquery); owners of a visible subject (its reports, its 入库
    evidence) are visible with it."""
    if not isinstance(ids, models.QuerySet):
        ids = list(ids)
        if not ids:
            return {}
    content_type = ContentType.objects.get_for_model(model)
    ranked = Photo.objects.filter(subject_type=content_type, subject_id__in=ids).annotate(
        rank=Window(RowNumber(), partition_by=[F("subject_id")],
                    order_by=[F("taken_at").desc(nulls_last=True), F("uploaded_at").desc(),
                              F("id").desc()]))
    return {photo.subject_id: photo for photo in ranked.filter(rank=1)
            if photo.subject_id is not None}
