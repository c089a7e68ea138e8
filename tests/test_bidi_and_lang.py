"""Issue 19: bidirectional controls in text fields, and a language tag's length. A
right-to-left override left open (U+202E) makes the rest of a line of names read
backwards, so 'exe.txt' shows as 'txt.exe' (spoofing); one that is closed reorders only
its own words, as right-to-left text needs. An unbalanced control is an error at its
line. A `lang` tag is at most 35 characters (limits.LANG_CHARS), and of BCP 47's shape."""

from __future__ import annotations

import pytest
from conftest import build, refused_everywhere, story, write

from goodrel_site import limits


@pytest.mark.parametrize(
    ("title", "char"),
    [
        ('"Invoice \\u202Egnp.exe"', "U+202E"),  # (an override never closed)
        ('"A \\u2067name"', "U+2067"),  # (an isolate never closed)
        ('"A \\u2069name"', "U+2069"),  # (a close that closes nothing)
        ('"A \\u202Bx\\u2069 y\\u202C"', "U+2069"),  # (closed by the wrong kind)
    ],
)
def test_an_unbalanced_bidi_control_in_a_text_field_is_an_error_at_its_line(site, capsys, title, char):
    text = story("x").replace("title: x", f"title: {title}")
    refused_everywhere(
        site,
        capsys,
        "stories/alpha.md",
        text,
        f"stories/alpha.md:2: 'title': the text holds a control that reorders the line ({char}",
    )


def test_an_unbalanced_control_in_site_yaml_is_refused_too(site, capsys):
    text = (site / "site.yaml").read_text("utf-8").replace("title:", 'title: "\\u202E" #', 1)
    refused_everywhere(site, capsys, "site.yaml", text, "U+202E")


def test_balanced_bidi_controls_are_kept(site):
    write(
        site,
        "stories/alpha.md",
        story("x").replace("title: x", 'title: "Met \\u2067\u0645\u0631\u064a\u0645\\u2069 and \\u202Bab\\u202C"'),
    )
    assert build(site) == 0
    page = (site / "public" / "stories" / "alpha" / "index.html").read_text("utf-8")
    assert "\u2067\u0645\u0631\u064a\u0645\u2069" in page and "\u202bab\u202c" in page


@pytest.mark.parametrize("lang", ["en-" + "-".join(["abcdefgh"] * 4), "x" * 1000, "en-" + "a1" * 500])
def test_a_lang_tag_longer_than_bcp47s_practical_limit_is_refused(site, capsys, lang):
    assert len(lang) > limits.LANG_CHARS
    text = story("Alpha story", f"lang: {lang}\n")
    refused_everywhere(site, capsys, "stories/alpha.md", text, "stories/alpha.md:9: 'lang' is")


def test_a_lang_tag_of_35_characters_is_read(site):
    lang = "en-" + "-".join(["abcdefgh"] * 3) + "-ab"
    assert len(lang) <= limits.LANG_CHARS
    write(site, "stories/alpha.md", story("Alpha story", f"lang: {lang}\n"))
    assert build(site) == 0
    assert f'lang="{lang}"' in (site / "public" / "stories" / "alpha" / "index.html").read_text("utf-8")
