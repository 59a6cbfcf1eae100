"""Outbound message bodies of ``POST /{phone-number-id}/messages``, and its answer.

Every Struct mirrors Meta's wire shape, so encoding is a single msgspec call
with no dict in between. A *message* Struct (:class:`Text`, :class:`Image`,
:class:`ReplyButtons`, :class:`Template`, ...) is the content of one kind;
:func:`build_request` validates it and wraps it in the envelope that carries
``messaging_product``, ``recipient_type``, ``to`` and ``type``. The envelopes
(:class:`SendText`, ...) form a msgspec tagged union on ``"type"``
(:data:`SendRequest`), so a request body also decodes back to the Struct that
produced it.

Validation lives with the Structs: ``message.validate()`` raises
:class:`~whatsapp_async.errors.ValidationError` naming the dotted wire field
(``"interactive.action.buttons[1].reply.title"``) and the rule broken. The
resource calls it on every send, so a Struct built by hand gets the same checks
as one built by a convenience method.

The package holds one job per module: :mod:`.basic` (text, media, location,
reaction), :mod:`.contacts`, :mod:`.interactive` with :mod:`.interactive_parts`,
:mod:`.flow` and :mod:`.products`, :mod:`.template`, :mod:`.envelope` (the send
body and :func:`build_request`), :mod:`.responses` and :mod:`.limits`. Import
from ``whatsapp_async.types.messages`` itself; the module layout may change.
"""

from __future__ import annotations

from .basic import (
    Audio,
    Document,
    Image,
    Location,
    Reaction,
    Sticker,
    Text,
    Video,
)
from .contacts import (
    Contact,
    ContactAddress,
    ContactEmail,
    ContactName,
    ContactOrg,
    ContactPhone,
    Contacts,
    ContactUrl,
)
from .envelope import (
    Context,
    Group,
    Message,
    ReadReceipt,
    SendAudio,
    SendContacts,
    SendDocument,
    SendImage,
    SendInteractive,
    SendLocation,
    SendReaction,
    SendRequest,
    SendSticker,
    SendTemplate,
    SendText,
    SendVideo,
    TypingIndicator,
    build_request,
    decode_request,
    message_of,
    recipient_of,
)
from .flow import (
    Flow,
    FlowAction,
    FlowActionPayload,
    FlowParameters,
)
from .interactive import (
    CtaUrl,
    CtaUrlAction,
    CtaUrlParameters,
    Interactive,
    InteractiveList,
    ListAction,
    ListRow,
    ListSection,
    LocationRequest,
    LocationRequestAction,
    ReplyButton,
    ReplyButtonItem,
    ReplyButtons,
    ReplyButtonsAction,
)
from .interactive_parts import (
    Body,
    DocumentHeader,
    Footer,
    Header,
    ImageHeader,
    TextHeader,
    VideoHeader,
)
from .interactive_requests import (
    AddressAction,
    AddressMessage,
    AddressParameters,
    CallPermissionAction,
    CallPermissionRequest,
    CatalogAction,
    CatalogMessage,
    CatalogParameters,
    SavedAddress,
)
from .limits import (
    BIZ_OPAQUE_CALLBACK_DATA_MAX as BIZ_OPAQUE_CALLBACK_DATA_MAX,
)
from .limits import (
    CAPTION_MAX as CAPTION_MAX,
)
from .limits import (
    COUPON_CODE_MAX as COUPON_CODE_MAX,
)
from .limits import (
    CTA_DISPLAY_TEXT_MAX as CTA_DISPLAY_TEXT_MAX,
)
from .limits import (
    DOCUMENT_FILENAME_MAX as DOCUMENT_FILENAME_MAX,
)
from .limits import (
    FLOW_CTA_MAX as FLOW_CTA_MAX,
)
from .limits import (
    FOOTER_TEXT_MAX as FOOTER_TEXT_MAX,
)
from .limits import (
    HEADER_TEXT_MAX as HEADER_TEXT_MAX,
)
from .limits import (
    INTERACTIVE_BODY_MAX as INTERACTIVE_BODY_MAX,
)
from .limits import (
    LIST_BODY_MAX as LIST_BODY_MAX,
)
from .limits import (
    LIST_BUTTON_MAX as LIST_BUTTON_MAX,
)
from .limits import (
    LIST_ROW_DESCRIPTION_MAX as LIST_ROW_DESCRIPTION_MAX,
)
from .limits import (
    LIST_ROW_ID_MAX as LIST_ROW_ID_MAX,
)
from .limits import (
    LIST_ROW_TITLE_MAX as LIST_ROW_TITLE_MAX,
)
from .limits import (
    LIST_ROWS_MAX as LIST_ROWS_MAX,
)
from .limits import (
    LIST_SECTION_TITLE_MAX as LIST_SECTION_TITLE_MAX,
)
from .limits import (
    LIST_SECTIONS_MAX as LIST_SECTIONS_MAX,
)
from .limits import (
    LOCATION_ADDRESS_MAX as LOCATION_ADDRESS_MAX,
)
from .limits import (
    LOCATION_NAME_MAX as LOCATION_NAME_MAX,
)
from .limits import (
    PRODUCT_ITEMS_MAX as PRODUCT_ITEMS_MAX,
)
from .limits import (
    PRODUCT_SECTIONS_MAX as PRODUCT_SECTIONS_MAX,
)
from .limits import (
    REPLY_BUTTON_ID_MAX as REPLY_BUTTON_ID_MAX,
)
from .limits import (
    REPLY_BUTTON_TITLE_MAX as REPLY_BUTTON_TITLE_MAX,
)
from .limits import (
    REPLY_BUTTONS_MAX as REPLY_BUTTONS_MAX,
)
from .limits import (
    TEMPLATE_BODY_ONLY_TEXT_MAX as TEMPLATE_BODY_ONLY_TEXT_MAX,
)
from .limits import (
    TEMPLATE_BODY_TEXT_MAX as TEMPLATE_BODY_TEXT_MAX,
)
from .limits import (
    TEMPLATE_HEADER_TEXT_MAX as TEMPLATE_HEADER_TEXT_MAX,
)
from .limits import (
    TEMPLATE_NAME_MAX as TEMPLATE_NAME_MAX,
)
from .limits import (
    TEXT_BODY_MAX as TEXT_BODY_MAX,
)
from .products import (
    Product,
    ProductAction,
    ProductItem,
    ProductList,
    ProductListAction,
    ProductSection,
)
from .responses import (
    SendResponse,
    SentMessage,
)
from .template import (
    BodyComponent,
    ButtonComponent,
    CardComponent,
    CarouselCard,
    CarouselComponent,
    Component,
    CouponCodeParameter,
    Currency,
    CurrencyParameter,
    DateTime,
    DateTimeParameter,
    DocumentParameter,
    HeaderComponent,
    ImageParameter,
    Language,
    LocationParameter,
    Parameter,
    PayloadParameter,
    Template,
    TextParameter,
    VideoParameter,
)

__all__ = [
    "AddressAction",
    "AddressMessage",
    "AddressParameters",
    "Audio",
    "Body",
    "BodyComponent",
    "ButtonComponent",
    "CallPermissionAction",
    "CallPermissionRequest",
    "CardComponent",
    "CarouselCard",
    "CarouselComponent",
    "CatalogAction",
    "CatalogMessage",
    "CatalogParameters",
    "Component",
    "Contact",
    "ContactAddress",
    "ContactEmail",
    "ContactName",
    "ContactOrg",
    "ContactPhone",
    "ContactUrl",
    "Contacts",
    "Context",
    "CouponCodeParameter",
    "CtaUrl",
    "CtaUrlAction",
    "CtaUrlParameters",
    "Currency",
    "CurrencyParameter",
    "DateTime",
    "DateTimeParameter",
    "Document",
    "DocumentHeader",
    "DocumentParameter",
    "Flow",
    "FlowAction",
    "FlowActionPayload",
    "FlowParameters",
    "Footer",
    "Group",
    "Header",
    "HeaderComponent",
    "Image",
    "ImageHeader",
    "ImageParameter",
    "Interactive",
    "InteractiveList",
    "Language",
    "ListAction",
    "ListRow",
    "ListSection",
    "Location",
    "LocationParameter",
    "LocationRequest",
    "LocationRequestAction",
    "Message",
    "Parameter",
    "PayloadParameter",
    "Product",
    "ProductAction",
    "ProductItem",
    "ProductList",
    "ProductListAction",
    "ProductSection",
    "Reaction",
    "ReadReceipt",
    "ReplyButton",
    "ReplyButtonItem",
    "ReplyButtons",
    "ReplyButtonsAction",
    "SavedAddress",
    "SendAudio",
    "SendContacts",
    "SendDocument",
    "SendImage",
    "SendInteractive",
    "SendLocation",
    "SendReaction",
    "SendRequest",
    "SendResponse",
    "SendSticker",
    "SendTemplate",
    "SendText",
    "SendVideo",
    "SentMessage",
    "Sticker",
    "Template",
    "Text",
    "TextHeader",
    "TextParameter",
    "TypingIndicator",
    "Video",
    "VideoHeader",
    "VideoParameter",
    "build_request",
    "decode_request",
    "message_of",
    "recipient_of",
]
