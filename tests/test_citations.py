"""Citations and the press kit: ready APA and Harvard text, BibTeX, RIS and CSL-JSON
files that reference managers can read, the same citation in `citation_*` meta tags
(which Zotero reads from the page), and a press kit on every story page with someone
to call: the story's media contact, or the editors'."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import NOW, REPO, build, story, write

from goodrel_site import cite
from goodrel_site.plan import original
from goodrel_site.stages import load_site

BASE = "https://goodrel.example.org"


@pytest.fixture(scope="module")
def public():
    site, _ = load_site(REPO, NOW)
    return site


def source(site, slug):
    return cited(site, next(s for s in site.stories if s.slug == slug))


def cited(site, story):
    return cite.source(site.settings, site.now, story, original(site, story))


def strings(lang):
    path = REPO / "theme" / "strings" / f"{lang}.yaml"
    return yaml.safe_load(path.read_text("utf-8")) if path.exists() else {}


def presskit(bundled, slug):
    html = (bundled / "stories" / slug / "index.html").read_text("utf-8")
    return BeautifulSoup(html, "html.parser").find("section", class_="presskit")


def test_apa_and_harvard_text(public):
    src = source(public, "allotment-across-the-fence")
    url = f"{BASE}/stories/allotment-across-the-fence/"
    assert cite.apa(src).text == (
        "Good Relations Network. (2013, June 20). The allotment across the "
        f"fence. Untold Stories of Good Relations. {url}"
    )
    assert cite.harvard(src).text == (
        "Good Relations Network (2013) The allotment across the fence. "
        f"Available at: {url} (Accessed: 28 November 2026)."
    )
    # The title, and only the title, is set in italics.
    assert [text for text, italic in cite.apa(src).runs if italic] == ["The allotment across the fence"]


def test_a_translation_is_cited_with_the_original_title(public):
    src = source(public, "five-a-side-in-the-rain-ur")
    assert src.lang == "ur" and src.original_title == "Five-a-side in the rain"
    assert "بارش میں فائیو اے سائیڈ فٹبال [Five-a-side in the rain]" in cite.apa(src).text
    assert "titleaddon = {[Five-a-side in the rain]}" in cite.bibtex(src)


def test_bibtex_is_one_balanced_entry_with_tex_escaped(site, tmp_path):
    write(site, "stories/odd.md", story('"Rates & 100% of {costs} for #1_a ~x^2 \\\\ end"'))
    assert build(site, tmp_path / "out") == 0
    text = (tmp_path / "out/stories/odd/cite.bib").read_text("utf-8")
    assert text.startswith("@online{goodrel-odd,\n") and text.endswith("}\n")
    assert text.count("@") == 1
    depth = 0
    for ch in text:  # BibTeX counts every brace, escaped or not
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    title = re.search(r"^  title = \{(.*)\},$", text, re.M).group(1)
    assert title == (
        r"Rates \& 100\% of \textbraceleft{}costs\textbraceright{} for \#1\_a "
        r"\textasciitilde{}x\textasciicircum{}2 "
        r"\textbackslash{} end"
    )
    fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", text, re.M))
    assert fields["author"] == "{Good Relations Network}"  # a corporate name, never split
    assert fields["date"] == "2014-03-01" and fields["url"] == f"{BASE}/stories/odd/"


def test_ris_tags_and_line_ends(public):
    text = cite.ris(source(public, "allotment-across-the-fence"))
    lines = text.split("\r\n")
    assert lines[-1] == "" and "\n" not in text.replace("\r\n", "")
    tags = [line[:2] for line in lines[:-1]]
    assert tags[0] == "TY" and tags[-1] == "ER"
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines[:-1])
    values = dict(line.split("  - ", 1) for line in lines[:-1] if not line.startswith("KW"))
    assert values["TY"] == "ELEC" and values["TI"] == "The allotment across the fence"
    assert values["DA"] == "2013/06/20/" and values["UR"] == f"{BASE}/stories/allotment-across-the-fence/"


def test_csl_json_item(public):
    items = json.loads(cite.csl_json(source(public, "allotment-across-the-fence")))
    assert len(items) == 1
    item = items[0]
    assert item["type"] == "webpage" and item["title"] == "The allotment across the fence"
    assert item["issued"] == {"date-parts": [[2013, 6, 20]]}
    assert item["author"] == [{"literal": "Good Relations Network"}]
    assert item["URL"] == f"{BASE}/stories/allotment-across-the-fence/"


def test_every_public_story_has_its_citation_files(bundled, public):
    for s in public.stories:
        folder = bundled / "stories" / s.slug
        src = cited(public, s)
        assert (folder / "cite.bib").read_text("utf-8") == cite.bibtex(src)
        assert (folder / "cite.ris").read_bytes() == cite.ris(src).encode("utf-8")
        assert json.loads((folder / "cite.json").read_text("utf-8"))[0]["id"] == src.key
    for path in public.withheld:
        stem = path.rsplit("/", 1)[-1][:-3]
        assert not (bundled / "stories" / stem).exists()


def test_press_kit_on_a_story_page(bundled, public):
    kit = presskit(bundled, "allotment-across-the-fence")
    entry = next(s for s in public.stories if s.slug == "allotment-across-the-fence")
    text = kit.get_text(" ", strip=True)
    facts = {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
        for dt in kit.select(".presskit-facts dt")
    }
    assert facts["Title"] == entry.title
    assert facts["Place"] == "Oldham, North West"
    assert facts["Kinds of work"] == "Common purpose"
    assert entry.quote.text in kit.find("blockquote").get_text(" ", strip=True)
    assert kit.select_one(".presskit-quote figcaption").get_text(strip=True) == entry.quote.attribution
    assert kit.find("a", href=f"mailto:{entry.contact.email}")
    assert entry.contact.name in text and entry.contact.phone in text
    assert facts["Credit"] == entry.image.credit and facts["Licence"] == entry.image.licence
    permalink = f"{BASE}/stories/allotment-across-the-fence/"
    assert kit.select_one(".presskit-permalink a")["href"] == permalink
    src = source(public, "allotment-across-the-fence")
    assert kit.find(id="cite-apa").get_text() == cite.apa(src).text
    assert kit.find(id="cite-harvard").get_text() == cite.harvard(src).text
    assert kit.find(id="cite-apa").find("i").get_text() == entry.title
    downloads = {a["href"] for a in kit.select(".presskit-files a[download]")}
    assert downloads == {f"/stories/allotment-across-the-fence/cite.{ext}" for ext in ("bib", "ris", "json")}


def test_press_kit_without_contact_and_anonymised(bundled):
    kit = presskit(bundled, "turning-away-from-hate-online")
    text = kit.get_text(" ", strip=True)
    assert "This story has no media contact" in text
    assert "Names and identifying details have been changed" in text
    # the editors' address from site.yaml instead
    assert [a["href"] for a in kit.select("a[href^='mailto:']")] == ["mailto:stories@goodrel.example.org"]


def ris_fields(text: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for line in text.split("\r\n"):
        if line[2:6] == "  - ":
            fields.setdefault(line[:2], []).append(line[6:])
    return fields


def test_reference_managers_find_the_citation_in_meta_tags(bundled, public):
    """Zotero's page reader takes citation_title, citation_author, citation_publication_date,
    citation_publisher, citation_language, citation_abstract, citation_keywords and
    citation_public_url: each holds what the story's .ris file says."""
    for one in public.stories:
        soup = BeautifulSoup((bundled / one.url.lstrip("/") / "index.html").read_text("utf-8"), "html.parser")
        tags: dict[str, list[str]] = {}
        for meta in soup.head.find_all("meta", attrs={"name": re.compile("^citation_")}):
            tags.setdefault(meta["name"], []).append(meta["content"])
        ris = ris_fields((bundled / one.url.lstrip("/") / "cite.ris").read_bytes().decode("utf-8"))
        assert tags["citation_title"] == ris["TI"] and tags["citation_author"] == ris["AU"]
        assert tags["citation_publisher"] == ris["PB"] and tags["citation_language"] == ris["LA"]
        assert tags["citation_abstract"] == ris["AB"] and tags["citation_keywords"] == ris["KW"]
        assert tags["citation_public_url"] == ris["UR"] == [BASE + one.url]
        assert [d + "/" for d in tags["citation_publication_date"]] == ris["DA"]
        assert soup.head.find("meta", property="og:site_name")["content"] == ris["T2"][0]
    for page in ("/", "/events/oldham-2013/", "/about/"):
        html = (bundled / page.lstrip("/") / "index.html").read_text("utf-8")
        assert 'name="citation_' not in html, page


def test_every_story_page_names_someone_to_call(bundled, public):
    """The story's media contact, else the editors' (site.yaml's contact), at a glance and
    in the press kit."""
    editors = public.settings.contact
    assert editors and editors.email
    for one in public.stories:
        soup = BeautifulSoup((bundled / one.url.lstrip("/") / "index.html").read_text("utf-8"), "html.parser")
        who = one.contact or editors
        routes = {
            f"mailto:{who.email}" if who.email else None,
            f"tel:{who.phone.replace(' ', '')}" if who.phone else None,
        }
        routes.discard(None)
        glance = soup.select_one("aside.facts dd.contact")
        assert routes <= {a["href"] for a in glance.find_all("a")}, one.url
        assert routes <= {a["href"] for a in soup.select(".presskit .presskit-contact a")}, one.url
        label = glance.find_previous_sibling("dt").get_text(strip=True)
        words = {**strings("en"), **strings(one.lang or "en")}
        assert label == words["contact" if one.contact else "editors_contact"], one.url


def test_a_site_without_the_editors_contact_points_to_its_journalists_page(site, tmp_path):
    text = (site / "site.yaml").read_text("utf-8")
    (site / "site.yaml").write_text(re.sub(r"(?m)^contact: .*\n", "", text), "utf-8")
    assert "stories@" not in (site / "site.yaml").read_text("utf-8")
    write(site, "pages/for-journalists.md", "---\ntitle: For journalists\n---\n\nHow to use the press kit.\n")
    assert build(site, tmp_path / "out") == 0
    kit = presskit(tmp_path / "out", "first")
    assert "This story has no media contact" in kit.get_text(" ", strip=True)
    assert kit.select_one("a[href='/for-journalists/']") and not kit.select("a[href^='mailto:']")


def test_every_story_page_has_a_press_kit_outside_the_indexed_article(bundled, public):
    for s in public.stories:
        soup = BeautifulSoup((bundled / "stories" / s.slug / "index.html").read_text("utf-8"), "html.parser")
        kit = soup.find("section", class_="presskit")
        assert kit is not None, s.slug
        assert kit.find_parent(attrs={"data-pagefind-body": True}) is None


def test_press_kit_escapes_markup_in_content(site, tmp_path):
    write(
        site,
        "stories/payload.md",
        story(
            '"<img src=x onerror=alert(1)>"',
            """\
        quote: {text: "<script>alert(2)</script>", attribution: "<b>me</b>"}
        contact: {name: "<i>Ann</i>", email: ann@example.org}
        """,
        ),
    )
    assert build(site, tmp_path / "out") == 0
    kit = presskit(tmp_path / "out", "payload")
    assert not kit.find_all(["img", "script", "b"]) and not kit.select(".presskit-contact i")
    assert "<img src=x onerror=alert(1)>" in kit.find(id="cite-apa").get_text()
    assert kit.find("blockquote").get_text(strip=True) == "<script>alert(2)</script>"
