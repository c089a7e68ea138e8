// The search page: our own interface on Pagefind's JavaScript API. Plain JavaScript,
// no framework, no build step.
//
// The whole state lives in the URL (?q=football&region=london&region=north-west
// &from=2013-05-01&to=2014-03-31&sort=newest): the fields carry the same names, every
// change pushes a history entry and Back restores the previous state. Several values in
// one filter group combine with OR, groups combine with AND, and a date range narrows
// them all. Nothing from the index is ever parsed as HTML: results
// are built with textContent, and the excerpt's <mark> highlights are rebuilt as
// elements from the text around them.

const PAGE_SIZE = 10;
const TYPING_DELAY = 300; // ms of quiet before a typed query is searched

const page = document.querySelector(".search");
const form = document.getElementById("search");
const filterBox = document.querySelector(".search-filters");
const query = document.getElementById("search-q");
const sortSelect = document.getElementById("search-sort");
const resultsBox = document.querySelector(".search-results");
const statusLine = document.getElementById("search-status");
const browseLine = document.getElementById("search-browse");
const list = document.getElementById("search-list");
const moreButton = document.getElementById("search-more");
const filtersToggle = document.getElementById("search-filters-toggle");
const showButton = document.getElementById("search-show");
const dateFields = { from: document.getElementById("search-from"), to: document.getElementById("search-to") };
const strings = JSON.parse(document.getElementById("search-strings").textContent);
const groups = [...filterBox.querySelectorAll(".search-group")].map((el) => el.dataset.group);
const pageLang = document.documentElement.lang || "en";

let pagefind = null;
const shards = []; // the names of the index's merged shards, if it has any
let generation = 0; // each search's number: a slower, older search never overwrites a newer one
let shown = { results: [], count: 0, state: null };
let typingEntry = false; // the current history entry was made by typing: replace, don't push
let sortChosen = false; // the reader picked an order; until then it follows the query

// ---- state <-> URL <-> fields ----

function defaultSort(q) {
  return q ? "relevance" : "newest";
}

function checkboxes(group) {
  return [...filterBox.querySelectorAll(`input[type=checkbox][name="${group}"]`)];
}

// A day as YYYY-MM-DD, or "" for anything else (a date field's value is one or "").
function day(text) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text || "")) return "";
  const time = new Date(text + "T00:00:00Z"); // 2013-02-30 is no day
  return !Number.isNaN(time.getTime()) && time.toISOString().startsWith(text) ? text : "";
}

// The range's ends in order: a reader who gives them the wrong way round means the
// days between them.
function dateRange(from, to) {
  return from && to && from > to ? { from: to, to: from } : { from, to };
}

function stateFromUrl() {
  const params = new URLSearchParams(location.search);
  const q = (params.get("q") || "").trim();
  const filters = {};
  for (const group of groups) {
    const known = new Set(checkboxes(group).map((box) => box.value));
    filters[group] = params.getAll(group).filter((value) => known.has(value));
  }
  const sort = ["relevance", "newest", "oldest"].includes(params.get("sort")) ? params.get("sort") : defaultSort(q);
  return { q, filters, ...dateRange(day(params.get("from")), day(params.get("to"))), sort };
}

function stateFromFields() {
  const q = query.value.trim();
  const filters = {};
  for (const group of groups) {
    filters[group] = checkboxes(group).filter((box) => box.checked).map((box) => box.value);
  }
  const sort = sortChosen ? sortSelect.value : defaultSort(q);
  sortSelect.value = sort;
  return { q, filters, ...dateRange(day(dateFields.from.value), day(dateFields.to.value)), sort };
}

function showState(state) {
  sortChosen = state.sort !== defaultSort(state.q);
  query.value = state.q;
  sortSelect.value = state.sort;
  for (const group of groups) {
    const chosen = new Set(state.filters[group]);
    for (const box of checkboxes(group)) box.checked = chosen.has(box.value);
  }
  dateFields.from.value = state.from;
  dateFields.to.value = state.to;
}

function urlOf(state) {
  const params = new URLSearchParams();
  if (state.q) params.append("q", state.q);
  for (const group of groups) {
    for (const value of state.filters[group]) params.append(group, value);
  }
  if (state.from) params.append("from", state.from);
  if (state.to) params.append("to", state.to);
  if (state.sort !== defaultSort(state.q)) params.append("sort", state.sort);
  const search = params.toString();
  return location.pathname + (search ? "?" + search : "");
}

function remember(state, typing) {
  const url = urlOf(state);
  if (url === location.pathname + location.search) return;
  if (typing && typingEntry) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  typingEntry = typing;
}

// ---- searching ----

function pagefindOptions(state, without) {
  const filters = {};
  for (const group of groups) {
    if (group !== without && state.filters[group].length) filters[group] = { any: state.filters[group] };
  }
  const options = { filters };
  // With no words there is no relevance to rank by: newest first.
  const sort = state.sort === "relevance" && !state.q ? "newest" : state.sort;
  if (sort === "newest") options.sort = { date: "desc" };
  if (sort === "oldest") options.sort = { date: "asc" };
  return options;
}

async function loadPagefind() {
  if (!pagefind) {
    // The site may be served below a path (strings.base, "" at a domain's top): the
    // index, and the addresses of results, are below it too.
    const base = strings.base;
    const pf = await import(`${base}/pagefind/pagefind.js`);
    // A page's head (title, summary) is not indexed, so that excerpts come from the text:
    // its words count through the page's metadata instead, weighted about as the
    // heading and the opening paragraph were. (Each index merged in takes its own.)
    const options = { baseUrl: `${base}/`, ranking: { metaWeights: { title: 10, summary: 5 } } };
    await pf.options(options);
    await pf.init();
    // The index comes in shards of runs of dates, newest first (see search.py): the
    // others are merged in, each marked with a "shard" filter of its own.
    const folders = await fetch(`${base}/pagefind/shards.json`).then((r) => (r.ok ? r.json() : []), () => []);
    for (const [i, folder] of folders.entries()) {
      shards.push(String(i + 2));
      await pf.mergeIndex(`${base}/${folder}/`, { ...options, mergeFilter: { shard: String(i + 2) } });
    }
    pagefind = pf;
  }
  return pagefind;
}

// Pagefind orders merged results by score, which under a date sort is each shard's own
// rank. The shards hold consecutive runs of dates, so taking them in turn (the newest
// shard first, or last for oldest first) gives the true order.
async function searchAll(pf, term, options) {
  const merged = await pf.search(term, options);
  if (!options.sort || !shards.length) return merged;
  const parts = await Promise.all(["1", ...shards].map((shard) => pf.search(term, {
    ...options,
    filters: { ...options.filters, shard: shard === "1" ? { none: shards } : { any: [shard] } },
  })));
  if (Object.values(options.sort)[0] === "asc") parts.reverse();
  return { ...merged, results: parts.flatMap((part) => part.results) };
}

// With no query, search for the word every indexed page carries: Pagefind's own
// filter-only search (a null query) would fetch the whole word index.
function termOf(state) {
  return state.q || strings.every_page;
}

// Pagefind has no range filter, but it sorts by date: the pages dated within a range
// are one run of the date-sorted results, whose ends are found by bisection, reading
// the date of only the results probed (about 2·log2(n) of them). Which pages those
// are depends on the words and the range alone, so the last answer is kept.
let within = { key: null, ids: null };

async function datedWithin(pf, state) {
  if (!state.from && !state.to) return null;
  const key = JSON.stringify([termOf(state), state.from, state.to]);
  if (within.key !== key) {
    const sorted = (await searchAll(pf, termOf(state), { filters: {}, sort: { date: "asc" } })).results;
    const dateAt = async (i) => (await sorted[i].data()).meta.date || "";
    const first = state.from ? await bisect(0, sorted.length, async (i) => (await dateAt(i)) >= state.from) : 0;
    const end = state.to ? await bisect(first, sorted.length, async (i) => (await dateAt(i)) > state.to) : sorted.length;
    within = { key, ids: new Set(sorted.slice(first, end).map((result) => result.id)) };
  }
  return within.ids;
}

// The first index in [lo, hi) at which `after` holds, for a test that is false and
// then true along the list (hi if it never holds).
async function bisect(lo, hi, after) {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (await after(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// Pagefind counts a filter's values only once it has fetched that filter's chunk, and
// fetching all of them costs as much as the rest of a first search. So a group's
// values are fetched, and counted, when the group is open or has choices.
const fetchedGroups = new Set();

function groupOpen(group) {
  return filterBox.querySelector(`[data-group="${group}"]`).open;
}

async function fetchGroups(pf, state) {
  const wanted = groups.filter((g) => !fetchedGroups.has(g) && (groupOpen(g) || state.filters[g].length));
  if (!wanted.length) return;
  await pf.preload(termOf(state), { filters: Object.fromEntries(wanted.map((g) => [g, { any: [] }])) });
  for (const group of wanted) fetchedGroups.add(group);
}

// A value's count is what choosing it would give: for a group with choices of its
// own, count with every other group's choices but not its own (OR within a group).
async function countValues(pf, state, main, dated) {
  if (dated) return countWithin(pf, state, dated);
  const counts = { ...(main.filters || {}) };
  for (const group of groups) {
    if (state.filters[group].length) {
      counts[group] = (await pf.search(termOf(state), pagefindOptions(state, group))).filters[group];
    }
  }
  return counts;
}

// Pagefind's counts know nothing of a date range: within one, each counted value is
// searched for on its own and its results kept to the dated pages.
async function countWithin(pf, state, dated) {
  const counts = {};
  for (const group of groups.filter((g) => fetchedGroups.has(g))) {
    const others = pagefindOptions(state, group).filters;
    const found = await Promise.all(checkboxes(group).map((box) => pf.search(termOf(state), {
      filters: { ...others, [group]: { any: [box.value] } },
    })));
    counts[group] = Object.fromEntries(checkboxes(group).map((box, i) => [
      box.value, found[i].results.filter((result) => dated.has(result.id)).length,
    ]));
  }
  return counts;
}

async function search(state) {
  const mine = ++generation;
  resultsBox.setAttribute("aria-busy", "true");
  const pf = await loadPagefind();
  await fetchGroups(pf, state);
  const dated = await datedWithin(pf, state);
  const main = await searchAll(pf, termOf(state), pagefindOptions(state));
  const counts = await countValues(pf, state, main, dated);
  if (mine !== generation) return;
  showCounts(counts, state);
  const results = dated ? main.results.filter((result) => dated.has(result.id)) : main.results;
  shown = { results, count: 0, state };
  list.replaceChildren();
  await showMore(false);
  resultsBox.removeAttribute("aria-busy");
  resultsBox.dataset.shown = urlOf(state); // which state the results show (tests wait on it)
  announce(results.length, state);
}

// A group opened for the first time: fetch its values and count them, leaving the
// results as they are.
async function recount() {
  const mine = generation;
  const state = shown.state;
  if (!state) return;
  const pf = await loadPagefind();
  await fetchGroups(pf, state);
  const main = await searchAll(pf, termOf(state), pagefindOptions(state));
  const counts = await countValues(pf, state, main, await datedWithin(pf, state));
  if (mine === generation) showCounts(counts, state);
}

async function showMore(moveFocus) {
  const mine = generation;
  const batch = shown.results.slice(shown.count, shown.count + PAGE_SIZE);
  const data = await Promise.all(batch.map((result) => result.data()));
  if (mine !== generation) return;
  const items = data.map((item) => resultItem(item, shown.state));
  list.append(...items);
  shown.count += batch.length;
  moreButton.hidden = shown.count >= shown.results.length;
  if (moveFocus && items.length) items[0].querySelector("a").focus();
}

// ---- showing ----

function announce(total, state) {
  const words = total === 0 ? strings.results_none
    : total === 1 ? strings.results_one : strings.results_many.replace("{n}", total);
  const range = [];
  if (state.from) range.push(`${strings.from} ${longDate(state.from)}`);
  if (state.to) range.push(`${strings.until} ${longDate(state.to)}`);
  if (total === 0) {
    // Nothing found: say for what, then what to try, and offer the listings.
    const none = state.q ? `${strings.none_for.replace("{q}", state.q)}.` : words;
    statusLine.textContent = `${none}${range.length ? ` (${range.join(" ")})` : ""} ${strings.suggest}`;
  } else {
    const found = state.q ? `${words} ${strings.for_query} “${state.q}”` : words;
    statusLine.textContent = range.length ? `${found}, ${range.join(" ")}` : found;
  }
  browseLine.hidden = total !== 0;
  showButton.querySelector("[data-show-count]").textContent = ` (${total})`;
}

function showCounts(counts, state) {
  for (const group of groups) {
    const byValue = counts[group] || {};
    const counted = fetchedGroups.has(group);
    for (const box of checkboxes(group)) {
      const n = byValue[box.value] || 0;
      box.closest("label").querySelector("[data-count]").textContent = counted ? `(${n})` : "";
      box.closest("li").classList.toggle("is-empty", counted && n === 0 && !box.checked);
    }
    const chosen = chosenIn(state, group);
    filterBox.querySelector(`[data-chosen="${group}"]`).textContent = chosen ? ` (${chosen} ${strings.chosen})` : "";
    if (chosen) filterBox.querySelector(`[data-group="${group}"]`).open = true;
  }
  const active = groups.reduce((sum, group) => sum + chosenIn(state, group), 0);
  filtersToggle.querySelector("[data-active]").textContent = active ? ` (${active} ${strings.chosen})` : "";
}

// The values chosen in a group; the date range's ends count with the years.
function chosenIn(state, group) {
  return state.filters[group].length + (group === "year" ? Boolean(state.from) + Boolean(state.to) : 0);
}

function labelOf(group, value) {
  const box = checkboxes(group).find((b) => b.value === value);
  return box ? box.closest("label").querySelector(".search-value").textContent : value;
}

function longDate(iso) {
  const [year, month, day] = (iso || "").split("-").map(Number);
  if (!year || !month || !day) return "";
  return `${day} ${strings.months[month - 1]} ${year}`;
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text) el.textContent = text;
  return el;
}

function resultItem(item, state) {
  const meta = item.meta || {};
  const filters = item.filters || {};
  const li = element("li", "search-result");
  const lang = (filters.language || [])[0];
  if (lang && lang !== pageLang) {
    li.lang = lang;
    li.dir = "auto";
  }
  // An item without a picture of its own has the site's picture as its image (so that
  // Pagefind never takes another item's): a result shows no picture rather than that one.
  if (meta.image && meta.image !== strings.site_picture) {
    const img = element("img", "search-thumb");
    img.src = meta.image;
    img.alt = "";
    img.loading = "lazy";
    img.decoding = "async";
    li.append(img);
  }
  const heading = element("h3");
  const link = element("a", null, meta.title || item.url);
  link.href = item.url;
  heading.append(link);
  li.append(heading);

  const metaLine = element("p", "meta");
  metaLine.lang = pageLang;
  if ((filters.kind || [])[0] === "event") metaLine.append(strings.event, " · ");
  const when = element("time", null, longDate(meta.date));
  when.dateTime = meta.date || "";
  metaLine.append(when);
  const where = [meta.place, ...(filters.region || []).map((key) => labelOf("region", key))];
  for (const fact of where.filter(Boolean)) metaLine.append(" · ", fact);
  li.append(metaLine);
  if (meta.summary) li.append(element("p", "search-summary", meta.summary));
  if (state.q && item.excerpt) li.append(excerpt(item.excerpt));
  return li;
}

// Pagefind's excerpt is the page's text with <mark>…</mark> around matched words, and
// with the text's own < and > written as &lt; and &gt; (nothing else is escaped). Split
// on the marks, decode those two, and rebuild from text nodes and <mark> elements only,
// whatever the content says. The hidden every-page word is left out.
const everyPageWord = new RegExp(`\\s*\\b${strings.every_page}\\b`, "g");
function decode(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(everyPageWord, "");
}

function excerpt(html) {
  const p = element("p", "search-excerpt");
  html.split(/(<mark>|<\/mark>)/).reduce((marked, part) => {
    if (part === "<mark>") return true;
    if (part === "</mark>") return false;
    if (part) p.append(marked ? element("mark", null, decode(part)) : document.createTextNode(decode(part)));
    return marked;
  }, false);
  p.append("…");
  return p;
}

// Language filter values are codes; name them in the page's language and their own.
function nameLanguages() {
  if (!("DisplayNames" in Intl)) return;
  const inPage = new Intl.DisplayNames([pageLang], { type: "language" });
  for (const span of filterBox.querySelectorAll("[data-language]")) {
    const code = span.dataset.language;
    try {
      const name = inPage.of(code);
      const own = new Intl.DisplayNames([code], { type: "language" }).of(code);
      span.textContent = name;
      if (own && own !== name) {
        const native = element("span", null, own);
        native.lang = code;
        span.append(" (", native, ")");
      }
    } catch (err) {
      // not a code the browser can name: the code stays
    }
  }
}

// ---- wiring ----

let typingTimer = 0;

function changed(typing) {
  const state = stateFromFields();
  remember(state, typing);
  search(state).catch(failed);
}

function failed(err) {
  console.error(err);
  page.hidden = true;
  document.getElementById("search-error").hidden = false;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(typingTimer);
  typingEntry = false;
  changed(false);
});
query.addEventListener("input", () => {
  resultsBox.setAttribute("aria-busy", "true"); // the results dim at once, and update when typing pauses
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => changed(true), TYPING_DELAY);
});
page.addEventListener("change", (event) => {
  if (event.target === query) return; // typing is handled above
  if (event.target === sortSelect) sortChosen = true;
  changed(false);
});
document.getElementById("search-clear").addEventListener("click", () => {
  for (const group of groups) for (const box of checkboxes(group)) box.checked = false;
  dateFields.from.value = dateFields.to.value = "";
  changed(false);
});
// Small screens: the filters open above the results from a button, and close back to it.
function showFilters(open) {
  page.classList.toggle("filters-open", open);
  filtersToggle.setAttribute("aria-expanded", String(open));
}
filtersToggle.addEventListener("click", () => showFilters(!page.classList.contains("filters-open")));
showButton.addEventListener("click", () => {
  showFilters(false);
  filtersToggle.focus();
});
for (const el of [filtersToggle, filterBox]) {
  el.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && page.classList.contains("filters-open")) {
      showFilters(false);
      filtersToggle.focus();
    }
  });
}
moreButton.addEventListener("click", () => showMore(true).catch(failed));
for (const details of filterBox.querySelectorAll(".search-group")) {
  details.addEventListener("toggle", () => {
    if (details.open && !fetchedGroups.has(details.dataset.group)) recount().catch(failed);
  });
}
window.addEventListener("popstate", () => {
  typingEntry = false;
  const state = stateFromUrl();
  showState(state);
  search(state).catch(failed);
});

nameLanguages();
page.hidden = false;
const initial = stateFromUrl();
showState(initial);
history.replaceState(null, "", urlOf(initial)); // one state, one address: values in the page's order
search(initial).catch(failed);
