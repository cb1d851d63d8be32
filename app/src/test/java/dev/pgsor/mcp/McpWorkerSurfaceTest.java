package dev.pgsor.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole Worker surface over MCP, driven by the official MCP Java SDK's client over stdio
 * against `pg-sor mcp` as its own process: every tool of the surface, its annotations and output
 * schema (the SDK client checks each result's structuredContent against it), the database rows it
 * leaves, refusals as non-retryable tool errors with their SQLSTATE, and a call three times the
 * lease long that keeps its run alive.
 */
@SorTest
class McpWorkerSurfaceTest {

    static SorDatabase db;
    static Database worker;

    static final List<String> SURFACE = List.of("get_run", "record_turn", "append_event", "append_events", "read_stream",
            "events_since", "subscribe", "read_subscription", "ack_subscription", "enqueue_task", "claim_tasks", "heartbeat_task", "complete_task", "fail_task", "begin_tool_call",
            "finish_tool_call", "list_tool_calls", "commit_step", "finish_run");

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.addTenant("globex", "Globex");
        db.exec("select sor_api.create_queue('jobs', 'work for the surface test', 2, '1 second', '1 second')");
        NoteTool.installSlowNote(db, "surface-bot");
        worker = db.worker("surface-bot", "acme", "globex");
    }

    static McpSyncClient client(String runKey, String... options) {
        return McpServerProcess.client(McpServerProcess.command(worker, "acme", "mcp-surface", runKey, options));
    }

    static CallToolRequest call(String tool, Map<String, Object> args) {
        return CallToolRequest.builder(tool).arguments(args).build();
    }

    /** A successful call's structured content (the SDK client has checked it against the tool's outputSchema). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> ok(McpSyncClient client, String tool, Map<String, Object> args) {
        CallToolResult result = client.callTool(call(tool, args));
        assertThat(result.isError()).as(tool + ": " + McpSessionTest.text(result)).isFalse();
        assertThat(result.structuredContent()).isEqualTo(McpSessionTest.jsonObject(McpSessionTest.text(result)));
        return (Map<String, Object>) result.structuredContent();
    }

    /** A refused call's error object: a tool error, not retryable, with the database's SQLSTATE. */
    static Map<String, Object> refused(McpSyncClient client, String tool, Map<String, Object> args, String sqlstate) {
        CallToolResult result = client.callTool(call(tool, args));
        assertThat(result.isError()).as(tool).isTrue();
        Map<String, Object> error = McpSessionTest.jsonObject(McpSessionTest.text(result));
        assertThat(result.structuredContent()).isEqualTo(error);
        assertThat(error).containsEntry("tool", tool).containsEntry("retryable", false).containsEntry("sqlstate", sqlstate)
                .containsKeys("message", "hint");
        return error;
    }

    static Map<String, Object> args(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** A JSON array of objects, as the SDK client parsed it. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> items(Object array) {
        return (List<Map<String, Object>>) array;
    }

    /** A JSON object, as the SDK client parsed it. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value) {
        return (Map<String, Object>) value;
    }

    static long number(Object value) {
        return ((Number) value).longValue();
    }

    @Test
    void everyToolOfTheSurfaceIsListedWithAnnotationsAndAnOutputSchema() {
        McpSyncClient client = client("listing");
        try {
            List<McpSchema.Tool> tools = client.listTools().tools();
            assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyElementsOf(
                    concat(List.of("slow_note"), SURFACE));
            Map<String, List<Boolean>> hints = new LinkedHashMap<>();
            for (McpSchema.Tool tool : tools) {
                McpSchema.ToolAnnotations a = tool.annotations();
                hints.put(tool.name(), List.of(a.readOnlyHint(), a.destructiveHint(), a.idempotentHint()));
                if (!tool.name().equals("slow_note")) {
                    assertThat(tool.outputSchema()).as(tool.name()).containsEntry("type", "object").containsKey("required");
                    assertThat(a.openWorldHint()).as(tool.name()).isFalse();
                    assertThat(tool.description()).as(tool.name()).isNotBlank();
                }
            }
            // readOnlyHint, destructiveHint, idempotentHint
            assertThat(hints).containsEntry("slow_note", List.of(false, true, false))
                    .containsEntry("get_run", List.of(true, false, true))
                    .containsEntry("read_stream", List.of(true, false, true))
                    .containsEntry("events_since", List.of(true, false, true))
                    .containsEntry("subscribe", List.of(false, false, true))
                    .containsEntry("read_subscription", List.of(true, false, true))
                    .containsEntry("ack_subscription", List.of(false, false, true))
                    .containsEntry("record_turn", List.of(false, false, false))
                    .containsEntry("append_event", List.of(false, false, false))
                    .containsEntry("enqueue_task", List.of(false, false, false))
                    .containsEntry("claim_tasks", List.of(false, false, false))
                    .containsEntry("heartbeat_task", List.of(false, false, true))
                    .containsEntry("complete_task", List.of(false, true, true))
                    .containsEntry("fail_task", List.of(false, true, true))
                    .containsEntry("begin_tool_call", List.of(false, false, false))
                    .containsEntry("finish_tool_call", List.of(false, true, true))
                    .containsEntry("list_tool_calls", List.of(true, false, true))
                    .containsEntry("commit_step", List.of(false, false, true))
                    .containsEntry("finish_run", List.of(false, true, true));
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void aWholeRunThroughEveryWorkerTool() {
        McpSyncClient client = client("whole", "--lease-seconds", "30");
        UUID run;
        try {
            Map<String, Object> got = ok(client, "get_run", Map.of());
            run = UUID.fromString((String) got.get("run_id"));
            assertThat(got).containsEntry("status", "running").containsEntry("version", 0).containsEntry("tenant_id", "acme");

            // turns
            assertThat(ok(client, "record_turn", args("model", "gpt-test", "role", "user", "content", "Reconcile the day.")))
                    .isEqualTo(Map.of("run_id", run.toString(), "turn", 1));
            assertThat(ok(client, "record_turn", args("model", "gpt-test", "role", "assistant", "input_tokens", 12,
                    "output_tokens", 3, "content", "On it."))).containsEntry("turn", 2);

            // events: appended to the session's tenant, carrying the run id; read back by stream and by position
            Map<String, Object> first = ok(client, "append_event", args("stream", "expense-1", "type", "ExpenseSeen",
                    "payload", Map.of("amount", 42), "expected_version", 0));
            assertThat(first).containsEntry("stream", "expense-1").containsEntry("version", 1).containsKeys("position", "hash");
            Map<String, Object> batch = ok(client, "append_events", args("events", List.of(
                    args("stream", "expense-1", "type", "ExpenseCategorised", "payload", Map.of("category", "travel"),
                            "expected_version", 1),
                    args("stream", "expense-2", "type", "ExpenseSeen", "metadata", Map.of("source", "bank")))));
            assertThat(batch.get("events")).asList().hasSize(2);
            assertThat(db.rows("select stream, version, type, tenant_id, metadata ->> 'run_id' from sor.events"
                    + " where stream like 'expense-%' order by position"))
                    .containsExactly(List.of("expense-1", 1, "ExpenseSeen", "acme", run.toString()),
                            List.of("expense-1", 2, "ExpenseCategorised", "acme", run.toString()),
                            List.of("expense-2", 1, "ExpenseSeen", "acme", run.toString()));
            assertThat(db.scalar("select metadata ->> 'source' from sor.events where stream = 'expense-2'")).isEqualTo("bank");
            // an idempotency key: a duplicate append returns the original position and writes nothing; other content is SR019
            Map<String, Object> receipt = args("stream", "receipt-1", "type", "ReceiptSeen", "payload", Map.of("amount", 7),
                    "expected_version", 0, "idempotency_key", "receipt-1-seen");
            Map<String, Object> seen = ok(client, "append_event", receipt);
            assertThat(seen).containsEntry("stream", "receipt-1").containsEntry("version", 1);
            assertThat(ok(client, "append_event", receipt)).isEqualTo(seen);
            refused(client, "append_event", args("stream", "receipt-1", "type", "ReceiptSeen", "payload", Map.of("amount", 8),
                    "idempotency_key", "receipt-1-seen"), "SR019");
            Map<String, Object> keyedBatch = args("events", List.of(
                    args("stream", "receipt-1", "type", "ReceiptSeen", "payload", Map.of("amount", 7), "idempotency_key", "receipt-1-seen"),
                    args("stream", "receipt-2", "type", "ReceiptSeen", "idempotency_key", "receipt-2-seen")));
            Map<String, Object> batchSeen = ok(client, "append_events", keyedBatch);
            assertThat(((Map<?, ?>) ((List<?>) batchSeen.get("events")).get(0)).get("position")).isEqualTo(seen.get("position"));
            assertThat(ok(client, "append_events", keyedBatch)).isEqualTo(batchSeen);
            assertThat(db.rows("select stream, version from sor.events where stream like 'receipt-%' order by position"))
                    .containsExactly(List.of("receipt-1", 1), List.of("receipt-2", 1));

            Map<String, Object> stream = ok(client, "read_stream", args("stream", "expense-1"));
            List<Object> types = new ArrayList<>();
            for (Object e : (List<?>) stream.get("events")) {
                types.add(((Map<?, ?>) e).get("type"));
            }
            assertThat(types).containsExactly("ExpenseSeen", "ExpenseCategorised");
            // another tenant's event, readable by this Worker, is not the session's: events_since keeps to acme
            Sql.scalar(worker, "select position from sor_api.append_event('globex', 'other-1', 'Elsewhere')");
            Map<String, Object> since = ok(client, "events_since", args("after_position", number(first.get("position")) - 1));
            List<Object> sinceStreams = new ArrayList<>();
            for (Object e : (List<?>) since.get("events")) {
                sinceStreams.add(((Map<?, ?>) e).get("stream"));
                assertThat(((Map<?, ?>) e).get("stream")).isNotEqualTo("other-1");
            }
            assertThat(sinceStreams).containsSubsequence("expense-1", "expense-1", "expense-2");
            // read in position order up to acme's horizon: the last position is acme's last event
            assertThat(number(since.get("last_position"))).isEqualTo(
                    number(db.scalar("select max(position) from sor.events where tenant_id = 'acme'")));
            // the kit's own streams are refused, as a tool error with the database's SQLSTATE
            refused(client, "append_event", args("stream", "run-" + run, "type", "Forged"), "SR017");
            refused(client, "append_event", args("stream", "expense-1", "type", "Late", "expected_version", 0), "SR013");

            // tasks: enqueue (a dedupe key names the same task), claim, heartbeat, complete; fail; a stale token refused
            Map<String, Object> queued = ok(client, "enqueue_task", args("queue", "jobs", "subject", "row-1",
                    "payload", Map.of("row", 1), "dedupe_key", "row-1"));
            assertThat(ok(client, "enqueue_task", args("queue", "jobs", "subject", "row-1", "payload", Map.of("row", 1),
                    "dedupe_key", "row-1"))).isEqualTo(queued);
            Object second = ok(client, "enqueue_task", args("queue", "jobs", "subject", "row-2", "priority", -1)).get("task_id");
            Map<String, Object> claimed = ok(client, "claim_tasks", args("queue", "jobs", "batch", 1, "lease_seconds", 30));
            Map<?, ?> task = (Map<?, ?>) ((List<?>) claimed.get("tasks")).get(0);
            assertThat(task.get("task_id")).isEqualTo(queued.get("task_id"));
            assertThat(task.get("tenant_id")).isEqualTo("acme");
            Map<String, Object> token = args("task_id", task.get("task_id"), "fencing_token", task.get("fencing_token"));
            assertThat(ok(client, "heartbeat_task", token)).containsEntry("task_id", task.get("task_id")).containsKey("lease_expires_at");
            Map<String, Object> completion = new LinkedHashMap<>(token);
            completion.put("result", Map.of("expense_id", 7));
            assertThat(ok(client, "complete_task", completion)).isEqualTo(Map.of("task_id", task.get("task_id"), "status", "completed"));
            refused(client, "complete_task", token, "SR056");

            Map<?, ?> next = (Map<?, ?>) ((List<?>) ok(client, "claim_tasks", args("queue", "jobs")).get("tasks")).get(0);
            assertThat(next.get("task_id")).isEqualTo(second);
            Map<String, Object> failed = ok(client, "fail_task", args("task_id", next.get("task_id"),
                    "fencing_token", next.get("fencing_token"), "error", "the bank row is unreadable"));
            assertThat(failed).containsEntry("task_id", second).containsEntry("status", "failed").containsKey("run_after");
            assertThat(db.rows("select task_id, status, result ->> 'expense_id', last_error from sor.tasks"
                    + " union all select task_id, status, result ->> 'expense_id', last_error from sor.finished_tasks order by 1"))
                    .containsExactly(java.util.Arrays.asList(number(queued.get("task_id")), "completed", "7", null),
                            java.util.Arrays.asList(number(second), "failed", null, "the bank row is unreadable"));

            // an external call: begun, made outside, finished; the same key answers from the journal
            Map<String, Object> begun = ok(client, "begin_tool_call", args("tool_name", "send_receipt",
                    "args", Map.of("to", "alice@acme.test"), "idempotency_key", "receipt-1"));
            assertThat(begun).containsEntry("replayed", false).containsEntry("status", "started");
            assertThat(ok(client, "finish_tool_call", args("tool_call_id", begun.get("tool_call_id"),
                    "result", Map.of("message_id", "m-1")))).isEqualTo(
                    Map.of("tool_call_id", begun.get("tool_call_id"), "status", "succeeded"));
            Map<String, Object> again = ok(client, "begin_tool_call", args("tool_name", "send_receipt",
                    "args", Map.of("to", "alice@acme.test"), "idempotency_key", "receipt-1"));
            assertThat(again).containsEntry("tool_call_id", begun.get("tool_call_id")).containsEntry("replayed", true)
                    .containsEntry("status", "succeeded").containsEntry("result", Map.of("message_id", "m-1"));
            Map<String, Object> bounced = ok(client, "begin_tool_call", args("tool_name", "send_receipt",
                    "args", Map.of("to", "bob@acme.test")));
            assertThat(ok(client, "finish_tool_call", args("tool_call_id", bounced.get("tool_call_id"),
                    "error", Map.of("reason", "mailbox full")))).containsEntry("status", "failed");
            refused(client, "finish_tool_call", args("tool_call_id", bounced.get("tool_call_id"), "result", Map.of()), "SR044");
            Map<String, Object> pending = ok(client, "begin_tool_call", args("tool_name", "send_receipt",
                    "args", Map.of("to", "carol@acme.test"), "idempotency_key", "receipt-3"));

            // the run's calls, a page at a time, of one status or of any
            Map<String, Object> callsFirst = ok(client, "list_tool_calls", args("max_rows", 2));
            assertThat(items(callsFirst.get("tool_calls")).stream().map(c -> c.get("tool_call_id")).toList())
                    .containsExactly(begun.get("tool_call_id"), bounced.get("tool_call_id"));
            assertThat(callsFirst).containsEntry("last_tool_call_id", bounced.get("tool_call_id"));
            Map<String, Object> callsRest = ok(client, "list_tool_calls", args("after_tool_call_id", callsFirst.get("last_tool_call_id")));
            assertThat(items(callsRest.get("tool_calls"))).singleElement().satisfies(c -> assertThat(c)
                    .containsEntry("tool_call_id", pending.get("tool_call_id")).containsEntry("tool_name", "send_receipt")
                    .containsEntry("status", "started").containsEntry("args", Map.of("to", "carol@acme.test"))
                    .containsEntry("idempotency_key", "receipt-3").containsEntry("result", null).containsEntry("error", null)
                    .containsEntry("finished_at", null).containsKey("started_at"));
            Map<String, Object> callsFailed = ok(client, "list_tool_calls", args("status", "failed"));
            assertThat(items(callsFailed.get("tool_calls"))).singleElement()
                    .satisfies(c -> assertThat(c).containsEntry("tool_call_id", bounced.get("tool_call_id"))
                            .containsEntry("status", "failed").containsEntry("error", Map.of("reason", "mailbox full")));
            Map<String, Object> callsNone = ok(client, "list_tool_calls", args("status", "started", "after_tool_call_id", pending.get("tool_call_id")));
            assertThat(items(callsNone.get("tool_calls"))).isEmpty();
            assertThat(callsNone).containsEntry("last_tool_call_id", null);
            refused(client, "list_tool_calls", args("after_tool_call_id", UUID.randomUUID().toString()), "SR034");
            assertThat(ok(client, "finish_tool_call", args("tool_call_id", pending.get("tool_call_id"),
                    "result", Map.of("message_id", "m-3")))).containsEntry("status", "succeeded");

            // a step: committed once, replayed on repetition, a stale version is a conflict
            Map<String, Object> step = args("step_id", "categorise", "expected_version", 0, "output", Map.of("categorised", 2),
                    "events", List.of(args("type", "rows_categorised", "payload", Map.of("count", 2))));
            assertThat(ok(client, "commit_step", step)).containsEntry("status", "committed").containsEntry("version", 1)
                    .containsEntry("replayed", false);
            assertThat(ok(client, "commit_step", step)).containsEntry("status", "committed").containsEntry("version", 1)
                    .containsEntry("replayed", true).containsEntry("recorded_output", Map.of("categorised", 2));
            assertThat(ok(client, "commit_step", args("step_id", "other", "expected_version", 0, "output", Map.of())))
                    .containsEntry("status", "conflict").containsEntry("version", 1);
            assertThat(ok(client, "get_run", Map.of())).containsEntry("version", 1)
                    .containsEntry("state", Map.of("categorised", 2)).containsEntry("last_step_id", "categorise");

            // arguments that do not match the input schema never reach the database
            CallToolResult invalid = client.callTool(call("record_turn", args("model", "gpt-test", "role", "narrator")));
            assertThat(invalid.isError()).isTrue();
            assertThat(McpSessionTest.jsonObject(McpSessionTest.text(invalid))).containsEntry("tool", "record_turn")
                    .containsEntry("retryable", false).containsKeys("message", "hint");

            Map<String, Object> finished = ok(client, "finish_run", args("status", "succeeded"));
            assertThat(finished).containsEntry("status", "succeeded");
            refused(client, "record_turn", args("model", "gpt-test", "role", "user"), "SR035");
        } finally {
            client.closeGracefully();
        }
        assertThat(db.rows("select turn_no, role, content from sor.turns where run_id = ? order by turn_no", run))
                .containsExactly(List.of(1, "user", "Reconcile the day."), List.of(2, "assistant", "On it."));
        assertThat(db.rows("select tool_name, status, idempotency_key from sor.tool_calls where run_id = ? order by started_at", run))
                .containsExactly(List.of("send_receipt", "succeeded", "receipt-1"), java.util.Arrays.asList("send_receipt", "failed", null),
                        List.of("send_receipt", "succeeded", "receipt-3"));
        assertThat(db.rows("select status, version from sor.runs where run_id = ?", run)).containsExactly(List.of("succeeded", 1));
        // the run's timeline shows its turns, its external calls and its step
        List<Object> whats = new ArrayList<>();
        for (List<Object> row : Sql.rows(worker, "select what from sor_api.run_timeline(?)", run)) {
            whats.add(row.get(0));
        }
        assertThat(whats).contains("tool call begun: send_receipt", "tool call succeeded: send_receipt");
    }

    @Test
    void aToolCallThreeTimesTheLeaseLongSucceedsAndTheRunIsNeverAbandoned() throws Exception {
        int lease = 2;
        McpSyncClient client = client("long-call", "--lease-seconds", String.valueOf(lease), "--call-timeout-seconds", "60");
        UUID run = null;
        AtomicBoolean calling = new AtomicBoolean(true);
        try {
            run = UUID.fromString((String) ok(client, "get_run", Map.of()).get("run_id"));
            UUID id = run;
            // watch the run from outside while the call runs: it must read running, with its lease ahead, all along
            CompletableFuture<List<Object>> watcher = CompletableFuture.supplyAsync(() -> {
                List<Object> lapses = new ArrayList<>();
                while (calling.get()) {
                    List<Object> row = Sql.rows(db.auditor(), "select status, lease_expires_at > clock_timestamp()"
                            + " from sor_api.journal_runs where run_id = ?", id).get(0);
                    if (!row.equals(List.of("running", true))) {
                        lapses.add(row);
                    }
                    sleep(200);
                }
                return lapses;
            });
            long began = System.nanoTime();
            CallToolResult slow = client.callTool(call("slow_note", args("id", 1, "body", "slept", "seconds", 3 * lease)));
            long tookMs = (System.nanoTime() - began) / 1_000_000;
            calling.set(false);
            assertThat(slow.isError()).as(McpSessionTest.text(slow)).isFalse();
            assertThat(slow.structuredContent()).isEqualTo(Map.of("stored", "slept"));
            assertThat(tookMs).isGreaterThanOrEqualTo(3L * lease * 1000);
            assertThat(watcher.get()).as("moments the run was not running with its lease ahead").isEmpty();

            // the lease is back to its own length right after the call
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!Integer.valueOf(lease).equals(db.scalar("select lease_seconds from sor.runs where run_id = ?", run))
                    && System.nanoTime() < deadline) {
                sleep(100);
            }
            assertThat(db.scalar("select lease_seconds from sor.runs where run_id = ?", run)).isEqualTo(lease);

            // an external call as long: the heartbeats, on their own connection, keep the run while the model works
            Map<String, Object> begun = ok(client, "begin_tool_call", args("tool_name", "long_job", "args", Map.of()));
            Thread.sleep(3L * lease * 1000);
            assertThat(ok(client, "finish_tool_call", args("tool_call_id", begun.get("tool_call_id"), "result", Map.of())))
                    .containsEntry("status", "succeeded");
        } finally {
            calling.set(false);
            client.closeGracefully();
        }
        assertThat(db.rows("select status from sor.runs where run_id = ?", run)).containsExactly(List.of("running"));
        assertThat(db.rows("select tool_name, status from sor.tool_calls where run_id = ? order by started_at", run))
                .containsExactly(List.of("slow_note", "succeeded"), List.of("long_job", "succeeded"));
        assertThat(db.scalar("select body from fixture.notes where tenant_id = 'acme' and note_id = 1")).isEqualTo("slept");
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
