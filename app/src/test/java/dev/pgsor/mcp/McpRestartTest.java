package dev.pgsor.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.support.ServerRestart;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The database restarted under an MCP session (a fast shutdown, as a DBA's restart or a failover
 * does): the server reconnects with backoff, and the next call succeeds, or, when the database
 * stays away longer than the reconnect budget, gets a tool error that says it is retryable and
 * names the SQLSTATE; never a closed connection reported as the tool's failure. Restarts the test
 * kit's embedded server, so it runs only on that one.
 */
@SorTest
class McpRestartTest {

    static SorDatabase db;
    static Database worker;
    static ServerRestart restart;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        Assumptions.assumeTrue("embedded".equals(db.serverMode()), "restarts only the kit's own embedded server");
        db.addTenant("acme", "Acme Corp");
        NoteTool.installAddNote(db, "restart-bot");
        worker = db.worker("restart-bot", "acme");
        restart = ServerRestart.of(db);
    }

    static CallToolRequest note(int id, String key) {
        CallToolRequest.Builder request = CallToolRequest.builder("add_note").arguments(Map.of("id", id, "body", "note " + id));
        if (key != null) {
            request.meta(Map.of("idempotencyKey", key));
        }
        return request.build();
    }

    static Map<String, Object> error(CallToolResult result) {
        assertThat(result.isError()).isTrue();
        Map<String, Object> error = McpSessionTest.jsonObject(McpSessionTest.text(result));
        assertThat(result.structuredContent()).isEqualTo(error);
        return error;
    }

    @Test
    void theNextCallAfterARestartSucceedsAndALongerOutageIsARetryableError() throws Exception {
        McpSyncClient client = McpServerProcess.client(McpServerProcess.command(worker, "acme", "mcp-restart", "restart-1",
                "--lease-seconds", "60", "--reconnect-seconds", "4"));
        UUID run;
        try {
            assertThat(client.callTool(note(1, null)).isError()).isFalse();
            run = (UUID) db.scalar("select run_id from sor.runs where idempotency_key = 'restart-1'");

            // 1. restarted between two calls: both of the server's connections got 57P01 and closed;
            //    the next calls, a write without a key included, reconnect and succeed
            restart.stop();
            restart.start();
            CallToolResult afterRestart = client.callTool(note(2, null));
            assertThat(afterRestart.isError()).as(McpSessionTest.text(afterRestart)).isFalse();
            CallToolResult read = client.callTool(CallToolRequest.builder("get_run").arguments(Map.of()).build());
            assertThat(read.isError()).as(McpSessionTest.text(read)).isFalse();
            assertThat(read.structuredContent()).isInstanceOf(Map.class);
            assertThat(((Map<?, ?>) read.structuredContent()).get("status")).isEqualTo("running");

            // 2. a call made while the database is down waits for it, with backoff, within the budget
            restart.stop();
            CompletableFuture<CallToolResult> waiting = CompletableFuture.supplyAsync(() -> client.callTool(note(3, "note-3")));
            Thread.sleep(1500);
            assertThat(waiting).isNotDone();
            restart.start();
            CallToolResult waited = waiting.get(60, TimeUnit.SECONDS);
            assertThat(waited.isError()).as(McpSessionTest.text(waited)).isFalse();

            // 3. down for longer than the budget: a retryable tool error naming the SQLSTATE, nothing done
            restart.stop();
            CallToolResult unreachable;
            CallToolResult turn;
            try {
                unreachable = client.callTool(note(4, null));
                turn = client.callTool(CallToolRequest.builder("record_turn")
                        .arguments(Map.of("model", "m", "role", "user", "content", "hello")).build());
            } finally {
                restart.start();
            }
            for (CallToolResult result : List.of(unreachable, turn)) {
                Map<String, Object> e = error(result);
                assertThat(e).containsEntry("retryable", true).containsEntry("outcome", "not_applied").containsKeys("tool", "hint");
                assertThat((String) e.get("sqlstate")).startsWith("08");
                assertThat((String) e.get("message")).doesNotContain("has been closed");
            }
            // 4. called again once the database is back, the same calls succeed
            assertThat(client.callTool(note(4, null)).isError()).isFalse();
            CallToolResult retried = client.callTool(CallToolRequest.builder("record_turn")
                    .arguments(Map.of("model", "m", "role", "user", "content", "hello")).build());
            assertThat(retried.isError()).as(McpSessionTest.text(retried)).isFalse();
            assertThat(retried.structuredContent()).isEqualTo(Map.of("run_id", run.toString(), "turn", 1));
        } finally {
            client.closeGracefully();
        }
        assertThat(db.rows("select note_id from fixture.notes order by note_id"))
                .containsExactly(List.of(1), List.of(2), List.of(3), List.of(4));
        assertThat(db.rows("select tool_name, status, count(*) from sor.tool_calls where run_id = ? group by 1, 2", run))
                .containsExactly(List.of("add_note", "succeeded", 4L));
        // the heartbeat reconnected too: the run is still running, its lease ahead
        assertThat(db.rows("select status, lease_expires_at > clock_timestamp() from sor.runs where run_id = ?", run))
                .containsExactly(List.of("running", true));
    }
}
