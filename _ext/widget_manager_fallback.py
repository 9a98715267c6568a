"""Sphinx extension: myst-nb's CDN widget manager when the site's copy is missing.

Why: the site serves @jupyter-widgets/html-manager and require.js itself
(``nb_ipywidgets_js`` in _config.yml), fetched with npm by ``make widgets-js``,
so that the explorers draw offline. A reader without npm can still build the
book with ``make book``: the pages then load the widget manager from myst-nb's
default CDNs and need the network for the explorers only. The warning says so,
and makes every strict build (``-W``: ``make test``, CI, the published site)
fail instead, so what is tested and published is always the offline site.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)


def _served_by_the_site(config, confdir: Path, script: str) -> bool:
    """Whether `script`, a path under _static/, is in html_static_path or
    html_extra_path."""
    folders = [confdir / d for d in config.html_static_path]
    folders += [confdir / d / "_static" for d in config.html_extra_path]
    return any((folder / script).is_file() for folder in folders)


def fall_back_to_the_cdn(app, config) -> None:
    local = [s for s in config.nb_ipywidgets_js if "://" not in s]
    missing = [
        s for s in local if not _served_by_the_site(config, Path(app.confdir), s)
    ]
    if not missing:
        return
    from myst_nb.core.config import ipywidgets_js_factory

    config.nb_ipywidgets_js = ipywidgets_js_factory()
    logger.warning(
        "%s not found (run `make widgets-js`, which needs npm): the explorers on "
        "this site load the widget manager from a CDN and need the network",
        ", ".join(missing),
    )


def setup(app):
    app.connect("config-inited", fall_back_to_the_cdn)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
