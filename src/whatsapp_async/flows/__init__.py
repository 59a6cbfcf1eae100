"""WhatsApp Flows: a data endpoint that speaks Meta's encrypted protocol, key
pairs for it, and checks of Flow JSON before upload.

The endpoint and the key functions need ``cryptography``
(``pip install 'whatsapp-async[flows]'``); :func:`check_flow_json` does not.
Managing flows (create, upload JSON, publish) is ``wa.flows`` on the client.
"""

from ._completion import decode_flow_response, flow_reply_of
from ._crypto import (
    FlowDecryptionError,
    KeyPair,
    decrypt_response,
    encrypt_request,
    generate_key_pair,
)
from ._endpoint import FlowEndpoint, FlowHandler, FlowReply
from ._json_checks import FlowJSONError, FlowJSONProblem, check_flow_json, flow_json_problems
from ._request import FlowRequest, FlowTokenInvalid, complete, next_screen

__all__ = [
    "FlowDecryptionError",
    "FlowEndpoint",
    "FlowHandler",
    "FlowJSONError",
    "FlowJSONProblem",
    "FlowReply",
    "FlowRequest",
    "FlowTokenInvalid",
    "KeyPair",
    "check_flow_json",
    "complete",
    "decode_flow_response",
    "decrypt_response",
    "encrypt_request",
    "flow_json_problems",
    "flow_reply_of",
    "generate_key_pair",
    "next_screen",
]
