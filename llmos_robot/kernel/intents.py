"""The deterministic intent layer: a small grammar over the house's own words.

It reads an utterance without any model: stop/pause/resume words, cleaning verbs, "go to",
questions about the past, "remember that ...", small talk. It checks the model, and it is the
whole planner when no model answers (degraded mode). `Intent.confident` is False when no rule
matched; the kernel then asks the model, whose motion proposals must still be grounded in words
the user actually said (`Vocabulary.mentions`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from llmos_robot.kernel.syscalls import Syscall, make

if TYPE_CHECKING:
    from llmos_robot.world import World

STOP = re.compile(r"\b(stop|stopp?ing|halt|freeze|e-?stop|emergency|abort|cease|whoa|woah)\b")
INSIST = re.compile(
    r"\b(anyway|anyways|i insist|insist|regardless|even so|all the same|i know|i don'?t care|"
    r"do it again|yes,? (please|do it|clean it|go ahead)|go ahead|still want)\b"
)
_NEGATED = re.compile(r"\b(don'?t|do not|no need to|never mind|not now|no,? don'?t|stop asking)\b")
_PAUSE = re.compile(
    r"\b(pause|hold on|hold it|wait a (sec|second|moment|minute|bit)|take a (break|breather)|one moment)\b"
)
_RESUME = re.compile(r"\b(resume|continue|carry on|keep going|go on|unpause|back to work|pick up where)\b")
_DOCK = re.compile(
    r"\b(dock|docking|go home|head home|go back home|return home|recharge|charge (yourself|up|your battery)|"
    r"(go|return|head) (back )?to (your|the) (charger|base|home base|dock)|back to (your|the) (charger|base|dock)|"
    r"go charge|you can rest|that'?s all for today)\b"
)
_ABOUT = re.compile(
    r"\b(which|what) (language )?(model|llm|brain|backend)|\byour (language model|model|llm|backend)\b|"
    r"\blanguage model\b|\bllm\b|"
    r"what are you running|what runs you|what powers you|which ai"
)
_STATUS = re.compile(
    r"\b(what are you doing|what'?re you doing|what are you up to|status|are you (done|finished|busy)|"
    r"how far|how('?s| is) it going|progress|what'?s going on|are you working|what task)\b"
)
_REMEMBER = re.compile(r"^(please )?(remember|note|keep in mind|don'?t forget|make a note)( that|:)?\s+(?P<fact>.+)$")
_SAY = re.compile(
    r"^(please )?(say|announce|tell (him|her|them|everyone|everybody|the kids|my \w+))\s*:?\s+(?P<text>.+)$"
)
# How people address the robot before the request ("Robot, ...", "hey robot ..."): not part of it,
# and in the way of the rules anchored at the start of the request.
_ADDRESS = re.compile(r"^((hey|hi|ok|okay|hello) )?robot\b ?")
_RECALL = re.compile(
    r"^(when|where|what did|what do you (remember|know)|do you (remember|know)|did you|have you|"
    r"what was|how long ago|how many times|is the .* clean|was the .* cleaned|what happened|what did i)\b"
)
_CLEAN = re.compile(
    r"\b(clean|cleaning|cleaned|vacuum|vacuuming|vacuumed|hoover|hoovered|hoovering|sweep|tidy|mop|dust|wipe|scrub|"
    r"dirty|filthy|mess|messy|crumbs|spill|spilled|spilt|dropped|mud|muddy|dusty|sticky|dirt|hair everywhere|"
    r"needs? (a )?(clean|cleaning|vacuum)|once-over|do the)\b"
)
_SPOT = re.compile(
    r"\b(spill|spilled|spilt|spot|around|near|next to|beside|under|by the|in front of|crumbs by|mess by)\b"
)
_GO = re.compile(
    r"\b(go|drive|head|move|come|navigate|roll|get|wait|park|take yourself|make your way|be)\b.*"
    r"\b(to|by|at|near|over to|into|beside|next to)\b"
)
_REFERENT = re.compile(r"\b(?:the|my|our)\s+(?P<name>[a-z]+(?:\s[a-z]+)?)")
_SMALL_TALK = re.compile(
    r"\b(hello|hi|hey|good (morning|evening|night|afternoon)|thanks|thank you|how are you|who are you|"
    r"what'?s your name|joke|weather|nice|great|love you|good (job|robot|boy|girl)|bye|goodbye|"
    r"what time|how old|sing|dance|lol|haha|cool|okay|ok|sure|what day|i'?m (tired|bored|hungry|home)|"
    r"favou?rite|do you like|are you (happy|sad|alive|real)|tell me about yourself)\b"
)


def normalise(text: str) -> str:
    """Lower case, punctuation other than apostrophes and hyphens dropped, spaces collapsed."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^a-z0-9'\- ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def says_stop(text: str) -> bool:
    """True when the words stop / halt (or kin) occur anywhere: stop always wins."""
    return bool(STOP.search(normalise(text)))


def insists(text: str) -> bool:
    """True when the user explicitly insists ("anyway", "I insist", "yes, do it")."""
    return bool(INSIST.search(normalise(text)))


@dataclass(frozen=True)
class Vocabulary:
    """The house's nouns: every way to say a room or a place, longest first."""

    rooms: dict[str, str]  # phrase -> room name
    places: dict[str, str]  # phrase -> place name

    @classmethod
    def from_world(cls, world: World) -> Vocabulary:
        rooms: dict[str, str] = {}
        for room in world.rooms.values():
            rooms[room.label] = room.name
            rooms[room.name] = room.name
        if "living_room" in world.rooms:
            rooms.setdefault("lounge", "living_room")
        places: dict[str, str] = {}
        for place in world.places.values():
            for phrase in (place.label, place.name, *place.aliases):
                places[phrase.replace("_", " ")] = place.name
        return cls(rooms, places)

    def find(self, text: str) -> tuple[str | None, str | None]:
        """(room, place) named in the (normalised) text; the longest phrase wins overlaps."""
        phrases = [(p, "room", r) for p, r in self.rooms.items()] + [(p, "place", q) for p, q in self.places.items()]
        phrases.sort(key=lambda item: -len(item[0]))
        taken = text
        room = place = None
        for phrase, kind, name in phrases:
            pattern = rf"\b{re.escape(phrase)}s?\b"
            if re.search(pattern, taken):
                taken = re.sub(pattern, " # ", taken)
                if kind == "room" and room is None:
                    room = name
                elif kind == "place" and place is None:
                    place = name
        return room, place

    def mask(self, text: str) -> str:
        """The text with every room and place phrase replaced by '#' (their words are not verbs)."""
        for phrase in sorted([*self.rooms, *self.places], key=len, reverse=True):
            text = re.sub(rf"\b{re.escape(phrase)}s?\b", "#", text)
        return text

    def mentions(self, text: str, name: str) -> bool:
        """True when `name` (a room or place) or one of its aliases occurs in the text."""
        room, place = self.find(normalise(text))
        return name in (room, place)


@dataclass(frozen=True)
class Intent:
    syscall: Syscall
    confident: bool  # False: no rule matched, the model should decide
    rule: str  # which rule decided (for the benchmark and the logs)


class IntentParser:
    """Utterance -> Intent with rules only (no model)."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary

    def parse(self, utterance: str) -> Intent:
        text = _ADDRESS.sub("", normalise(utterance))
        if not text:
            return Intent(make("none"), True, "empty")
        if STOP.search(text):
            return Intent(make("stop"), True, "stop")
        fact = _REMEMBER.match(text)
        if fact and not text.startswith("remember when"):
            return Intent(make("remember", utterance_tail(utterance, fact.group("fact"))), True, "remember")
        said = _SAY.match(text)
        if said:
            return Intent(make("say", utterance_tail(utterance, said.group("text"))), True, "say")
        if _ABOUT.search(text):
            return Intent(make("about"), True, "about")
        if _RECALL.match(text):
            return Intent(make("recall", utterance.strip()), True, "recall")
        if _NEGATED.search(text) and (_CLEAN.search(text) or _GO.search(text)):
            return Intent(make("none"), True, "negated")
        if _PAUSE.search(text):
            return Intent(make("pause"), True, "pause")
        if _RESUME.search(text):
            return Intent(make("resume"), True, "resume")
        if _DOCK.search(text):
            return Intent(make("dock"), True, "dock")
        if _STATUS.search(text):
            return Intent(make("status"), True, "status")
        room, place = self.vocabulary.find(text)
        if _CLEAN.search(self.vocabulary.mask(text)):
            if place and (_SPOT.search(text) or not room):
                return Intent(make("spot_clean", place), True, "spot_clean")
            if room:
                return Intent(make("clean_room", room), True, "clean_room")
            referent = _REFERENT.search(text)
            if referent and referent.group("name") not in ("floor", "house", "place", "flat", "home"):
                return Intent(make("clean_room", referent.group("name")), True, "clean_unknown")
            return Intent(make("none"), False, "clean_what")
        if _GO.search(text) and (place or room):
            return Intent(make("go_to", place or room or ""), True, "go_to")
        if _GO.search(text) and text.split()[0] in ("go", "drive", "head", "move", "navigate", "roll"):
            referent = _REFERENT.search(text)
            if referent:
                return Intent(make("go_to", referent.group("name")), True, "go_unknown")
        if utterance.rstrip().endswith("?") or text.split()[0] in ("why", "how", "what", "is", "are", "can", "could"):
            return Intent(make("none"), bool(_SMALL_TALK.search(text)), "question")
        if _SMALL_TALK.search(text):
            return Intent(make("none"), True, "small_talk")
        return Intent(make("none"), False, "no_rule")


def utterance_tail(utterance: str, normalised_tail: str) -> str:
    """The original-case words of the utterance that correspond to a normalised tail."""
    words = utterance.strip().split()
    count = len(normalised_tail.split())
    return " ".join(words[-count:]) if count else ""
