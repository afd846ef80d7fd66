"""The action server loads the package `bot.actions` recursively (stack/Procfile): every custom
action the domain names is registered from it, subpackages included, and no base class is."""

from __future__ import annotations

from rasa_sdk.executor import ActionExecutor

from tests.bot.domain import domain


def domain_custom_actions() -> set[str]:
    return {name for name in domain().user_actions if not name.startswith("utter_")}


def test_the_action_server_registers_exactly_the_domains_custom_actions() -> None:
    executor = ActionExecutor()
    executor.register_package("bot.actions")
    ours = {name for name, run in executor.actions.items()
            if type(getattr(run, "__self__", None)).__module__.startswith("bot.actions")}
    assert ours == domain_custom_actions()
