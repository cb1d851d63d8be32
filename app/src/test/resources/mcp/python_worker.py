"""A Worker's whole session over MCP with the official MCP Python SDK (package `mcp`).

Started by McpPythonSdkTest: argv[1:] is the `pg-sor mcp` command line. It calls every tool of the
Worker surface through the SDK's stdio client (which checks each result's structuredContent against
the tool's outputSchema), prints one line per call (`tool <json>`), and exits 1 on the first
surprise, naming it.
"""
import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def fail(message):
    print("FAIL " + message, flush=True)
    sys.exit(1)


async def main(command):
    params = StdioServerParameters(command=command[0], args=command[1:])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            tools = {t.name: t for t in (await session.list_tools()).tools}
            print("tools " + json.dumps(sorted(tools)), flush=True)

            async def call(name, args=None, meta=None, refused=None):
                result = await session.call_tool(name, args or {}, meta=meta)
                # the SDK's 2.x names the fields in snake case, 1.x as on the wire
                content = getattr(result, "structured_content", None) or getattr(result, "structuredContent", None)
                is_error = bool(getattr(result, "is_error", None) or getattr(result, "isError", None))
                print(name + " " + json.dumps(content, sort_keys=True), flush=True)
                if refused is not None:
                    if not is_error or content.get("sqlstate") != refused:
                        fail(f"{name}: expected a refusal {refused}, got {content}")
                elif is_error:
                    fail(f"{name}: {content}")
                return content

            run = await call("get_run")
            if run["status"] != "running":
                fail("the run is not running")
            await call("record_turn", {"model": "py-model", "role": "user", "content": "Reconcile the day."})
            one = await call("append_event", {"stream": "expense-1", "type": "Noted", "payload": {"n": 1},
                                              "expected_version": 0})
            await call("append_event", {"stream": "expense-1", "type": "Noted", "expected_version": 0}, refused="SR013")
            await call("append_events", {"events": [{"stream": "expense-1", "type": "Noted", "payload": {"n": 2}},
                                                    {"stream": "expense-2", "type": "Noted"}]})
            stream = await call("read_stream", {"stream": "expense-1"})
            if [e["version"] for e in stream["events"]] != [1, 2]:
                fail(f"read_stream: {stream}")
            since = await call("events_since", {"after_position": one["position"] - 1})
            if any(e["metadata"].get("run_id") != run["run_id"] for e in since["events"]):
                fail("an event appended over MCP does not carry the run id")
            await call("subscribe", {"name": "py.projector", "stream_prefix": "expense-"})
            page = await call("read_subscription", {"name": "py.projector"})
            await call("ack_subscription", {"name": "py.projector", "up_to_position": page["last_position"]})
            if (await call("read_subscription", {"name": "py.projector"}))["events"]:
                fail("read after the acknowledgement returned events again")
            task = await call("enqueue_task", {"queue": "py-jobs", "subject": "match-1", "dedupe_key": "match-1"})
            if (await call("enqueue_task", {"queue": "py-jobs", "subject": "match-1", "dedupe_key": "match-1"}))["task_id"] != task["task_id"]:
                fail("the dedupe key gave another task")
            claimed = (await call("claim_tasks", {"queue": "py-jobs", "batch": 1, "lease_seconds": 30}))["tasks"]
            if len(claimed) != 1:
                fail(f"claim_tasks: {claimed}")
            t = claimed[0]
            await call("heartbeat_task", {"task_id": t["task_id"], "fencing_token": t["fencing_token"]})
            await call("complete_task", {"task_id": t["task_id"], "fencing_token": t["fencing_token"], "result": {"ok": True}})
            await call("complete_task", {"task_id": t["task_id"], "fencing_token": t["fencing_token"]}, refused="SR056")
            begun = await call("begin_tool_call", {"tool_name": "send_receipt", "args": {"to": "alice"},
                                                   "idempotency_key": "receipt-1"})
            await call("finish_tool_call", {"tool_call_id": begun["tool_call_id"], "result": {"message_id": "m-1"}})
            await call("finish_tool_call", {"tool_call_id": begun["tool_call_id"], "result": {"message_id": "m-1"}})
            again = await call("begin_tool_call", {"tool_name": "send_receipt", "args": {"to": "alice"},
                                                   "idempotency_key": "receipt-1"})
            if not again["replayed"]:
                fail("the key did not replay the call")
            await call("add_note", {"id": 1, "body": "from python"}, meta={"idempotencyKey": "note-1"})
            step = {"step_id": "reconcile", "expected_version": 0, "output": {"matched": 1}}
            await call("commit_step", step)
            if not (await call("commit_step", step))["replayed"]:
                fail("the step was not replayed")
            finished = await call("finish_run", {"status": "succeeded"})
            if finished["status"] != "succeeded" or "succeeded" not in finished["report"]:
                fail(f"finish_run: {finished}")
            resources = await session.list_resources()
            print("resources " + json.dumps(sorted(str(r.uri) for r in resources.resources)), flush=True)
            print("OK", flush=True)


asyncio.run(main(sys.argv[1:]))
