"""The edges of Hearth: Chainlit UI, CLI, plan store, chart and Markdown rendering."""
