"""The offline model: deterministic, rule-based, no key, no network (Hearth's default).

``OfflineChatCompletionClient`` plays every role of the team; its grammar is data in
:mod:`agents.offline.grammar`, read by :mod:`agents.offline.parser`; what it does per role is in
:mod:`agents.offline.policy`; its replies come from :mod:`agents.offline.render`.
"""

from agents.offline.client import OfflineChatCompletionClient

__all__ = ["OfflineChatCompletionClient"]
