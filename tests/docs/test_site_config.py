"""The site's configuration agrees with the package metadata and covers every page."""

from __future__ import annotations

import re

import yaml

from tests.docs._snippets import DOCS, doc_pages

ROOT = DOCS.parent


def _mkdocs() -> dict[str, object]:
    # mkdocs.yml has no custom tags, so the safe loader reads it.
    loaded = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _project_urls() -> dict[str, str]:
    # Python 3.10 has no tomllib; the table is flat "Key = \"value\"" lines.
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    table = text.split("[project.urls]\n", 1)[1].split("\n[", 1)[0]
    return dict(re.findall(r'^(\w+) = "([^"]+)"$', table, re.MULTILINE))


def _nav_pages(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [page for item in node for page in _nav_pages(item)]
    if isinstance(node, dict):
        return [page for value in node.values() for page in _nav_pages(value)]
    return []


def test_project_urls_match_the_site() -> None:
    urls = _project_urls()
    config = _mkdocs()
    assert set(urls) == {"Documentation", "Source", "Changelog"}
    assert urls["Documentation"] == config["site_url"]
    assert urls["Source"] == config["repo_url"]
    assert urls["Changelog"].startswith(f"{urls['Source']}/")
    assert urls["Changelog"].endswith("/CHANGELOG.md")


def test_every_page_is_in_the_nav_and_strict_is_on() -> None:
    config = _mkdocs()
    assert config["strict"] is True
    pages = {page.relative_to(DOCS).as_posix() for page in doc_pages()}
    assert sorted(_nav_pages(config["nav"])) == sorted(pages)


def test_the_reference_documents_every_public_module() -> None:
    text = "\n".join(page.read_text(encoding="utf-8") for page in (DOCS / "reference").glob("*.md"))
    documented = set(re.findall(r"^::: (whatsapp_async[\w.]*)$", text, re.MULTILINE))
    for module in ("client", "errors", "retry", "throttle", "middleware", "request", "outcome",
                   "bulk", "journal", "webhooks", "testing", "types.messages", "types.webhooks",
                   "resources.messages", "resources.media"):
        assert f"whatsapp_async.{module}" in documented, module


def test_the_built_site_is_ignored() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "site/" in ignored
