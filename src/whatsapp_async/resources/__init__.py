"""One module per API area; each holds a thin resource class."""

from ._base import Resource
from .business_profile import BusinessProfileResource
from .flows import FlowsResource
from .media import MediaResource
from .messages import MessagesResource
from .phone_numbers import PhoneNumbersResource
from .qr_codes import QrCodesResource
from .registration import RegistrationResource

__all__ = [
    "BusinessProfileResource",
    "FlowsResource",
    "MediaResource",
    "MessagesResource",
    "PhoneNumbersResource",
    "QrCodesResource",
    "RegistrationResource",
    "Resource",
]
