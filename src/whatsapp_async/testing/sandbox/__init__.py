"""The sandbox: the fake Cloud API with a web page, a control API and a request log.

``whatsapp-async sandbox`` serves a :class:`Sandbox`. Its page (``/``) shows an
inbox per customer, lets you answer as the customer, lists every API call,
switches faults and draws a live broadcast dashboard; ``/_sandbox/...`` is
the same for scripts and tests. The page is plain HTML, CSS and JavaScript
served from this package: no build step, nothing fetched from elsewhere.
"""

from ._app import Sandbox
from ._faults_spec import plan_from_mapping, plan_from_spec
from ._inbox import InboundRecord, InboundRequest, parse_inbound
from ._log import LogEntry, RequestLog, SendStats
from ._templates import load_templates

__all__ = [
    "InboundRecord",
    "InboundRequest",
    "LogEntry",
    "RequestLog",
    "Sandbox",
    "SendStats",
    "load_templates",
    "parse_inbound",
    "plan_from_mapping",
    "plan_from_spec",
]
