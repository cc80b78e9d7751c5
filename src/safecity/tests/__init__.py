"""Tests that cross app boundaries: the whole command line, the role matrix over every route, the browser
crawl, permissions exercised through incident records. Tests of one app live in that app's `tests/`."""
