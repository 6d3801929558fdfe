"""The load both systems carry in a window: how many participants, in which conferences,
and which of them talk. The same plan drives SIPp callers into dialbridge and plain-RTP
participants into Janus, so the two figures compare like with like."""

from dataclasses import dataclass, asdict


@dataclass(frozen=True)
class Participant:
    index: int
    conference: int  # 0-based
    talker: bool


@dataclass(frozen=True)
class Plan:
    participants: int
    meeting_size: int
    talkers_min: int
    talkers_max: int

    @property
    def conferences(self) -> int:
        return max(1, -(-self.participants // self.meeting_size))

    def talkers_in(self, conference: int) -> int:
        """Talkers per meeting cycle through min..max (1, 2, 3, 1, ...), so a run of 10-party
        meetings with 1-3 talkers averages 2 talkers a meeting."""
        span = self.talkers_max - self.talkers_min + 1
        return self.talkers_min + conference % span

    def members(self) -> list[Participant]:
        members = []
        for index in range(self.participants):
            conference = index // self.meeting_size
            seat = index % self.meeting_size
            members.append(Participant(index, conference, seat < self.talkers_in(conference)))
        return members

    @property
    def talkers(self) -> int:
        return sum(1 for p in self.members() if p.talker)

    def to_dict(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_dict(values: dict) -> "Plan":
        return Plan(**values)


def conference_number(conference: int) -> str:
    """The called number that reaches conference `conference` (E.164, as the trunk's
    normalization yields it for a US trunk: +1 415 555 1000 + conference)."""
    return f"+1415555{1000 + conference:04d}"
