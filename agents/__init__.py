"""Hearth's agent collective: an AutoGen AgentChat team that turns homeowner text into plans.

Layout
------
``session``       one conversation's injected state (home, clock, draft requests, latest proposal)
``tools``         typed tool adapters over :mod:`tools` bound to a session
``numbers``       checks that every number in a reply appears in the run's tool results
``prompts``       loads ``prompts/*.md`` and fills their placeholders from the home
``team``          ``build_team``: the SelectorGroupChat, its deterministic routing and termination
``run``           ``Conversation`` / ``run_request``: one homeowner message → a :class:`RunResult`
``models``        the model-client factory chosen by configuration
``offline``       the deterministic rule-based model (the default)
``testing``       helpers to script the mock LLM in tests

No tool approves or applies a plan: approval is plain code in ``app/``.
"""
