"""A local, stateful WhatsApp Cloud API for tests, examples and the sandbox.

``FakeCloudAPI`` serves the Cloud API operations this library covers on
loopback, remembers what was sent, refuses bad requests the way Meta does,
enforces the real limits, injects faults on demand and posts signed webhooks::

    from whatsapp_async.testing import FakeCloudAPI

    async with FakeCloudAPI() as fake:
        ...  # WhatsAppClient(fake.access_token, fake.phone_number_id, base_url=fake.base_url)

The pytest plugin (fixtures ``fake_cloud_api`` and ``whatsapp_client``) is
registered automatically when the package is installed. This package is not
imported by ``import whatsapp_async``, so the core stays light.

No name here is also a core name: what the fake recorded is a
``RecordedMessage`` (the core's ``SentMessage`` is the API's answer), a stored
QR code a ``StoredQrCode``, and what a simulated user sends an ``Inbound*``
kind. The old names still import, with a ``DeprecationWarning``, for one release.

``OPENAPI_SPEC`` is the path of the OpenAPI document of the operations this
library implements (the fake serves them; the conformance tests check against it).
"""

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._faults import Fault, FaultInjector, FaultPlan, Latency
from ._flow_exchange import FlowExchange, FlowExchangeError
from ._routes_flows import StoredFlow
from ._server import FakeCloudAPI
from ._state import (
    PairLimit,
    PhoneNumberState,
    ReadMark,
    RecordedMessage,
    Refusal,
    StoredMedia,
    StoredQrCode,
)
from ._webhooks import (
    InboundButtonReply,
    InboundFlowReply,
    InboundListReply,
    InboundLocation,
    InboundReaction,
    Media,
    QuickReply,
    SimulatedMessage,
    WebhookDelivery,
)

#: The OpenAPI 3.1 document of the Cloud API operations this library implements.
OPENAPI_SPEC = Path(__file__).resolve().parent / "openapi" / "whatsapp-cloud-api.yaml"

__all__ = [
    "OPENAPI_SPEC",
    "FakeCloudAPI",
    "Fault",
    "FaultInjector",
    "FaultPlan",
    "FlowExchange",
    "FlowExchangeError",
    "InboundButtonReply",
    "InboundFlowReply",
    "InboundListReply",
    "InboundLocation",
    "InboundReaction",
    "Latency",
    "Media",
    "PairLimit",
    "PhoneNumberState",
    "QuickReply",
    "ReadMark",
    "RecordedMessage",
    "Refusal",
    "SimulatedMessage",
    "StoredFlow",
    "StoredMedia",
    "StoredQrCode",
    "WebhookDelivery",
]

#: Old name -> new name. The old names collided with core names; they go in
#: the release after the one that deprecated them.
_RENAMED = {
    "ButtonReply": "InboundButtonReply",
    "InboundMessage": "SimulatedMessage",
    "ListReply": "InboundListReply",
    "Location": "InboundLocation",
    "QrCode": "StoredQrCode",
    "Reaction": "InboundReaction",
    "SentMessage": "RecordedMessage",
}

if TYPE_CHECKING:
    # Type checkers see the old names as plain aliases; no __getattr__ for
    # them, so a misspelt import is still an error.
    ButtonReply = InboundButtonReply
    InboundMessage = SimulatedMessage
    ListReply = InboundListReply
    Location = InboundLocation
    QrCode = StoredQrCode
    Reaction = InboundReaction
    SentMessage = RecordedMessage
else:

    def __getattr__(name: str) -> Any:
        new = _RENAMED.get(name)
        if new is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        warnings.warn(
            f"whatsapp_async.testing.{name} is deprecated and will be removed in the next "
            f"release; use whatsapp_async.testing.{new}",
            DeprecationWarning,
            stacklevel=2,
        )
        return globals()[new]
