"""Backup and restore on the database the leg runs on (SQLite, or PostgreSQL with pg_dump):
the restore drill (every table's rows and every uploaded file back exactly), consistency while
writes go on, encryption, and each refusal with its one-line reason."""

import io
import json
import tarfile
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from pytest_django.fixtures import Settings as SettingsWrapper

from peerpower.backups import archive
from peerpower.issues.models import Issue
from peerpower.networks.models import Network, Partner
from tests.conftest import World
from tests.leaks import Markers

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _own_media_folder(settings: SettingsWrapper, tmp_path: Path) -> None:
    """Uploads of other tests in this process stay out of these backups and restores."""
    settings.MEDIA_ROOT = tmp_path / "media"


KEY = Fernet.generate_key().decode()


def test_the_restore_drill_brings_back_every_row_and_file_exactly(
    world: World, tmp_path: Path
) -> None:
    secret = Markers("b4c2")("question")
    meeting = world.next_meeting()
    Issue.objects.create(
        group=world.group, meeting=meeting, presenter=world.member, question=secret
    )
    kept = default_storage.save("speakers/resources/slides.pdf", ContentFile(b"%PDF-1.4 slides"))
    before = archive.live_digests()

    result = archive.backup(tmp_path / "backups", keys=[KEY])
    assert result.encrypted and result.path.name.endswith(".tar.enc")
    assert result.path.stat().st_mode & 0o777 == 0o600
    assert secret.encode() not in result.path.read_bytes()  # encrypted: the text is not in it
    assert result.files == 1 and result.rows >= 10

    # Everything changes after the backup: rows deleted, added and edited; files removed, added.
    Issue.objects.all().delete()
    Partner.objects.create(network=world.network, name="Written after the backup")
    world.member.name = "Renamed"
    world.member.save()
    default_storage.delete(kept)
    default_storage.save("speakers/resources/new.pdf", ContentFile(b"%PDF new"))
    assert archive.differences(before, archive.live_digests())

    restored = archive.restore(result.path, keys=[KEY])
    assert restored.tables == result.tables and restored.rows == result.rows
    assert archive.differences(before, archive.live_digests()) == []
    assert Issue.objects.get().question == secret
    assert not Partner.objects.filter(name="Written after the backup").exists()
    assert default_storage.open(kept).read() == b"%PDF-1.4 slides"
    assert not default_storage.exists("speakers/resources/new.pdf")


def test_a_backup_taken_while_writes_go_on_holds_whole_transactions(
    world: World, tmp_path: Path
) -> None:
    """A writer adds partners in pairs, each pair in one transaction, while backups are taken:
    every backup, restored, holds whole pairs only, and its manifest matches what it holds."""
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        network = Network.objects.get(pk=world.network.pk)
        try:
            while not stop.is_set():
                n = written[0]
                with transaction.atomic():
                    Partner.objects.create(network=network, name=f"pair {n} a")
                    Partner.objects.create(network=network, name=f"pair {n} b")
                written[0] = n + 1
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        results: list[archive.Result] = []
        while len(results) < 3:
            if written[0] > 5 * (len(results) + 1):  # let some pairs land between backups
                results.append(
                    archive.backup(
                        tmp_path,
                        keys=[KEY],
                        now=datetime.now(UTC) + timedelta(seconds=len(results)),
                    )
                )
    finally:
        stop.set()
        thread.join(timeout=30)
    assert written[0] > 15

    counts = []
    for result in results:
        archive.restore(result.path, keys=[KEY])  # checks the manifest against what it restored
        names = set(Partner.objects.values_list("name", flat=True))
        pairs = {name[:-2] for name in names}
        assert names == {f"{p} a" for p in pairs} | {f"{p} b" for p in pairs}
        counts.append(len(pairs))
    assert counts == sorted(counts) and counts[0] < counts[-1]  # each later than the one before


def test_without_a_key_the_backup_is_refused_unless_asked_for_unencrypted(
    world: World, tmp_path: Path
) -> None:
    with pytest.raises(archive.BackupError, match="no PEERPOWER_BACKUP_KEY is set"):
        archive.backup(tmp_path, keys=[])
    assert list(tmp_path.iterdir()) == []
    plain = archive.backup(tmp_path, encrypt=False, keys=[])
    assert plain.path.name.endswith(".tar") and not plain.encrypted
    with tarfile.open(plain.path) as tar:
        assert {"manifest.json", "database.sqlite3", "database.pgdump"} & set(tar.getnames())


def test_a_wrong_key_a_damaged_file_and_another_engine_are_each_refused_with_a_reason(
    world: World, tmp_path: Path
) -> None:
    result = archive.backup(tmp_path, keys=[KEY])
    with pytest.raises(archive.BackupError, match="cannot be decrypted"):
        archive.restore(result.path, keys=[Fernet.generate_key().decode()])
    with pytest.raises(archive.BackupError, match="no PEERPOWER_BACKUP_KEY"):
        archive.restore(result.path, keys=[])
    with pytest.raises(archive.BackupError, match="not a Fernet key"):
        archive.restore(result.path, keys=["not-a-key"])
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"this is not a tar file at all" * 100)
    with pytest.raises(archive.BackupError, match="not a Peer Power backup"):
        archive.restore(junk)
    with pytest.raises(archive.BackupError, match="cannot read"):
        archive.restore(tmp_path / "missing.tar")

    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    forged = _rewritten(tmp_path, result.path, lambda m: {**m, "engine": other})
    with pytest.raises(archive.BackupError, match=f"archive is of a {other} database"):
        archive.restore(forged, keys=[KEY])


def test_a_restore_that_does_not_match_its_manifest_fails_naming_the_table(
    world: World, tmp_path: Path
) -> None:
    result = archive.backup(tmp_path, keys=[KEY])

    def claim_more_partners(manifest: dict[str, Any]) -> dict[str, Any]:
        tables = dict(manifest["tables"])
        tables["networks_partner"] = {"rows": 99, "sha256": "0" * 64}
        return {**manifest, "tables": tables}

    forged = _rewritten(tmp_path, result.path, claim_more_partners)
    with pytest.raises(
        archive.BackupError, match="networks_partner: 99 rows backed up, 0 restored"
    ):
        archive.restore(forged, keys=[KEY])


def test_an_archive_naming_a_file_outside_the_media_folder_is_refused(
    world: World, tmp_path: Path
) -> None:
    result = archive.backup(tmp_path, keys=[KEY])
    forged = _rewritten(tmp_path, result.path, lambda m: m, extra={"media/../../escape": b"x"})
    with pytest.raises(archive.BackupError, match="outside the media folder"):
        archive.restore(forged, keys=[KEY])


def test_the_commands_back_up_prune_and_restore(
    world: World, tmp_path: Path, settings: SettingsWrapper
) -> None:
    settings.PEERPOWER_BACKUP_KEYS = [KEY]
    out = tmp_path / "backups"
    out.mkdir()
    old = out / "peerpower-backup-20200101T000000Z.tar.enc"
    old.write_bytes(b"old")
    unrelated = out / "notes.txt"
    unrelated.write_text("not ours")
    printed = io.StringIO()
    call_command("backup", "--out", str(out), stdout=printed)
    lines = printed.getvalue().splitlines()
    assert "(encrypted)" in lines[0] and lines[1] == f"deleted {old} (older than 30 days)"
    assert unrelated.exists() and not old.exists()
    made = next(out.glob("peerpower-backup-*.tar.enc"))

    Partner.objects.create(network=world.network, name="After")
    printed = io.StringIO()
    call_command("restore", str(made), "--yes", stdout=printed)
    assert "match the backup" in printed.getvalue()
    assert not Partner.objects.filter(name="After").exists()

    with pytest.raises(CommandError, match="--keep-days must be 0 or more"):
        call_command("backup", "--out", str(out), "--keep-days", "-1")
    settings.PEERPOWER_BACKUP_KEYS = []
    with pytest.raises(CommandError, match="no PEERPOWER_BACKUP_KEY is set"):
        call_command("backup", "--out", str(out))
    key = io.StringIO()
    call_command("backup", "--new-key", stdout=key)
    Fernet(key.getvalue().strip())  # a usable key


def _rewritten(
    tmp_path: Path,
    path: Path,
    change: Callable[[dict[str, Any]], dict[str, Any]],
    extra: dict[str, bytes] | None = None,
) -> Path:
    """A copy of an encrypted archive with its manifest changed (and files added), re-encrypted
    with the same key: what a damaged or forged archive looks like once decrypted."""
    fernet = Fernet(KEY)
    with tarfile.open(fileobj=io.BytesIO(fernet.decrypt(path.read_bytes()))) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}  # type: ignore[union-attr]
    members["manifest.json"] = json.dumps(change(json.loads(members["manifest.json"]))).encode()
    members.update(extra or {})
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    forged = tmp_path / f"forged-{len(list(tmp_path.iterdir()))}.tar.enc"
    forged.write_bytes(fernet.encrypt(buffer.getvalue()))
    return forged
