"""`licaudit cache info|clear`: the Hub cache in SQLite."""

import sys

from licaudit.cli.app import cache_app
from licaudit.cli.options import FormatOption, OutputFormat
from licaudit.cli.output import stdout_console


@cache_app.command("info")
def cache_info(output_format: FormatOption = OutputFormat.TEXT) -> None:
    """Where the Hub cache is, its size, and how many answers it holds."""
    from licaudit.data_cache import default_cache_dir
    from licaudit.reports.cache_summary import cache_document, render_cache_info
    from licaudit.sources.hub.cache import HubCache

    cache = HubCache(default_cache_dir())
    try:
        stats = cache.stats()
    finally:
        cache.close()
    if output_format is OutputFormat.JSON:
        import json

        sys.stdout.write(json.dumps(cache_document(stats), indent=2) + "\n")
    else:
        render_cache_info(stats, stdout_console())


@cache_app.command("clear")
def cache_clear() -> None:
    """Forget every cached Hub answer (other licaudit tables in the file are kept)."""
    from licaudit.data_cache import default_cache_dir
    from licaudit.sources.hub.cache import HubCache

    cache = HubCache(default_cache_dir())
    try:
        removed = cache.clear()
    finally:
        cache.close()
    sys.stdout.write(f"removed {removed} cached Hub answers from {cache.path}\n")
