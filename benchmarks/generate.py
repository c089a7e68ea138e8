"""Write a synthetic but valid goodrel site of N stories and M events, for benchmarks.

    python benchmarks/generate.py OUT --stories 5000 --events 200 [--seed 1]

The same arguments always give the same files (a seeded generator, no clock). The
site uses the repository's site.yaml and the default theme (a copy of it in the site
with --copy-theme), so it validates against the real content model. Bodies run to about 800 words with
headings, lists, quotes, emphasis, the odd table and relative links to other stories
and events; every vocabulary term is used; a few stories are drafts, embargoed,
withdrawn or translations, as on a real site.
"""

from __future__ import annotations

import argparse
import itertools
import random
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
BUILD_DATE = date(2026, 11, 28)  # the --now the benchmarks build with

# Common words of the field, then invented ones: the vocabulary is Zipf-distributed
# over tens of thousands of word types, like real prose, so search indexes are
# realistically sized.
COMMON = """the of and to a in that is was for on with as by at from it they people
community this are be their have were had not but which who all more one when local
young new group work about there between other after groups we would some residents
neighbours project time been also them its into so people's council school centre
what two can where first over year people many through years only each women men
families children parents volunteers trust voice agency understanding skills purpose
tensions capacity campaign policy faith age gender class wealth race ethnicity
geography divide dialogue mediation sport arts advocacy signposting organising meeting
meetings conversation conversations listening together across different difference
shared common town city estate street streets neighbourhood village market park hall
library mosque church gurdwara temple synagogue club youth elders older younger
newcomers refugees migrants tenants landlords housing rent bins parking noise garden
allotment football cricket choir drama music film photography cooking food kitchen
lunch tea festival walk walks visit visits session sessions workshop workshops training
mentor mentors facilitator facilitators partner partners funding funder grant report
evidence outcome outcomes change changed changes trust trusted respect fear anger rumour
rumours story stories media newspaper radio online social leaders leader officer
officers police ward councillor councillors mayor service services support helped help
helping learned learning knew know known heard hear spoke speak talk talked together
quiet slow patient careful honest difficult hard easy small large long short weekly
monthly evening morning afternoon summer winter spring autumn first second third last
began started finished continued grew built opened closed moved stayed left returned
agreed disagreed argued asked answered explained described remembered noticed found
felt thought believed wanted needed tried decided planned organised invited welcomed
brought met shared cooked played painted sang wrote read walked cleaned repaired planted
""".split()
SYLLABLES = (
    "ba be bi bo bu da de di do du fa fe fi fo ga ge go ka ke ki ko la le li "
    "lo lu ma me mi mo mu na ne ni no nu pa pe pi po ra re ri ro ru sa se si "
    "so su ta te ti to tu va ve vi wa we wi ya yo za zo bar ber dan del fen "
    "gar hol kin lan mar nor pen quin ros sal tan ton ver win"
).split()
INVENTED = 30_000
TOWNS = """Oldham Bradford Leicester Lewisham Hull Bristol Newcastle Birmingham Coventry
Peterborough Southampton Boston Crawley Luton Burnley Rochdale Dewsbury Keighley Slough
Wolverhampton Sunderland Middlesbrough Plymouth Exeter Norwich Ipswich Derby Nottingham
Sheffield Leeds Liverpool Preston Blackburn Stoke Walsall Dudley Reading Oxford Cambridge
Brighton Hastings Margate Dover Gloucester Swindon Truro Carlisle Barrow Grimsby""".split()
ORG_KINDS = [
    "Community Trust",
    "Neighbour Mediation",
    "Youth Forum",
    "Faith Network",
    "Tenants' Association",
    "Arts Collective",
    "Sports Club",
    "Women's Centre",
    "Refugee Welcome",
    "Residents' Alliance",
    "Listening Project",
    "Good Neighbours",
]
LANGS = ["ur", "pl", "pa", "bn", "ar", "so", "ro", "gu"]
SECTORS = [
    "community and voluntary",
    "local authority",
    "faith",
    "housing",
    "education",
    "health",
    "police",
    "arts",
    "sport",
    "business",
]
INDICATORS = [
    "people taking part",
    "sessions held",
    "volunteers trained",
    "complaints resolved",
    "new groups formed",
    "families reached",
]


class Words:
    """Zipf-distributed words: a few very common, a long tail of rare ones."""

    def __init__(self, rng: random.Random):
        invented = set()
        while len(invented) < INVENTED:
            invented.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
        self.types = COMMON + sorted(invented - set(COMMON))
        rng.shuffle(self.types[len(COMMON) :])
        self.cumulative = list(itertools.accumulate(1 / (rank + 8) for rank in range(len(self.types))))
        self.rng = rng

    def take(self, k: int) -> list[str]:
        return self.rng.choices(self.types, cum_weights=self.cumulative, k=k)

    def sentence(self, low: int = 8, high: int = 22) -> str:
        words = self.take(self.rng.randint(low, high))
        if self.rng.random() < 0.15:  # some emphasis
            i = self.rng.randrange(len(words))
            words[i] = f"*{words[i]}*"
        if len(words) > 10 and self.rng.random() < 0.4:
            words[len(words) // 2] += ","
        return " ".join(words).capitalize() + self.rng.choice(".....?!")

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence() for _ in range(sentences))

    def title(self, low: int = 3, high: int = 7) -> str:
        return " ".join(self.take(self.rng.randint(low, high))).capitalize()


def _yaml(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)


def _terms(rng: random.Random, keys: list[str], i: int, low: int, high: int) -> list[str]:
    """Some terms at random, always including one chosen by position so that every
    term of the vocabulary is used."""
    chosen = {keys[i % len(keys)]} | set(rng.sample(keys, rng.randint(low, high)))
    return [k for k in keys if k in chosen]


def generate(out: Path, stories: int, events: int, seed: int = 1, copy_theme: bool = False) -> None:
    rng = random.Random(seed)
    words = Words(rng)
    settings = yaml.safe_load((REPO / "site.yaml").read_text("utf-8"))
    vocab = {v: list(settings[v]) for v in ("categories", "approaches", "divides", "themes", "regions")}

    out.mkdir(parents=True, exist_ok=True)
    for folder in ("stories", "events", "pages"):
        if (out / folder).exists():
            shutil.rmtree(out / folder)
        (out / folder).mkdir()
    shutil.copy(REPO / "site.yaml", out / "site.yaml")
    theme = out / "theme"
    if theme.is_symlink() or theme.is_file():
        theme.unlink()
    elif theme.exists():
        shutil.rmtree(theme)
    if copy_theme:
        shutil.copytree(REPO / "theme", theme)

    organisations = sorted(
        {f"{rng.choice(TOWNS)} {words.title(1, 1)} {rng.choice(ORG_KINDS)}" for _ in range(max(20, stories // 8))}
    )
    event_slugs = [_event(out, words, rng, i, vocab, organisations) for i in range(events)]
    # Decide every story's slug and visibility first, so links point only at public stories.
    slugs = [f"{'-'.join(words.take(rng.randint(2, 4)))}-{i}".replace("'", "") for i in range(stories)]
    hidden = {i: rng.choice(["draft", "withdrawn", "embargoed"]) for i in range(stories) if rng.random() < 0.03}
    public = [i for i in range(stories) if i not in hidden]
    for i in range(stories):
        _story(out, words, rng, i, slugs, hidden.get(i), public, event_slugs, vocab, organisations)
    (out / "pages" / "about.md").write_text(
        "---\n"
        + _yaml(
            {"title": "About this benchmark site", "summary": "A generated site for measuring build speed.", "nav": 1}
        )
        + "---\n\n"
        + "\n\n".join(words.paragraph(5) for _ in range(4))
        + "\n",
        "utf-8",
    )


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _event(out: Path, words: Words, rng: random.Random, i: int, vocab: dict, orgs: list[str]) -> str:
    slug = f"{rng.choice(TOWNS).lower()}-gathering-{i}"
    start = _day(rng, date(2012, 1, 1), date(2026, 6, 30))
    front = {
        "title": f"{words.title(2, 4)}: a gathering",
        "summary": words.sentence(12, 30),
        "date": start.isoformat(),
        "status": "published",
        "region": vocab["regions"][i % len(vocab["regions"])],
        "place": rng.choice(TOWNS),
        "hosts": rng.sample(orgs, rng.randint(1, 2)),
        "attendees": rng.randint(5, 300),
        "organisations_represented": rng.randint(2, 80),
        "sectors": rng.sample(SECTORS, rng.randint(1, 4)),
        "questions": [words.sentence(6, 12).rstrip(".!") + "?" for _ in range(rng.randint(2, 5))],
    }
    if rng.random() < 0.3:
        front["end_date"] = (start + timedelta(days=rng.randint(1, 2))).isoformat()
    body = [words.paragraph(4)]
    for _ in range(rng.randint(2, 4)):
        body += [f"## {words.title()}", words.paragraph(rng.randint(3, 6))]
    (out / "events" / f"{slug}.md").write_text("---\n" + _yaml(front) + "---\n\n" + "\n\n".join(body) + "\n", "utf-8")
    return slug


def _story(
    out: Path,
    words: Words,
    rng: random.Random,
    i: int,
    slugs: list[str],
    hidden: str | None,
    public: list[int],
    events: list[str],
    vocab: dict,
    orgs: list[str],
) -> None:
    when = _day(rng, date(2012, 1, 1), date(2026, 6, 30))
    front: dict = {"title": words.title(), "summary": words.sentence(14, 40), "date": when.isoformat()}
    if rng.random() < 0.1:
        front["updated"] = _day(rng, when, when + timedelta(days=400)).isoformat()
    front["status"] = "draft" if hidden == "draft" else "published"
    if hidden == "embargoed":
        front["publish_on"] = (BUILD_DATE + timedelta(days=rng.randint(1, 300))).isoformat()
    elif rng.random() < 0.01:
        front["unpublish_on"] = (BUILD_DATE + timedelta(days=rng.randint(1, 300))).isoformat()
    front["categories"] = _terms(rng, vocab["categories"], i, 0, 2)
    front["approaches"] = _terms(rng, vocab["approaches"], i, 0, 2)
    front["divides"] = _terms(rng, vocab["divides"], i, 0, 2)
    front["themes"] = _terms(rng, vocab["themes"], i, 0, 1)
    front["region"] = vocab["regions"][i % len(vocab["regions"])]
    front["place"] = rng.choice(TOWNS)
    front["organisations"] = rng.sample(orgs, rng.randint(1, 3))
    if events and rng.random() < 0.3:
        front["event"] = rng.choice(events)
    consent = {
        "status": "withdrawn" if hidden == "withdrawn" else "given",
        "date": (when - timedelta(days=rng.randint(1, 60))).isoformat(),
    }
    if rng.random() < 0.2:
        consent["anonymised"] = True
    if i % 2 == 0:  # half the stories offered to a network (chosen without the generator: the rest stays as it was)
        consent["network"] = True
    front["consent"] = consent
    if rng.random() < 0.5:
        front["quote"] = {"text": words.sentence(10, 30), "attribution": f"A volunteer in {front['place']}"}
    if rng.random() < 0.3:
        front["outcomes"] = [
            {
                "indicator": rng.choice(INDICATORS),
                "value": rng.randint(3, 400),
                "evidence": rng.choice(["self-reported", "observed", "evaluated"]),
            }
            for _ in range(rng.randint(1, 3))
        ]
    if rng.random() < 0.1:
        front["contact"] = {
            "name": words.title(2, 2),
            "organisation": front["organisations"][0],
            "email": f"press{i}@example.org",
        }
    # A translation of an earlier public original; links point only at public stories.
    original = rng.choice([j for j in public[:50] if j < i] or [None]) if i > 50 and rng.random() < 0.01 else None
    if original is not None and hidden is None:
        front["lang"] = rng.choice(LANGS)
        front["translation_of"] = slugs[original]
    if rng.random() < 0.02:
        front["aliases"] = [f"/old/{slugs[i]}/"]
    front["tags"] = sorted(set(words.take(rng.randint(0, 4))))
    if rng.random() < 0.02:
        front["featured"] = True
    text = "---\n" + _yaml({"slug": slugs[i], **front}) + "---\n\n" + _body(words, rng, i, slugs, public, front) + "\n"
    (out / "stories" / f"{slugs[i]}.md").write_text(text, "utf-8")


def _body(words: Words, rng: random.Random, i: int, slugs: list[str], public: list[int], front: dict) -> str:
    """About 800 words: paragraphs under a few headings, a list, a quote, links."""

    def link() -> str:
        other = rng.choice(public)
        return f"[{' '.join(words.take(rng.randint(2, 4)))}](../stories/{slugs[other]}.md)"

    parts = [words.paragraph(rng.randint(4, 6)), words.paragraph(rng.randint(4, 6)) + f" See also {link()}."]
    for section in range(rng.randint(4, 6)):
        parts.append(f"## {words.title()}")
        parts.append(words.paragraph(rng.randint(4, 7)))
        kind = (section + i) % 4
        if kind == 0:
            parts.append("\n".join(f"- {words.sentence(5, 14)}" for _ in range(rng.randint(3, 6))))
        elif kind == 1:
            parts.append("> " + words.sentence(12, 30))
        elif kind == 2:
            parts.append(f"### {words.title(2, 4)}")
            parts.append(words.paragraph(3) + f" Compare {link()} and {link()}.")
        elif rng.random() < 0.5:
            parts.append(
                "| Activity | People |\n|---|---|\n"
                + "\n".join(f"| {words.title(1, 3)} | {rng.randint(2, 90)} |" for _ in range(3))
            )
        else:
            parts.append("\n".join(f"{n}. {words.sentence(4, 10)}" for n in range(1, 4)))
    if "event" in front:
        parts.append(f"This story was told at [the {front['place']} gathering](../events/{front['event']}.md).")
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the site folder to write (its content folders are replaced)")
    parser.add_argument("--stories", type=int, default=1000)
    parser.add_argument("--events", type=int, default=None, help="default: one per 25 stories")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--copy-theme", action="store_true", help="copy the default theme into the site (without it: no theme folder)"
    )
    args = parser.parse_args(argv)
    events = args.events if args.events is not None else max(1, args.stories // 25)
    generate(args.out, args.stories, events, args.seed, args.copy_theme)
    print(f"Wrote {args.stories} stories and {events} events to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
