"""Every exception the core raises, in one place.

Each carries a sentence a person can act on. The ROS boundary and the CLI turn these into
result codes, log lines and spoken sentences; nothing in the core prints or exits.
"""


class LlmosError(Exception):
    """Base class: a problem the robot can explain in one sentence."""


class WorldError(LlmosError):
    """A world file (SDF or its room sidecar) is missing, malformed or inconsistent."""


class UnknownRoomError(WorldError):
    """A room name that the world does not define."""

    def __init__(self, room: str, known: list[str]) -> None:
        super().__init__(f"I don't know a room called {room!r}; the rooms are: {', '.join(known)}.")
        self.room = room
        self.known = known


class UnknownPlaceError(WorldError):
    """A place name that the world does not define."""

    def __init__(self, place: str, known: list[str]) -> None:
        super().__init__(f"I don't know a place called {place!r}; the places are: {', '.join(known)}.")
        self.place = place
        self.known = known


class RobotModelError(WorldError):
    """The robot's model.sdf lacks something the simulator needs (a wheel joint, a sensor)."""


class CommandRejectedError(LlmosError):
    """A velocity command that was refused (not a number, or otherwise unusable)."""
