def test_home_page_renders_in_chromium(page, bundled_url):
    page.goto(bundled_url + "/")
    assert page.locator("h1").count() == 1
    assert page.title()
