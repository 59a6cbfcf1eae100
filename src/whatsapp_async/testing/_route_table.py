"""The fake's route table: one row per served operation.

Each row is (method, path, handler). The handlers go through the gate (auth,
faults, refusals) under the seed spec's ``operationId``, which names faults
and refusals. A new API area is a ``_routes_<area>.py`` module plus its rows
here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

from ._faults import SEND
from ._gate import Gate, unknown_node
from ._routes_account import AccountRoutes
from ._routes_flows import FlowRoutes, flow_table
from ._routes_media import MediaRoutes
from ._routes_messages import MessageRoutes
from ._routes_numbers import PhoneNumberRoutes
from ._routes_profile import ProfileRoutes
from ._routes_qr import QrRoutes
from ._routes_templates import TemplateRoutes
from ._state import FakeStore

if TYPE_CHECKING:
    from ._server import FakeCloudAPI

__all__ = ["route_table"]

Route = tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]


def route_table(fake: FakeCloudAPI, store: FakeStore, gate: Gate, media: MediaRoutes,
                flows: FlowRoutes, templates: TemplateRoutes, account: AccountRoutes,
                ) -> list[Route]:
    """Every route of the fake, the catch-all last.

    Args:
        fake: The fake the routes serve.
        store: Its state.
        gate: Auth, faults and refusals in front of each handler.
        media: The media routes (shared with the inbound simulator).
        flows: The Flows routes.
        templates: The template registry's routes.
        account: The business account's routes.

    Returns:
        The rows, in the order they are registered.
    """
    serve = gate.serve
    phone = PhoneNumberRoutes(fake, store)
    messages = MessageRoutes(fake, store)
    profile = ProfileRoutes()
    qr = QrRoutes(fake, store)
    tpl, acct = templates, account
    node = r"/{version:v\d+\.\d+}/{node}"
    table: list[Route] = [
        *flow_table(flows, serve),
        ("GET", node, serve("getPhoneNumber", acct.number_get_or(phone.get),
                            other_node=("getMediaUrl",
                                        acct.get_or(tpl.get_or(media.get_url))))),
        ("POST", node, serve("setTwoStepVerification", phone.set_pin,
                             other_node=("editTemplate", tpl.edit))),
        ("DELETE", node, serve("deleteMedia", unknown_node,
                               other_node=("deleteMedia", media.delete))),
        ("POST", f"{node}/messages", serve(SEND, messages.send)),
        ("POST", f"{node}/marketing_messages",
         serve("sendMarketingMessage", messages.send_marketing)),
        ("POST", f"{node}/media", serve("uploadMedia", media.upload)),
        ("GET", f"{node}/whatsapp_business_profile",
         serve("getBusinessProfile", profile.get)),
        ("POST", f"{node}/whatsapp_business_profile",
         serve("updateBusinessProfile", profile.update)),
        ("POST", f"{node}/request_code",
         serve("requestVerificationCode", phone.request_code)),
        ("POST", f"{node}/verify_code", serve("verifyCode", phone.verify_code)),
        ("POST", f"{node}/register", serve("registerPhoneNumber", phone.register)),
        ("POST", f"{node}/deregister", serve("deregisterPhoneNumber", phone.deregister)),
        ("GET", f"{node}/message_qrdls", serve("listQrCodes", qr.list_codes)),
        ("POST", f"{node}/message_qrdls", serve("createQrCode", qr.create)),
        ("GET", f"{node}/message_qrdls/{{code}}", serve("getQrCode", qr.get)),
        ("POST", f"{node}/message_qrdls/{{code}}", serve("updateQrCode", qr.update)),
        ("DELETE", f"{node}/message_qrdls/{{code}}", serve("deleteQrCode", qr.delete)),
        ("GET", f"{node}/message_templates",
         serve("listTemplates", unknown_node, other_node=("listTemplates",
                                                          tpl.list_templates))),
        ("POST", f"{node}/message_templates",
         serve("createTemplate", unknown_node, other_node=("createTemplate", tpl.create))),
        ("DELETE", f"{node}/message_templates",
         serve("deleteTemplate", unknown_node, other_node=("deleteTemplate", tpl.delete))),
        ("GET", f"{node}/phone_numbers",
         serve("listAccountNumbers", unknown_node,
               other_node=("listAccountNumbers", acct.phone_numbers))),
        ("GET", f"{node}/subscribed_apps",
         serve("listSubscribedApps", unknown_node,
               other_node=("listSubscribedApps", acct.list_apps))),
        ("POST", f"{node}/subscribed_apps",
         serve("subscribeApp", unknown_node, other_node=("subscribeApp", acct.subscribe))),
        ("DELETE", f"{node}/subscribed_apps",
         serve("unsubscribeApp", unknown_node,
               other_node=("unsubscribeApp", acct.unsubscribe))),
        ("GET", f"{node}/block_users", serve("listBlockedUsers", acct.list_blocked)),
        ("POST", f"{node}/block_users", serve("blockUsers", acct.block)),
        ("DELETE", f"{node}/block_users", serve("unblockUsers", acct.unblock)),
        ("GET", f"{node}/whatsapp_commerce_settings",
         serve("getCommerceSettings", acct.get_commerce)),
        ("POST", f"{node}/whatsapp_commerce_settings",
         serve("updateCommerceSettings", acct.update_commerce)),
        ("POST", f"{node}/conversational_automation",
         serve("updateConversationalAutomation", acct.update_automation)),
        ("GET", "/whatsapp_business/attachments/", media.download),
        ("GET", "/_fake/qr/{name}", qr.image),
        ("*", "/{tail:.*}", gate.unknown_path),
    ]
    return table
