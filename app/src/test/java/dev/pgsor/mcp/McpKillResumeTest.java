package dev.pgsor.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An agent's session over MCP killed mid-call and resumed: the first `pg-sor mcp` process is
 * killed with SIGKILL while a registry tool call runs and an external call it began is in
 * flight; its run's lease lapses; a second process on the same run key resumes the same run with
 * a higher fencing token; the call begun under the old token shows as interrupted, its retry
 * under the same idempotency key is answered by the new holder, the registry call whose
 * transaction died with its server is made once, and the run's timeline tells the whole story.
 * The transcript (every call and answer, then the timeline) is printed to the test's output.
 */
@SorTest
class McpKillResumeTest {

    static SorDatabase db;
    static Database worker;
    static final List<String> transcript = new ArrayList<>();

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenant("acme", "Acme Corp");
        NoteTool.installSlowNote(db, "resume-bot");
        worker = db.worker("resume-bot", "acme");
    }

    static String session;

    @SuppressWarnings("unchecked")
    static Map<String, Object> call(McpSyncClient client, String tool, Map<String, Object> args, String key) {
        CallToolRequest.Builder request = CallToolRequest.builder(tool).arguments(args);
        if (key != null) {
            request.meta(Map.of("idempotencyKey", key));
        }
        transcript.add(session + " -> tools/call " + tool + " " + args + (key == null ? "" : " _meta.idempotencyKey=" + key));
        CallToolResult result = client.callTool(request.build());
        transcript.add(session + " <- " + (Boolean.TRUE.equals(result.isError()) ? "isError " : "") + result.structuredContent());
        assertThat(result.isError()).as(tool + ": " + McpSessionTest.text(result)).isFalse();
        return (Map<String, Object>) result.structuredContent();
    }

    static Map<String, Object> args(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** The `pg-sor mcp` process serving this run key: a child of this JVM. */
    static ProcessHandle server(String runKey) {
        return ProcessHandle.current().descendants()
                .filter(p -> commandLine(p).contains(runKey) && commandLine(p).contains("dev.pgsor.cli.SorCli"))
                .findFirst().orElseThrow(() -> new AssertionError("no pg-sor mcp process for " + runKey));
    }

    /** A process's command line: /proc where there is one (its arguments in full), else what the JDK reports. */
    static String commandLine(ProcessHandle p) {
        java.nio.file.Path proc = java.nio.file.Path.of("/proc", Long.toString(p.pid()), "cmdline");
        try {
            if (java.nio.file.Files.isReadable(proc)) {
                return new String(java.nio.file.Files.readAllBytes(proc), java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
            }
        } catch (java.io.IOException e) {
            return "";
        }
        return p.info().arguments().map(a -> String.join(" ", a)).orElse("");
    }

    @Test
    void aSessionKilledMidCallIsResumedOnTheSameRunAndItsTimelineShowsIt() throws Exception {
        String runKey = "kill-resume-1";
        // process A: a 2 s lease, a registry call may run 6 s (its statement_timeout, and the lease it keeps)
        session = "A";
        McpSyncClient first = McpServerProcess.client(McpServerProcess.command(worker, "acme", "mcp-resume", runKey,
                "--lease-seconds", "2", "--call-timeout-seconds", "6"));
        UUID run;
        Object fetchCall;
        CompletableFuture<CallToolResult> inFlight;
        try {
            Map<String, Object> got = call(first, "get_run", Map.of(), null);
            run = UUID.fromString((String) got.get("run_id"));
            call(first, "record_turn", args("model", "gpt-test", "role", "user", "content", "File today's notes."), null);
            Map<String, Object> begun = call(first, "begin_tool_call", args("tool_name", "fetch_inbox",
                    "args", Map.of("folder", "today"), "idempotency_key", "fetch-1"), null);
            fetchCall = begun.get("tool_call_id");
            transcript.add("A -> tools/call slow_note {id=1, body=first note, seconds=30} _meta.idempotencyKey=note-1   (in flight)");
            inFlight = CompletableFuture.supplyAsync(() -> first.callTool(CallToolRequest.builder("slow_note")
                    .arguments(Map.of("id", 1, "body", "first note", "seconds", 30)).meta(Map.of("idempotencyKey", "note-1")).build()));
            // the call is running in the database
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (((Number) db.scalar("select count(*) from pg_stat_activity where query like '%sor_api.call_tool%'"
                    + " and state = 'active' and usename = ?", worker.user())).longValue() == 0) {
                assertThat(System.nanoTime()).as("the slow call reaches the database").isLessThan(deadline);
                Thread.sleep(50);
            }
            ProcessHandle a = server(runKey);
            transcript.add("-- kill -9 " + a.pid() + " (process A) while slow_note runs and fetch_inbox is in flight");
            assertThat(a.destroyForcibly()).isTrue();
            a.onExit().get(30, TimeUnit.SECONDS);
        } finally {
            try {
                first.close();
            } catch (RuntimeException ignored) {
                // its process is gone
            }
        }
        assertThat(inFlight.handle((r, e) -> e).get(60, TimeUnit.SECONDS)).as("the client saw its server die").isNotNull();

        // the registry call's transaction died with its statement_timeout; the run's lease lapses
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Boolean.TRUE.equals(db.scalar("select lease_expires_at < clock_timestamp()"
                + " and not exists (select 1 from pg_stat_activity where usename = ? and state = 'active' and query like '%call_tool%')"
                + " from sor.runs where run_id = ?", worker.user(), run))) {
            assertThat(System.nanoTime()).as("the lease lapses").isLessThan(deadline);
            Thread.sleep(200);
        }
        transcript.add("-- the lease of run " + run + " lapsed; no row of the killed call: "
                + db.scalar("select count(*) from fixture.notes"));

        // process B: the same Worker, the same run key
        session = "B";
        McpSyncClient second = McpServerProcess.client(McpServerProcess.command(worker, "acme", "mcp-resume", runKey,
                "--lease-seconds", "30"));
        try {
            Map<String, Object> resumed = call(second, "get_run", Map.of(), null);
            assertThat(resumed).containsEntry("run_id", run.toString()).containsEntry("status", "running");
            // the external call begun by A is in flight under the old token: B finds it among the run's
            // calls still started, and retries it with its key, which closes it as interrupted and takes it over
            List<Map<String, Object>> started = McpWorkerSurfaceTest.items(
                    call(second, "list_tool_calls", args("status", "started"), null).get("tool_calls"));
            assertThat(started).singleElement().satisfies(c -> assertThat(c)
                    .containsEntry("tool_call_id", fetchCall).containsEntry("tool_name", "fetch_inbox")
                    .containsEntry("args", Map.of("folder", "today")).containsEntry("idempotency_key", "fetch-1"));
            Map<String, Object> lost = started.get(0);
            Map<String, Object> retried = call(second, "begin_tool_call", args("tool_name", lost.get("tool_name"),
                    "args", lost.get("args"), "idempotency_key", lost.get("idempotency_key")), null);
            assertThat(retried).containsEntry("status", "started");
            call(second, "finish_tool_call", args("tool_call_id", retried.get("tool_call_id"),
                    "result", Map.of("messages", 3)), null);
            List<Map<String, Object>> failed = McpWorkerSurfaceTest.items(
                    call(second, "list_tool_calls", args("status", "failed"), null).get("tool_calls"));
            assertThat(failed).singleElement().satisfies(c -> assertThat(c).containsEntry("tool_call_id", fetchCall)
                    .satisfies(m -> assertThat(McpWorkerSurfaceTest.object(m.get("error")))
                            .containsEntry("interrupted", true).containsEntry("retried_by_run", run.toString())));
            // answered from the journal from now on
            assertThat(call(second, "begin_tool_call", args("tool_name", "fetch_inbox",
                    "args", Map.of("folder", "today"), "idempotency_key", "fetch-1"), null))
                    .containsEntry("replayed", true).containsEntry("status", "succeeded");
            // the registry call, made again under its key, is made once
            assertThat(call(second, "slow_note", args("id", 1, "body", "first note", "seconds", 0), "note-1"))
                    .containsEntry("stored", "first note");
            call(second, "commit_step", args("step_id", "file-notes", "expected_version", 0, "output", Map.of("filed", 1)), null);
            call(second, "finish_run", args("status", "succeeded"), null);
        } finally {
            second.closeGracefully();
        }

        assertThat(db.rows("select note_id from fixture.notes")).containsExactly(List.of(1));
        assertThat(db.rows("select status, fencing_token, resumed_by is not null from sor.runs where run_id = ?", run))
                .containsExactly(List.of("succeeded", 2L, true));
        assertThat(db.rows("select tool_name, status, fencing_token, coalesce(error ->> 'interrupted', '') from sor.tool_calls"
                + " where run_id = ? order by started_at", run)).containsExactly(
                List.of("fetch_inbox", "failed", 1L, "true"),
                List.of("fetch_inbox", "succeeded", 2L, ""),
                List.of("slow_note", "succeeded", 2L, ""));
        List<List<Object>> timeline = db.rows("select source, what from sor_api.run_timeline(?) order by at", run);
        assertThat(timeline.stream().map(r -> (String) r.get(1)).toList()).as(timeline.toString())
                .contains("event run_resumed on run-" + run + " v3",
                        "tool call interrupted: fetch_inbox (in flight under fencing token 1 when its run lapsed)");
        transcript.add("-- sor_api.run_timeline('" + run + "'):");
        for (List<Object> row : db.rows("select to_char(at, 'HH24:MI:SS.MS'), source, what from sor_api.run_timeline(?) order by at", run)) {
            transcript.add("   " + row.get(0) + "  " + row.get(1) + "  " + row.get(2));
        }
        System.out.println(String.join("\n", transcript));
    }
}
