package dev.pgsor.mcp;

import dev.pgsor.mcp.Link.Retry;
import dev.pgsor.mcp.Link.Unavailable;
import dev.pgsor.mcp.WorkerTools.KitTool;
import dev.pgsor.runtime.Database;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The MCP adapter for one Worker inside one run, on the Worker's own login role. tools/list is
 * sor_api.list_tools() plus the Worker surface of sor_api ({@link WorkerTools}: turns, events,
 * tasks, external tool calls, steps) and finish_run; tools/call of a registry tool is
 * sor_api.call_tool(); the run's report, timeline and facts are resources read from
 * sor_api.run_report(), run_timeline() and run_report_facts(). The allow-list, argument
 * validation, journaling, idempotency, leases and run states all live in the database; this class
 * only translates, keeps the lease renewed while the session lives, reconnects after a restart or
 * failover, and ends the session as {@link OnEof} says.
 *
 * <p>Two connections: calls and reads on one, the run's lease on the other, so a heartbeat never
 * waits behind a call. A registry tool runs inside {@code call_tool} with the run row locked, where
 * no heartbeat can reach it; so before each such call the lease is extended by the call budget
 * ({@link Limits#callTimeoutSeconds()}, also the call connection's statement_timeout), and renewed
 * back to its own length as soon as the call ends.
 */
public final class SorMcpServer implements AutoCloseable {

    /** Where the run comes from: opened (or joined, by idempotency key) when the server starts. */
    public record RunSpec(String tenantId, String workflow, String runKey, String inputJson, int leaseSeconds) { }

    /**
     * How long one call may take (seconds; the lease covers it while it runs), and how long a
     * statement is retried across a restart or failover before the client gets a retryable error.
     */
    public record Limits(int callTimeoutSeconds, int reconnectSeconds) {
        public static final Limits DEFAULT = new Limits(300, 30);

        /** Null when the limits fit the run's lease, else why not (a heartbeat takes at most 3600 s). */
        public String problem(int leaseSeconds) {
            if (callTimeoutSeconds < 1) {
                return "--call-timeout-seconds must be at least 1";
            }
            if (reconnectSeconds < 0) {
                return "--reconnect-seconds must not be negative";
            }
            if (leaseSeconds + callTimeoutSeconds > 3600) {
                return "--lease-seconds plus --call-timeout-seconds must be at most 3600 (the longest lease), not "
                        + (leaseSeconds + callTimeoutSeconds);
            }
            return null;
        }
    }

    /** What a session that ends (end of input) without finish_run does to its run. */
    public enum OnEof {
        /** The run stays running; its lease is renewed once more, so it reads abandoned one lease later unless a session joins it. */
        KEEP_RUNNING,
        /** The run is finished as failed, with an error saying the session ended without finish_run. */
        FAIL
    }

    /** The adapter's own tool; a registry tool of the same name cannot be served. */
    public static final String FINISH_RUN = "finish_run";

    /** Each connection's bound on a transaction left open (docs/operate/sessions.md); the server never leaves one open itself. */
    static final String IDLE_IN_TRANSACTION = "set idle_in_transaction_session_timeout = '1min'";

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

    private final Link calls;
    private final Link lease;
    private final UUID runId;
    private final RunSpec spec;
    private final Limits limits;
    private final OnEof onEof;
    private final McpJsonMapper json = McpJsonDefaults.getMapper();
    private final JsonSchemaValidator validator = McpJsonDefaults.getSchemaValidator();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pg-sor-run-heartbeat");
        t.setDaemon(true);
        return t;
    });
    /** Registry tool calls under way: while one runs, the lease is renewed with the call budget added. */
    private final AtomicInteger callsInFlight = new AtomicInteger();
    private final Set<String> toolNames = new TreeSet<>();
    private final Map<String, Map<String, Object>> kitSchemas = new LinkedHashMap<>();
    private volatile String status;
    private volatile boolean leaseHeld;
    private boolean closed;
    private volatile McpSyncServer server;
    private volatile StdioTransport transport;

    private SorMcpServer(Link calls, Link lease, UUID runId, String status, RunSpec spec, Limits limits, OnEof onEof) {
        this.calls = calls;
        this.lease = lease;
        this.runId = runId;
        this.status = status;
        this.leaseHeld = "running".equals(status);
        this.spec = spec;
        this.limits = limits;
        this.onEof = onEof;
    }

    /** {@link #open(Database, RunSpec, OnEof, Limits)} with {@link Limits#DEFAULT}. */
    public static SorMcpServer open(Database worker, RunSpec run, OnEof onEof) throws SQLException {
        return open(worker, run, onEof, Limits.DEFAULT);
    }

    /**
     * Connects as the Worker and opens its run, or joins the run of the same key and renews its
     * lease at once (sor_api.heartbeat with the session's lease); from then on the lease is
     * renewed every third of its length while the run is running. A run that is no longer running
     * is still served: its tools are refused by the database (SR035, SR036) and its report stays
     * readable. start_run is keyed by the run key, so it is retried across a restart like any read.
     */
    public static SorMcpServer open(Database worker, RunSpec run, OnEof onEof, Limits limits) throws SQLException {
        String problem = limits.problem(run.leaseSeconds());
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        // loading JSON and JSON Schema support takes seconds on a cold JVM: before the run's lease starts, not out of it
        McpJsonDefaults.getMapper();
        McpJsonDefaults.getSchemaValidator();
        Duration budget = Duration.ofSeconds(limits.reconnectSeconds());
        Link calls = new Link(worker, "call", budget,
                List.of("set time zone 'UTC'", "set statement_timeout = '" + limits.callTimeoutSeconds() + "s'", IDLE_IN_TRANSACTION));
        Link lease = new Link(worker, "heartbeat", budget, List.of("set time zone 'UTC'", IDLE_IN_TRANSACTION));
        SorMcpServer server = null;
        try {
            Object[] started = calls.run(Retry.SAFE, c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "select run_id, replayed, status from sor_api.start_run(?, ?, ?::jsonb, ?, ?)")) {
                    ps.setString(1, run.tenantId());
                    ps.setString(2, run.workflow());
                    ps.setString(3, run.inputJson());
                    ps.setString(4, run.runKey());
                    ps.setInt(5, run.leaseSeconds());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return new Object[] {rs.getObject(1), rs.getBoolean(2), rs.getString(3)};
                    }
                }
            });
            server = new SorMcpServer(calls, lease, (UUID) started[0], (String) started[2], run, limits, onEof);
            long period = Math.max(200L, run.leaseSeconds() * 1000L / 3);
            server.heartbeat.scheduleAtFixedRate(server::heartbeat, period, period, TimeUnit.MILLISECONDS);
            if ((Boolean) started[1] && server.leaseHeld) {
                server.renewLease();
            } else {
                // the heartbeat's connection now, so the first beat does not pay for connecting
                lease.run(Retry.SAFE, c -> null);
            }
            return server;
        } catch (SQLException | RuntimeException e) {
            if (server != null) {
                server.heartbeat.shutdownNow();
            }
            calls.close();
            lease.close();
            throw e;
        }
    }

    public UUID runId() {
        return runId;
    }

    /** The run's status as this session last knew it: running, succeeded, failed or abandoned. */
    public String status() {
        return status;
    }

    /** The URI of one of the run's resources: report, timeline or facts. */
    public String resourceUri(String name) {
        return "sor://runs/" + runId + "/" + name;
    }

    /** Serves MCP over the given streams; returns at once. */
    public void serve(InputStream in, OutputStream out) throws SQLException {
        List<SyncToolSpecification> tools = registryTools();
        for (KitTool kit : WorkerTools.TOOLS) {
            kitSchemas.put(kit.name(), parse(kit.inputSchema()));
            tools.add(SyncToolSpecification.builder().tool(McpSchema.Tool.builder(kit.name())
                            .title(kit.title())
                            .description(kit.description())
                            .inputSchema(json, kit.inputSchema())
                            .outputSchema(json, kit.outputSchema())
                            .annotations(kit.annotations())
                            .build())
                    .callHandler((exchange, request) -> kitTool(kit, request))
                    .build());
        }
        tools.add(SyncToolSpecification.builder().tool(McpSchema.Tool.builder(FINISH_RUN)
                        .title("Finish the run")
                        .description("Finish this session's run " + runId + " as succeeded (the work is done) or failed"
                                + " (it cannot be done; say why in error). Call it once, at the end: afterwards the run"
                                + " takes no more tool calls. Returns the run's report.")
                        .inputSchema(json, FINISH_RUN_INPUT)
                        .outputSchema(json, FINISH_RUN_OUTPUT)
                        .annotations(new McpSchema.ToolAnnotations("Finish the run", false, true, true, false, null))
                        .build())
                .callHandler((exchange, request) -> finishRun(request))
                .build());
        for (SyncToolSpecification t : tools) {
            if (!toolNames.add(t.tool().name())) {
                throw new IllegalStateException("the registry's tool " + t.tool().name() + " clashes with the MCP server's own "
                        + t.tool().name() + "; rename the registry's tool");
            }
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
                + ") of the pg-sor system of record; the run is " + status() + ". Besides the registry's tools, the run's"
                + " Worker surface is here: record_turn, append_event(s), read_stream, events_since, enqueue_task, claim_tasks,"
                + " heartbeat_task, complete_task, fail_task, begin_tool_call, finish_tool_call, commit_step and get_run."
                + " A tool error with \"retryable\": true is the database being unreachable (a restart or failover), not"
                + " the tool's failure: call again. When the work is done, call " + FINISH_RUN
                + " with status succeeded (or failed, with an error saying why). The run's report, timeline and facts are"
                + " the resources " + resourceUri("report") + ", " + resourceUri("timeline") + " and " + resourceUri("facts") + ".";
    }

    /**
     * The registry's tools for the caller's kind, annotated from side_effects: a tool without is
     * read-only and idempotent; one with may change data for good (destructiveHint) and is
     * repeatable only with an idempotency key. An output_schema column, once the registry has one,
     * is served as outputSchema.
     */
    private List<SyncToolSpecification> registryTools() throws SQLException {
        List<SyncToolSpecification> tools = new ArrayList<>();
        List<Map<String, Object>> rows = calls.run(Retry.SAFE, c -> {
            List<Map<String, Object>> listed = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select * from sor_api.list_tools()");
                 ResultSet rs = ps.executeQuery()) {
                boolean hasOutputSchema = hasColumn(rs.getMetaData(), "output_schema");
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("name", rs.getString("tool_name"));
                    row.put("description", rs.getString("description"));
                    row.put("input_schema", rs.getString("input_schema"));
                    row.put("side_effects", rs.getBoolean("side_effects"));
                    row.put("output_schema", hasOutputSchema ? rs.getString("output_schema") : null);
                    listed.add(row);
                }
            }
            return listed;
        });
        for (Map<String, Object> row : rows) {
            boolean sideEffects = (Boolean) row.get("side_effects");
            McpSchema.Tool.Builder tool = McpSchema.Tool.builder((String) row.get("name"))
                    .description((String) row.get("description"))
                    .inputSchema(json, (String) row.get("input_schema"))
                    .annotations(new McpSchema.ToolAnnotations(null, !sideEffects, sideEffects, !sideEffects, null, null));
            if (row.get("output_schema") != null) {
                tool.outputSchema(json, (String) row.get("output_schema"));
            }
            tools.add(SyncToolSpecification.builder().tool(tool.build())
                    .callHandler((exchange, request) -> callTool(request))
                    .build());
        }
        return tools;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> parse(String schema) {
        try {
            return json.readValue(schema, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    /**
     * tools/call of a registry tool: one sor_api.call_tool, with the lease extended by the call
     * budget while it runs. A result that is a JSON object is also the structured content. A call
     * with an idempotency key is repeated across a restart; one without is not (its outcome may be
     * unknown).
     */
    CallToolResult callTool(CallToolRequest request) {
        String tool = request.name();
        Object key = request.meta() == null ? null : request.meta().get("idempotencyKey");
        callsInFlight.incrementAndGet();
        try {
            String args = json.writeValueAsString(request.arguments() == null ? Map.of() : request.arguments());
            try {
                renewLease();
            } catch (Unavailable e) {
                // the lease could not be extended, so the tool was not called
                return toolError(describe(tool, new Unavailable((SQLException) e.getCause(), false, e.attempts())), null);
            }
            Object[] row = calls.run(key == null ? Retry.UNSAFE : Retry.SAFE, c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "select tool_call_id, ok, result::text, error::text, replayed from sor_api.call_tool(?, ?, ?::jsonb, ?)")) {
                    ps.setObject(1, runId);
                    ps.setString(2, tool);
                    ps.setString(3, args);
                    ps.setString(4, key == null ? null : key.toString());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return new Object[] {rs.getString(1), rs.getBoolean(2), rs.getString(3), rs.getString(4), rs.getBoolean(5)};
                    }
                }
            });
            String toolCallId = (String) row[0];
            Map<String, Object> meta = Map.of("toolCallId", toolCallId, "replayed", row[4]);
            if (!(Boolean) row[1]) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("tool", tool);
                error.put("retryable", false);
                error.put("tool_call_id", toolCallId);
                Object journaled = row[3] == null ? null : json.readValue((String) row[3], Object.class);
                if (journaled instanceof Map<?, ?> fields) {
                    fields.forEach((k, v) -> error.put(k.toString(), v));
                } else {
                    error.put("error", journaled);
                }
                return toolError(error, meta);
            }
            String body = row[2] == null ? "null" : (String) row[2];
            CallToolResult.Builder result = CallToolResult.builder().addTextContent(body).isError(false).meta(meta);
            Object value = json.readValue(body, Object.class);
            if (value instanceof Map) {
                result.structuredContent(value);
            }
            return result.build();
        } catch (SQLException e) {
            return toolError(describe(tool, e), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            callsInFlight.decrementAndGet();
            // back to the lease's own length now, not a third of a lease later
            try {
                heartbeat.execute(this::heartbeat);
            } catch (RejectedExecutionException e) {
                // the session is closing: close() ends the run
            }
        }
    }

    /** tools/call of a tool of the Worker surface: its arguments checked against its input schema, then its statement. */
    CallToolResult kitTool(KitTool tool, CallToolRequest request) {
        Map<String, Object> args = request.arguments() == null ? Map.of() : request.arguments();
        try {
            JsonSchemaValidator.ValidationResponse valid = validator.validate(kitSchemas.get(tool.name()), args);
            if (!valid.valid()) {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("tool", tool.name());
                error.put("retryable", false);
                error.put("message", "arguments of tool " + tool.name() + " do not match its input schema: " + valid.errorMessage());
                error.put("hint", "Fix the arguments to match the tool's inputSchema (tools/list).");
                return toolError(error, null);
            }
            String argsJson = json.writeValueAsString(args);
            String body = calls.run(tool.safeToRepeat().test(args) ? Retry.SAFE : Retry.UNSAFE, c -> {
                try (PreparedStatement ps = c.prepareStatement(WorkerTools.SESSION + tool.sql())) {
                    ps.setObject(1, runId);
                    ps.setString(2, spec.tenantId());
                    ps.setString(3, argsJson);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getString(1);
                    }
                }
            });
            return CallToolResult.builder().addTextContent(body).structuredContent(json.readValue(body, Map.class))
                    .isError(false).build();
        } catch (SQLException e) {
            return toolError(describe(tool.name(), e), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tool finish_run: sor_api.finish_run (the same finish repeated returns quietly), then the run's report. */
    CallToolResult finishRun(CallToolRequest request) {
        Map<String, Object> args = request.arguments() == null ? Map.of() : request.arguments();
        Object requested = args.get("status");
        try {
            String error = args.get("error") == null ? null : json.writeValueAsString(args.get("error"));
            String finished = calls.run(Retry.SAFE, c -> {
                try (PreparedStatement ps = c.prepareStatement("select sor_api.finish_run(?, ?, ?::jsonb)")) {
                    ps.setObject(1, runId);
                    ps.setString(2, requested == null ? null : requested.toString());
                    ps.setString(3, error);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getString(1);
                    }
                }
            });
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
            return toolError(describe(FINISH_RUN, e), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tool error: the JSON as text, and the same object as structured content. */
    private CallToolResult toolError(Map<String, Object> error, Map<String, Object> meta) {
        try {
            CallToolResult.Builder result = CallToolResult.builder().addTextContent(json.writeValueAsString(error))
                    .structuredContent(error).isError(true);
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
            try {
                return new ReadResourceResult(List.of(new TextResourceContents(uri, mimeType, read(sql))));
            } catch (SQLException e) {
                throw McpError.builder(ErrorCodes.INTERNAL_ERROR)
                        .message("resource " + uri + ": " + e.getSQLState() + " " + serverMessage(e))
                        .data(describe(null, e))
                        .build();
            }
        });
    }

    /** A read of the run: retried across a restart. */
    private String read(String sql) throws SQLException {
        return calls.run(Retry.SAFE, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }

    /** Renews the lease while the run is running; stops once the database says it is not (SR035, SR036). */
    private void heartbeat() {
        if (!leaseHeld) {
            return;
        }
        try {
            renewLease();
        } catch (SQLException e) {
            System.err.println("pg-sor MCP server: heartbeat of run " + runId + " failed: " + e.getSQLState() + " " + serverMessage(e));
        } catch (RuntimeException e) {
            // an exception would end the schedule: the next beat tries again
            System.err.println("pg-sor MCP server: heartbeat of run " + runId + " failed: " + e);
        }
    }

    /**
     * sor_api.heartbeat on the lease's own connection: the session's lease, plus the call budget
     * while a registry tool call runs (decided under the connection's lock, so a renewal never
     * shortens the lease of a call that has begun). A run that is no longer running holds no lease.
     */
    private void renewLease() throws SQLException {
        if (!leaseHeld) {
            return;
        }
        String refused = lease.run(Retry.SAFE, c -> {
            int seconds = spec.leaseSeconds() + (callsInFlight.get() > 0 ? limits.callTimeoutSeconds() : 0);
            try (PreparedStatement ps = c.prepareStatement("select sor_api.heartbeat(?, ?)")) {
                ps.setObject(1, runId);
                ps.setInt(2, seconds);
                ps.execute();
                return null;
            } catch (SQLException e) {
                if ("SR035".equals(e.getSQLState()) || "SR036".equals(e.getSQLState())) {
                    return e.getSQLState() + " " + serverMessage(e);
                }
                throw e;
            }
        });
        if (refused != null) {
            leaseHeld = false;
            status = lease.run(Retry.SAFE, c -> {
                try (PreparedStatement ps = c.prepareStatement("select status from sor_api.get_run(?)")) {
                    ps.setObject(1, runId);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getString(1);
                    }
                }
            });
            System.err.println("pg-sor MCP server: run " + runId + " holds no lease (" + refused
                    + "); its tools will be refused, its report stays readable");
        }
    }

    /**
     * The tool, whether calling again may succeed, the SQLSTATE, message, hint and detail, for a
     * model to read. An infrastructure failure ({@link Link.Unavailable}) is retryable, and says
     * whether the call took effect: "not_applied", or "unknown" when the connection broke while
     * the call ran.
     */
    private static Map<String, Object> describe(String tool, SQLException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        if (tool != null) {
            error.put("tool", tool);
        }
        boolean infrastructure = e instanceof Unavailable || Link.infrastructure(e.getSQLState());
        error.put("retryable", infrastructure);
        error.put("sqlstate", e.getSQLState());
        error.put("message", serverMessage(e));
        if (infrastructure) {
            Boolean applied = e instanceof Unavailable u ? u.applied() : null;
            error.put("outcome", Boolean.FALSE.equals(applied) ? "not_applied" : "unknown");
            if (e instanceof Unavailable u) {
                error.put("attempts", u.attempts());
            }
            error.put("hint", Boolean.FALSE.equals(applied)
                    ? "The database could not be reached (a restart or failover) and nothing was done: call again."
                    : "The connection to the database broke while the call ran (a restart or failover): it may or may not"
                    + " have taken effect. Read before calling again (get_run, read_stream, the run's timeline), or call again"
                    + " with the same idempotency key, dedupe key or step id.");
            return error;
        }
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
        SQLException cause = e instanceof Unavailable && e.getCause() instanceof SQLException c ? c : e;
        if (cause instanceof PSQLException p && p.getServerErrorMessage() != null) {
            return p.getServerErrorMessage().getMessage();
        }
        return cause.getMessage();
    }

    /**
     * Ends the session once: stops the heartbeat, then, if the run is still running, applies
     * {@link OnEof} (renew the lease once more, or finish the run as failed), and closes the
     * connections. Safe to call from a shutdown hook.
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
            calls.close();
            lease.close();
        }
    }

    private void endRun() {
        try {
            if (onEof == OnEof.FAIL) {
                lease.run(Retry.SAFE, c -> {
                    try (PreparedStatement ps = c.prepareStatement("select sor_api.finish_run(?, 'failed', ?::jsonb)")) {
                        ps.setObject(1, runId);
                        ps.setString(2, "{\"reason\": \"mcp_session_ended\", \"message\": \"The MCP session ended before the agent"
                                + " called " + FINISH_RUN + ".\"}");
                        ps.execute();
                        return null;
                    }
                });
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
