"""Workflows: the shared state machines built from protocol definitions."""

from toetreding.workflows.cache import MachineCache
from toetreding.workflows.machine import Actor, Decision, FireRequest, ProtocolMachine

__all__ = ["Actor", "Decision", "FireRequest", "MachineCache", "ProtocolMachine"]
