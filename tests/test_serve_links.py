"""Issue 19: the preview keeps running, and says why in one message, when a theme link
leads out of the site. A folder link to / under theme/static/ made the preview's change
watcher walk the whole computer and stop on the first folder it could not read
('goodrel: PermissionError.'), so the editor saw no page at all. Now the watcher never
follows a link out of the site: the page names the link, and once it is deleted the
preview shows the site again."""

from __future__ import annotations

import os

from bs4 import BeautifulSoup
from test_serve import PAGE, STORY, copy_site, start, stop, until


def test_a_theme_folder_link_to_the_whole_computer_is_named_and_the_preview_goes_on(tmp_path):
    root = copy_site(tmp_path / "site")
    link = root / "theme" / "static" / "everything"
    os.symlink("/", link)
    preview = start(root)
    try:
        problem = BeautifulSoup(preview.error_page(), "html.parser").select_one("main li").get_text(" ", strip=True)
        assert problem.startswith("theme/static/everything : is a link to /, outside the site"), problem
        assert preview.process.poll() is None
        link.unlink()
        preview.edit(STORY, "title: Welcome walks", "title: Welcome walks again")
        assert until(lambda: preview.title(PAGE) == "Welcome walks again", "the fixed site")
    finally:
        stop(preview)
    log = preview.log.read_text("utf-8")
    assert "Traceback" not in log and "PermissionError" not in log, log
