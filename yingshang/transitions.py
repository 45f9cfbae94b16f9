"""State tables as data. Each app's transitions.py declares its moves; services ask
`table.check(action, current)` before changing a status, and templates ask `table.allowed(...)`
which buttons to show (one rule, written once)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from yingshang.errors import DomainError


@dataclass(frozen=True)
class Move:
    action: str
    sources: frozenset[str]
    target: str | None  # None: the state does not change (e.g. 督办 attached to an open order)


class TransitionTable:
    def __init__(
        self,
        name: str,
        moves: list[tuple[str, set[str] | frozenset[str], str | None]],
        *,
        error_prefix: str,
        state_field: str = "status",
    ):
        self.name = name
        self.error_prefix = error_prefix
        self.state_field = state_field  # the model field that holds the state
        self.moves = {action: Move(action, frozenset(src), target) for action, src, target in moves}

    def can(self, action: str, state: str) -> bool:
        move = self.moves.get(action)
        return move is not None and state in move.sources

    def check(self, action: str, state: str) -> Move:
        move = self.moves.get(action)
        if move is None:
            raise KeyError(f"{self.name}: unknown action {action!r}")
        if state not in move.sources:
            raise DomainError(
                f"{self.error_prefix}_{action.upper()}_NOT_ALLOWED",
                _("当前状态下不能执行此操作"),
                details={"action": action, "state": state},
            )
        return move

    def target(self, action: str, state: str) -> str:
        move = self.check(action, state)
        return state if move.target is None else move.target

    def allowed(self, state: str) -> list[str]:
        return [a for a, m in self.moves.items() if state in m.sources]
