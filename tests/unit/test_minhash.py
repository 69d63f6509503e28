"""Our numpy MinHash equals datasketch's (a dev-only dependency kept as the reference):
signatures stored before the switch must still compare with new ones."""

from __future__ import annotations

import random
import zlib

import numpy as np
import pytest

from bot.news.dedup import SCHEME, shingles, signature
from bot.news.minhash import lsh_params, min_hashes, permutations

datasketch = pytest.importorskip("datasketch", reason="datasketch is the dev-only reference")


@pytest.mark.parametrize("num_perm", [1, 16, 128, 256])
def test_permutations_are_datasketchs(num_perm: int) -> None:
    theirs = datasketch.MinHash(num_perm=num_perm, scheme=SCHEME).permutations
    ours = permutations(num_perm)
    assert ours.dtype == theirs.dtype and (ours == theirs).all()
    assert (ours[0] % 2 == 1).all()  # odd multipliers: every map is a bijection


def test_signatures_are_datasketchs_for_texts_of_every_size() -> None:
    rng = random.Random(7)
    words = [f"w{i}" for i in range(500)]
    texts = ["", "one", "two words", "ロシアとウクライナ", "停戦"]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randrange(3, 400)))
              for _ in range(40)]
    for text in texts:
        for lang in ("en", "ja"):
            theirs = datasketch.MinHash(num_perm=128, hashfunc=zlib.crc32, scheme=SCHEME)
            grams = shingles(text, lang)
            if grams:
                theirs.update_batch(list(grams))
            ours = signature(text, lang)
            assert ours.dtype == np.uint32
            assert (ours == theirs.hashvalues).all(), (text[:40], lang)


def test_empty_set_has_the_all_ones_signature() -> None:
    sig = min_hashes([], permutations(8))
    assert (sig == np.iinfo(np.uint32).max).all() and sig.shape == (8,)


@pytest.mark.parametrize("threshold", [0.1, 0.3, 0.5, 0.55, 0.7, 0.8, 0.9])
@pytest.mark.parametrize("num_perm", [32, 128])
def test_lsh_params_are_the_ones_datasketch_chooses(threshold: float, num_perm: int) -> None:
    lsh = datasketch.MinHashLSH(threshold=threshold, num_perm=num_perm)
    assert lsh_params(threshold, num_perm) == (lsh.b, lsh.r)


def test_lsh_params_reject_a_threshold_outside_0_1() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        lsh_params(1.5, 128)
