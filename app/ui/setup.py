"""The UI's first run: describe the home in the chat, without writing YAML.

``hearth ui`` without a home file opens every chat with this flow: the questions of
:data:`app.onboarding.QUESTIONS`, one at a time — choices as buttons (``AskActionMessage``),
everything else typed (``AskUserMessage``) with its default shown, ``ok`` taking it. A bad answer
is explained and asked again. The answers are checked with the home file's own models and
written to the home file, which every later chat (and ``hearth plan``) then uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import chainlit as cl

from app.onboarding import (
    AnswerError,
    Answers,
    Question,
    answer,
    applicable,
    home_document,
    write_home,
)
from tools.errors import HomeFileError, InputError
from tools.home import Home

#: Typed answers that take the default.
DEFAULT_WORDS = {"ok", "okay", "default", "-"}
#: How long one question waits for its answer [s].
QUESTION_TIMEOUT_S = 900

INTRO = (
    "Welcome to **Hearth**! Before I can plan, tell me a little about your home — about a dozen "
    "short questions. Each has a default: type **ok** to take it. I'll write your answers to "
    "`{path}`, and you can change them there later."
)


async def _ask(question: Question, answers: Answers, author: str) -> Any | None:
    """One question until it is answered well; ``None`` when the homeowner does not answer."""
    default = question.default(answers)
    choices = question.choices(answers)
    note = ""
    while True:
        if choices:
            actions = [
                cl.Action(name="setup_choice", payload={"value": value},
                          label=label + (" (default)" if value == default else ""))
                for value, label in choices
            ]
            reply = await cl.AskActionMessage(content=note + question.prompt, actions=actions,
                                              author=author, timeout=QUESTION_TIMEOUT_S).send()
            if reply is None:
                return None
            text: str | None = str(reply["payload"].get("value", ""))
        else:
            asked = await cl.AskUserMessage(
                content=f"{note}{question.prompt} *(default: {default} — type **ok** to take it)*",
                author=author, timeout=QUESTION_TIMEOUT_S).send()
            if asked is None:
                return None
            typed = str(asked.get("output", "")).strip()
            text = None if typed.lower() in DEFAULT_WORDS else typed
        try:
            return answer(question, text, answers)
        except AnswerError as err:
            note = f"That did not work: {err.reason}.\n\n"


async def run_setup(path: Path, author: str) -> Home | None:
    """Ask the questions, write the home file at ``path`` and return the home (or ``None``)."""
    await cl.Message(content=INTRO.format(path=path), author=author).send()
    answers: Answers = {}
    while True:
        pending = [q for q in applicable(answers) if q.key not in answers]
        if not pending:
            break
        value = await _ask(pending[0], answers, author)
        if value is None:
            await cl.Message(content="Setup paused. Reload the page to start again.",
                             author=author).send()
            return None
        answers[pending[0].key] = value
    try:
        doc = home_document(answers)
        home = write_home(path, doc)
    except HomeFileError as err:
        problems = "; ".join(f"{field}: {reason}" for field, reason in err.problems)
        await cl.Message(content=f"Your answers do not make a valid home yet ({problems}). "
                                 "Reload the page to answer again.", author=author).send()
        return None
    except InputError as err:
        await cl.Message(content=f"I could not write the home file: {err.reason}.",
                         author=author).send()
        return None
    await cl.Message(content=f"Saved **{home.name}** to `{path}`.", author=author).send()
    return home
