"""MinHash LSH band keys of review texts (pure: no Flask, no database).

The near-duplicate signal (rating.reviews.signals.check_duplicates: exact fingerprint, or
Jaccard ≥ 0.8 on 5-character shingles) is decided on the texts themselves; this module only
finds the candidates. Each text gets a MinHash signature (datasketch) of its shingles, cut
into BANDS bands of ROWS values; two texts share at least one band key with probability
1 - (1 - J^ROWS)^BANDS: 99.94 % at J = 0.8, 60 % at 0.5, 2.5 % at 0.2. The keys are stored
per review in an indexed table (rating.models.ReviewBand) so that every process and every
restart sees the same index.

The keys must never change for a stored text: NUM_PERM, SEED, the hash function and the
key layout are part of the stored data (changing them needs a recomputation of the table).
"""

import hashlib
import zlib
from functools import lru_cache

from datasketch import MinHash, MinHashLSH

from .wording import shingles

# Below the signal's 0.8: the LSH is a candidate screen, the exact Jaccard confirms.
LSH_THRESHOLD = 0.5
NUM_PERM = 64
SEED = 1
_params = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
BANDS, ROWS = _params.b, _params.r  # 14 bands of 4 values for (0.5, 64)
del _params
SCHEME = "affine32"  # datasketch 2.0's default, named so that an upgrade cannot change it
# The permutations drawn from SEED, once: drawing them again for every text (what a bare
# MinHash(seed=SEED) does) took half of a text's cost (0.25 of 0.48 ms).
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def candidate_probability(jaccard: float) -> float:
    """Chance that two texts at this Jaccard similarity share at least one band key."""
    return 1 - (1 - jaccard**ROWS) ** BANDS


def signature(text: str) -> list[int]:
    """The NUM_PERM MinHash values of the text's shingles (CRC-32 hashed: fast and stable)."""
    minhash = MinHash(
        num_perm=NUM_PERM, hashfunc=zlib.crc32, permutations=_PERMUTATIONS, scheme=SCHEME
    )
    minhash.update_batch([s.encode() for s in shingles(text)])
    return [int(v) for v in minhash.hashvalues]


@lru_cache(maxsize=256)
def band_keys(text: str) -> tuple[int, ...]:
    """One signed 63-bit key per band (band number included, so bands never collide).

    Cached: a submission looks its keys up, then stores the same keys.
    """
    values = signature(text)
    keys = []
    for band in range(BANDS):
        part = values[band * ROWS : (band + 1) * ROWS]
        raw = band.to_bytes(1, "big") + b"".join(v.to_bytes(4, "big") for v in part)
        digest = hashlib.blake2b(raw, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True) >> 1)
    return tuple(keys)
