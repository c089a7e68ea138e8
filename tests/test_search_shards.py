"""A large site's search index comes in shards, each built by a Pagefind process of its
own (bounded memory), and the search page merges them: readers find the same stories
with or without shards."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import serve_folder
from test_incremental import NOW
from test_search import dates, open_search, results

from goodrel_site import search
from goodrel_site.pipeline import Options, build


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
    folders = json.loads((sharded / "pagefind" / "shards.json").read_text())
    assert len(folders) >= 2 and all(re.fullmatch(r"pagefind-[0-9a-f]{12}", f) for f in folders)
    for folder in folders:  # a merged bundle: its index, without the scripts and WebAssembly
        assert (sharded / folder / "pagefind-entry.json").is_file()
        assert not list((sharded / folder).glob("*.js")) and not list((sharded / folder).glob("wasm.*"))
    assert json.loads((whole / "pagefind" / "shards.json").read_text()) == []
    assert not list(whole.glob("pagefind-*"))


def test_shards_are_runs_of_dates_that_an_edit_leaves_in_place() -> None:
    def pages(days):
        return [search.Indexed(f"stories/s{n}/index.html", day, "x") for n, day in enumerate(days)]

    years = [date(2013, 3, 1)] * 4 + [date(2014, 5, 1)] * 3 + [date(2015, 1, 1)] * 2 + [date(2016, 7, 7)] * 9
    found = search.shards(pages(years), limit=8)
    # Newest first; quiet neighbouring years together, oldest first, while they fit.
    assert [sorted({p.day.year for p in shard}) for shard in found] == [[2016], [2015], [2013, 2014]]
    # A busy year comes in months, and a busy month in runs (a day's pages together).
    busy = [date(2020, 1, d) for d in range(1, 11)] + [date(2020, 2, 1)] * 3
    assert [len(shard) for shard in search.shards(pages(busy), limit=4)] == [3, 2, 4, 4]
    # One more page in the newest year moves no other shard's boundary.
    grown = search.shards(pages(years + [date(2016, 8, 1)]), limit=10)
    assert [sorted({p.day.year for p in shard}) for shard in grown][1:] == [
        sorted({p.day.year for p in shard}) for shard in search.shards(pages(years), limit=10)
    ][1:]


@pytest.mark.parametrize(
    "params, by_date",
    [
        ([], True),  # browsing everything: newest first
        ([("q", "community")], False),
        ([("region", "london")], True),
        ([("q", "people"), ("category", "common-purpose"), ("sort", "newest")], True),
        ([("q", "people"), ("sort", "oldest")], True),
    ],
)
def test_sharded_search_finds_what_the_whole_index_finds(page, outputs, params, by_date) -> None:
    _, _, whole_url, sharded_url = outputs
    open_search(page, whole_url, params)
    want, want_dates = results(page), dates(page)
    open_search(page, sharded_url, params)
    got, got_dates = results(page), dates(page)
    assert want and sorted(got) == sorted(want)
    if by_date:  # in date order across the shards (pages of one date may come in any order)
        assert got_dates == want_dates


def test_shards_grow_with_the_site_in_doublings_up_to_a_bound() -> None:
    assert [search.shard_limit(n) for n in (60, 4000, 4001, 8000, 8001, 50_000)] == [
        search.SHARD_PAGES,
        search.SHARD_PAGES,
        2 * search.SHARD_PAGES,
        2 * search.SHARD_PAGES,
        4 * search.SHARD_PAGES,
        search.SHARD_MOST,
    ]
