"""The limits Meta documents for outbound messages (facts §5), in one table.

Lengths count characters (code points), not bytes.
"""

from __future__ import annotations

import sys

TEXT_BODY_MAX = 4096
CAPTION_MAX = 1024
# Meta's "message types" help page: document names up to 240 characters.
DOCUMENT_FILENAME_MAX = 240
# Meta's message docs give none for a location's name and address; the local
# fake refuses over 1000, and the client agrees with it.
LOCATION_NAME_MAX = 1000
LOCATION_ADDRESS_MAX = 1000
INTERACTIVE_BODY_MAX = 1024
LIST_BODY_MAX = 4096  # the list-message page allows more than the generic interactive body
HEADER_TEXT_MAX = 60
FOOTER_TEXT_MAX = 60
REPLY_BUTTONS_MAX = 3
REPLY_BUTTON_TITLE_MAX = 20
REPLY_BUTTON_ID_MAX = 256
LIST_BUTTON_MAX = 20
LIST_SECTIONS_MAX = 10
LIST_ROWS_MAX = 10
LIST_SECTION_TITLE_MAX = 24
LIST_ROW_TITLE_MAX = 24
LIST_ROW_DESCRIPTION_MAX = 72
LIST_ROW_ID_MAX = 200
CTA_DISPLAY_TEXT_MAX = 20
FLOW_CTA_MAX = 30
PRODUCT_SECTIONS_MAX = 10
PRODUCT_ITEMS_MAX = 30
TEMPLATE_NAME_MAX = 512
TEMPLATE_HEADER_TEXT_MAX = 60
TEMPLATE_BODY_TEXT_MAX = 1024
TEMPLATE_BODY_ONLY_TEXT_MAX = 32768
COUPON_CODE_MAX = 15
BIZ_OPAQUE_CALLBACK_DATA_MAX = 512
# Fields Meta gives no length limit for: only "a non-empty string" is checked,
# so the library never refuses what the API would take.
_NO_LIMIT = sys.maxsize
