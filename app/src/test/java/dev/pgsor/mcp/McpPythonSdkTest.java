package dev.pgsor.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Worker surface driven by the official MCP Python SDK (the `mcp` package) over stdio:
 * src/test/resources/mcp/python_worker.py calls every tool once or more, and the rows it leaves are
 * checked here. Runs where a Python with `mcp` installed is found ({@code -Dsor.mcp.python=PATH},
 * else {@code python3} on the PATH); skipped otherwise: the build never installs Python packages.
 */
@SorTest
class McpPythonSdkTest {

    static SorDatabase db;
    static Database worker;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.exec("select sor_api.create_queue('py-jobs', 'work for the Python SDK test')");
        NoteTool.installAddNote(db, "python-bot");
        worker = db.worker("python-bot", "acme");
    }

    /** A Python that imports the MCP SDK, or null. */
    static String python() {
        String python = System.getProperty("sor.mcp.python", "python3");
        try {
            Process p = new ProcessBuilder(python, "-c", "import mcp").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? python : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Test
    void theOfficialPythonSdkDrivesEveryWorkerTool() throws Exception {
        String python = python();
        assumeTrue(python != null, "no Python with the mcp package (-Dsor.mcp.python=PATH): skipped");
        Path script = Files.createTempFile("python_worker", ".py");
        try (var in = McpPythonSdkTest.class.getResourceAsStream("/mcp/python_worker.py")) {
            Files.write(script, in.readAllBytes());
        }
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(McpServerProcess.command(worker, "acme", "python-night", "python-1"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        System.out.println(out);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.lines().reduce((a, b) -> b).orElse("")).isEqualTo("OK");
        assertThat(out).contains("tools [\"ack_subscription\", \"add_note\", \"append_event\", \"append_events\", \"begin_tool_call\",");

        // what the session left in the database
        assertThat(db.rows("select status from sor.runs where idempotency_key = 'python-1'")).containsExactly(List.of("succeeded"));
        assertThat(db.rows("select stream, version, metadata ->> 'run_id' is not null from sor.events"
                + " where tenant_id = 'acme' and stream like 'expense-%' order by position"))
                .containsExactly(List.of("expense-1", 1, true), List.of("expense-1", 2, true), List.of("expense-2", 1, true));
        assertThat(db.rows("select tool_name, status from sor.tool_calls order by started_at"))
                .containsExactly(List.of("send_receipt", "succeeded"), List.of("add_note", "succeeded"));
        assertThat(db.rows("select note_id, body from fixture.notes")).containsExactly(List.of(1, "from python"));
        assertThat(db.rows("select name, last_position > 0 from sor.subscriptions")).containsExactly(List.of("py.projector", true));
        assertThat(db.count("select count(*) from sor.tasks where status = 'completed'")
                + db.count("select count(*) from sor.finished_tasks where status = 'completed'")).isEqualTo(1L);
    }
}
