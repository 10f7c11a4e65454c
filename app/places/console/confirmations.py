"""What the places console's destructive buttons ask before they run (app/web/confirm.py, issue 13)."""

from flask import url_for

from app.places.models import Photo, PlaceName, PlaceRevision
from app.web.confirm import Confirmation, describes


def _named(place: PlaceName) -> str:
    return f"“{place.name}”（{place.code}）"


@describes("places.archive")
def archive(place: PlaceName) -> Confirmation:
    return Confirmation(
        title="归档条目",
        question=f"确定归档{_named(place)}吗？",
        consequence="归档后公众页面不再显示；以后可以转为草稿再次编辑和审核。",
        button="确定归档",
        back_url=url_for("places_console.view_place", code=place.code),
    )


@describes("places.discard")
def discard(place: PlaceName) -> Confirmation:
    return Confirmation(
        title="放弃修改",
        question=f"确定放弃{_named(place)}未发布的修改吗？",
        consequence="这些修改将被删除，已发布版本不受影响。",
        button="确定放弃",
        back_url=url_for("places_console.view_place", code=place.code),
    )


@describes("places.restore")
def restore(revision: PlaceRevision) -> Confirmation:
    place = revision.place
    if place.is_public:
        consequence = "已发布的条目会保存为未发布的修改，审核通过后才生效。"
    else:
        consequence = "恢复的内容作为新版本保存，当前内容会保留在历史中。"
    return Confirmation(
        title="恢复到此版本",
        question=f"确定把{_named(place)}的内容恢复到版本 #{revision.id} 吗？",
        consequence=consequence,
        button="确定恢复",
        back_url=url_for("places_console.place_history", code=place.code),
    )


@describes("places.photo_delete")
def photo_delete(photo: Photo) -> Confirmation:
    place = photo.place
    return Confirmation(
        title="删除照片",
        question=f"确定要删除{_named(place)}的照片“{photo.caption or photo.filename}”吗？",
        consequence="照片和它的缩略图文件一并删除，不能恢复。",
        button="确定删除",
        back_url=url_for("places_console.place_photos", code=place.code),
    )
