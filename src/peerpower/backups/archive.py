"""Backups: one archive file holding a consistent copy of the database, every uploaded file,
and a manifest with each table's row count and checksum, encrypted with a key kept outside it.

Consistent while writes continue:
- SQLite: the online backup API copies the live database in one step under a read lock, so the
  copy is the database as one committed transaction left it (WAL mode lets writers go on).
- PostgreSQL: a REPEATABLE READ, READ ONLY transaction exports its snapshot; pg_dump runs in
  that same snapshot (`--snapshot`), and the checksums are read in it too, so the dump and
  the manifest describe the same instant.
Uploaded files are never changed in place (a new upload is a new file), so copying them after
the database snapshot can only add files that no row names yet.

The archive holds confidential content (issues, notes, feedback), so it is encrypted with
Fernet (AES-128-CBC with HMAC-SHA256) under PEERPOWER_BACKUP_KEY unless the operator asks for an
unencrypted one in so many words. The whole archive is encrypted in memory, which suits the size
of a network's data (megabytes); see docs/operators.md.

Restore replaces the database and the uploaded files with the archive's, then recomputes every
table's checksum and compares it with the manifest: a restore that does not match says which
tables differ and fails.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import connection

FORMAT = 1
# How long `manage.py backup` keeps archives unless told otherwise (the retention page says it).
KEEP_DAYS = 30
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
SUFFIX_PLAIN = ".tar"
SUFFIX_ENCRYPTED = ".tar.enc"
NAME_PREFIX = "peerpower-backup-"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in one line."""


Digests = dict[str, dict[str, Any]]  # table -> {"rows": int, "sha256": str}


@dataclass(frozen=True)
class Result:
    path: Path
    tables: int
    rows: int
    files: int
    encrypted: bool


# --------------------------------------------------------------------------- checksums


def _value(value: Any) -> Any:
    """A value as it reads back the same way after a restore (a memoryview's repr names its
    address, so bytes stand in for it)."""
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def _tables(cursor: Any, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return sorted(row[0] for row in cursor.fetchall())


def _order(cursor: Any, vendor: str, table: str) -> str:
    """ORDER BY for a stable row order: the primary key, or every column where there is none."""
    if vendor == "sqlite":
        cursor.execute(f'PRAGMA table_info("{table}")')
        info = cursor.fetchall()
        keys = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
        columns = keys or [row[1] for row in info]
    else:
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a"
            " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
            " WHERE i.indrelid = %s::regclass AND i.indisprimary",
            [f'"{table}"'],
        )
        columns = [row[0] for row in cursor.fetchall()]
        if not columns:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = %s"
                " ORDER BY ordinal_position",
                [table],
            )
            columns = [row[0] for row in cursor.fetchall()]
    return ", ".join(f'"{c}"' for c in columns)


def digests(cursor: Any, vendor: str) -> Digests:
    """Each table's row count and a SHA-256 over its rows in key order."""
    found: Digests = {}
    for table in _tables(cursor, vendor):
        order = _order(cursor, vendor, table)
        # Names from the database's own catalogue, quoted; no user input reaches this.
        cursor.execute(f'SELECT * FROM "{table}" ORDER BY {order}')  # noqa: S608
        digest, rows = hashlib.sha256(), 0
        for row in cursor.fetchall():
            digest.update(repr(tuple(_value(v) for v in row)).encode())
            digest.update(b"\n")
            rows += 1
        found[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return found


def live_digests() -> Digests:
    """The checksums of the database the site runs on, now, read through the same kind of plain
    connection as the backup's (Django's own converts values on the way out)."""
    if connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory(prefix="pp-digest-") as work:
            return _copy_sqlite(Path(work) / "copy.sqlite3")
    with _pg_connect() as plain:
        return digests(plain.cursor(), "postgresql")


def differences(expected: Digests, found: Digests) -> list[str]:
    """The tables whose rows differ, each as a short line."""
    lines = []
    for table in sorted(set(expected) | set(found)):
        want, got = expected.get(table), found.get(table)
        if want is None:
            lines.append(f"{table}: not in the backup")
        elif got is None:
            lines.append(f"{table}: missing after the restore")
        elif want != got:
            lines.append(f"{table}: {want['rows']} rows backed up, {got['rows']} restored")
    return lines


# --------------------------------------------------------------------------- the database copy


def _pg_env() -> dict[str, str]:
    """pg_dump and pg_restore connect as the site does (host, port, user, password, name)."""
    s = connection.settings_dict
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", s.get("HOST")),
        ("PGPORT", s.get("PORT")),
        ("PGUSER", s.get("USER")),
        ("PGPASSWORD", s.get("PASSWORD")),
        ("PGDATABASE", s.get("NAME")),
    ):
        if value:
            env[key] = str(value)
    return env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    try:
        # A fixed program (pg_dump, pg_restore) with arguments of our own, no shell.
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed: {error}") from error
    except subprocess.CalledProcessError as error:
        last = (error.stderr or error.stdout or "").strip().splitlines()
        raise BackupError(f"{command[0]} failed: {last[-1] if last else error}") from error


def _copy_sqlite(into: Path) -> Digests:
    connection.ensure_connection()
    source = connection.connection
    target = sqlite3.connect(into)
    try:
        source.backup(target)  # all pages in one step: one consistent state
        return digests(target.cursor(), "sqlite")
    finally:
        target.close()


def _pg_connect() -> Any:
    """A plain psycopg connection to the site's database, in UTC, outside Django's."""
    import psycopg  # noqa: PLC0415 -- only a PostgreSQL site needs it loaded

    s = connection.settings_dict
    given = {
        "dbname": s["NAME"],
        "user": s.get("USER"),
        "password": s.get("PASSWORD"),
        "host": s.get("HOST"),
        "port": s.get("PORT"),
    }
    conninfo = psycopg.conninfo.make_conninfo(
        **{k: str(v) for k, v in given.items() if v}, options="-c TimeZone=UTC"
    )
    return psycopg.connect(conninfo, autocommit=False)


def _copy_postgres(into: Path) -> Digests:
    with _pg_connect() as snapshot:
        snapshot.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        (snapshot_id,) = snapshot.execute("SELECT pg_export_snapshot()").fetchone()
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot_id}",
                f"--file={into}",
            ],
            env=_pg_env(),
        )
        found = digests(snapshot.cursor(), "postgresql")
        snapshot.rollback()
    return found


def _database_file() -> str:
    return "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"


# --------------------------------------------------------------------------- keys


def _fernet(keys: Iterable[str]) -> MultiFernet | None:
    keys = [k for k in keys if k]
    if not keys:
        return None
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except ValueError as error:
        raise BackupError(
            "PEERPOWER_BACKUP_KEY is not a Fernet key (make one with manage.py backup --new-key)"
        ) from error


def configured_keys() -> list[str]:
    return list(getattr(settings, "PEERPOWER_BACKUP_KEYS", []))


# --------------------------------------------------------------------------- backup


def _media_files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _migrations() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        last: dict[str, str] = {}
        for app, name in cursor.fetchall():
            last[app] = max(last.get(app, ""), name)
    return last


def backup(
    out_dir: Path,
    *,
    encrypt: bool = True,
    keys: list[str] | None = None,
    now: datetime | None = None,
) -> Result:
    """Write one archive into `out_dir` and return where and what it holds."""
    fernet = _fernet(configured_keys() if keys is None else keys)
    if encrypt and fernet is None:
        raise BackupError(
            "no PEERPOWER_BACKUP_KEY is set: a backup holds confidential content, so it is "
            "encrypted (set the key, or pass --unencrypted and protect the file yourself)"
        )
    now = now or datetime.now(UTC)
    out_dir.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="peerpower-backup-") as work:
        db_copy = Path(work) / _database_file()
        tables = _copy_sqlite(db_copy) if connection.vendor == "sqlite" else _copy_postgres(db_copy)
        files = {
            str(PurePosixPath(*p.relative_to(media_root).parts)): _sha256_file(p)
            for p in _media_files(media_root)
        }
        manifest = {
            "format": FORMAT,
            "engine": connection.vendor,
            "created_at": now.isoformat(),
            "database": _database_file(),
            "migrations": _migrations(),
            "tables": tables,
            "media": files,
        }
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(now.timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_copy, arcname=_database_file())
            for name in files:
                tar.add(media_root / name, arcname=MEDIA_PREFIX + name)
        payload = buffer.getvalue()
    encrypted = False
    if encrypt and fernet is not None:
        payload, encrypted = fernet.encrypt(payload), True
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    path = out_dir / f"{NAME_PREFIX}{stamp}{SUFFIX_ENCRYPTED if encrypted else SUFFIX_PLAIN}"
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(payload)  # written whole, then renamed: never a half archive by name
    partial.chmod(0o600)
    partial.replace(path)
    return Result(
        path=path,
        tables=len(tables),
        rows=sum(t["rows"] for t in tables.values()),
        files=len(files),
        encrypted=encrypted,
    )


def prune(out_dir: Path, keep_days: int, now: datetime | None = None) -> list[Path]:
    """Delete this folder's archives older than `keep_days` (so an erasure reaches the backups
    by expiry) and return them. Only files named as our archives are touched."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=keep_days)
    removed = []
    for path in sorted(out_dir.glob(f"{NAME_PREFIX}*")):
        stamp = path.name.removeprefix(NAME_PREFIX).split(".", 1)[0]
        try:
            made = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            continue
        if made < cutoff:
            path.unlink()
            removed.append(path)
    return removed


# --------------------------------------------------------------------------- restore


@contextmanager
def _opened(path: Path, keys: list[str] | None) -> Iterator[tarfile.TarFile]:
    try:
        payload = path.read_bytes()
    except OSError as error:
        raise BackupError(f"cannot read {path}: {error.strerror}") from error
    if path.name.endswith(SUFFIX_ENCRYPTED):
        fernet = _fernet(configured_keys() if keys is None else keys)
        if fernet is None:
            raise BackupError("the archive is encrypted and no PEERPOWER_BACKUP_KEY is set")
        try:
            payload = fernet.decrypt(payload)
        except InvalidToken as error:
            raise BackupError(
                "the archive cannot be decrypted with PEERPOWER_BACKUP_KEY (wrong key or damaged)"
            ) from error
    try:
        with tarfile.open(fileobj=io.BytesIO(payload), mode="r:") as tar:
            yield tar
    except tarfile.TarError as error:
        raise BackupError(f"{path.name} is not a Peer Power backup: {error}") from error


def _member_bytes(tar: tarfile.TarFile, name: str) -> bytes:
    try:
        member = tar.getmember(name)
    except KeyError as error:
        raise BackupError(f"the archive has no {name}") from error
    f = tar.extractfile(member)
    if f is None:
        raise BackupError(f"{name} in the archive is not a file")
    return f.read()


def read_manifest(path: Path, keys: list[str] | None = None) -> dict[str, Any]:
    with _opened(path, keys) as tar:
        return _manifest_of(tar)


def _manifest_of(tar: tarfile.TarFile) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(_member_bytes(tar, MANIFEST))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"the archive's format {manifest.get('format')} is not {FORMAT}")
    return manifest


def _safe_media_name(name: str) -> PurePosixPath:
    relative = PurePosixPath(name.removeprefix(MEDIA_PREFIX))
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise BackupError(f"the archive names a file outside the media folder: {name}")
    return relative


def restore(path: Path, *, keys: list[str] | None = None) -> Result:
    """Replace the database and the uploaded files with the archive's, then check every table's
    checksum against the manifest (BackupError, naming the tables, if any differs)."""
    with _opened(path, keys) as tar, tempfile.TemporaryDirectory(prefix="pp-restore-") as work:
        manifest = _manifest_of(tar)
        if manifest["engine"] != connection.vendor:
            raise BackupError(
                f"the archive is of a {manifest['engine']} database; this site runs on "
                f"{connection.vendor}"
            )
        db_copy = Path(work) / manifest["database"]
        db_copy.write_bytes(_member_bytes(tar, manifest["database"]))
        media = {
            _safe_media_name(m.name): m for m in tar.getmembers() if m.name.startswith(MEDIA_PREFIX)
        }
        for member in media.values():
            if not member.isfile():
                raise BackupError(f"{member.name} in the archive is not a plain file")
        if connection.vendor == "sqlite":
            _restore_sqlite(db_copy)
        else:
            _restore_postgres(db_copy)
        _restore_media(tar, media)
    wrong = differences(manifest["tables"], live_digests())
    root = Path(settings.MEDIA_ROOT)
    wrong += [
        f"media/{name}: differs from the backup"
        for name, sha in sorted(manifest["media"].items())
        if not (root / name).is_file() or _sha256_file(root / name) != sha
    ]
    if wrong:
        raise BackupError("the restored database differs from the backup: " + "; ".join(wrong))
    return Result(
        path=path,
        tables=len(manifest["tables"]),
        rows=sum(t["rows"] for t in manifest["tables"].values()),
        files=len(media),
        encrypted=path.name.endswith(SUFFIX_ENCRYPTED),
    )


def _restore_sqlite(db_copy: Path) -> None:
    source = sqlite3.connect(db_copy)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)  # page by page into the live file, one step
    finally:
        source.close()


def _restore_postgres(db_copy: Path) -> None:
    connection.close()  # pg_restore drops tables: nothing of ours may hold a lock on them
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(db_copy),
        ],
        env=_pg_env(),
    )


def _restore_media(tar: tarfile.TarFile, media: dict[PurePosixPath, tarfile.TarInfo]) -> None:
    """The media folder becomes the archive's: its files written, any others removed."""
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    wanted = {root.joinpath(*relative.parts) for relative in media}
    for existing in list(_media_files(root)):
        if existing not in wanted:
            existing.unlink()
    for relative, member in media.items():
        target = root.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            out.write(_member_bytes(tar, member.name))
