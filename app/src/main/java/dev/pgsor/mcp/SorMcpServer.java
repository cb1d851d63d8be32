package dev.pgsor.mcp;

import dev.pgsor.testkit.Database;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The MCP adapter: tools/list is sor_api.list_tools() and tools/call is sor_api.call_tool(), on
 * one connection of the Worker's own login role, inside one run. There is no other logic here:
 * the allow-list, argument validation, journaling and idempotency all happen in the database.
 */
public final class SorMcpServer implements AutoCloseable {

    /** Where the run comes from: opened (or joined, by idempotency key) when the server starts. */
    public record RunSpec(String tenantId, String workflow, String runKey, String inputJson) { }

    private final Connection connection;
    private final UUID runId;
    private final McpJsonMapper json = McpJsonDefaults.getMapper();
    private McpSyncServer server;
    private final java.util.concurrent.ScheduledExecutorService heartbeat =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "pg-sor-run-heartbeat");
                t.setDaemon(true);
                return t;
            });

    private SorMcpServer(Connection connection, UUID runId) {
        this.connection = connection;
        this.runId = runId;
    }

    /** Connects as the Worker and opens or joins its run. */
    public static SorMcpServer open(Database worker, RunSpec run) throws SQLException {
        Connection c = worker.connect();
        try {
            UUID runId;
            try (PreparedStatement ps = c.prepareStatement(
                    "select run_id from sor_api.start_run(?, ?, ?::jsonb, ?)")) {
                ps.setString(1, run.tenantId());
                ps.setString(2, run.workflow());
                ps.setString(3, run.inputJson());
                ps.setString(4, run.runKey());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    runId = (UUID) rs.getObject(1);
                }
            }
            return new SorMcpServer(c, runId);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    public UUID runId() {
        return runId;
    }

    /** Serves MCP over the given streams until the client closes them. */
    public void serve(InputStream in, OutputStream out) throws SQLException {
        List<SyncToolSpecification> tools = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "select tool_name, description, input_schema::text, side_effects from sor_api.list_tools()");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                McpSchema.Tool tool = McpSchema.Tool.builder()
                        .name(rs.getString(1))
                        .description(rs.getString(2))
                        .inputSchema(json, rs.getString(3))
                        .annotations(new McpSchema.ToolAnnotations(null, !rs.getBoolean(4), null, null, null, null))
                        .build();
                tools.add(new SyncToolSpecification(tool, (exchange, request) -> call(request)));
            }
        }
        server = McpServer.sync(new StdioServerTransportProvider(json, in, out))
                .serverInfo("pg-sor", "0.1.0")
                .instructions("Every call is journaled in run " + runId + " of the pg-sor system of record.")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .tools(tools)
                .build();
        heartbeat.scheduleWithFixedDelay(this::heartbeat, 20, 20, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Extends the run's lease while the session lives; a lapsed lease makes the run abandoned. */
    private synchronized void heartbeat() {
        try (PreparedStatement ps = connection.prepareStatement("select sor_api.heartbeat(?)")) {
            ps.setObject(1, runId);
            ps.execute();
        } catch (SQLException e) {
            System.err.println("pg-sor MCP server: heartbeat of run " + runId + " failed: " + e.getMessage());
        }
    }

    /** tools/call: one sor_api.call_tool; an SR error comes back as a tool error with code and hint. */
    synchronized CallToolResult call(CallToolRequest request) {
        try {
            String args = json.writeValueAsString(request.arguments() == null ? Map.of() : request.arguments());
            Object key = request.meta() == null ? null : request.meta().get("idempotencyKey");
            try (PreparedStatement ps = connection.prepareStatement(
                    "select tool_call_id, ok, result::text, error::text, replayed from sor_api.call_tool(?, ?, ?::jsonb, ?)")) {
                ps.setObject(1, runId);
                ps.setString(2, request.name());
                ps.setString(3, args);
                ps.setString(4, key == null ? null : key.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    boolean ok = rs.getBoolean(2);
                    String body = ok ? rs.getString(3) : rs.getString(4);
                    return CallToolResult.builder()
                            .addTextContent(body == null ? "null" : body)
                            .isError(!ok)
                            .meta(Map.of("toolCallId", rs.getString(1), "replayed", rs.getBoolean(5)))
                            .build();
                }
            }
        } catch (SQLException e) {
            return CallToolResult.builder().addTextContent(describe(e)).isError(true).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SQLSTATE, message and hint of a refusal, as a JSON object a model can read. */
    private String describe(SQLException e) {
        String message = e.getMessage();
        String hint = null;
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            ServerErrorMessage m = p.getServerErrorMessage();
            message = m.getMessage();
            hint = m.getHint();
        }
        try {
            java.util.LinkedHashMap<String, Object> error = new java.util.LinkedHashMap<>();
            error.put("sqlstate", e.getSQLState());
            error.put("message", message);
            if (hint != null) {
                error.put("hint", hint);
            }
            return json.writeValueAsString(error);
        } catch (IOException io) {
            throw new UncheckedIOException(io);
        }
    }

    @Override
    public void close() throws SQLException {
        heartbeat.shutdownNow();
        if (server != null) {
            server.closeGracefully();
        }
        connection.close();
    }
}
