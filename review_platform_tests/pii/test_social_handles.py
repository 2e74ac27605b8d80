"""Social-media handles and profile URLs (issue #15): found and redacted as `<SOCIAL_HANDLE>`, while e-mails, prices,
times, sizes, "@home" and shop links are left as they were."""

import polars as pl
import pytest

from review_platform.contract import PiiType
from review_platform.pii.detectors import SocialHandleDetector, UrlDetector
from review_platform.pii.operators import KeyedHash
from review_platform.pii.redact import (
    COUNT_COLUMN,
    RedactionConfig,
    detect,
    find_pii,
    redact_frame,
    redact_text,
    redact_texts,
)

FOUND = [
    ("Merci @marie_dupont75 pour le conseil", "@marie_dupont75"),
    ("follow me @JohnDoe on insta", "@JohnDoe"),
    ("mon insta : @Marie.Dupont.", "@Marie.Dupont"),
    ("Retrouvez-moi sur instagram.com/marie.dupont !", "instagram.com/marie.dupont"),
    ("profile: https://www.instagram.com/marie.dupont/ thanks", "https://www.instagram.com/marie.dupont/"),
    ("I'm twitter.com/jdoe there", "twitter.com/jdoe"),
    ("now x.com/jdoe, DM open", "x.com/jdoe"),
    ("ajoutez-moi facebook.com/marie.dupont.12", "facebook.com/marie.dupont.12"),
    ("https://m.facebook.com/profile.php?id=100004123456789", "https://m.facebook.com/profile.php?id=100004123456789"),
    ("my unboxing on tiktok.com/@marie.", "tiktok.com/@marie"),
    ("(linkedin.com/in/john-doe-123)", "linkedin.com/in/john-doe-123"),
    ("see youtube.com/@chan for the review", "youtube.com/@chan"),
    ("https://www.youtube.com/channel/UCabc123", "https://www.youtube.com/channel/UCabc123"),
    ("boards at pinterest.com/x", "pinterest.com/x"),
    ("pinterest.fr/marie_deco/cuisine", "pinterest.fr/marie_deco/cuisine"),
    ("écrivez-moi sur t.me/jdoe", "t.me/jdoe"),
    ("snap: snapchat.com/add/x", "snapchat.com/add/x"),
    ("code on github.com/jdoe", "github.com/jdoe"),
    ("reddit.com/u/jdoe_42 posted it", "reddit.com/u/jdoe_42"),
    ("I'm @marie@mastodon.social now", "@marie@mastodon.social"),
]

NOT_FOUND = [
    "meet me @ 5pm at the shop",
    "worked fine @home and @work",
    "lu @Maison, dispo @plus tard",
    "bought two @ 9.99 each",
    "two for @9.99",
    "icons @2x and @4k renders",
    "rated @___ and @_12 by the forum",
    "SKU AB-1234@X2, ref P@ssw0rd",
    "asset icon@2x, three sizes",
    "wrong domain typed: @gmail.com",
    "ordered from amazon.com/dp/B01 last week",
    "https://www.amazon.com/dp/B01",
    "saw it on instagram.com/explore and on x.com",
    "video: https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "join t.me/+AbCdEf123",
    "the maker linkedin.com/company/acme",
    "Wix.com/jdoe and box.com/jdoe",
    "trendy on Instagram and TikTok",
    "merci @ toute l'équipe, à @+",
]


def handles(text: str) -> list[str]:
    return [text[e.start : e.end] for e in detect(text) if e.type is PiiType.SOCIAL_HANDLE]


@pytest.mark.parametrize(("text", "value"), FOUND)
def test_handle_found_and_redacted(text, value):
    assert handles(text) == [value]
    redacted, entities = redact_text(text)
    assert redacted == text.replace(value, "<SOCIAL_HANDLE>")
    assert [e.type for e in entities] == [PiiType.SOCIAL_HANDLE]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_look_alike_left_alone(text):
    assert handles(text) == []
    assert redact_text(text) == (text, [])


def test_email_stays_an_email():
    text = "write to marie@gmail.com or DM @marie_d"
    assert [(e.type, text[e.start : e.end]) for e in detect(text)] == [
        (PiiType.EMAIL, "marie@gmail.com"),
        (PiiType.SOCIAL_HANDLE, "@marie_d"),
    ]
    assert redact_text(text)[0] == "write to <EMAIL> or DM <SOCIAL_HANDLE>"


@pytest.mark.parametrize("url", ["https://www.tiktok.com/@marie", "https://www.instagram.com/@marie.dupont/"])
def test_profile_url_the_url_detector_also_flags_is_a_handle(url):
    text = f"mon compte {url} merci"
    # The URL detector finds the same span ("/@handle" is one of its profile paths): the tie goes to the handle.
    assert [text[e.start : e.end] for e in UrlDetector().detect(text)] == [url]
    assert [(e.type, text[e.start : e.end]) for e in detect(text)] == [(PiiType.SOCIAL_HANDLE, url)]
    assert redact_text(text)[0] == "mon compte <SOCIAL_HANDLE> merci"


def test_prefilter_is_a_superset_on_the_handles_and_skips_plain_text():
    texts = [text for text, _ in FOUND]
    flags = pl.Series(texts).str.contains(SocialHandleDetector.prefilter).to_list()
    assert all(flags), [t for t, f in zip(texts, flags, strict=True) if not f]
    plain = pl.Series(["meet me @ 5pm", "bought two @ 9.99 each", "amazon.com/dp/B01", "trendy on Instagram"])
    assert not plain.str.contains(SocialHandleDetector.prefilter).any()


def test_redact_texts_on_a_frame_through_the_prefilter_path():
    # 80 rows: enough that the polars prefilters, not the small-frame shortcut, choose the rows to read.
    filler = ["Great fit, fast delivery.", "Taille un peu grand, bonne qualité."] * 30
    texts = [text for text, _ in FOUND] + NOT_FOUND[:10] + filler[:50] + [None]
    frame = pl.DataFrame({"review_id": list(range(len(texts))), "text": texts})
    out = redact_texts(frame, ["text"])
    assert out["review_id"].to_list() == frame["review_id"].to_list()
    for i, (text, value) in enumerate(FOUND):
        assert out["text"][i] == text.replace(value, "<SOCIAL_HANDLE>")
    assert out["text"].to_list()[len(FOUND) :] == texts[len(FOUND) :]
    assert out[COUNT_COLUMN].to_list() == [1] * len(FOUND) + [0] * (len(texts) - len(FOUND))
    assert redact_frame(frame, ["text"]).by_type()["SOCIAL_HANDLE"] == len(FOUND)
    assert find_pii(out, ["text"]).height == 0


def test_hash_tokens_are_stable_and_not_found_again():
    config = RedactionConfig(operators={PiiType.SOCIAL_HANDLE: KeyedHash(b"test-key")})
    first, _ = redact_text("suivez @marie_dupont75 !", config)
    second, _ = redact_text("suivez @marie_dupont75 !", config)
    assert first == second
    assert first.startswith("suivez <SOCIAL_HANDLE:") and "marie" not in first
    assert detect(first) == []


def test_one_account_written_in_two_cases_gets_one_hash_token():
    config = RedactionConfig(operators={PiiType.SOCIAL_HANDLE: KeyedHash(b"test-key")})
    tokens = {redact_text(f"follow {handle} now", config)[0] for handle in ("@JohnDoe", "@johndoe", "@JOHNDOE")}
    assert len(tokens) == 1
