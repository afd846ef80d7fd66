"""Custom actions, one module per concern; the action server loads this package."""

from bot.actions.knowledge import ActionAnswerQuestion, ActionKnowledgeFeedback
from bot.actions.not_understood import ActionNotUnderstood
from bot.actions.order_flows.changes import ActionAskCancelConfirmed, ActionSubmitOrderChange, ValidateOrderChangeForm
from bot.actions.order_flows.delivery import ActionOrderStatus, ActionRefundShipping, ValidateOrderStatusForm
from bot.actions.order_flows.form_exits import ActionLeaveOrderForm, ActionReportDamaged, ActionRequestPolicyException
from bot.actions.order_flows.order_facts import ActionOrderFacts
from bot.actions.order_flows.policy_first import ActionPolicyFirst
from bot.actions.order_flows.returns import (
    ActionAskExchangeVariant,
    ActionAskReturnConfirmed,
    ActionAskReturnItems,
    ActionSubmitReturn,
    ValidateReturnForm,
)
from bot.actions.order_flows.verification import ActionAskOrderContact, ActionAskOrderNumber

__all__ = [
    "ActionAnswerQuestion",
    "ActionAskCancelConfirmed",
    "ActionAskExchangeVariant",
    "ActionAskOrderContact",
    "ActionAskOrderNumber",
    "ActionAskReturnConfirmed",
    "ActionAskReturnItems",
    "ActionKnowledgeFeedback",
    "ActionLeaveOrderForm",
    "ActionNotUnderstood",
    "ActionOrderFacts",
    "ActionOrderStatus",
    "ActionPolicyFirst",
    "ActionRefundShipping",
    "ActionReportDamaged",
    "ActionRequestPolicyException",
    "ActionSubmitOrderChange",
    "ActionSubmitReturn",
    "ValidateOrderChangeForm",
    "ValidateOrderStatusForm",
    "ValidateReturnForm",
]
