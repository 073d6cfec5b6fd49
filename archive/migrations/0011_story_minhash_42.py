# The stored MinHashes cut to the values the bands read: 42 (21 bands of 2 rows) of 128
# (archive.signatures.StoryPolicy.num_perm). The permutations are one seeded sequence, so
# the first 42 of 128 values are the 42-value MinHash: a cut, nothing computed; the band
# keys do not change. Backwards, the 128 values are computed again from the stored shingle
# hashes (datasketch 1.6's arithmetic, written out: a migration keeps the rule of its day);
# a signature stored without hashes keeps its 42 and check_stories --repair signs it again.

import numpy as np
from django.db import migrations

SIGNATURES = "archive_storysignature"
KEPT = 42 * 4  # bytes: 42 unsigned 32-bit values
CHUNK = 2000


def forwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        # substr() and length() count bytes of a BLOB (SQLite) and of a bytea (PostgreSQL).
        cursor.execute(
            f"UPDATE {SIGNATURES} SET minhash = substr(minhash, 1, %s) "
            "WHERE length(minhash) > %s",
            [KEPT, KEPT],
        )


def _minhash_128(hashes: bytes) -> bytes:
    gen = np.random.RandomState(1)
    prime, low = np.uint64((1 << 61) - 1), np.uint64((1 << 32) - 1)
    pairs = [
        (gen.randint(1, prime, dtype=np.uint64), gen.randint(0, prime, dtype=np.uint64))
        for _ in range(128)
    ]
    a, b = np.array(pairs, dtype=np.uint64).T
    values = np.frombuffer(hashes, dtype=np.uint32).astype(np.uint64).reshape(-1, 1)
    with np.errstate(over="ignore"):
        return ((values * a + b) % prime & low).min(axis=0).astype(np.uint32).tobytes()


def backwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        last = 0
        while True:
            cursor.execute(
                f"SELECT article_id, hashes FROM {SIGNATURES} WHERE article_id > %s "
                "ORDER BY article_id LIMIT %s",
                [last, CHUNK],
            )
            found = cursor.fetchall()
            if not found:
                return
            last = found[-1][0]
            values = [(_minhash_128(bytes(h)), pk) for pk, h in found if h]
            if values:
                cursor.executemany(
                    f"UPDATE {SIGNATURES} SET minhash = %s WHERE article_id = %s", values
                )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0010_story_bands_21x2"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
