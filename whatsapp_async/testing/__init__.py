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
"""

from ._faults import Fault, FaultInjector, FaultPlan, Latency
from ._server import FakeCloudAPI
from ._state import (
    PairLimit,
    PhoneNumberState,
    QrCode,
    ReadMark,
    Refusal,
    SentMessage,
    StoredMedia,
)
from ._webhooks import (
    ButtonReply,
    InboundMessage,
    ListReply,
    Location,
    Media,
    QuickReply,
    Reaction,
    WebhookDelivery,
)

__all__ = [
    "ButtonReply",
    "FakeCloudAPI",
    "Fault",
    "FaultInjector",
    "FaultPlan",
    "InboundMessage",
    "Latency",
    "ListReply",
    "Location",
    "Media",
    "PairLimit",
    "PhoneNumberState",
    "QrCode",
    "QuickReply",
    "Reaction",
    "ReadMark",
    "Refusal",
    "SentMessage",
    "StoredMedia",
    "WebhookDelivery",
]
