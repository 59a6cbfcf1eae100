"""whatsapp_async.testing exports no core name; the old colliding names are deprecated aliases."""

from __future__ import annotations

import importlib
import pkgutil
import warnings

import pytest

import whatsapp_async
import whatsapp_async.testing as testing

RENAMED = {
    "SentMessage": "RecordedMessage",
    "QrCode": "StoredQrCode",
    "Location": "InboundLocation",
    "Reaction": "InboundReaction",
    "ButtonReply": "InboundButtonReply",
    "ListReply": "InboundListReply",
    "InboundMessage": "SimulatedMessage",
}


@pytest.mark.parametrize(("old", "new"), sorted(RENAMED.items()))
def test_old_name_warns_and_is_the_new_class(old: str, new: str) -> None:
    with pytest.warns(DeprecationWarning, match=rf"testing\.{old} is deprecated") as caught:
        value = getattr(testing, old)
    assert value is getattr(testing, new)
    assert all(new in str(w.message) for w in caught)
    # The warning points at the code that used the old name, not at the package.
    assert {w.filename for w in caught} == {__file__}


def test_from_import_of_an_old_name_warns() -> None:
    with pytest.warns(DeprecationWarning, match="RecordedMessage"):
        from whatsapp_async.testing import SentMessage
    assert SentMessage is testing.RecordedMessage


@pytest.mark.parametrize("new", sorted(RENAMED.values()))
def test_new_names_are_exported_without_warning(new: str) -> None:
    assert new in testing.__all__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert getattr(testing, new) is not None


def test_old_names_are_not_in_all() -> None:
    assert not set(RENAMED) & set(testing.__all__)


def test_unknown_name_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        _ = testing.NoSuchThing  # type: ignore[attr-defined]


def _core_public_names() -> set[str]:
    names = set(whatsapp_async.__all__)
    for info in pkgutil.walk_packages(whatsapp_async.__path__, "whatsapp_async."):
        if info.name.startswith("whatsapp_async.testing") or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        names.update(getattr(module, "__all__", ()))
    return names


def test_no_testing_export_collides_with_a_core_name() -> None:
    assert not set(testing.__all__) & _core_public_names()
