"""Third-party CAPTCHAs (Cloudflare Turnstile, hCaptcha): the server posts the client's token with our
secret to the provider's siteverify endpoint. Both speak the same protocol: a form POST of `secret`,
`response` and optionally `remoteip`, answered by JSON with a boolean `success`. The provider enforces
single use. Any failure to get a clear yes (timeout, HTTP error, malformed answer) is a no: fail closed.
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request

logger = logging.getLogger("massacorp.captcha")

VERIFY_URLS = {
    "turnstile": "https://challenges.cloudflare.com/turnstile/v0/siteverify",
    "hcaptcha": "https://api.hcaptcha.com/siteverify",
}
TOKEN_MAX_LENGTH = 4096
RESPONSE_MAX_BYTES = 64 * 1024


def siteverify(
    *, url: str, secret: str, token: str, remote_ip: str | None, timeout: float, site_key: str = ""
) -> bool:
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return False
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"CAPTCHA verify URL must be http(s): {url!r}")
    form = {"secret": secret, "response": token}
    if remote_ip:
        form["remoteip"] = remote_ip
    if site_key:
        form["sitekey"] = site_key
    request = urllib.request.Request(  # noqa: S310  (scheme checked above)
        url,
        data=urllib.parse.urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer = json.loads(response.read(RESPONSE_MAX_BYTES))
    except (OSError, ValueError, http.client.HTTPException) as error:  # URLError, timeouts, bad answers
        logger.warning("CAPTCHA siteverify failed (%s): %s", url, type(error).__name__)
        return False
    if not isinstance(answer, dict):
        return False
    if answer.get("success") is not True:
        logger.info("CAPTCHA rejected by provider: %s", answer.get("error-codes"))
        return False
    return True
