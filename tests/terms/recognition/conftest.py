"""One recogniser over the shipped catalog for the whole session (its text index is built once)."""

from __future__ import annotations

import pytest

from licaudit.shipped import shipped_folder
from licaudit.terms.catalog import Catalog, load_catalog
from licaudit.terms.recognition.hub_history import load_hub_history
from licaudit.terms.recognition.recogniser import Recogniser


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(shipped_folder("rules") / "licenses")


@pytest.fixture(scope="session")
def recogniser(catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Recogniser:
    cache = tmp_path_factory.mktemp("recognition-cache")
    return Recogniser(catalog, load_hub_history(shipped_folder("rules")), cache)
