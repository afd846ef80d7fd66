"""Custom actions, one module per concern; the action server loads this package."""

from bot.actions.knowledge import ActionAnswerQuestion, ActionKnowledgeFeedback

__all__ = ["ActionAnswerQuestion", "ActionKnowledgeFeedback"]
