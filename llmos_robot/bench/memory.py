"""`llmos-robot bench memory`: the memory store at 100,000 episodes, with the real embedder.

Goals (issue 5): recall p50 <= 10 ms excluding the query embedding and <= 30 ms including it;
recall@1 >= 0.9 on (question, expected fact) pairs; plus insert throughput and resident memory.

Embedding 100k texts with all-MiniLM-L6-v2 takes minutes on this machine, so the episodes are
composed from a few thousand distinct texts embedded with the real model (each record keeps its
own time, room and provenance; texts repeat ~30 times). The facts and the questions are all
embedded with the real model, and every recall searches the whole store (facts + episodes + house).
"""

from __future__ import annotations

import itertools
import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import faiss
from tqdm import tqdm

from llmos_robot.memory import MemoryStore, MiniLMEmbedder, NewRecord, Provenance
from llmos_robot.world import default_world_path, load_world

GOAL_P50_EXCLUDING_EMBEDDING_MS = 10.0
GOAL_P50_INCLUDING_EMBEDDING_MS = 30.0
GOAL_RECALL_AT_1 = 0.9

# (fact the user told the robot, a question asking for it in other words)
QA_PAIRS = [
    ("The bleach is in the cleaning cupboard; it is for the bathroom tiles.", "what do I use on the bathroom tiles?"),
    ("Use the wood polish on the coffee table, never water.", "how should the wooden table in the lounge be cleaned?"),
    ("The glass cleaner spray is for the mirrors and the windows.", "what goes on the mirror?"),
    ("Spare vacuum bags are kept in the hallway cupboard.", "where are the replacement bags for the hoover?"),
    ("The cat is not allowed in the bedroom.", "can the kitty go into the room where we sleep?"),
    (
        "The rug in the living room must only be vacuumed on the low setting.",
        "how strong should suction be on the rug?",
    ),
    ("The dog's food bowl stays next to the fridge.", "where does the puppy eat?"),
    ("Anna's allergy means no scented products in the bedroom.", "why can't perfumed cleaners be used where we sleep?"),
    ("The recycling bin is collected every Thursday morning.", "which day do they pick up the recycling?"),
    ("The kitchen floor is oak and must not get wet.", "is it ok to mop the kitchen with water?"),
    ("The charger cable for the robot is behind the sofa.", "where did we put the charging lead?"),
    ("Grandma visits on Sundays; keep the hallway clear.", "when is granny coming round?"),
    ("Descale the kettle with vinegar once a month.", "how do I get limescale out of the kettle?"),
    ("The microfibre cloths are in the drawer under the sink.", "where are the dusters kept?"),
    ("Quiet hours are from 10 pm to 7 am: no vacuuming then.", "when should you not make noise at night?"),
    ("The houseplants are watered on Wednesdays.", "what day do the plants need water?"),
    ("Leo's Lego is on the bedroom floor; do not suck it up.", "what toys should you avoid vacuuming?"),
    ("The oven cleaner is toxic: keep it away from the cat.", "which product is dangerous for our pet?"),
    ("The front door key is hidden under the blue flowerpot.", "where is the spare key?"),
    ("The Wi-Fi password is written on the fridge.", "how do I find the internet password?"),
    ("Carpet stain remover works on red wine spills.", "something to get wine out of the carpet?"),
    ("The bathroom extractor fan must run after showers.", "what stops mould after a shower?"),
    ("Shoes come off at the front door.", "where do people take off their boots?"),
    ("The baby sleeps from 1 pm to 3 pm; no cleaning in the bedroom then.", "when is the infant's nap?"),
    ("The leather sofa gets conditioner every three months.", "how do we care for the couch?"),
    ("The stainless steel fridge is wiped with a dry cloth only.", "how do I clean the refrigerator door?"),
    ("Old newspapers go in the paper bin in the hallway.", "where do used magazines get thrown away?"),
    ("The dishwasher tablets are on the top shelf above the counter.", "where are the dishwasher pods?"),
    ("The smoke alarm battery was replaced in October.", "when did we change the fire alarm battery?"),
    ("Toby is allergic to dust, so vacuum his room daily.", "why clean the boy's room every day?"),
]

EPISODE_TEMPLATES = [
    "I vacuumed under the {furniture} in the {room}.",
    "I found {dirt} near the {furniture} in the {room}.",
    "I bumped into the {furniture} in the {room} and backed off.",
    "I saw a {item} on the floor of the {room}.",
    "I stopped cleaning the {room} because {reason}.",
    "I finished the {room} with the battery at {battery}%.",
    "I went around the {item} in the {room}.",
    "I cleaned the {room} in {minutes} minutes.",
    "A {person} came into the {room} while I was cleaning near the {furniture}.",
    "I avoided a {item} next to the {furniture} in the {room}.",
]
ROOMS = ["kitchen", "bathroom", "hallway", "bedroom", "living room"]
FURNITURE = [
    "table",
    "chair",
    "sofa",
    "bed",
    "cabinet",
    "shelf",
    "desk",
    "bench",
    "radiator",
    "door",
    "bookcase",
    "dresser",
    "stool",
    "lamp",
    "plant pot",
    "laundry basket",
]
DIRT = [
    "crumbs",
    "dust",
    "hair",
    "mud",
    "sand",
    "leaves",
    "a sticky patch",
    "pet fur",
    "grit",
    "cereal",
    "glitter",
    "soil",
]
ITEMS = [
    "sock",
    "toy car",
    "phone cable",
    "slipper",
    "pen",
    "paper ball",
    "hair clip",
    "book",
    "shoe",
    "remote control",
    "coin",
    "dog toy",
    "towel",
    "bottle cap",
]
PEOPLE = ["person", "child", "dog", "cat", "visitor"]
REASONS = ["a person walked in", "the bumper was pressed", "the battery was low", "I was told to stop"]


def _episode_texts(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """`count` distinct (text, room key) pairs."""
    pool: set[tuple[str, str]] = set()
    for template in EPISODE_TEMPLATES:
        fields = {
            "room": ROOMS,
            "furniture": FURNITURE if "{furniture}" in template else [""],
            "dirt": DIRT if "{dirt}" in template else [""],
            "item": ITEMS if "{item}" in template else [""],
            "reason": REASONS if "{reason}" in template else [""],
            "battery": [str(b) for b in range(20, 100, 7)] if "{battery}" in template else [""],
            "minutes": [str(m) for m in range(5, 61)] if "{minutes}" in template else [""],
            "person": PEOPLE if "{person}" in template else [""],
        }
        for values in itertools.product(*fields.values()):
            choice = dict(zip(fields, values, strict=True))
            pool.add((template.format(**choice), choice["room"].replace(" ", "_")))
    ordered = sorted(pool)
    rng.shuffle(ordered)
    return ordered[:count]


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _p50_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def run(seconds: float | None = None, records: int = 100_000, distinct: int = 3000, seed: int = 0) -> dict[str, Any]:
    del seconds  # not a simulated benchmark
    rng = random.Random(seed)
    folder = Path(tempfile.mkdtemp(prefix="llmos-bench-memory-"))
    try:
        return _run(folder, records, distinct, rng)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run(folder: Path, records: int, distinct: int, rng: random.Random) -> dict[str, Any]:
    rss_start = _rss_mb()
    started = time.perf_counter()
    embedder = MiniLMEmbedder(threads=1)
    load_s = time.perf_counter() - started
    rss_model = _rss_mb()

    texts = _episode_texts(distinct, rng)
    started = time.perf_counter()
    vectors = embedder.embed([t for t, _ in texts])
    embed_rate = len(texts) / (time.perf_counter() - started)

    store = MemoryStore(folder, embedder, world=load_world(default_world_path()))
    now = time.time()
    facts = store.import_records([NewRecord(f, Provenance.USER, when=now - 86400) for f, _ in QA_PAIRS])

    # 100k episodes over the past year, composed from the distinct texts, in bulk transactions.
    batch = 5000
    all_picks: list[int] = []
    started = time.perf_counter()
    for start in tqdm(range(0, records, batch), desc="storing episodes", unit="batch", leave=False):
        size = min(batch, records - start)
        picks = [rng.randrange(len(texts)) for _ in range(size)]
        all_picks += picks
        new = [
            NewRecord(
                texts[i][0],
                Provenance.ROBOT,
                "episode",
                texts[i][1],
                "clean_room",
                None,
                now - rng.uniform(3600, 365 * 86400),
            )
            for i in picks
        ]
        store.import_records(new, vectors[picks])
    bulk_rate = records / (time.perf_counter() - started)
    store.save_index()
    rss_full = _rss_mb()

    # Durable single inserts (one transaction + fsync each), without and with embedding.
    started = time.perf_counter()
    singles = 200
    for i in range(singles):
        store.import_records([NewRecord(texts[i][0], Provenance.ROBOT, "episode", texts[i][1])], vectors[i : i + 1])
    single_rate = singles / (time.perf_counter() - started)
    started = time.perf_counter()
    for i in range(50):
        store.remember(f"The user said note {i} about the {ROOMS[i % 5]}.", provenance=Provenance.USER)
    embedded_rate = 50 / (time.perf_counter() - started)

    questions = [q for _, q in QA_PAIRS]
    question_vectors = embedder.embed(questions)
    excluding, including, filtered = [], [], []
    for _ in range(5):
        for q, v in zip(questions, question_vectors, strict=True):
            t0 = time.perf_counter()
            store.recall_by_vector(v, k=5)
            excluding.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            store.recall(q, k=5)
            including.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            store.recall_by_vector(v, k=5, room="kitchen", since=now - 30 * 86400)
            filtered.append(time.perf_counter() - t0)
    answers = [store.recall(q, k=1).records[0] for _, q in QA_PAIRS]
    bonus = store.config.user_fact_bonus
    cosine_hits = 0
    for (_, q), fact in zip(QA_PAIRS, facts, strict=True):
        ranked = store.recall(q, k=len(QA_PAIRS) + 10).records
        raw = max(ranked, key=lambda r: r.score - (bonus if r.kind == "fact" and r.provenance.may_instruct else 0.0))
        cosine_hits += raw.id == fact.id
    hits = [answer.id == fact.id for answer, fact in zip(answers, facts, strict=True)]
    misses = [
        {"question": q, "expected": f, "got": answer.text}
        for (f, q), answer, hit in zip(QA_PAIRS, answers, hits, strict=True)
        if not hit
    ]
    total = store.count()
    store.close()

    started = time.perf_counter()
    MemoryStore(folder, embedder).close()
    reopen_s = time.perf_counter() - started
    (folder / "index.faiss").unlink()
    started = time.perf_counter()
    MemoryStore(folder, embedder).close()
    rebuild_s = time.perf_counter() - started

    # The floor, measured at the same moment on the same machine: raw FAISS over the same vectors.
    flat = faiss.IndexFlatIP(embedder.dimension)
    flat.add(vectors[all_picks])
    floor = []
    for v in question_vectors:
        t0 = time.perf_counter()
        flat.search(v.reshape(1, -1), 5)
        floor.append(time.perf_counter() - t0)
    del flat

    p50_ex, p50_in = _p50_ms(excluding), _p50_ms(including)
    recall_at_1 = sum(hits) / len(hits)
    return {
        "records": total,
        "composition": (
            f"{records} episodes composed from {len(texts)} distinct texts embedded with all-MiniLM-L6-v2, "
            f"+ {len(QA_PAIRS)} facts + the house's rooms and places"
        ),
        "embedder": {"load_s": round(load_s, 2), "sentences_per_s": round(embed_rate, 1)},
        "recall_p50_ms_excluding_embedding": p50_ex,
        "recall_p50_ms_including_embedding": p50_in,
        "recall_p50_ms_filtered_room_and_time_excluding_embedding": _p50_ms(filtered),
        "raw_faiss_flat_search_p50_ms_same_vectors": _p50_ms(floor),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "recall_at_1": round(recall_at_1, 3),
        "recall_at_1_pure_cosine": round(cosine_hits / len(hits), 3),
        "user_fact_bonus": bonus,
        "recall_at_1_pairs": len(hits),
        "recall_at_1_misses": misses,
        "insert_per_s_bulk_5000_per_transaction": round(bulk_rate, 1),
        "insert_per_s_durable_one_per_transaction_excluding_embedding": round(single_rate, 1),
        "insert_per_s_durable_including_embedding": round(embedded_rate, 1),
        "resident_mb": {
            "process_start": round(rss_start, 1),
            "after_model_load": round(rss_model, 1),
            "with_100k_records": round(rss_full, 1),
            "store_share": round(rss_full - rss_model, 1),
        },
        "disk_mb": {
            "sqlite": round((folder / "memory.sqlite").stat().st_size / 2**20, 1),
            "index": round(records * embedder.dimension * 4 / 2**20, 1),
        },
        "reopen_s_with_index_file": round(reopen_s, 2),
        "reopen_s_rebuilding_index_from_sqlite": round(rebuild_s, 2),
        "goal": {
            "recall_p50_ms_excluding_embedding_at_most": GOAL_P50_EXCLUDING_EMBEDDING_MS,
            "recall_p50_ms_including_embedding_at_most": GOAL_P50_INCLUDING_EMBEDDING_MS,
            "recall_at_1_at_least": GOAL_RECALL_AT_1,
        },
        "met": p50_ex <= GOAL_P50_EXCLUDING_EMBEDDING_MS
        and p50_in <= GOAL_P50_INCLUDING_EMBEDDING_MS
        and recall_at_1 >= GOAL_RECALL_AT_1,
    }
