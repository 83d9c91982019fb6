"""The guard on its own: provenance, referents, policy, rate limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from llmos_robot.kernel import Channel, Guard, GuardConfig, Verdict
from llmos_robot.kernel.syscalls import make
from llmos_robot.world.model import Zone


def test_only_the_user_channel_may_issue_syscalls(house, memory, clock):
    guard = Guard(house, memory)
    for channel in (Channel.MEMORY, Channel.VISION, Channel.TOOL, Channel.ROBOT):
        decision = guard.check(make("go_to", "sofa"), channel, clock())
        assert decision.verdict is Verdict.NOT_FROM_USER and "only take instructions from you" in decision.say
    assert guard.check(make("go_to", "sofa"), Channel.USER, clock()).accepted


def test_referents_resolve_to_the_worlds_names_or_are_refused_helpfully(house, memory, clock):
    guard = Guard(house, memory)
    assert guard.check(make("go_to", "couch"), Channel.USER, clock()).syscall.arg() == "sofa"
    assert guard.check(make("clean_room", "Living Room"), Channel.USER, clock()).syscall.arg() == "living_room"
    refused = guard.check(make("spot_clean", "piano"), Channel.USER, clock())
    assert refused.verdict is Verdict.UNKNOWN_REFERENT and "piano" in refused.say and "sofa" in refused.say


def test_recently_cleaned_rooms_are_refused_with_the_time_unless_insisted(house, memory, clock):
    guard = Guard(house, memory, GuardConfig(recent_clean_s=3600))
    memory.add(
        "kitchen cleaned",
        kind="episode",
        room="kitchen",
        task="clean_room",
        provenance="robot",
        when=clock() - timedelta(minutes=30),
    )
    refused = guard.check(make("clean_room", "kitchen"), Channel.USER, clock())
    assert refused.verdict is Verdict.RECENTLY_CLEANED and "10:12, 30 minutes ago" in refused.say
    assert guard.check(make("clean_room", "kitchen"), Channel.USER, clock(), insist=True).accepted
    clock.advance(minutes=31)
    assert guard.check(make("clean_room", "kitchen"), Channel.USER, clock()).accepted


def test_motion_is_rate_limited_but_stop_never_is(house, memory, clock):
    guard = Guard(house, memory, GuardConfig(motion_rate_limit=3, rate_window_s=60))
    for _ in range(3):
        guard.record_motion(clock())
    assert guard.check(make("dock"), Channel.USER, clock()).verdict is Verdict.RATE_LIMITED
    assert guard.check(make("stop"), Channel.USER, clock()).accepted
    clock.advance(seconds=61)
    assert guard.check(make("dock"), Channel.USER, clock()).accepted


def test_places_in_a_no_go_zone_are_refused(house, memory, clock):
    sofa = house.places["sofa"].pose
    zone = Zone(
        "rug",
        (
            (sofa.x - 0.2, sofa.y - 0.2),
            (sofa.x + 0.2, sofa.y - 0.2),
            (sofa.x + 0.2, sofa.y + 0.2),
            (sofa.x - 0.2, sofa.y + 0.2),
        ),
    )
    guard = Guard(replace(house, no_go_zones=[zone]), memory)
    decision = guard.check(make("go_to", "sofa"), Channel.USER, clock())
    assert decision.verdict is Verdict.NO_GO_ZONE and "no-go zone" in decision.say
