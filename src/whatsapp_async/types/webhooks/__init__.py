"""msgspec Structs for the notifications Meta POSTs to a webhook.

The envelope is ``Notification -> Entry -> Change -> MessagesValue`` and a
``messages`` value carries inbound ``messages``, outbound ``statuses`` and
account-level ``errors``. Build these with
:func:`whatsapp_async.webhooks.parse_notification`, which also turns an
unknown message type into :class:`UnknownMessage` and an unknown ``field``
into :class:`UnknownChange` instead of failing the whole body.

Timestamps stay strings as on the wire (``timestamp``); the ``time``
properties give timezone-aware UTC datetimes. Unknown fields are ignored.

Import from here; the private modules hold one part each:

- ``_common``: the Struct base, timestamps, ``ErrorInfo`` and ``Metadata``,
  shared by every field family;
- ``_envelope``: ``Notification``, ``Entry`` and the ``Change`` union;
- ``_messages_field``: the ``messages`` field's value and change;
- ``_inbound``: its inbound message kinds, one class per wire ``type``;
- ``_message_contents``: the bodies those kinds carry;
- ``_statuses``: its status updates of sent messages;
- ``_unknown``: what the parser keeps of a message type or field it does not know.

A new field family (``message_template_status_update``, ``account_update``,
...) gets its own module with its value and change Structs, joins the
``Change`` union in ``_envelope`` and is taught to
:func:`~whatsapp_async.webhooks.parse_notification`.
"""

from ._common import (
    ErrorData,
    ErrorInfo,
    Metadata,
)
from ._envelope import (
    Change,
    Entry,
    Notification,
)
from ._inbound import (
    MESSAGE_KINDS,
    AudioMessage,
    ButtonMessage,
    ContactsMessage,
    Context,
    DocumentMessage,
    ImageMessage,
    InteractiveMessage,
    KnownMessage,
    LocationMessage,
    OrderMessage,
    ReactionMessage,
    Referral,
    ReferredProduct,
    StickerMessage,
    SystemMessage,
    TextMessage,
    UnsupportedMessage,
    VideoMessage,
    WelcomeMessage,
)
from ._message_contents import (
    AudioContent,
    ButtonContent,
    ButtonReply,
    ContactAddress,
    ContactCard,
    ContactEmail,
    ContactName,
    ContactOrg,
    ContactPhone,
    ContactUrl,
    DocumentContent,
    ImageContent,
    InteractiveContent,
    ListReply,
    LocationContent,
    MediaContent,
    NfmReply,
    OrderContent,
    ProductItem,
    ReactionContent,
    StickerContent,
    SystemContent,
    TextContent,
    UnsupportedContent,
    VideoContent,
)
from ._messages_field import (
    Contact,
    InboundMessage,
    MessagesChange,
    MessagesValue,
    Profile,
)

# Private, but importable from here before the split (the parser builds on it).
from ._messages_field import _ValueBase as _ValueBase
from ._statuses import (
    Conversation,
    ConversationOrigin,
    Pricing,
    Status,
)
from ._unknown import (
    UnknownChange,
    UnknownMessage,
)

__all__ = [
    "MESSAGE_KINDS",
    "AudioContent",
    "AudioMessage",
    "ButtonContent",
    "ButtonMessage",
    "ButtonReply",
    "Change",
    "Contact",
    "ContactAddress",
    "ContactCard",
    "ContactEmail",
    "ContactName",
    "ContactOrg",
    "ContactPhone",
    "ContactUrl",
    "ContactsMessage",
    "Context",
    "Conversation",
    "ConversationOrigin",
    "DocumentContent",
    "DocumentMessage",
    "Entry",
    "ErrorData",
    "ErrorInfo",
    "ImageContent",
    "ImageMessage",
    "InboundMessage",
    "InteractiveContent",
    "InteractiveMessage",
    "KnownMessage",
    "ListReply",
    "LocationContent",
    "LocationMessage",
    "MediaContent",
    "MessagesChange",
    "MessagesValue",
    "Metadata",
    "NfmReply",
    "Notification",
    "OrderContent",
    "OrderMessage",
    "Pricing",
    "ProductItem",
    "Profile",
    "ReactionContent",
    "ReactionMessage",
    "Referral",
    "ReferredProduct",
    "Status",
    "StickerContent",
    "StickerMessage",
    "SystemContent",
    "SystemMessage",
    "TextContent",
    "TextMessage",
    "UnknownChange",
    "UnknownMessage",
    "UnsupportedContent",
    "UnsupportedMessage",
    "VideoContent",
    "VideoMessage",
    "WelcomeMessage",
]
