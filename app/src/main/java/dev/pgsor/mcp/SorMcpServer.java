package dev.pgsor.mcp;

import dev.pgsor.runtime.Database;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ErrorCodes;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse.JSONRPCError;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The MCP adapter for one Worker inside one run, on the Worker's own login role. tools/list is
 * sor_api.list_tools(), tools/call is sor_api.call_tool(), the tool finish_run is
 * sor_api.finish_run(), and the run's report, timeline and facts are resources read from
 * sor_api.run_report(), run_timeline() and run_report_facts(). The allow-list, argument
 * validation, journaling, idempotency, leases and run states all live in the database; this class
 * only translates, keeps the lease renewed while the session lives, and ends the session as
 * {@link OnEof} says.
 */
public final class SorMcpServer implements AutoCloseable {

    /** Where the run comes from: opened (or joined, by idempotency key) when the server starts. */
    public record RunSpec(String tenantId, String workflow, String runKey, String inputJson, int leaseSeconds) { }

    /** What a session that ends (end of input) without finish_run does to its run. */
    public enum OnEof {
        /** The run stays running; its lease is renewed once more, so it reads abandoned one lease later unless a session joins it. */
        KEEP_RUNNING,
        /** The run is finished as failed, with an error saying the session ended without finish_run. */
        FAIL
    }

    /** The adapter's own tool; a registry tool of the same name cannot be served. */
    public static final String FINISH_RUN = "finish_run";

    /** How long, after the end of input, requests already read may take to be answered. */
    static final long DRAIN_SECONDS = 10;

    private static final String FINISH_RUN_INPUT = """
            {"type": "object", "required": ["status"], "additionalProperties": false,
             "properties": {
               "status": {"type": "string", "enum": ["succeeded", "failed"],
                          "description": "succeeded when the work is done; failed when it cannot be done"},
               "error": {"type": "object",
                         "description": "Why the run failed (only with status failed), e.g. {\\"reason\\": \\"...\\"}"}}}""";

    private static final String FINISH_RUN_OUTPUT = """
            {"type": "object", "required": ["run_id", "status", "report"],
             "properties": {
               "run_id": {"type": "string"},
               "status": {"type": "string", "enum": ["succeeded", "failed"]},
               "report": {"type": "string", "description": "sor_api.run_report of the finished run"}}}""";

    private final Database worker;
    private final UUID runId;
    private final RunSpec spec;
    private final OnEof onEof;
    private final McpJsonMapper json = McpJsonDefaults.getMapper();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pg-sor-run-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> toolNames = new TreeSet<>();
    private Connection connection;
    private String status;
    private boolean leaseHeld;
    private boolean closed;
    private volatile McpSyncServer server;
    private volatile StdioTransport transport;

    private SorMcpServer(Database worker, Connection connection, UUID runId, String status, RunSpec spec, OnEof onEof) {
        this.worker = worker;
        this.connection = connection;
        this.runId = runId;
        this.status = status;
        this.leaseHeld = "running".equals(status);
        this.spec = spec;
        this.onEof = onEof;
    }

    /**
     * Connects as the Worker and opens its run, or joins the run of the same key and renews its
     * lease at once (sor_api.heartbeat with the session's lease); from then on the lease is
     * renewed every third of its length while the run is running. A run that is no longer running
     * is still served: its tools are refused by the database (SR035, SR036) and its report stays
     * readable.
     */
    public static SorMcpServer open(Database worker, RunSpec run, OnEof onEof) throws SQLException {
        Connection c = connect(worker);
        try {
            UUID runId;
            boolean replayed;
            String status;
            try (PreparedStatement ps = c.prepareStatement(
                    "select run_id, replayed, status from sor_api.start_run(?, ?, ?::jsonb, ?, ?)")) {
                ps.setString(1, run.tenantId());
                ps.setString(2, run.workflow());
                ps.setString(3, run.inputJson());
                ps.setString(4, run.runKey());
                ps.setInt(5, run.leaseSeconds());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    runId = (UUID) rs.getObject(1);
                    replayed = rs.getBoolean(2);
                    status = rs.getString(3);
                }
            }
            SorMcpServer server = new SorMcpServer(worker, c, runId, status, run, onEof);
            if (replayed && server.leaseHeld) {
                server.renewLease();
            }
            long period = Math.max(200L, run.leaseSeconds() * 1000L / 3);
            server.heartbeat.scheduleAtFixedRate(server::heartbeat, period, period, TimeUnit.MILLISECONDS);
            return server;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static Connection connect(Database worker) throws SQLException {
        Connection c = worker.connect();
        try (PreparedStatement ps = c.prepareStatement("set time zone 'UTC'")) {
            ps.execute();
        }
        return c;
    }

    public UUID runId() {
        return runId;
    }

    /** The run's status as this session last knew it: running, succeeded, failed or abandoned. */
    public synchronized String status() {
        return status;
    }

    /** The URI of one of the run's resources: report, timeline or facts. */
    public String resourceUri(String name) {
        return "sor://runs/" + runId + "/" + name;
    }

    /** Serves MCP over the given streams; returns at once. */
    public void serve(InputStream in, OutputStream out) throws SQLException {
        List<SyncToolSpecification> tools;
        synchronized (this) {
            tools = registryTools();
        }
        tools.add(SyncToolSpecification.builder().tool(McpSchema.Tool.builder(FINISH_RUN)
                        .title("Finish the run")
                        .description("Finish this session's run " + runId + " as succeeded (the work is done) or failed"
                                + " (it cannot be done; say why in error). Call it once, at the end: afterwards the run"
                                + " takes no more tool calls. Returns the run's report.")
                        .inputSchema(json, FINISH_RUN_INPUT)
                        .outputSchema(json, FINISH_RUN_OUTPUT)
                        .annotations(new McpSchema.ToolAnnotations("Finish the run", false, false, true, false, null))
                        .build())
                .callHandler((exchange, request) -> finishRun(request))
                .build());
        for (SyncToolSpecification t : tools) {
            toolNames.add(t.tool().name());
        }
        transport = new StdioTransport(json, in, out, this::precheck);
        server = McpServer.sync(transport)
                .serverInfo("pg-sor", dev.pgsor.schema.SorSchema.version())
                .instructions(instructions())
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).resources(false, false).build())
                .validateToolInputs(false)
                .tools(tools)
                .resources(resource("report", "Run report", "text/plain",
                                "sor_api.run_report: the run in a paragraph (what finished, the failure point, what was sent)",
                                "select sor_api.run_report(?)"),
                        resource("timeline", "Run timeline", "application/json",
                                "sor_api.run_timeline: everything recorded about the run, in time order, as [{at, source, what, details}]",
                                "select coalesce(jsonb_agg(jsonb_build_object('at', t.at, 'source', t.source, 'what', t.what,"
                                        + " 'details', t.details) order by t.n), '[]'::jsonb)::text"
                                        + " from sor_api.run_timeline(?) with ordinality as t(at, source, what, details, n)"),
                        resource("facts", "Run facts", "application/json",
                                "sor_api.run_report_facts: the report's facts as one JSON object",
                                "select sor_api.run_report_facts(?)::text"))
                .build();
    }

    /** Blocks until the client closes the input and the requests read before have been answered (at most {@link #DRAIN_SECONDS}). */
    public void awaitEnd() throws InterruptedException {
        try {
            transport.endOfInput().get();
            transport.drained().get(DRAIN_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            System.err.println("pg-sor MCP server: requests still running " + DRAIN_SECONDS + " s after the end of input are abandoned");
        }
    }

    private String instructions() {
        return "Every tool call is journaled in run " + runId + " (workflow " + spec.workflow() + ", tenant " + spec.tenantId()
                + ") of the pg-sor system of record; the run is " + status() + ". When the work is done, call " + FINISH_RUN
                + " with status succeeded (or failed, with an error saying why). The run's report, timeline and facts are"
                + " the resources " + resourceUri("report") + ", " + resourceUri("timeline") + " and " + resourceUri("facts") + ".";
    }

    /** The registry's tools for the caller's kind; an output_schema column, once the registry has one, is served as outputSchema. */
    private List<SyncToolSpecification> registryTools() throws SQLException {
        List<SyncToolSpecification> tools = new ArrayList<>();
        try (PreparedStatement ps = connection().prepareStatement("select * from sor_api.list_tools()");
             ResultSet rs = ps.executeQuery()) {
            boolean hasOutputSchema = hasColumn(rs.getMetaData(), "output_schema");
            while (rs.next()) {
                String name = rs.getString("tool_name");
                if (FINISH_RUN.equals(name)) {
                    throw new IllegalStateException("the registry's tool " + FINISH_RUN + " clashes with the MCP server's own "
                            + FINISH_RUN + "; rename the registry's tool");
                }
                McpSchema.Tool.Builder tool = McpSchema.Tool.builder(name)
                        .description(rs.getString("description"))
                        .inputSchema(json, rs.getString("input_schema"))
                        .annotations(new McpSchema.ToolAnnotations(null, !rs.getBoolean("side_effects"), null, null, null, null));
                String outputSchema = hasOutputSchema ? rs.getString("output_schema") : null;
                if (outputSchema != null) {
                    tool.outputSchema(json, outputSchema);
                }
                tools.add(SyncToolSpecification.builder().tool(tool.build())
                        .callHandler((exchange, request) -> callTool(request))
                        .build());
            }
        }
        return tools;
    }

    private static boolean hasColumn(ResultSetMetaData meta, String column) throws SQLException {
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            if (column.equals(meta.getColumnName(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Answers a tools/call the SDK would answer badly: an unknown tool (-32602 naming it), and
     * arguments or _meta that are not JSON objects (-32602 naming the tool, where the SDK gives a
     * Jackson message).
     */
    private JSONRPCError precheck(JSONRPCRequest request) {
        if (!McpSchema.METHOD_TOOLS_CALL.equals(request.method())) {
            return null;
        }
        if (!(request.params() instanceof Map<?, ?> params) || !(params.get("name") instanceof String name) || name.isEmpty()) {
            return new JSONRPCError(ErrorCodes.INVALID_PARAMS, "Invalid params: tools/call needs the tool's name as a string");
        }
        if (!toolNames.contains(name)) {
            return new JSONRPCError(ErrorCodes.INVALID_PARAMS, "Unknown tool: " + name,
                    Map.of("tool", name, "tools", List.copyOf(toolNames)));
        }
        for (String field : List.of("arguments", "_meta")) {
            Object value = params.get(field);
            if (value != null && !(value instanceof Map)) {
                return new JSONRPCError(ErrorCodes.INVALID_PARAMS, "Invalid params: the " + field + " of tool " + name
                        + " must be a JSON object, not " + jsonType(value), Map.of("tool", name));
            }
        }
        return null;
    }

    private static String jsonType(Object value) {
        return value instanceof String ? "a string" : value instanceof Number ? "a number"
                : value instanceof Boolean ? "a boolean" : value instanceof List ? "an array" : "a " + value.getClass().getSimpleName();
    }

    /** tools/call of a registry tool: one sor_api.call_tool. A result that is a JSON object is also the structured content. */
    synchronized CallToolResult callTool(CallToolRequest request) {
        String tool = request.name();
        try {
            String args = json.writeValueAsString(request.arguments() == null ? Map.of() : request.arguments());
            Object key = request.meta() == null ? null : request.meta().get("idempotencyKey");
            try (PreparedStatement ps = connection().prepareStatement(
                    "select tool_call_id, ok, result::text, error::text, replayed from sor_api.call_tool(?, ?, ?::jsonb, ?)")) {
                ps.setObject(1, runId);
                ps.setString(2, tool);
                ps.setString(3, args);
                ps.setString(4, key == null ? null : key.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String toolCallId = rs.getString(1);
                    Map<String, Object> meta = Map.of("toolCallId", toolCallId, "replayed", rs.getBoolean(5));
                    if (!rs.getBoolean(2)) {
                        Map<String, Object> error = new LinkedHashMap<>();
                        error.put("tool", tool);
                        error.put("tool_call_id", toolCallId);
                        Object journaled = rs.getString(4) == null ? null : json.readValue(rs.getString(4), Object.class);
                        if (journaled instanceof Map<?, ?> fields) {
                            fields.forEach((k, v) -> error.put(k.toString(), v));
                        } else {
                            error.put("error", journaled);
                        }
                        return toolError(error, meta);
                    }
                    String body = rs.getString(3) == null ? "null" : rs.getString(3);
                    CallToolResult.Builder result = CallToolResult.builder().addTextContent(body).isError(false).meta(meta);
                    Object value = json.readValue(body, Object.class);
                    if (value instanceof Map) {
                        result.structuredContent(value);
                    }
                    return result.build();
                }
            }
        } catch (SQLException e) {
            dropBrokenConnection(e);
            return toolError(describe(tool, e), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tool finish_run: sor_api.finish_run, then the run's report. */
    synchronized CallToolResult finishRun(CallToolRequest request) {
        Map<String, Object> args = request.arguments() == null ? Map.of() : request.arguments();
        Object requested = args.get("status");
        try {
            String finished;
            try (PreparedStatement ps = connection().prepareStatement("select sor_api.finish_run(?, ?, ?::jsonb)")) {
                ps.setObject(1, runId);
                ps.setString(2, requested == null ? null : requested.toString());
                ps.setString(3, args.get("error") == null ? null : json.writeValueAsString(args.get("error")));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    finished = rs.getString(1);
                }
            }
            status = finished;
            leaseHeld = false;
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("run_id", runId.toString());
            result.put("status", finished);
            result.put("report", read("select sor_api.run_report(?)"));
            return CallToolResult.builder()
                    .addTextContent(json.writeValueAsString(result))
                    .structuredContent(result)
                    .isError(false)
                    .build();
        } catch (SQLException e) {
            dropBrokenConnection(e);
            return toolError(describe(FINISH_RUN, e), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CallToolResult toolError(Map<String, Object> error, Map<String, Object> meta) {
        try {
            CallToolResult.Builder result = CallToolResult.builder().addTextContent(json.writeValueAsString(error)).isError(true);
            if (meta != null) {
                result.meta(meta);
            }
            return result.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SyncResourceSpecification resource(String name, String title, String mimeType, String description, String sql) {
        String uri = resourceUri(name);
        McpSchema.Resource resource = McpSchema.Resource.builder(uri, "run-" + name)
                .title(title)
                .description(description + " (run " + runId + ")")
                .mimeType(mimeType)
                .build();
        return new SyncResourceSpecification(resource, (exchange, request) -> {
            synchronized (this) {
                try {
                    return new ReadResourceResult(List.of(new TextResourceContents(uri, mimeType, read(sql))));
                } catch (SQLException e) {
                    dropBrokenConnection(e);
                    throw McpError.builder(ErrorCodes.INTERNAL_ERROR)
                            .message("resource " + uri + ": " + e.getSQLState() + " " + serverMessage(e))
                            .data(describe(null, e))
                            .build();
                }
            }
        });
    }

    private String read(String sql) throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement(sql)) {
            ps.setObject(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** Renews the lease while the run is running; stops once the database says it is not (SR035, SR036). */
    private synchronized void heartbeat() {
        if (!leaseHeld || closed) {
            return;
        }
        try {
            renewLease();
        } catch (SQLException e) {
            dropBrokenConnection(e);
            System.err.println("pg-sor MCP server: heartbeat of run " + runId + " failed: " + e.getSQLState() + " " + serverMessage(e));
        }
    }

    /** sor_api.heartbeat with the session's lease; a run that is no longer running holds no lease. */
    private void renewLease() throws SQLException {
        try (PreparedStatement ps = connection().prepareStatement("select sor_api.heartbeat(?, ?)")) {
            ps.setObject(1, runId);
            ps.setInt(2, spec.leaseSeconds());
            ps.execute();
        } catch (SQLException e) {
            if ("SR035".equals(e.getSQLState()) || "SR036".equals(e.getSQLState())) {
                leaseHeld = false;
                status = read("select status from sor_api.get_run(?)");
                System.err.println("pg-sor MCP server: run " + runId + " holds no lease (" + e.getSQLState() + " "
                        + serverMessage(e) + "); its tools will be refused, its report stays readable");
                return;
            }
            throw e;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = connect(worker);
        }
        return connection;
    }

    /** A connection that failed (SQLSTATE class 08) is dropped; the next statement opens a new one. */
    private void dropBrokenConnection(SQLException e) {
        if (e.getSQLState() != null && e.getSQLState().startsWith("08") && connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is broken already
            }
            connection = null;
        }
    }

    /** The tool, SQLSTATE, message, hint and detail of a refusal, for a model to read. */
    private static Map<String, Object> describe(String tool, SQLException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        if (tool != null) {
            error.put("tool", tool);
        }
        error.put("sqlstate", e.getSQLState());
        error.put("message", serverMessage(e));
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            ServerErrorMessage m = p.getServerErrorMessage();
            if (m.getHint() != null) {
                error.put("hint", m.getHint());
            }
            if (m.getDetail() != null) {
                error.put("detail", m.getDetail());
            }
        }
        return error;
    }

    private static String serverMessage(SQLException e) {
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            return p.getServerErrorMessage().getMessage();
        }
        return e.getMessage();
    }

    /**
     * Ends the session once: stops the heartbeat, then, if the run is still running, applies
     * {@link OnEof} (renew the lease once more, or finish the run as failed), and closes the
     * connection. Safe to call from a shutdown hook.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        heartbeat.shutdownNow();
        try {
            if (leaseHeld) {
                endRun();
            }
        } finally {
            if (server != null) {
                server.close();
            }
            try {
                if (connection != null) {
                    connection.close();
                }
            } catch (SQLException e) {
                System.err.println("pg-sor MCP server: closing the connection failed: " + e.getMessage());
            }
        }
    }

    private void endRun() {
        try {
            if (onEof == OnEof.FAIL) {
                try (PreparedStatement ps = connection().prepareStatement("select sor_api.finish_run(?, 'failed', ?::jsonb)")) {
                    ps.setObject(1, runId);
                    ps.setString(2, "{\"reason\": \"mcp_session_ended\", \"message\": \"The MCP session ended before the agent called "
                            + FINISH_RUN + ".\"}");
                    ps.execute();
                }
                status = "failed";
                System.err.println("pg-sor MCP server: session ended without " + FINISH_RUN + "; run " + runId + " finished as failed");
            } else {
                renewLease();
                System.err.println("pg-sor MCP server: session ended; run " + runId + " stays running for one lease ("
                        + spec.leaseSeconds() + " s) for a session that joins it with the same run key, then reads abandoned");
            }
        } catch (SQLException e) {
            System.err.println("pg-sor MCP server: ending run " + runId + " failed: " + e.getSQLState() + " " + serverMessage(e));
        }
    }
}
