"""The policies layer's messages in English and Chinese (catalogues in `policies/locale/`; see `policies.i18n`)."""

from pathlib import Path

from policies.i18n import Catalogue

MESSAGES = Catalogue(Path(__file__).resolve().parent / "locale")
