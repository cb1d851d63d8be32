package dev.pgsor.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgsor.runtime.Database;
import dev.pgsor.support.Repo;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCP Inspector example of docs/mcp.md, run as written with the Inspector release that installs
 * on Node 20 (0.15.0, through npx, as the block says), against a test database: only the database's
 * URL, the Worker's login and its password are put in for the placeholders, and {@code java -jar
 * app/target/pg-sor.jar} is this build's classpath. Skipped, saying why, where npx is not installed
 * or cannot fetch the Inspector.
 */
@SorTest(reconciler = true)
class McpInspectorDocTest {

    static final String INSPECTOR = "@modelcontextprotocol/inspector@0.15.0";

    /** The shell block of docs/mcp.md that runs the Inspector: its words, continuation lines joined. */
    static List<String> documentedCommand() throws Exception {
        String doc = Files.readString(Repo.path("docs", "mcp.md"), StandardCharsets.UTF_8);
        Matcher block = Pattern.compile("(?s)```\\n([^`]*?" + Pattern.quote(INSPECTOR) + "[^`]*?)```").matcher(doc);
        assertThat(block.find()).as("docs/mcp.md has a block that runs " + INSPECTOR).isTrue();
        String joined = block.group(1).replace("\\\n", " ").strip();
        List<String> words = new ArrayList<>();
        Matcher word = Pattern.compile("'([^']*)'|(\\S+)").matcher(joined);
        while (word.find()) {
            words.add(word.group(1) != null ? word.group(1) : word.group(2));
        }
        return words;
    }

    static String onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, program))) {
                return Path.of(dir, program).toString();
            }
        }
        return null;
    }

    @Test
    void theDocumentedInspectorCallCategorisesARow(SorDatabase db, @TempDir Path dir) throws Exception {
        List<String> words = documentedCommand();
        assertThat(words.get(0)).isEqualTo("PGPASSWORD=...");
        assertThat(words.subList(1, 4)).containsExactly("npx", "-y", INSPECTOR);
        String npx = onPath("npx");
        assumeTrue(npx != null && onPath("node") != null,
                "node and npx are not installed here: the Inspector example of docs/mcp.md is not run");

        db.addTenant("acme", "Acme Corp");
        db.scalar("select reconciler.setup_tenant('acme')");
        db.scalar("select ingested from reconciler.ingest_bank_rows('acme', ?::jsonb)",
                McpSessionTest.bankRows("t-1", "Uber ride to the airport"));
        Database worker = db.worker("expense-reconciler", "acme");

        List<String> command = new ArrayList<>();
        command.add(npx);
        for (int i = 2; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("java") && words.get(i + 1).equals("-jar") && words.get(i + 2).equals("app/target/pg-sor.jar")) {
                command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", System.getProperty("java.class.path"), "dev.pgsor.cli.SorCli"));
                i += 2;
            } else if (w.equals("--url")) {
                command.addAll(List.of(w, worker.url()));
                i++;
            } else if (w.equals("--user")) {
                command.addAll(List.of(w, worker.user()));
                i++;
            } else {
                command.add(w);
            }
        }
        Path out = dir.resolve("inspector.out");
        Path err = dir.resolve("inspector.err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).directory(dir.toFile());
        pb.environment().put("PGPASSWORD", worker.password());
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("the Inspector returns within 240 s").isTrue();
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assumeTrue(p.exitValue() == 0 || !stderr.matches("(?s).*(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|E404|network).*"),
                "npx could not fetch " + INSPECTOR + ": " + stderr.strip());
        assertThat(p.exitValue()).as("exit status%nstdout: %s%nstderr: %s", stdout, stderr).isZero();

        @SuppressWarnings("unchecked")
        Map<String, Object> result = McpJsonDefaults.getMapper().readValue(stdout, Map.class);
        assertThat(result).containsEntry("isError", false)
                .containsEntry("structuredContent", Map.of("bank_txn_id", "t-1", "category", "travel", "rule_id", 10));
        assertThat(db.rows("select r.status, r.idempotency_key, count(t.*) filter (where t.status = 'succeeded')"
                + " from sor.runs r left join sor.tool_calls t using (tenant_id, run_id)"
                + " where r.workflow = 'nightly-reconcile' group by r.status, r.idempotency_key"))
                .containsExactly(List.of("running", "2026-11-22", 1L));
    }
}
