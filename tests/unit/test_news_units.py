"""Small pure parts of the pipeline: topic words, backoff, SSRF checks, shingles, features."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import FeedError
from bot.news.dedup import (
    NUM_PERM,
    SCHEME,
    THRESHOLD,
    NearDuplicates,
    append_signature,
    shingles,
)
from bot.news.guard import check_url, is_public_address
from bot.news.pipeline import backoff_delay
from bot.news.stories import StoryIndex, feature_similarity, get_features, is_update_title
from bot.text.topic import compile_expression


def test_ascii_words_match_whole_words_japanese_anywhere() -> None:
    expr = compile_expression('(war OR negotiat* OR "peace talks") AND NOT Gaza OR 停戦')
    assert expr.matches("The War in Ukraine") and expr.matches("negotiations resume")
    assert not expr.matches("software award") and not expr.matches("warfare")
    assert not expr.matches("war in Gaza") and expr.matches("ウクライナ停戦")
    assert not expr.matches("peace talksx")
    # Pathological input stays linear (no regular expression is built from user text).
    assert not compile_expression("aaaaaaaaab").matches("a" * 200_000)


def test_backoff_grows_with_jitter_and_honours_retry_after() -> None:
    base = timedelta(minutes=15)
    delays = [backoff_delay(n, interval=base, seed="u") for n in range(1, 8)]
    assert base * 0.5 <= delays[0] <= base
    assert delays[3] > delays[0] and max(delays) <= timedelta(hours=6)
    assert backoff_delay(1, interval=base, seed="u") == delays[0]  # deterministic per feed
    assert backoff_delay(1, interval=base, seed="v") != delays[0]  # spread across feeds
    assert backoff_delay(1, interval=base, seed="u", retry_after=7200) == timedelta(hours=2)


@pytest.mark.parametrize("address,public", [
    ("8.8.8.8", True), ("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False),
    ("169.254.169.254", False), ("224.0.0.1", False), ("::1", False), ("fe80::1", False),
    ("::ffff:127.0.0.1", False), ("0.0.0.0", False), ("240.0.0.1", False),
    ("2001:4860:4860::8888", True),
])
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_check_url() -> None:
    check_url("https://example.com/feed", allow_hosts=())
    check_url("http://feeds.test/x", allow_hosts=("feeds.test",))
    for bad in ("ftp://example.com/x", "http://127.0.0.1/x", "http:///x", "gopher://a/b"):
        with pytest.raises(FeedError):
            check_url(bad, allow_hosts=())


def test_shingles_and_near_duplicates() -> None:
    assert len(shingles("one two three four", "en")) == 2
    assert len(shingles("ウクライナ停戦", "ja")) == 3
    text = " ".join(f"word{i}" for i in range(120))
    edited = text.replace("word7 ", "changed ").replace("word70 ", "other ")
    near = NearDuplicates()
    near.add(1, near.get_signature(text, "en"))
    match = near.get_match(near.get_signature(edited, "en"))
    assert match is not None and match[0] == 1 and match[1] > 0.8
    assert near.get_match(near.get_signature("an unrelated report entirely", "en")) is None
    sig = near.to_bytes(near.get_signature(text, "en"))
    assert len(append_signature(sig * 4, sig)) == len(sig) * 4
    again = NearDuplicates()
    again.add_many([(9, sig + sig)])
    assert again.get_match(near.get_signature(edited, "en")) == (9, pytest.approx(match[1]))


def test_near_duplicates_agree_with_datasketch_lsh_across_many_signatures() -> None:
    """The compact index returns what datasketch's MinHashLSH at the module's threshold,
    ranked by Jaccard, returns, also once thousands of signatures were merged out of its
    buffer."""
    from datasketch import MinHash, MinHashLSH

    rng = random.Random(3)
    words = [f"w{i}" for i in range(300)]
    reports = [[rng.choice(words) for _ in range(50)] for _ in range(400)]
    near, lsh, sigs = NearDuplicates(), MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM), {}
    matched = 0
    for i in range(2500):
        text = list(reports[rng.randrange(len(reports))])
        for _ in range(rng.randrange(25)):
            text[rng.randrange(len(text))] = rng.choice(words)
        values = near.get_signature(" ".join(text), "en")
        sig = MinHash(num_perm=128, hashvalues=values, scheme=SCHEME)
        scores = [float(sig.jaccard(sigs[key])) for key in lsh.query(sig)]
        got = near.get_match(values)
        assert (got[1] if got else None) == (max(scores) if scores else None)
        matched += got is not None
        near.add(i, values)
        lsh.insert((i, 0), sig)
        sigs[(i, 0)] = sig
    assert matched > 100


def test_the_threshold_decides_how_different_a_copy_may_be() -> None:
    """The index's banding follows its threshold: a copy with every 15th word changed
    (Jaccard about 0.66) is a near-duplicate at 0.5, not at a strict 0.9."""
    text = " ".join(f"word{i}" for i in range(200))
    edited = " ".join(f"word{i}" if i % 15 else f"new{i}" for i in range(200))
    found = {}
    for threshold in (0.5, 0.9):
        near = NearDuplicates(threshold=threshold)
        near.add(1, near.get_signature(text, "en"))
        found[threshold] = near.get_match(near.get_signature(edited, "en")) is not None
    assert found == {0.5: True, 0.9: False}


def test_story_features_cross_languages() -> None:
    en = get_features("Russia and Ukraine agree in Istanbul to swap 1,200 prisoners on 23 July")
    ja = get_features("ロシアとウクライナは23日、イスタンブールで捕虜1200人ずつの交換で合意")
    other = get_features("Putin declares an Easter truce; Zelensky doubts it")
    assert {"istanbul", "prisoners", "n:1200", "day:23"} <= en.weights.keys() & ja.weights.keys()
    assert feature_similarity(en, ja) > 0.8 > 0.1 > feature_similarity(en, other)
    assert is_update_title("Update: swap completed") and is_update_title("【更新】交換が完了")
    assert not is_update_title("Kremlin rejects US update on talks")


def test_story_features_read_clock_times_ordinal_days_spellings_and_whole_words() -> None:
    """"20:41" is when, not how many; 2日目 (the second day of talks) is no date; a name
    spelt another way (ウィットコフ) is the gazetteer's Witkoff; "eastern" is not Easter."""
    ja = get_features("協議2日目、ウィットコフ特使は20:41に捕虜314人の交換を発表した")
    assert {"witkoff", "prisoners", "n:314"} <= ja.weights.keys()
    assert not {"n:41", "day:2", "e:tkb"} & ja.weights.keys()
    assert "easter" not in get_features("Strikes went on in eastern Ukraine").weights
    assert "easter" in get_features("Putin's Easter truce held").weights


def test_story_features_date_a_weekday_naming_the_reports_own_day() -> None:
    """"On Monday" in a report of Monday 29 December is 29日; an earlier weekday is not,
    nor a weekday in a report that writes dates itself."""
    monday = datetime(2025, 12, 29, 21, 45, tzinfo=UTC)
    en = get_features("Lavrov said on Monday that 91 drones were downed", monday)
    assert "day:29" in en.weights
    assert "day:29" not in get_features("Lavrov said on Monday that 91 drones were downed").weights
    assert not any(k.startswith("day:") for k in get_features(
        "Witkoff met Putin on Friday; talks go on", monday).weights)
    assert "day:29" not in get_features("On Monday, 22 December, Lavrov spoke", monday).weights


def test_story_names_fold_possessives_given_names_and_title_case() -> None:
    """"Yermak's" is Yermak; "Steve" before Witkoff is no Stubb (no "europe"), and a run's
    whole key ending in a gazetteer name is none; a title-case headline names only what
    the report capitalises mid-sentence too."""
    a = get_features("Zelensky's aide Yermak steps down\nU.S. President Donald Trump's envoy "
                     "Steve Witkoff met as Yermak's office was searched.")
    assert {"e:mk", "witkoff", "trump"} <= a.weights.keys()
    assert not {"e:mks", "europe"} & a.weights.keys()
    assert not any(k.endswith("trmb") for k in a.weights if k.startswith("e:"))
    c = get_features("Rubio After Ukraine Talks: More Work Needed\nMarco Rubio met Umerov in "
                     "Florida on Sunday.")
    assert {"rubio", "umerov", "e:brd"} <= c.weights.keys()
    assert not {"e:trks", "e:mr", "e:bt"} & c.weights.keys()


@pytest.mark.parametrize("later", ["ja", "en"])
def test_a_language_that_reports_late_continues_the_story_its_own_language_does_not(
        later: str) -> None:
    """The other language's first report of a round, a day after the opening and three
    and a half days after the announcement, joins the story; the same report in the
    story's own language (the next development of the same people) starts another."""
    first = datetime(2025, 10, 6, 10, tzinfo=UTC)
    index = StoryIndex()
    index.create(1, first)
    index.add(1, get_features("Talks in Valletta set for Wednesday, Witkoff to attend"),
              first, "en")
    index.add(1, get_features("Valletta talks open with Witkoff and 40 delegates"),
              first + timedelta(days=2), "en")
    report = get_features("Witkoff says 228 prisoners and 35 bodies to be handed over after "
                          "Valletta talks with Umerov")
    found = index.find(report, first + timedelta(days=3, hours=10), lang=later)
    assert (found is not None and found.key == 1) == (later == "ja")


def test_fingerprints_are_computed_for_on_topic_entries_and_match_the_store_side() -> None:
    """Parse workers fingerprint on-topic entries; what they send back is what the store
    would have computed itself (same signature as the index's, same story features)."""
    import pickle
    from dataclasses import replace
    from datetime import UTC, datetime

    from bot.news.fingerprint import entry_fingerprint, fingerprint_feed
    from bot.news.parse import ParsedEntry, ParsedFeed
    from bot.news.stories import Features
    from bot.text.topic import Topic

    when = datetime(2025, 7, 23, tzinfo=UTC)
    on = ParsedEntry(guid="1", url="https://news.google.com/rss/articles/x?url="
                     "https://wire.example/a%3Futm_source%3Dx", title="Istanbul talks agree "
                     "a swap of 1,200 prisoners - Wire", text="Delegations met on 23 July.",
                     published=when, date_estimated=False, lang="en", outlet="Wire")
    off = replace(on, guid="2", url="https://wire.example/b", title="Football results",
                  text="A late goal.")
    feed = fingerprint_feed(ParsedFeed("Wire", "en", [on, off]), Topic("istanbul OR 停戦"))
    sent = pickle.loads(pickle.dumps(feed))  # as it comes back from a worker process
    got, skipped = sent.entries
    assert skipped.fingerprint is None
    assert got.fingerprint is not None and got.fingerprint == entry_fingerprint(on)
    fp = got.fingerprint
    assert fp.url == "https://wire.example/a" and fp.outlet == "Wire"
    assert fp.title == "Istanbul talks agree a swap of 1,200 prisoners"
    body = f"{fp.title}\n{on.text}"
    assert (fp.values() == NearDuplicates().get_signature(body, "en")).all()
    assert Features.from_keys(fp.features) == get_features(body)
    # Stored as 64-bit values, like every signature before: the index finds it again.
    near = NearDuplicates()
    near.add_many([(5, near.to_bytes(fp.values()))])
    assert near.get_match(fp.values()) == (5, 1.0)


@pytest.mark.parametrize("first", [datetime(2025, 3, 11, 9, tzinfo=UTC),
                                   datetime(2026, 11, 30, 22, tzinfo=UTC)])
@pytest.mark.parametrize("apart", [timedelta(days=9), timedelta(days=14)])
def test_reports_days_apart_stay_separate_stories(first: datetime, apart: timedelta) -> None:
    """The same people, place and figure days later are another development (a second
    round of talks), not more reports of the first; hours later they are the same one."""
    text = ("Rubio and Lavrov met in Riyadh with embassy staff and discussed sanctions and "
            "an exchange of 1,200 prisoners.")
    features = get_features(text)
    index = StoryIndex()
    index.create(1, first)
    index.add(1, features, first)
    same = index.find(features, first + timedelta(hours=10))
    assert same is not None and same.key == 1
    assert index.find(features, first + apart) is None
    assert index.find(features, first - apart) is None
