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


class ParameterError(LlmosError):
    """A node parameter with a value the node cannot work with; the message names it and the choices."""


class RosPackageMissingError(LlmosError):
    """A node needs a ROS message package that this install lacks (e.g. Gazebo's, off a Gazebo machine)."""

    def __init__(self, package: str, why: str) -> None:
        apt = "ros-jazzy-" + package.replace("_", "-")
        super().__init__(f"{why} needs the ROS package {package}, which is not installed (apt install {apt}).")


class CommandRejectedError(LlmosError):
    """A velocity command that was refused (not a number, or otherwise unusable)."""


# --- kernel (planner): llmos_robot/kernel ---


class KernelError(LlmosError):
    """The planner kernel could not do what was asked (the sentence says why)."""


class LlmUnavailableError(KernelError):
    """No language model answered (server down, model missing); the kernel falls back to its grammar."""


class SyscallError(KernelError):
    """A proposed system call that is malformed: unknown name, missing or mistyped arguments."""


# --- coverage (issue 3) ---


class CoverageError(LlmosError):
    """A cleaning request that cannot be carried out as asked."""


class RoomUnreachableError(CoverageError):
    """No way from where the robot is to (enough of) the room or spot; the robot stays put."""


class PoseOutsideMapError(CoverageError):
    """A pose or point that lies outside the house map."""

    def __init__(self, x: float, y: float) -> None:
        super().__init__(f"({x:.2f}, {y:.2f}) is outside the map of the house, so I can't plan from or to there.")
        self.x = x
        self.y = y


# --- speech (llmos_robot/speech) ---


class SpeechError(LlmosError):
    """Speech in or out failed: a model, an audio file or an audio device."""


class AudioFileError(SpeechError):
    """An audio file that is missing, empty, not audio, or in a shape that cannot be used."""


class SpeechModelError(SpeechError):
    """A speech model (Whisper, Piper) that is not installed, not found or not loadable."""


class AudioDeviceError(SpeechError):
    """No usable microphone or speaker (PortAudio found no device, or the device failed)."""


# memory (llmos_robot/memory): the robot's store of facts, episodes and the house.


class MemoryStoreError(LlmosError):
    """A problem with the memory store: its files, its model or what it was asked to do."""


class MemoryInputError(MemoryStoreError):
    """Something the memory was asked to store or search for is unusable (empty, too long, ...)."""


class MemoryCorruptError(MemoryStoreError):
    """The memory database is damaged; it is left untouched for a person to restore or move aside."""


class MemorySchemaError(MemoryStoreError):
    """The memory database was written by a newer llmos_robot than this one."""


class EmbedderUnavailableError(MemoryStoreError):
    """The sentence-embedding model (or the packages that run it) cannot be loaded."""


# --- vision (issue 7): llmos_robot/vision ---


class VisionError(LlmosError):
    """A problem of the camera perception part."""


class ImageError(VisionError):
    """An image the detectors cannot use: unreadable or truncated file, wrong encoding, zero size."""


# --- localisation: llmos_robot/localisation ---


class LocalisationError(LlmosError):
    """A pose or scan the localiser cannot use: a start pose inside a wall, a scan whose sizes disagree."""
