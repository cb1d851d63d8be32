package dev.pgsor.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server's stdio protocol, driven by raw JSON-RPC lines on the process's stdin and stdout:
 * what a malformed line gets, which protocol versions are offered, errors that name the tool, and
 * how the end of input ends the session and the run.
 */
@SorTest(reconciler = true)
class McpStdioProtocolTest {

    static SorDatabase db;
    static Database worker;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.scalar("select reconciler.setup_tenant('acme')");
        db.scalar("select ingested from reconciler.ingest_bank_rows('acme', ?::jsonb)",
                McpSessionTest.bankRows("t-1", "Uber ride to the airport"));
        worker = db.worker("expense-reconciler", "acme");
    }

    static McpServerProcess.Raw start(String runKey, String... options) {
        return McpServerProcess.raw(McpServerProcess.command(worker, "acme", "mcp-raw", runKey, options));
    }

    static Map<String, Object> categorise(Object id) {
        return Map.of("jsonrpc", "2.0", "id", id, "method", "tools/call",
                "params", Map.of("name", "categorise", "arguments", Map.of("bank_txn_id", "t-1")));
    }

    @Test
    void aMalformedLineGetsAParseErrorAndTheServerGoesOn() {
        try (McpServerProcess.Raw server = start("malformed")) {
            assertThat(result(server.initialize("2025-11-25"))).containsEntry("protocolVersion", "2025-11-25");

            server.send("this is not JSON {");
            Map<String, Object> parseError = server.receive();
            assertThat(parseError).containsOnlyKeys("jsonrpc", "id", "error").containsEntry("jsonrpc", "2.0").containsEntry("id", null);
            assertThat(error(parseError)).isEqualTo(Map.of("code", -32700, "message", "Parse error: the line is not JSON"));

            server.send("[1, 2]");
            assertThat(error(server.receive())).containsEntry("code", -32600);
            server.send("{\"id\": 7}");
            Map<String, Object> notJsonRpc = server.receive();
            assertThat(notJsonRpc.get("id")).isEqualTo(7);
            assertThat(error(notJsonRpc)).containsEntry("code", -32600);

            assertThat(server.request(2, "ping", Map.of())).isEqualTo(Map.of("jsonrpc", "2.0", "id", 2, "result", Map.of()));
            server.send(categorise(3));
            Map<String, Object> answer = server.receive();
            assertThat(answer.get("id")).isEqualTo(3);
            assertThat(result(answer)).containsEntry("isError", false)
                    .containsEntry("structuredContent", Map.of("bank_txn_id", "t-1", "category", "travel", "rule_id", 10));
        }
        assertThat(db.rows("select t.tool_name, t.status from sor.tool_calls t join sor.runs r using (tenant_id, run_id)"
                + " where r.idempotency_key = 'malformed'")).containsExactly(List.of("categorise", "succeeded"));
    }

    @Test
    void offersTheCurrentProtocolVersions() {
        assertThat(StdioTransport.PROTOCOL_VERSIONS).containsExactly("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");
        try (McpServerProcess.Raw server = start("versions")) {
            assertThat(result(server.initialize("2024-11-05"))).containsEntry("protocolVersion", "2024-11-05");
        }
        try (McpServerProcess.Raw server = start("versions")) {
            assertThat(result(server.initialize("2099-01-01"))).containsEntry("protocolVersion", "2025-11-25")
                    .containsEntry("serverInfo", Map.of("name", "pg-sor", "version", dev.pgsor.schema.SorSchema.version()));
        }
    }

    @Test
    void anUnknownToolAndArgumentsThatAreNoObjectGetErrorsNamingTheTool() {
        try (McpServerProcess.Raw server = start("names")) {
            server.initialize("2025-11-25");

            Map<String, Object> unknown = server.request(1, "tools/call", Map.of("name", "send_money", "arguments", Map.of()));
            assertThat(error(unknown)).containsEntry("code", -32602).containsEntry("message", "Unknown tool: send_money");
            assertThat(result(Map.of("result", error(unknown).get("data")))).containsEntry("tool", "send_money")
                    .containsEntry("tools", new java.util.TreeSet<>(McpWorkerSurfaceTest.concat(
                            List.of("categorise", "list_pending", "record_expense"), McpWorkerSurfaceTest.SURFACE)).stream().toList());

            Map<String, Object> stringArgs = server.request(2, "tools/call",
                    Map.of("name", "categorise", "arguments", "{\"bank_txn_id\": \"t-1\"}"));
            assertThat(error(stringArgs)).containsEntry("code", -32602)
                    .containsEntry("message", "Invalid params: the arguments of tool categorise must be a JSON object, not a string")
                    .containsEntry("data", Map.of("tool", "categorise"));

            // the session goes on
            server.send(categorise(3));
            assertThat(result(server.receive())).containsEntry("isError", false);
        }
        assertThat(db.count("select count(*) from sor.tool_calls t join sor.runs r using (tenant_id, run_id)"
                + " where r.idempotency_key = 'names'")).isOne();
    }

    @Test
    void endOfInputEndsTheServerWithinFiveSecondsAndTheRunStaysRunningForOneLease() throws Exception {
        McpServerProcess.Raw server = start("eof", "--lease-seconds", "3");
        try {
            server.initialize("2025-11-25");
            // a request still unanswered when the input ends is answered before the server exits
            server.send(categorise(1));
            long closed = System.nanoTime();
            server.closeStdin();
            assertThat(result(server.receive())).containsEntry("isError", false);
            assertThat(server.waitFor(Duration.ofSeconds(5))).as("the server exits within 5 s of EOF").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - closed)).isLessThan(Duration.ofSeconds(5));
            assertThat(server.process().exitValue()).isZero();
        } finally {
            server.close();
        }
        // the documented end state: running, its lease renewed as the session ended, for the next session of the key
        Object run = db.scalar("select run_id from sor.runs where idempotency_key = 'eof'");
        assertThat(db.rows("select status, lease_seconds, lease_expires_at > clock_timestamp() from sor.runs where run_id = ?", run))
                .containsExactly(List.of("running", 3, true));
        // no session joins: one lease later the run reads abandoned
        Thread.sleep(3500);
        assertThat(Sql.scalar(worker, "select sor_api.run_report_facts(?) ->> 'status'", run)).isEqualTo("abandoned");
    }

    @Test
    void onEofFailFinishesTheRunAsFailed() throws Exception {
        McpServerProcess.Raw server = start("eof-fail", "--on-eof", "fail");
        try {
            server.initialize("2025-11-25");
            server.closeStdin();
            assertThat(server.waitFor(Duration.ofSeconds(5))).as("the server exits within 5 s of EOF").isTrue();
            assertThat(server.process().exitValue()).isZero();
        } finally {
            server.close();
        }
        assertThat(db.rows("select status, error ->> 'reason' from sor.runs where idempotency_key = 'eof-fail'"))
                .containsExactly(List.of("failed", "mcp_session_ended"));
    }

    @Test
    void aRunThatCannotBeOpenedEndsTheServerWithStatusFiveNamingTheSqlstate() throws Exception {
        db.addTenant("globex", "Globex");
        // what the database answers this Worker, which is not a member of globex
        String sqlstate;
        try (java.sql.Connection c = worker.connect();
             java.sql.PreparedStatement ps = c.prepareStatement("select * from sor_api.start_run('globex', 'mcp-raw', '{}', 'outsider', 300)")) {
            ps.executeQuery();
            throw new AssertionError("start_run for a tenant the Worker is not a member of was not refused");
        } catch (java.sql.SQLException e) {
            sqlstate = e.getSQLState();
        }
        assertThat(sqlstate).startsWith("SR");

        Process p = new ProcessBuilder(McpServerProcess.command(worker, "globex", "mcp-raw", "outsider"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String stderr = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(stderr).isEqualTo(5);
        assertThat(stderr).contains("pg-sor mcp: the database refused: ").contains("(SQLSTATE " + sqlstate + "); hint: ");
        assertThat(db.count("select count(*) from sor.runs where idempotency_key = 'outsider'")).isZero();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> result(Map<String, Object> answer) {
        assertThat(answer).containsKey("result");
        return (Map<String, Object>) answer.get("result");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> error(Map<String, Object> answer) {
        assertThat(answer).containsKey("error");
        return (Map<String, Object>) answer.get("error");
    }
}
