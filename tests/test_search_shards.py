"""A large site's search index comes in shards, each built by a Pagefind process of its
own (bounded memory), and the search page merges them: readers find the same stories
with or without shards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import serve_folder
from goodrel_site import search
from goodrel_site.pipeline import Options, build
from test_incremental import NOW, corpus  # noqa: F401 (a fixture)
from test_search import dates, open_search, results


@pytest.fixture(scope="module")
def outputs(corpus: Path, tmp_path_factory):
    """The corpus built once whole and once in shards of 25 pages, each served."""
    base = tmp_path_factory.mktemp("shards")
    whole, sharded = base / "whole", base / "sharded"
    build(Options(site=corpus, out=whole, now=NOW, cache=False))
    limit = search.SHARD_PAGES
    search.SHARD_PAGES = 25
    try:
        build(Options(site=corpus, out=sharded, now=NOW, cache=False))
    finally:
        search.SHARD_PAGES = limit
    servers = [serve_folder(whole), serve_folder(sharded)]
    yield whole, sharded, servers[0][1], servers[1][1]
    for server, _ in servers:
        server.shutdown()


def test_shards_are_separate_bundles_listed_for_the_search_page(outputs) -> None:
    whole, sharded, _, _ = outputs
    pages = len(list(sharded.glob("stories/*/index.html"))) + len(list(sharded.glob("events/*/index.html")))
    bundles = json.loads((sharded / "pagefind" / "shards.json").read_text())
    assert bundles == [f"/pagefind-{n}/" for n in range(2, (pages + 24) // 25 + 1)] and len(bundles) >= 2
    assert all((sharded / b.strip("/") / "pagefind-entry.json").is_file() for b in bundles)
    assert json.loads((whole / "pagefind" / "shards.json").read_text()) == []
    assert not list(whole.glob("pagefind-*"))


@pytest.mark.parametrize("params, by_date", [
    ([], True),  # browsing everything: newest first
    ([("q", "community")], False),
    ([("region", "london")], True),
    ([("q", "people"), ("category", "common-purpose"), ("sort", "newest")], True),
    ([("q", "people"), ("sort", "oldest")], True),
])
def test_sharded_search_finds_what_the_whole_index_finds(page, outputs, params, by_date) -> None:
    _, _, whole_url, sharded_url = outputs
    open_search(page, whole_url, params)
    want, want_dates = results(page), dates(page)
    open_search(page, sharded_url, params)
    got, got_dates = results(page), dates(page)
    assert want and sorted(got) == sorted(want)
    if by_date:  # in date order across the shards (pages of one date may come in any order)
        assert got_dates == want_dates
