"""One module per API area; each holds a thin resource class."""

from ._base import Resource
from .business_profile import BusinessProfileResource
from .media import MediaResource
from .messages import MessagesResource
from .phone_numbers import PhoneNumbersResource
from .qr_codes import QrCodesResource
from .registration import RegistrationResource
from .templates import TemplatesResource

__all__ = [
    "BusinessProfileResource",
    "MediaResource",
    "MessagesResource",
    "PhoneNumbersResource",
    "QrCodesResource",
    "RegistrationResource",
    "Resource",
    "TemplatesResource",
]
