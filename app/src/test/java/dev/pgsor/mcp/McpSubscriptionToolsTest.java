package dev.pgsor.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions over MCP: an agent subscribes for its run's tenant, reads, acknowledges; a second
 * server process (the first one gone without acknowledging its last page) reads on from the
 * database's checkpoint: nothing lost, nothing acknowledged read again, no other tenant's event.
 */
@SorTest
class McpSubscriptionToolsTest {

    static SorDatabase db;
    static Database worker;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.addTenant("globex", "Globex");
        worker = db.worker("projector-bot", "acme", "globex");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> ok(McpSyncClient client, String tool, Map<String, Object> args) {
        CallToolResult result = client.callTool(CallToolRequest.builder(tool).arguments(args).build());
        assertThat(result.isError()).as(tool + ": " + McpSessionTest.text(result)).isFalse();
        return (Map<String, Object>) result.structuredContent();
    }

    @SuppressWarnings("unchecked")
    static List<Object> positions(Map<String, Object> page) {
        return ((List<Map<String, Object>>) page.get("events")).stream().map(e -> e.get("position")).toList();
    }

    static long append(String tenant, String stream) {
        return ((Number) dev.pgsor.testkit.Sql.scalar(worker, "select position from sor_api.append_event(?, ?, 'Noted')", tenant, stream)).longValue();
    }

    @Test
    void aSubscriptionReadAcrossTwoServerProcessesLosesAndRepeatsNothing() {
        long o1 = append("acme", "order-1");
        long o2 = append("acme", "order-2");
        append("acme", "invoice-1");
        append("globex", "order-1");
        long o3 = append("acme", "order-3");

        McpSyncClient first = McpServerProcess.client(McpServerProcess.command(worker, "acme", "projector", "proj-1"));
        try {
            Map<String, Object> sub = ok(first, "subscribe", Map.of("name", "orders.projector", "stream_prefix", "order-"));
            assertThat(sub).containsEntry("subscription", "orders.projector").containsEntry("prefix", "order-")
                    .containsEntry("created", true).containsEntry("last_position", 0);
            assertThat((String) sub.get("channel")).startsWith("sor_events_");
            // subscribing again returns it as it is
            assertThat(ok(first, "subscribe", Map.of("name", "orders.projector", "stream_prefix", "order-")))
                    .containsEntry("created", false);

            Map<String, Object> page = ok(first, "read_subscription", Map.of("name", "orders.projector", "max_rows", 2));
            assertThat(positions(page)).containsExactly((int) o1, (int) o2);
            assertThat(ok(first, "ack_subscription", Map.of("name", "orders.projector", "up_to_position", o1)))
                    .isEqualTo(Map.of("last_position", (int) o1, "moved", true));
            // a repeated acknowledgement changes nothing
            assertThat(ok(first, "ack_subscription", Map.of("name", "orders.projector", "up_to_position", o1)))
                    .isEqualTo(Map.of("last_position", (int) o1, "moved", false));
        } finally {
            first.closeGracefully();
        }

        // another process, another run: the checkpoint is the database's
        McpSyncClient second = McpServerProcess.client(McpServerProcess.command(worker, "acme", "projector", "proj-2"));
        try {
            Map<String, Object> page = ok(second, "read_subscription", Map.of("name", "orders.projector"));
            assertThat(positions(page)).containsExactly((int) o2, (int) o3);
            assertThat(page.get("last_position")).isEqualTo((int) o3);
            ok(second, "ack_subscription", Map.of("name", "orders.projector", "up_to_position", o3));
            Map<String, Object> empty = ok(second, "read_subscription", Map.of("name", "orders.projector"));
            assertThat(positions(empty)).isEmpty();
            assertThat(empty.get("last_position")).isNull();
            // an unknown subscription is the function's refusal, not retryable
            CallToolResult unknown = second.callTool(CallToolRequest.builder("read_subscription")
                    .arguments(Map.of("name", "nope")).build());
            assertThat(unknown.isError()).isTrue();
            assertThat(McpSessionTest.jsonObject(McpSessionTest.text(unknown))).containsEntry("sqlstate", "SR015")
                    .containsEntry("retryable", false);
        } finally {
            second.closeGracefully();
        }
        assertThat(db.rows("select tenant_id, name, last_position from sor.subscriptions"))
                .containsExactly(List.of("acme", "orders.projector", o3));
    }
}
