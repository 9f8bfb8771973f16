"""The words typer prints itself (Usage:, Options, --help's help, Missing option, No such option) in the CLI's language.

Typer carries its own copy of click, whose words are fixed English, and says a few more through the
standard library's gettext in the process-wide domain, whose language the locale's environment variables
choose; it ships no translations. Our CLI speaks API_LANGUAGE, so its words are said from our catalogue
(`api/locale/zh_CN/LC_MESSAGES/typer.po`) at the three places they reach a reader: the command classes
below (usage line, options' help), typer's gettext names and panel titles, and the error panel, whose
message is read back into Chinese like an API error's. tests/api/test_cli_language.py walks every command.
"""

import typer.core
import typer.rich_utils
from typer._click import ClickException, Context, HelpFormatter, Parameter

from api.errors import in_reader_language
from api.messages import MESSAGES
from policies.i18n import Language


class _Speaking:
    """Says the usage prefix and typer's own option help (--help, the completion options) in `language`."""

    language = Language.en  # set by `speak`: one language per process, like the help texts themselves

    def get_params(self, ctx: Context) -> list[Parameter]:
        params: list[Parameter] = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            help_text = getattr(param, "help", None)
            if isinstance(help_text, str) and MESSAGES.knows(help_text):
                param.help = MESSAGES.say(self.language, help_text)  # type: ignore[attr-defined]
        return params

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=MESSAGES.say(self.language, "Usage: "))


class SpeakingGroup(_Speaking, typer.core.TyperGroup):
    """A typer group (the app and its sub-apps) that speaks the CLI's language."""


class SpeakingCommand(_Speaking, typer.core.TyperCommand):
    """A typer command that speaks the CLI's language."""


def speak(language: Language) -> None:
    """From now on, typer says its own words in `language` (English is what it says unaided)."""
    _Speaking.language = language
    if language is not Language.zh:
        return

    def said(message: str) -> str:
        return MESSAGES.say(language, message)

    typer.core._ = said  # type: ignore[attr-defined]
    for constant, value in vars(typer.rich_utils).items():  # panel titles and hints, said when it was imported
        if constant.isupper() and isinstance(value, str) and MESSAGES.knows(value):
            setattr(typer.rich_utils, constant, said(value))
    english_error = typer.rich_utils.rich_format_error

    def rich_format_error(self: ClickException) -> None:  # typer's own signature: it formats the error itself
        message = in_reader_language(self.format_message(), language)
        self.format_message = lambda: message  # type: ignore[method-assign]
        english_error(self)

    typer.rich_utils.rich_format_error = rich_format_error

