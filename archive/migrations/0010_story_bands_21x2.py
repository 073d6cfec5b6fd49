# The story index's LSH bands: 21 bands of 2 rows of the MinHash instead of 42 of 3 (see
# archive.signatures.StoryPolicy). Every stored band key changes; the MinHashes do not, so
# the bands are computed again from them here (the same arithmetic as
# archive.signatures.band_keys, written out: a migration keeps the rule of its day).

import hashlib

import numpy as np
from django.db import migrations

BANDS = "archive_storyband"
SIGNATURES = "archive_storysignature"
CHUNK = 2000  # signatures read and band rows written at a time


def _keys(minhash: bytes, bands: int, rows: int) -> list[int]:
    sig = np.frombuffer(bytes(minhash), dtype=np.uint32)
    if len(sig) < bands * rows:
        return []
    keys = []
    for band in range(bands):
        part = sig[band * rows : (band + 1) * rows].tobytes()
        digest = hashlib.blake2b(band.to_bytes(2, "big") + part, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return list(dict.fromkeys(keys))


def _reband(schema_editor, bands: int, rows: int) -> None:
    connection = schema_editor.connection
    key = connection.ops.quote_name("key")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {BANDS}")
        last = 0
        while True:
            cursor.execute(
                f"SELECT article_id, minhash FROM {SIGNATURES} WHERE article_id > %s "
                "ORDER BY article_id LIMIT %s",
                [last, CHUNK],
            )
            found = cursor.fetchall()
            if not found:
                return
            last = found[-1][0]
            values = [(k, pk) for pk, minhash in found for k in _keys(minhash, bands, rows)]
            if values:
                cursor.executemany(
                    f"INSERT INTO {BANDS} ({key}, article_id) VALUES (%s, %s)", values
                )


def forwards(apps, schema_editor):
    _reband(schema_editor, 21, 2)


def backwards(apps, schema_editor):
    _reband(schema_editor, 42, 3)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0009_article_story_public"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
