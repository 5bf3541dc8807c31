"""Slides and handouts: the type read from the content, the size held to the network's limit,
names cleaned, and files served only to who may see the talk, as attachments."""

import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from peerpower.speakers import actions
from peerpower.speakers.models import Resource, SpeakerSettings
from tests.conftest import ClientFor
from tests.speakers.conftest import PDF, Talk, hold, pdf

# What Windows runs: a PE header, whatever the file is called.
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def office(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{part}document.xml", "<x/>")
    return buffer.getvalue()


def refused(talk: Talk, upload: SimpleUploadedFile) -> str:
    with pytest.raises(ValidationError) as error:
        actions.resource_upload(booking=talk.booking, upload=upload, by=talk.world.speaker)
    assert Resource.objects.count() == 0
    return error.value.message_dict["upload"][0]


def test_an_upload_too_large_is_refused(talk: Talk) -> None:
    SpeakerSettings.objects.create(network=talk.world.network, upload_max_mb=1)
    big = SimpleUploadedFile("deck.pdf", PDF + b"0" * (1024 * 1024), "application/pdf")
    assert refused(talk, big) == "The file is larger than 1 MB."


def test_a_forbidden_type_is_refused(talk: Talk) -> None:
    assert refused(talk, SimpleUploadedFile("run.exe", EXECUTABLE)) == (
        "Upload a PDF, PowerPoint (.pptx), Word (.docx), Excel (.xlsx), PNG or JPEG file."
    )


def test_a_renamed_executable_is_refused(talk: Talk) -> None:
    message = refused(talk, SimpleUploadedFile("slides.pdf", EXECUTABLE, "application/pdf"))
    assert message.startswith("The file's content is not what its name says (.pdf).")


def test_a_word_file_named_as_slides_is_refused(talk: Talk) -> None:
    message = refused(talk, SimpleUploadedFile("deck.pptx", office("word/")))
    assert message.startswith("The file's content is not what its name says (.pptx).")


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\slides.pdf", "talks/slides.pdf"])
def test_a_name_with_path_separators_is_refused(talk: Talk, name: str) -> None:
    upload = SimpleUploadedFile("slides.pdf", PDF)
    upload._name = name  # type: ignore[attr-defined]  # as a caller other than Django's form parsing might pass it
    assert refused(talk, upload) == "The file name may not contain a folder (/ or \\)."


def test_a_posted_name_with_a_folder_keeps_only_the_file_name(
    talk: Talk, client_for: ClientFor
) -> None:
    """Django's upload parser drops the folder part a browser sends before any view sees it;
    nothing is stored under the name either way (files live under random names)."""
    upload = SimpleUploadedFile("passwd.pdf", PDF)
    upload.name = "../../etc/passwd.pdf"
    response = client_for(talk.world.speaker).post(
        reverse("speakers:upload", args=[talk.booking.pk]), {"upload": upload}
    )
    assert response.status_code == 302
    (resource,) = Resource.objects.all()
    assert resource.name == "passwd.pdf"
    assert "etc" not in resource.file.name


def test_office_files_and_images_are_told_apart_by_content(talk: Talk) -> None:
    for name, content, kind in [
        ("notes.docx", office("word/"), "wordprocessingml"),
        ("deck.pptx", office("ppt/"), "presentationml"),
        ("figures.xlsx", office("xl/"), "spreadsheetml"),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        ("chart.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
    ]:
        resource = actions.resource_upload(
            booking=talk.booking, upload=SimpleUploadedFile(name, content), by=talk.world.speaker
        )
        assert kind in resource.content_type, name


def test_names_are_cleaned(talk: Talk) -> None:
    resource = actions.resource_upload(
        booking=talk.booking,
        upload=SimpleUploadedFile('Q3 <plan> "final";.pdf', PDF),
        by=talk.world.speaker,
    )
    assert resource.name == "Q3 _plan_ _final__.pdf"
    assert "Q3" not in resource.file.name  # stored under a random name


def test_the_file_is_served_as_an_attachment_to_who_may_see_it(
    talk: Talk, client_for: ClientFor
) -> None:
    world = talk.world
    resource = actions.resource_upload(booking=talk.booking, upload=pdf(), by=world.speaker)
    url = reverse("speakers:resource", args=[resource.pk])
    response = client_for(world.chair).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="slides.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    # Members: not before the talk, and only once it is confirmed and has begun.
    assert client_for(world.member).get(url).status_code == 404
    actions.booking_accept(booking=talk.booking, by=world.speaker)
    assert client_for(world.member).get(url).status_code == 404
    hold(talk.booking.meeting)
    assert client_for(world.member).get(url).status_code == 200
    page = client_for(world.member).get(reverse("meetings:detail", args=[talk.booking.meeting_id]))
    assert url in page.content.decode()
    for outsider in (world.other_member, world.coach, world.outsider, world.former_member):
        assert client_for(outsider).get(url).status_code == 404


def test_a_refused_upload_shows_its_reason_beside_the_field(
    talk: Talk, client_for: ClientFor
) -> None:
    response = client_for(talk.world.speaker).post(
        reverse("speakers:upload", args=[talk.booking.pk]),
        {"upload": SimpleUploadedFile("slides.pdf", EXECUTABLE)},
    )
    assert response.status_code == 400
    assert "The file&#x27;s content is not what its name says" in response.content.decode()
    assert 'id="id_upload_error"' in response.content.decode()


def test_the_chair_removes_a_file_after_being_asked_and_it_leaves_storage(
    talk: Talk, client_for: ClientFor, django_capture_on_commit_callbacks: Any
) -> None:
    world = talk.world
    resource = actions.resource_upload(booking=talk.booking, upload=pdf(), by=world.speaker)
    stored, storage = resource.file.name, resource.file.storage
    assert storage.exists(stored)
    client = client_for(world.chair)
    page = client.get(reverse("speakers:booking", args=[talk.booking.pk])).content.decode()
    # The page asks first: the button only opens the question, whose form removes it.
    assert "<summary" in page and "Remove “slides.pdf” from this talk?" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("speakers:resource_delete", args=[resource.pk]), follow=True)
    assert "“slides.pdf” is removed" in response.content.decode()
    assert not Resource.objects.filter(pk=resource.pk).exists()
    assert not storage.exists(stored)
    assert client.get(reverse("speakers:resource", args=[resource.pk])).status_code == 404


def test_the_speaker_removes_their_own_file_but_not_the_chairs(
    talk: Talk, client_for: ClientFor
) -> None:
    world = talk.world
    own = actions.resource_upload(booking=talk.booking, upload=pdf("mine.pdf"), by=world.speaker)
    chairs = actions.resource_upload(booking=talk.booking, upload=pdf("agenda.pdf"), by=world.chair)
    client = client_for(world.speaker)
    page = client.get(reverse("speakers:booking", args=[talk.booking.pk])).content.decode()
    assert "Remove “mine.pdf”" in page and "Remove “agenda.pdf”" not in page
    response = client.post(reverse("speakers:resource_delete", args=[chairs.pk]), follow=True)
    assert "the speaker for their own files, can remove this file." in response.content.decode()
    assert Resource.objects.filter(pk=chairs.pk).exists()
    assert actions.resource_delete(resource=own, by=world.speaker) == "mine.pdf"
    assert not Resource.objects.filter(pk=own.pk).exists()
    # Members, even after the talk, cannot reach the address at all.
    member = client_for(world.member)
    assert member.post(reverse("speakers:resource_delete", args=[chairs.pk])).status_code == 404
