"""Device, browser and OS of a session, from its User-Agent (ua-parser and its bundled regexes).

ua-parser names families (\"Mobile Safari\", \"iOS\", \"iPhone\") but not a device class, so the class comes
from those names and a few well-known tokens; a stored label, not a security decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import ua_parser

_TABLET_HINTS = ("ipad", "tablet", "kindle", "silk", "playbook")
_MOBILE_OS = {"ios", "android", "windows phone", "blackberry os", "kaios", "firefox os"}


@dataclass(frozen=True)
class Device:
    device_type: str  # desktop, mobile, tablet, bot, unknown
    browser: str
    os: str


def _version(family: str, major: str | None) -> str:
    return f"{family} {major}" if major else family


@lru_cache(maxsize=1024)
def parse_user_agent(user_agent: str) -> Device:
    if not user_agent:
        return Device(device_type="unknown", browser="", os="")
    result = ua_parser.parse(user_agent[:512])
    browser = _version(result.user_agent.family, result.user_agent.major) if result.user_agent else ""
    os_name = _version(result.os.family, result.os.major) if result.os else ""
    device = (result.device.family if result.device else "") or ""
    lowered = user_agent.lower()
    if device == "Spider" or "bot" in lowered or "crawler" in lowered:
        kind = "bot"
    elif any(hint in lowered for hint in _TABLET_HINTS) or ("android" in lowered and "mobile" not in lowered):
        kind = "tablet"
    elif (result.os and result.os.family.lower() in _MOBILE_OS) or "mobile" in lowered:
        kind = "mobile"
    elif result.os:
        kind = "desktop"
    else:
        kind = "unknown"
    return Device(device_type=kind, browser=browser[:64], os=os_name[:64])
