"""The command line: build (the default), check, new, serve and schema."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

from . import __version__, blanks
from .again import again
from .options import Options, build_date, default_jobs
from .pipeline import build
from .problems import (
    ContentError,
    ImageError,
    UsageError,
    counted,
    environment_error,
    report,
    shown,
)
from .progress import Printed
from .sitefiles import Refused


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date YYYY-MM-DD") from None


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError("--jobs takes a whole number, 1 or more")
    return int(text)


def parser(default_site: Path) -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="goodrel", description="Build the good-relations story site.")
    main.add_argument("--version", action="version", version=f"goodrel {__version__}")
    commands = main.add_subparsers(dest="command")

    def site_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--site", type=Path, default=default_site, help=f"the site root (default: {default_site})")

    b = commands.add_parser("build", help="build the site (the default command)")
    site_option(b)
    b.add_argument("--out", type=Path, help="output folder (default: SITE/public)")
    b.add_argument("--now", type=_date, help="build date YYYY-MM-DD (default: SOURCE_DATE_EPOCH or today)")
    b.add_argument("--drafts", action="store_true", help="include drafts and embargoed items (local preview only)")
    b.add_argument("--jobs", type=_jobs, default=default_jobs(), help="worker processes (default: all cores)")
    b.add_argument("--base-url", help="the address the site is published at (default: base_url in site.yaml)")
    b.add_argument("--no-search", dest="search", action="store_false", help="skip the search index")
    b.add_argument("--quiet", action="store_true", help="print no line per stage, only problems and the result")

    c = commands.add_parser("check", help="validate everything without writing")
    site_option(c)
    c.add_argument("--now", type=_date, help="check as on this date YYYY-MM-DD")
    c.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text (PATH:LINE: message), json, or GitHub workflow annotations",
    )

    n = commands.add_parser("new", help="start a new story or event from a template")
    n.add_argument("kind", choices=blanks.KINDS)
    n.add_argument("title")
    site_option(n)

    s = commands.add_parser("serve", help="preview on 127.0.0.1, rebuilding when files change")
    site_option(s)
    s.add_argument("--port", type=int, default=8000)
    s.add_argument(
        "--drafts",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="show drafts and embargoed items, marked as drafts (the default); "
        "--no-drafts shows only what would be published",
    )

    i = commands.add_parser("init", help="start a new site in an empty or new folder")
    i.add_argument("folder", type=Path)
    i.add_argument("--hub", action="store_true", help="a hub of a network: it publishes its member sites' stories too")

    j = commands.add_parser("schema", help="write the JSON Schema for editors' tools into SITE/schema/")
    site_option(j)
    return main


def main(argv: list[str] | None = None, default_site: Path | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv.insert(0, "build")  # build is the default command
    args = parser(default_site or Path.cwd()).parse_args(argv)
    site = getattr(args, "site", None) or getattr(args, "folder", None) or Path.cwd()  # (init has a folder)
    try:
        return COMMANDS[args.command](args)
    except UsageError as err:
        print(f"goodrel: {err}", file=sys.stderr)
        return 2
    except ContentError as err:
        report(err.problems)
        print(f"{counted(len(err.problems), 'error')}; nothing was written.", file=sys.stderr)
        return 1
    except Refused as err:  # a site file refused where nothing else caught it
        report([err.problem])
        print("1 error; nothing was written.", file=sys.stderr)
        return 1
    except ImageError as err:  # a picture changed, or went, after it was checked
        print(f"{shown(err.source, site)}: {err.message}", file=sys.stderr)
        print("1 error; nothing was written.", file=sys.stderr)
        return 1
    except OSError as err:  # the disk or the system said no: a full or read-only disk…
        print(f"goodrel: {environment_error(err, site)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("goodrel: stopped; the output is as it was.", file=sys.stderr)
        return 130


def run_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    out = args.out or args.site / "public"
    result = build(
        Options(
            site=args.site,
            out=out,
            now=build_date(args.now),
            drafts=args.drafts,
            jobs=args.jobs,
            base_url=args.base_url,
            search=args.search,
        ),
        Printed(quiet=args.quiet),
    )
    report(list(result.notes))
    what = (
        f"{counted(result.files, 'file')} ({counted(result.stories, 'story', 'stories')}, "
        f"{counted(result.events, 'event')})"
    )
    seconds = time.perf_counter() - started
    print(
        f"Up to date: nothing has changed since the last build of {what} into {out} ({seconds:.2f} s)"
        if result.skipped
        else f"Built {what} into {out} in {seconds:.2f} s"
    )
    return 0


def run_check(args: argparse.Namespace) -> int:
    from .stages import check

    problems = check(args.site.resolve(), build_date(args.now))
    if args.format == "json":
        print(
            json.dumps(
                [{"path": p.path, "line": p.line, "level": p.level, "message": p.message} for p in problems], indent=2
            )
        )
    elif args.format == "github":
        for p in problems:
            level = {"error": "error", "warning": "warning"}.get(p.level, "notice")
            line = f",line={p.line}" if p.line else ""
            print(f"::{level} file={_annotation(p.path, True)}{line}::{_annotation(p.message)}")
    else:
        for p in problems:
            print(p, file=sys.stderr if p.level == "error" else sys.stdout)
    errors = sum(p.level == "error" for p in problems)
    if args.format == "text":
        print(f"{counted(errors, 'error')}, {counted(len(problems) - errors, 'note')}.", file=sys.stderr)
    return 1 if errors else 0


def _annotation(text: str, is_property: bool = False) -> str:
    """Escape text for a GitHub workflow command (its properties also escape : and ,)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if is_property else text


def run_new(args: argparse.Namespace) -> int:
    from .new import create

    serve = again(args.site, "serve")
    path = create(args.site.resolve(), args.kind, args.title, date.today(), serve)
    print(
        f"Created {path}: fill in the fields and write the text below them.\n"
        f"See it as you write (drafts are shown, marked): {serve}\n"
        f"Before publishing, check it:                    {again(args.site, 'check')}"
    )
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    return serve(args.site.resolve(), args.port, args.drafts)


def run_init(args: argparse.Namespace) -> int:
    from .scaffold import create

    print(create(args.folder, hub=args.hub))
    return 0


def run_schema(args: argparse.Namespace) -> int:
    from .schema import write
    from .validate import load_settings

    root = args.site.resolve()
    written = write(root, load_settings(root))
    for path in written:
        print(f"Wrote {path.relative_to(root)}")
    if not written:
        print("The schema files were already up to date.")
    return 0


COMMANDS = {
    "build": run_build,
    "check": run_check,
    "new": run_new,
    "serve": run_serve,
    "schema": run_schema,
    "init": run_init,
}
