package dev.pgsor.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCP Inspector's command line drives the server the way it was found failing: one server
 * process per call, calls on one run key. It runs where the Inspector is installed (its
 * {@code mcp-inspector} launcher on the PATH, in the repository's node_modules, or named by
 * {@code -Dsor.mcp.inspector=PATH}) and is skipped elsewhere; it never downloads anything.
 */
@SorTest(reconciler = true)
class McpInspectorTest {

    /** The lease each Inspector-started server holds; every process renews it. */
    static final int LEASE = 120;

    static SorDatabase db;
    static Database worker;
    static String inspector;

    @TempDir
    static Path home;

    @BeforeAll
    static void setUp(SorDatabase database) {
        inspector = locateInspector();
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.scalar("select reconciler.setup_tenant('acme')");
        db.scalar("select ingested from reconciler.ingest_bank_rows('acme', ?::jsonb)",
                McpSessionTest.bankRows("t-1", "Uber ride to the airport"));
        worker = db.worker("expense-reconciler", "acme");
    }

    static String locateInspector() {
        String configured = System.getProperty("sor.mcp.inspector", "");
        if (!configured.isBlank()) {
            return Files.isExecutable(Path.of(configured)) ? configured : null;
        }
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                candidates.add(Path.of(dir, "mcp-inspector"));
            }
        }
        candidates.add(Path.of(System.getProperty("sor.repo.root", ".."), "node_modules", ".bin", "mcp-inspector"));
        return candidates.stream().filter(Files::isExecutable).map(Path::toString).findFirst().orElse(null);
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** One Inspector CLI call: it starts its own server process, makes the call and prints the result as JSON. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> inspect(String... method) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(inspector, "--cli"));
        cmd.addAll(List.of(method));
        cmd.addAll(List.of("--format", "json", "-q", "--"));
        cmd.addAll(McpServerProcess.command(worker, "acme", "mcp-inspector", "inspector-night", "--lease-seconds", String.valueOf(LEASE)));
        Path out = Files.createTempFile(home, "inspector", ".out");
        Path err = Files.createTempFile(home, "inspector", ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("HOME", home.toString());
        pb.environment().put("MCP_CATALOG_PATH", home.resolve("mcp.json").toString());
        pb.environment().put("MCP_CLIENT_CONFIG_PATH", home.resolve("client.json").toString());
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the Inspector returns within 90 s").isTrue();
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit status of %s%nstdout: %s%nstderr: %s", String.join(" ", method), stdout, stderr).isZero();
        try {
            return McpJsonDefaults.getMapper().readValue(stdout, Map.class);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + stdout + "\nstderr: " + stderr, e);
        }
    }

    @Test
    void theInspectorCliKeepsOneRunAcrossItsProcessesRenewingTheLeaseAndFinishesIt() throws Exception {
        assumeTrue(inspector != null && onPath("node"),
                "the MCP Inspector is not installed here (npm install -g @modelcontextprotocol/inspector, or"
                        + " -Dsor.mcp.inspector=PATH to its mcp-inspector launcher): skipped");
        List<Object> names = new ArrayList<>();
        for (Object tool : (List<?>) result(inspect("--method", "tools/list")).get("tools")) {
            names.add(((Map<?, ?>) tool).get("name"));
        }
        assertThat(names).containsExactlyInAnyOrderElementsOf(McpWorkerSurfaceTest.concat(
                List.of("categorise", "list_pending", "record_expense"), McpWorkerSurfaceTest.SURFACE));

        // one process per call, each joining run key inspector-night: each leaves the lease a full lease ahead of its start
        int calls = 3;
        for (int i = 0; i < calls; i++) {
            Timestamp launched = (Timestamp) db.scalar("select clock_timestamp()::timestamp");
            Map<String, Object> categorised = result(inspect("--method", "tools/call", "--tool-name", "categorise",
                    "--tool-args-json", "{\"bank_txn_id\": \"t-1\"}"));
            assertThat(categorised).containsEntry("isError", false)
                    .containsEntry("structuredContent", Map.of("bank_txn_id", "t-1", "category", "travel", "rule_id", 10));
            Timestamp expires = (Timestamp) db.scalar(
                    "select lease_expires_at::timestamp from sor.runs where idempotency_key = 'inspector-night'");
            assertThat(expires.getTime() - launched.getTime()).isGreaterThanOrEqualTo(LEASE * 1000L);
        }

        Map<String, Object> finished = result(inspect("--method", "tools/call", "--tool-name", "finish_run",
                "--tool-args-json", "{\"status\": \"succeeded\"}"));
        UUID run = (UUID) db.scalar("select run_id from sor.runs where idempotency_key = 'inspector-night'");
        assertThat(finished).containsEntry("isError", false);
        assertThat(result(Map.of("result", finished.get("structuredContent")))).containsEntry("run_id", run.toString())
                .containsEntry("status", "succeeded");

        List<Object> uris = new ArrayList<>();
        for (Object resource : (List<?>) result(inspect("--method", "resources/list")).get("resources")) {
            uris.add(((Map<?, ?>) resource).get("uri"));
        }
        String base = "sor://runs/" + run + "/";
        assertThat(uris).containsExactlyInAnyOrder(base + "report", base + "timeline", base + "facts");

        List<?> contents = (List<?>) result(inspect("--method", "resources/read", "--uri", base + "report")).get("contents");
        assertThat(contents).hasSize(1);
        assertThat(((Map<?, ?>) contents.get(0)).get("text"))
                .isEqualTo(Sql.scalar(worker, "select sor_api.run_report(?)", run));

        assertThat(db.rows("select r.status, count(t.*) filter (where t.status = 'succeeded'), count(t.*)"
                + " from sor.runs r left join sor.tool_calls t using (tenant_id, run_id)"
                + " where r.idempotency_key = 'inspector-night' group by r.status"))
                .containsExactly(List.of("succeeded", (long) calls, (long) calls));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> result(Map<String, Object> answer) {
        assertThat(answer).containsKey("result");
        return (Map<String, Object>) answer.get("result");
    }
}
