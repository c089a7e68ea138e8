"""Work that grows with its input, not faster (issue 19, class 7): counted, not timed."""

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

from goodrel_site import anchors, markdown

HEADINGS = st.lists(
    st.sampled_from(["Questions", "questions", "Questions 1", "Questions-1", "A", "a-1", "a"]), max_size=40
)


@settings(max_examples=200, deadline=None)
@given(HEADINGS)
def test_heading_ids_are_the_ones_links_were_written_against(titles):
    text = "\n\n".join(f"## {t}" for t in titles)
    plugin = MarkdownIt("commonmark").use(anchors_plugin, min_level=2, max_level=4)
    assert markdown.render("s.md", text, 1, markdown._NOWHERE).html == plugin.render(text)


def test_repeated_headings_cost_one_try_each():
    tries = 0

    class Counting(set):
        def __contains__(self, item):
            nonlocal tries
            tries += 1
            return super().__contains__(item)

    taken, following = Counting(), {}
    for _ in range(5_000):
        anchors.unique("heading", taken, following)
    assert len(taken) == 5_000
    assert tries <= 2 * 5_000  # (the plugin's way: about 12.5 million)
