package dev.pgsor.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.mcp.McpServerProcess;
import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The MCP server, started as its own process and driven by the MCP SDK's own client over stdio. */
@SorTest(reconciler = true)
class McpServerTest {

    static SorDatabase db;
    static Database worker;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.exec("""
                create schema fixture authorization sor_owner;
                set role sor_owner;
                create table fixture.notes (tenant_id text not null, note_id int not null, body text not null,
                  primary key (tenant_id, note_id));
                alter table fixture.notes enable row level security;
                alter table fixture.notes force row level security;
                create policy notes_owner on fixture.notes to sor_owner using (true) with check (true);
                create function fixture.add_note(ctx jsonb, args jsonb) returns jsonb language plpgsql volatile
                  security definer set search_path = pg_catalog, fixture, pg_temp set jit = off as $$
                begin
                  insert into fixture.notes values (ctx ->> 'tenant_id', (args ->> 'id')::int, args ->> 'body');
                  return jsonb_build_object('stored', args ->> 'body');
                end $$;
                create function fixture.secret(ctx jsonb, args jsonb) returns jsonb language sql stable
                  security definer set search_path = pg_catalog, fixture, pg_temp set jit = off as $$ select '{}'::jsonb $$;
                select sor.register_tool('add_note', 'Store a note.',
                  '{"type": "object", "required": ["id", "body"], "additionalProperties": false,
                    "properties": {"id": {"type": "integer", "minimum": 1}, "body": {"type": "string"}}}',
                  'fixture.add_note(jsonb, jsonb)', array['notes-bot']);
                select sor.register_tool('secret', 'Not for notes-bot.', '{"type": "object"}',
                  'fixture.secret(jsonb, jsonb)', array['other-kind']);
                reset role;
                """);
        worker = db.worker("notes-bot", "acme");
    }

    private static McpSyncClient client(String runKey) {
        return McpServerProcess.client(McpServerProcess.command(worker, "acme", "mcp-notes", runKey));
    }

    private static McpSchema.CallToolRequest call(String tool, Map<String, Object> args) {
        return McpSchema.CallToolRequest.builder(tool).arguments(args).build();
    }

    @Test
    void listsExactlyTheAllowedToolsAndCallsOneEndToEnd() {
        McpSyncClient client = client("session-1");
        try {
            List<McpSchema.Tool> tools = client.listTools().tools();
            // the registry's tool for the kind, then the eighteen tools of the Worker surface and finish_run
            assertThat(tools).extracting(McpSchema.Tool::name).startsWith("add_note", "get_run").endsWith("finish_run")
                    .doesNotContain("secret").hasSize(20);
            assertThat(tools.get(0).inputSchema()).containsEntry("required", List.of("id", "body"));

            McpSchema.CallToolResult ok = client.callTool(call("add_note", Map.of("id", 7, "body", "via mcp")));
            assertThat(ok.isError()).isFalse();
            assertThat(((McpSchema.TextContent) ok.content().get(0)).text()).isEqualTo("{\"stored\": \"via mcp\"}");
            assertThat(db.scalar("select body from fixture.notes where tenant_id = 'acme' and note_id = 7")).isEqualTo("via mcp");
            assertThat(Sql.rows(db.admin(), "select r.workflow, r.idempotency_key, t.tool_name, t.status, t.args ->> 'body'"
                    + " from sor.tool_calls t join sor.runs r on r.run_id = t.run_id"))
                    .containsExactly(List.of("mcp-notes", "session-1", "add_note", "succeeded", "via mcp"));

            McpSchema.CallToolResult bad = client.callTool(call("add_note", Map.of("id", 0, "body", "x")));
            assertThat(bad.isError()).isTrue();
            assertThat(((McpSchema.TextContent) bad.content().get(0)).text())
                    .contains("\"tool\":\"add_note\"").contains("\"sqlstate\":\"SR072\"").contains("\"hint\"");

            // a tool of another kind is not even listed: the protocol refuses it, naming it, before the database is asked
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.callTool(call("secret", Map.of())))
                    .isInstanceOf(McpError.class)
                    .satisfies(e -> assertThat(((McpError) e).getJsonRpcError().message()).isEqualTo("Unknown tool: secret"));
            assertThat(db.count("select count(*) from sor.tool_calls")).isOne();
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void aSecondSessionWithTheSameRunKeyJoinsTheSameRun() {
        for (int i = 0; i < 2; i++) {
            McpSyncClient client = client("joined");
            try {
                client.callTool(call("add_note", Map.of("id", 100 + i, "body", "s" + i)));
            } finally {
                client.closeGracefully();
            }
        }
        assertThat(db.count("select count(*) from sor.runs where idempotency_key = 'joined'")).isOne();
        assertThat(db.count("select count(*) from sor.tool_calls t join sor.runs r using (tenant_id, run_id)"
                + " where r.idempotency_key = 'joined'")).isEqualTo(2);
    }
}
