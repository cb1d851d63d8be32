package dev.pgsor.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A whole agent session against the Expense Reconciler's tools, each server its own process as an
 * MCP client starts it: runs kept alive across processes and by heartbeat, finish_run, and the
 * run's report, timeline and facts as resources.
 */
@SorTest(reconciler = true)
class McpSessionTest {

    static SorDatabase db;
    static Database worker;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.scalar("select reconciler.setup_tenant('acme')");
        db.scalar("select ingested from reconciler.ingest_bank_rows('acme', ?::jsonb)", bankRows(
                "t-1", "Uber ride to the airport", "t-2", "GitHub subscription", "t-3", "Coffee with a client",
                "t-4", "Hotel in Lyon", "t-5", "Printer paper", "t-6", "Taxi home", "t-7", "AWS bill",
                "t-8", "Lunch with the team", "t-9", "Rail pass", "t-10", "Airline ticket"));
        worker = db.worker("expense-reconciler", "acme");
    }

    static String bankRows(String... idsAndDescriptions) {
        StringBuilder rows = new StringBuilder("[");
        for (int i = 0; i < idsAndDescriptions.length; i += 2) {
            rows.append(i == 0 ? "" : ", ").append(String.format(
                    "{\"bank_txn_id\": \"%s\", \"account_holder\": \"Alice\", \"holder_email\": \"alice@example.com\","
                            + " \"booked_on\": \"2026-11-17\", \"description\": \"%s\", \"amount\": 42.50, \"currency\": \"EUR\"}",
                    idsAndDescriptions[i], idsAndDescriptions[i + 1]));
        }
        return rows.append("]").toString();
    }

    static List<String> command(String runKey, String... options) {
        return McpServerProcess.command(worker, "acme", "mcp-night", runKey, options);
    }

    static CallToolRequest call(String tool, Map<String, Object> args) {
        return CallToolRequest.builder(tool).arguments(args).build();
    }

    static Timestamp dbNow() {
        return (Timestamp) db.scalar("select clock_timestamp()::timestamp");
    }

    static UUID runId(String runKey) {
        return (UUID) db.scalar("select run_id from sor.runs where idempotency_key = ?", runKey);
    }

    static Object asWorker(String sql, Object... args) {
        return Sql.scalar(worker, sql, args);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> jsonObject(String text) {
        try {
            return McpJsonDefaults.getMapper().readValue(text, Map.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static String text(CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @Test
    void callsFromProcessesStartedMoreThanOneLeaseApartShareOneLiveRun() throws Exception {
        int lease = 8;
        String[] txns = {"t-1", "t-2", "t-3", "t-4", "t-5", "t-6", "t-7", "t-8"};
        Timestamp first = null;
        Timestamp last = null;
        int processes = 0;
        while (last == null || Duration.between(first.toInstant(), last.toInstant()).toMillis() <= lease * 1000L) {
            assertThat(processes).as("processes started within 8").isLessThan(txns.length);
            Timestamp launched = dbNow();
            McpSyncClient client = McpServerProcess.client(command("hop", "--lease-seconds", String.valueOf(lease)));
            try {
                // joining the run key renewed the lease: a full lease from this process's start, not from the last one's
                Timestamp expires = (Timestamp) db.scalar(
                        "select lease_expires_at::timestamp from sor.runs where idempotency_key = 'hop'");
                assertThat(expires.getTime() - launched.getTime()).isGreaterThanOrEqualTo(lease * 1000L);

                CallToolResult result = client.callTool(call("categorise", Map.of("bank_txn_id", txns[processes])));
                assertThat(result.isError()).as(text(result)).isFalse();
                assertThat(result.structuredContent()).isEqualTo(jsonObject(text(result)));
                assertThat(((Map<?, ?>) result.structuredContent()).get("bank_txn_id")).isEqualTo(txns[processes]);
            } finally {
                client.closeGracefully();
            }
            first = first == null ? launched : first;
            last = launched;
            processes++;
            Thread.sleep(300);
        }
        assertThat(processes).isGreaterThanOrEqualTo(2);
        assertThat(db.rows("select r.status, count(t.*) filter (where t.status = 'succeeded'), count(t.*)"
                + " from sor.runs r left join sor.tool_calls t using (tenant_id, run_id)"
                + " where r.idempotency_key = 'hop' group by r.status"))
                .containsExactly(List.of("running", (long) processes, (long) processes));
    }

    @Test
    void aSessionLongerThanItsLeaseKeepsTheRunByHeartbeat() throws Exception {
        McpSyncClient client = McpServerProcess.client(command("long", "--lease-seconds", "2"));
        try {
            Thread.sleep(5000);
            CallToolResult result = client.callTool(call("categorise", Map.of("bank_txn_id", "t-2")));
            assertThat(result.isError()).as(text(result)).isFalse();
            assertThat(result.structuredContent()).isEqualTo(Map.of("bank_txn_id", "t-2", "category", "software", "rule_id", 30));
        } finally {
            client.closeGracefully();
        }
        assertThat(db.scalar("select status from sor.runs where idempotency_key = 'long'")).isEqualTo("running");
    }

    @Test
    void finishRunLeavesTheRunSucceededAndItsReportSaysSo() {
        McpSyncClient client = McpServerProcess.client(command("finish", "--lease-seconds", "30"));
        UUID run;
        try {
            McpSchema.Tool finishRun = client.listTools().tools().stream()
                    .filter(t -> t.name().equals("finish_run")).findFirst().orElseThrow();
            assertThat(finishRun.outputSchema()).containsEntry("required", List.of("run_id", "status", "report"));

            CallToolResult recorded = client.callTool(call("record_expense", Map.of("bank_txn_id", "t-10", "category", "travel")));
            assertThat(recorded.isError()).as(text(recorded)).isFalse();
            assertThat(((Map<?, ?>) recorded.structuredContent()).get("created")).isEqualTo(true);

            CallToolResult finished = client.callTool(call("finish_run", Map.of("status", "succeeded")));
            assertThat(finished.isError()).as(text(finished)).isFalse();
            run = runId("finish");
            String report = (String) asWorker("select sor_api.run_report(?)", run);
            assertThat(finished.structuredContent()).isEqualTo(
                    Map.of("run_id", run.toString(), "status", "succeeded", "report", report));
            assertThat(report).startsWith("Run " + run + " (workflow mcp-night, tenant acme) was run by Worker " + worker.user()
                            + " of kind expense-reconciler; it started at ")
                    .contains(" and succeeded at ")
                    .contains(" It made 1 tool call: 1 finished, 0 failed, 0 left unfinished.")
                    .contains("and the lease ended with the run.");

            // a finished run takes no more tool calls: the database refuses, the error names the tool
            CallToolResult late = client.callTool(call("categorise", Map.of("bank_txn_id", "t-1")));
            assertThat(late.isError()).isTrue();
            assertThat(jsonObject(text(late))).containsEntry("tool", "categorise").containsEntry("sqlstate", "SR035")
                    .containsKeys("message", "hint");
        } finally {
            client.closeGracefully();
        }
        assertThat(db.scalar("select status from sor.runs where run_id = ?", run)).isEqualTo("succeeded");
        assertThat(asWorker("select sor_api.run_report_facts(?) ->> 'status'", run)).isEqualTo("succeeded");
        assertThat(db.count("select count(*) from sor.tool_calls where run_id = ?", run)).isOne();
    }

    @Test
    void refusalsAreToolErrorsNamingTheToolWithSqlstateMessageAndHint() {
        McpSyncClient client = McpServerProcess.client(command("refusals"));
        try {
            // raised by call_tool before the tool runs: argument validation (SR072)
            CallToolResult invalid = client.callTool(call("categorise", Map.of("bank_txn_id", "")));
            assertThat(invalid.isError()).isTrue();
            assertThat(jsonObject(text(invalid))).containsEntry("tool", "categorise").containsEntry("sqlstate", "SR072")
                    .containsKeys("message", "hint");

            // raised by the tool itself and journaled (SR101): the journaled error, its call id and the tool
            CallToolResult unknown = client.callTool(call("categorise", Map.of("bank_txn_id", "t-404")));
            assertThat(unknown.isError()).isTrue();
            Map<String, Object> error = jsonObject(text(unknown));
            assertThat(error).containsEntry("tool", "categorise").containsEntry("sqlstate", "SR101").containsKeys("message", "hint");
            assertThat(error.get("tool_call_id")).isEqualTo(unknown.meta().get("toolCallId"));
            assertThat(db.scalar("select status from sor.tool_calls where tool_call_id = ?::uuid", error.get("tool_call_id")))
                    .isEqualTo("failed");

            // finish_run refuses a status that is neither succeeded nor failed (SR033), naming itself
            CallToolResult badFinish = client.callTool(call("finish_run", Map.of("status", "done")));
            assertThat(badFinish.isError()).isTrue();
            assertThat(jsonObject(text(badFinish))).containsEntry("tool", "finish_run").containsEntry("sqlstate", "SR033");
        } finally {
            client.closeGracefully();
        }
        assertThat(db.scalar("select status from sor.runs where idempotency_key = 'refusals'")).isEqualTo("running");
    }

    @Test
    void theRunsReportTimelineAndFactsAreResources() {
        McpSyncClient client = McpServerProcess.client(command("inspect"));
        try {
            CallToolResult result = client.callTool(call("categorise", Map.of("bank_txn_id", "t-3")));
            assertThat(result.isError()).as(text(result)).isFalse();
            UUID run = runId("inspect");
            String base = "sor://runs/" + run + "/";

            List<McpSchema.Resource> resources = client.listResources().resources();
            assertThat(resources).extracting(McpSchema.Resource::uri, McpSchema.Resource::name, McpSchema.Resource::mimeType)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(base + "report", "run-report", "text/plain"),
                            org.assertj.core.groups.Tuple.tuple(base + "timeline", "run-timeline", "application/json"),
                            org.assertj.core.groups.Tuple.tuple(base + "facts", "run-facts", "application/json"));

            String report = read(client, base + "report");
            assertThat(report).startsWith("Run " + run + " (workflow mcp-night, tenant acme) was run by Worker " + worker.user())
                    .contains(" and is still running at version 0.")
                    .contains(" It made 1 tool call: 1 finished, 0 failed, 0 left unfinished.");

            List<Map<String, Object>> timeline = jsonArray(read(client, base + "timeline"));
            List<String> whats = new ArrayList<>();
            for (Map<String, Object> row : timeline) {
                assertThat(row).containsOnlyKeys("at", "source", "what", "details");
                whats.add((String) row.get("what"));
            }
            List<String> expected = new ArrayList<>();
            for (List<Object> row : Sql.rows(worker, "select what from sor_api.run_timeline(?)", run)) {
                expected.add((String) row.get(0));
            }
            assertThat(whats).isEqualTo(expected)
                    .startsWith("run started")
                    .contains("tool call begun: categorise", "tool call succeeded: categorise");

            Map<String, Object> facts = jsonObject(read(client, base + "facts"));
            assertThat(facts).containsEntry("run_id", run.toString()).containsEntry("status", "running")
                    .containsEntry("workflow", "mcp-night").containsEntry("tenant_id", "acme");
            assertThat(facts.get("tool_calls")).isEqualTo(Map.of("total", 1, "succeeded", 1, "failed", 0, "unfinished", 0));
        } finally {
            client.closeGracefully();
        }
    }

    static String read(McpSyncClient client, String uri) {
        McpSchema.ReadResourceResult read = client.readResource(new McpSchema.ReadResourceRequest(uri));
        assertThat(read.contents()).hasSize(1);
        McpSchema.TextResourceContents contents = (McpSchema.TextResourceContents) read.contents().get(0);
        assertThat(contents.uri()).isEqualTo(uri);
        return contents.text();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> jsonArray(String text) {
        try {
            return McpJsonDefaults.getMapper().readValue(text, List.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
