"""The engine: shared state machines built from protocol definitions."""

from toetreding.workflows.engine import WorkflowEngine
from toetreding.workflows.machine import Actor, Decision, FireRequest, ProtocolMachine

__all__ = ["Actor", "Decision", "FireRequest", "ProtocolMachine", "WorkflowEngine"]
