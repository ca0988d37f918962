"""API keys: when RFP_API_KEYS is set, every route but /healthz needs one in X-API-Key."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Request, Security
from fastapi.security import APIKeyHeader

from classifier.errors import AuthenticationError

API_KEY_HEADER = "X-API-Key"
api_key_header = APIKeyHeader(name=API_KEY_HEADER, auto_error=False,
                              description="One of the keys in RFP_API_KEYS; needed only when "
                                          "that setting is not empty.")


def key_is_accepted(given: str, accepted: list[str]) -> bool:
    """Compare in constant time against every key, so timing tells nothing about any of them."""
    given_bytes = given.encode("utf-8")
    matched = False
    for key in accepted:
        matched |= hmac.compare_digest(given_bytes, key.encode("utf-8"))
    return matched


def require_api_key(request: Request,
                    key: Annotated[str | None, Security(api_key_header)] = None) -> None:
    accepted = request.app.state.settings.api_keys
    if not accepted:
        return
    if not key:
        raise AuthenticationError(f"this service needs an API key in the {API_KEY_HEADER} header")
    if not key_is_accepted(key, accepted):
        raise AuthenticationError(f"the {API_KEY_HEADER} header does not hold an accepted key")
