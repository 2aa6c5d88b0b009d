"""``marsound.recordings`` imports its names on first use (PEP 562): every exported name resolves."""

from __future__ import annotations

import importlib

import pytest

import marsound.recordings as rec


@pytest.mark.parametrize("name", rec.__all__)
def test_every_exported_name_resolves_to_its_module_object(name):
    value = getattr(rec, name)
    module = importlib.import_module(rec._WHERE[name])
    assert value is getattr(module, name)
    assert name in dir(rec)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        rec.no_such_name  # noqa: B018
