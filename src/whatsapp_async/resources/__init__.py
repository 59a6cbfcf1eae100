"""One module per API area; each holds a thin resource class."""

from ._base import Resource
from .account import AccountResource
from .business_profile import BusinessProfileResource
from .flows import FlowsResource
from .media import MediaResource
from .messages import MessagesResource
from .number_settings import (
    BlockedUsersResource,
    CommerceSettingsResource,
    ConversationalAutomationResource,
)
from .phone_numbers import PhoneNumbersResource
from .qr_codes import QrCodesResource
from .registration import RegistrationResource
from .templates import TemplatesResource

__all__ = [
    "AccountResource",
    "BlockedUsersResource",
    "BusinessProfileResource",
    "CommerceSettingsResource",
    "ConversationalAutomationResource",
    "FlowsResource",
    "MediaResource",
    "MessagesResource",
    "PhoneNumbersResource",
    "QrCodesResource",
    "RegistrationResource",
    "Resource",
    "TemplatesResource",
]
