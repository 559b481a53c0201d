"""Hearth's deterministic planning core: home description, time axis, tariffs, solar forecast,
MILP scheduler, audit, diagnosis and conflicts. No LLM, no UI, no network."""
