"""The load both systems carry in a window: how many participants, in which conferences,
and which of them talk. The same plan drives SIPp callers into dialbridge and plain-RTP
participants into Janus, so the two figures compare like with like."""

from dataclasses import dataclass, asdict


@dataclass(frozen=True)
class Participant:
    index: int
    conference: int  # 0-based
    talker: bool
    # "source": sends tone bursts instead of speech, "sink": a listener whose mix is
    # examined for those bursts (the added latency); both in conference 0.
    probe: str = ""

    @property
    def audio(self) -> str:
        """Which file the participant sends: speech, silence or impulse."""
        if self.probe == "source":
            return "impulse"
        return "speech" if self.talker else "silence"


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
            talker = seat < self.talkers_in(conference)
            members.append(Participant(index, conference, talker, self._probe(index, talker)))
        return members

    def _probe(self, index: int, talker: bool) -> str:
        """Conference 0's first talker is the latency source and its last listener the sink."""
        last_of_first = min(self.meeting_size, self.participants) - 1
        if index == 0:
            return "source"
        if index == last_of_first and not talker:
            return "sink"
        return ""

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
