"""The state machine and its transition registry drawn from their own definitions, so docs/WORKFLOW.md cannot drift."""

from django_fsm import RETURN_VALUE

from applications.transitions import TRANSITIONS, Effects


def _label(name: str, effects: Effects) -> str:
    parts = [name]
    if effects.clock:
        parts.append(f"clock {effects.clock}")
    if effects.email:
        parts.append(f"email {effects.email}")
    parts += [f"job {job}" for job in effects.jobs]
    return ", ".join(parts)


def mermaid(model, states) -> str:
    lines = ["stateDiagram-v2"]
    for state in states:
        lines.append(f"    {state.value}: {state.label}")
    lines.append(f"    [*] --> {states.DRAFT.value}")
    edges = set()
    for transition in model._meta.get_field("state").get_all_transitions(model):
        targets = transition.target.allowed_states if isinstance(transition.target, RETURN_VALUE) else [transition.target]
        sources = [state.value for state in states] if transition.source == "*" else [transition.source]
        for source in sources:
            for target in targets:
                edges.add((str(source), str(target), _label(transition.name, TRANSITIONS[transition.name])))
    lines += [f"    {source} --> {target}: {label}" for source, target, label in sorted(edges)]
    return "\n".join(lines) + "\n"
