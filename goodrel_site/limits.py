"""How much of anything the site will read: past these, a clear `PATH:LINE:` error,
never hours of work or gigabytes of memory. docs/security.md lists them with the
reasons; change them there too."""

# Files
CONTENT_FILE_BYTES = 10 * 1024 * 1024  # a story, event or page, front matter and text
SETTINGS_BYTES = 1024 * 1024  # site.yaml
FRONT_MATTER_CHARS = 64 * 1024  # between the two '---' lines
THEME_FILE_BYTES = 10 * 1024 * 1024  # a template, strings file or static file of a theme

# YAML values (front matter and site.yaml)
YAML_DEPTH = 8  # lists and mappings inside each other; the deepest field needs 3
NUMBER_CHARS = 20  # a whole number written with more characters is refused unread
NUMBER_MAX = 10**15  # whole numbers, either sign (JSON's exact range is up to 2**53)
TEXT_CHARS = 1000  # any one text field without a tighter limit of its own
LIST_ITEMS = 100  # items in any one list (tags, organisations, aliases…)
TITLE_CHARS = 200
LANG_CHARS = 35  # a language tag: BCP 47's practical maximum (RFC 5646, 4.4.1)
SUMMARY_CHARS = 400

# Errors
PROBLEMS_PER_FILE = 50  # explained for one file (problems.ContentError lists as many)

# Images used by content
IMAGE_BYTES = 40 * 1024 * 1024
IMAGE_PIXELS = 50_000_000  # width x height, as the file's header says (8,660 x 5,773)
IMAGE_SIDE = 16_000  # pixels, either side (WebP cannot be wider or taller than 16,383)
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")  # Pillow's decoders for anything else are not used
# All the pictures a site shows, width x height added up: 400 phone photos of 12 MP
# (4,000 x 3,000) and room to spare; decoding them all takes minutes, not hours.
PICTURE_PIXELS_PER_BUILD = 6_000_000_000

# Markdown: what one content file's text may make (markdown.py counts as it parses)
MARKDOWN_PIECES = 1_000_000  # lines, tokens made, places tried; a long story (10,000 words) makes about 10,000

# The network feed (/data/network.json): what one member may offer a hub, whichever side
# reads it (goodrel_site/network/feed.py)
NETWORK_STORIES = 5_000  # stories in one feed (a large member has a few hundred)
NETWORK_TEXT_CHARS = 1_000_000  # one story's html, and its text: 100 times a long story

# The network (network/fetch.py): what one member's feed may cost a hub's build
NETWORK_MEMBERS = 500  # members one hub lists in site.yaml
NETWORK_FEED_BYTES = 32 * 1024 * 1024  # one member's feed as sent (500 long stories are about 15 MB)
NETWORK_SECONDS = 30  # one member, from the first lookup to the last byte, redirects and all
NETWORK_AT_ONCE = 8  # members fetched at the same time
NETWORK_REDIRECTS = 5  # within the member's own origin
# Safeguarding (not a limit on work): a figure pooled from the public items that report
# one measure in one local area is shown only when at least this many items report it;
# from fewer, it could point at one small project (docs/content-model.md, "Areas").
AREA_FIGURE_MIN_ITEMS = 3
