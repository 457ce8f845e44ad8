"""The stored LSH band keys of a text never change (rating.reviews.minhash): review_bands
holds them for the reviews of the window, so new code must find the same keys again."""

from rating.reviews import minhash

TEXT = (
    "Service client injoignable\nTrois appels, quarante minutes d'attente et personne pour m'aider."
)
# The keys computed for TEXT when the table was first filled (datasketch 2.0.0, affine32).
STORED_KEYS = (
    -2331242555487818293, -4064035929719296492, -3069182275818022823, -4384541595346338047,
    -2490052019597895042, -937242728827555747, -2384284898455774407, 2815011587338013608,
    -3486788791688017297, -315248448805956393, 2560510312325531807, -1904913885208957165,
    3486468096685548959, 3340444386895332077,
)  # fmt: skip


def test_a_text_gets_the_keys_stored_for_it_before():
    minhash.band_keys.cache_clear()
    assert minhash.band_keys(TEXT) == STORED_KEYS


def test_one_key_per_band_and_no_key_shared_by_two_bands_of_a_text():
    keys = minhash.band_keys(TEXT)
    assert len(keys) == minhash.BANDS == 14 and len(set(keys)) == minhash.BANDS
