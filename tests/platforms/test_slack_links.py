"""A feed's link on Slack (issue 18: slack escaping mutants): the scheme is read in any
case, as URLs are; anything but http(s) stays plain, escaped text."""

from __future__ import annotations

import pytest

from bot.platforms.slack.render import link


@pytest.mark.parametrize("url", ["HTTPS://news.example/talks", "Http://news.example/talks"])
def test_a_link_whose_scheme_is_in_capitals_is_still_a_link(url: str) -> None:
    assert link(url, "Talks <resume>") == f"<{url}|Talks &lt;resume&gt;>"


def test_a_link_of_another_scheme_is_only_its_text() -> None:
    assert link("javascript:alert(1)", "Talks & more") == "Talks &amp; more"
