"""民主推荐's two rounds, 会议推荐 and 谈话推荐, as R17 reads them: each round's valid ballots (from the closed
民主推荐 record) and each cadre's votes and rank in it (from the vote rows). A record closed before the rounds
were told apart holds the meeting round only, where the meeting round still is."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from zugong.selection.models import RecommendationKind, RecommendationVote

# The gate's words are Chinese whatever the page's language (they are kept with the refusal).
ROUND_LABELS = {RecommendationKind.MEETING.value: "会议推荐", RecommendationKind.TALK.value: "谈话推荐"}


@dataclass(frozen=True)
class RoundStanding:
    """One cadre in one round: votes (0 when not recommended there), the round's valid ballots, the rank."""

    kind: str
    votes: int
    valid: int
    rank: int | None

    @property
    def label(self) -> str:
        return ROUND_LABELS[self.kind]


@dataclass(frozen=True)
class Round:
    kind: str
    valid: int
    votes: dict[int, int] = field(default_factory=dict)  # cadre id → votes

    def of(self, cadre_id: int) -> RoundStanding:
        """Ties share the rank of the first of them (1 + how many had more votes)."""
        votes = self.votes.get(cadre_id, 0)
        rank = 1 + sum(1 for n in self.votes.values() if n > votes) if votes else None
        return RoundStanding(self.kind, votes, self.valid, rank)


def recommendation_rounds(data: dict[str, Any], votes: Iterable[RecommendationVote]) -> list[Round]:
    """The meeting round unless the record says none was held (谈话推荐 only); the talk round when the record has
    one or talk votes exist."""
    by_kind: dict[str, dict[int, int]] = {k: {} for k in ROUND_LABELS}
    for v in votes:
        by_kind[v.kind][v.cadre_id] = v.votes
    rounds = ([] if data.get("meeting_held") is False else
              [Round(RecommendationKind.MEETING, int(data.get("valid", 0)), by_kind[RecommendationKind.MEETING])])
    talk = data.get("talk")
    if talk is not None or by_kind[RecommendationKind.TALK]:
        valid = int(talk.get("valid", 0)) if isinstance(talk, dict) else 0
        rounds.append(Round(RecommendationKind.TALK, valid, by_kind[RecommendationKind.TALK]))
    return rounds


def _round_reason(r: RoundStanding, share: float | None, max_rank: int | None) -> str | None:
    if share is not None and r.valid and r.votes / r.valid < share:
        return f"得推荐票 {r.votes} 票，占有效票 {r.valid} 张的 {r.votes / r.valid:.1%}，低于规定的 {share:.1%}"
    if max_rank is not None and r.rank is not None and r.rank > max_rank:
        return f"推荐票 {r.votes} 票，排名第 {r.rank} 位，未进入前 {max_rank} 名"
    return None


def r17_reason(name: str, rounds: Sequence[RoundStanding], share: float | None, max_rank: int | None) -> str | None:
    """R17 over the rounds: a cadre passes when recommended in either round and the share (and rank) condition
    holds in a round the cadre was recommended in. The issue does not say how the two rounds combine; this is
    the reading documented in docs/selection.md."""
    recommended = [r for r in rounds if r.votes]
    if not recommended:
        return f"{name}未获群众推荐（推荐票 0 票），不得列为考察对象"
    reasons = []
    for r in recommended:
        why = _round_reason(r, share, max_rank)
        if why is None:
            return None
        reasons.append(f"在{r.label}中{why}" if len(rounds) > 1 or r.kind == RecommendationKind.TALK else why)
    return name + "；".join(reasons)
