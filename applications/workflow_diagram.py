"""The state machine drawn from its own definition, so the picture in docs/WORKFLOW.md cannot drift."""

from django_fsm import RETURN_VALUE


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
                edges.add((str(source), str(target), transition.name))
    lines += [f"    {source} --> {target}: {name}" for source, target, name in sorted(edges)]
    return "\n".join(lines) + "\n"
