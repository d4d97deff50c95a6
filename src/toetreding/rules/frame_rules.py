"""Rules about the conversation frame of a step (e.g. the waarborgen an mbo institution maps
its basic quality on): a step can wait until every question has its answer."""

from __future__ import annotations

from toetreding.rules._registry import GuardContext, Verdict, rule


@rule(
    "frame_answered",
    "Elke vraag van het gesprekskader van deze stap is beantwoord (de stap noemt 'frame').",
)
def frame_answered(context: GuardContext) -> Verdict:
    facts = context.frame(context.state)
    if facts is None:  # refused when the file is checked; never reached from a file
        return Verdict(
            False, f"stap '{context.words.state(context.state)}' kent geen gesprekskader"
        )
    if facts.unanswered:
        return Verdict(
            False,
            f"nog niet beantwoord in het gesprekskader '{facts.title}': "
            + ", ".join(facts.unanswered),
            open_frame=True,
        )
    return Verdict(True, f"elke vraag van het gesprekskader '{facts.title}' is beantwoord")
