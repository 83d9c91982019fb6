"""The `memory` node: the robot's memory store (llmos_robot.memory) behind ROS services.

Services:
  memory/remember      llmos_interfaces/Remember     store a record; answered once it is on disk
  memory/recall        llmos_interfaces/Recall       search by meaning, room, kind, time, place
  memory/last_cleaned  llmos_interfaces/LastCleaned  exactly when a room was last cleaned, and by what
Publishes:
  memory/events        llmos_interfaces/MemoryRecord every record stored (by any caller of the store)
Parameters (config/memory.yaml): db_dir, world, embedder ("minilm" | "hashing"), threads,
  max_text_chars, default_k, max_k, future_tolerance_s, synchronous, index_save_interval,
  search_threads, user_fact_bonus.

Bad requests (empty text, unknown room, a time in the future, ...) are answered with ok=false and
a sentence saying why; they never take the node down.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from llmos_interfaces.msg import MemoryRecord as MemoryRecordMsg
from llmos_interfaces.srv import LastCleaned, Recall, Remember
from rclpy.node import Node

from llmos_robot.errors import LlmosError
from llmos_robot.memory import MemoryConfig, MemoryRecord, MemoryStore, make_embedder
from llmos_robot.ros import memory_conversions as conv
from llmos_robot.ros.node_main import run_node
from llmos_robot.world import default_world_path, load_world

DEFAULT_DB_DIR = "~/.local/share/llmos_robot/memory"


@dataclass(frozen=True)
class MemoryNodeParameters:
    db_dir: str
    world: str
    embedder: str
    threads: int
    store: MemoryConfig


class MemoryNode(Node):
    def __init__(self, **kwargs: object) -> None:
        super().__init__("memory", **kwargs)  # type: ignore[arg-type]
        self.parameters = self._read_parameters()
        p = self.parameters
        world = load_world(Path(p.world) if p.world else default_world_path())
        self.store = MemoryStore(
            p.db_dir,
            make_embedder(p.embedder, p.threads),
            world=world,
            config=p.store,
            log=self.get_logger().info,
        )
        self._events = self.create_publisher(MemoryRecordMsg, "memory/events", 10)
        self.store.subscribe(self._publish_event)
        self.create_service(Remember, "memory/remember", self._remember)
        self.create_service(Recall, "memory/recall", self._recall)
        self.create_service(LastCleaned, "memory/last_cleaned", self._last_cleaned)
        self.get_logger().info(f"memory: {self.store.count()} records in {self.store.folder} ({p.embedder})")

    def _read_parameters(self) -> MemoryNodeParameters:
        defaults = MemoryConfig()

        def declare(name: str, default: object) -> object:
            return self.declare_parameter(name, default).value

        return MemoryNodeParameters(
            db_dir=str(declare("db_dir", DEFAULT_DB_DIR)),
            world=str(declare("world", "")),
            embedder=str(declare("embedder", "minilm")),
            threads=int(str(declare("threads", 1))),
            store=MemoryConfig(
                max_text_chars=int(str(declare("max_text_chars", defaults.max_text_chars))),
                default_k=int(str(declare("default_k", defaults.default_k))),
                max_k=int(str(declare("max_k", defaults.max_k))),
                future_tolerance_s=float(str(declare("future_tolerance_s", defaults.future_tolerance_s))),
                synchronous=str(declare("synchronous", defaults.synchronous)),
                index_save_interval=int(str(declare("index_save_interval", defaults.index_save_interval))),
                search_threads=int(str(declare("search_threads", defaults.search_threads))),
                user_fact_bonus=float(str(declare("user_fact_bonus", defaults.user_fact_bonus))),
            ),
        )

    def _publish_event(self, record: MemoryRecord) -> None:
        self._events.publish(conv.record_to_msg(record))

    def _remember(self, request: Remember.Request, response: Remember.Response) -> Remember.Response:
        try:
            if request.kind == "episode" and request.task and request.room and request.coverage >= 0:
                # A cleaning: stored as one, so last_cleaned answers it exactly after a restart too.
                record = self.store.record_cleaning(
                    request.room, request.task, float(request.coverage), provenance=request.provenance or "robot"
                )
            else:
                new = conv.new_record_from_request(request)
                record = self.store.import_records([new])[0]
        except LlmosError as err:
            response.ok, response.message = False, str(err)
            return response
        response.ok, response.id, response.message = True, record.id, "I'll remember that."
        return response

    def _recall(self, request: Recall.Request, response: Recall.Response) -> Recall.Response:
        try:
            result = self.store.recall(**conv.recall_arguments_from_request(request))
        except LlmosError as err:
            response.ok, response.message = False, str(err)
            return response
        return conv.recall_to_response(result, response)

    def _last_cleaned(self, request: LastCleaned.Request, response: LastCleaned.Response) -> LastCleaned.Response:
        try:
            result = self.store.last_cleaned(request.room)
        except LlmosError as err:
            response.ok, response.message = False, str(err)
            return response
        return conv.last_cleaned_to_response(result, response)

    def shutdown(self) -> None:
        """Write the search index and close the database (also called by the test harness)."""
        self.store.close()


def main(args: list[str] | None = None) -> None:
    run_node("memory", MemoryNode, args)


if __name__ == "__main__":
    main()
