"""Which language a request is answered in: `Accept-Language`, else the deployment's default (API_LANGUAGE).

The header is parsed here by hand (about a dozen lines): neither Starlette nor Babel reads its
quality values, and a web framework's parser would be a dependency for one header. Babel then picks
the best of the languages we have, so `zh`, `zh-Hans`, `zh-TW` and `zh-CN;q=0.8` all read Chinese.
"""

from babel.core import negotiate_locale

from api.middleware import ASGIApp, Message, Receive, Scope, Send, header
from policies.i18n import READER, Language

_LOCALES = {"zh_cn": Language.zh, "en": Language.en}  # Babel answers in the caller's letter case
_ALIASES = {"zh": "zh_CN", "zh_hans": "zh_CN", "zh_hant": "zh_CN", "zh_tw": "zh_CN", "zh_hk": "zh_CN",
            "zh_sg": "zh_CN", "zh_mo": "zh_CN", "en": "en"}


def preferred(accept_language: str) -> list[str]:
    """The header's language tags, most wanted first; q=0 (not wanted) and malformed weights left out."""
    weighted = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if tag.strip() and 0 < weight <= 1:
            weighted.append((-weight, position, tag.strip().replace("-", "_")))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(accept_language: str | None, default: Language) -> Language:
    """The language to answer in: the caller's first that we speak (`*` means any: the default)."""
    for tag in preferred(accept_language or ""):
        if tag == "*":
            return default
        chosen = negotiate_locale([tag.lower()], list(_LOCALES), aliases=_ALIASES)
        if chosen is None and "_" in tag:  # en-GB, en_US: the language without its region
            chosen = negotiate_locale([tag.split("_")[0].lower()], list(_LOCALES), aliases=_ALIASES)
        if chosen is not None:
            return _LOCALES[chosen.lower()]
    return default


class ReaderLanguage:
    """Sets the request's language (`policies.i18n.READER`) for everything that answers it, and says which
    in `Content-Language`, with `Vary: Accept-Language` so caches keep one answer per language."""

    def __init__(self, app: ASGIApp, *, default: Language) -> None:
        self.app, self.default = app, default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        language = negotiate(header(scope, b"accept-language"), self.default)
        scope.setdefault("state", {})["language"] = language

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"content-language", language.value.encode()),
                                      (b"vary", b"Accept-Language")]
            await send(message)

        token = READER.set(language)
        try:
            await self.app(scope, receive, send_with_language)
        finally:
            READER.reset(token)
