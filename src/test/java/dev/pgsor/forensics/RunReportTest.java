package dev.pgsor.forensics;

import static dev.pgsor.forensics.Forensics.beginTool;
import static dev.pgsor.forensics.Forensics.claimAndComplete;
import static dev.pgsor.forensics.Forensics.dispatchAll;
import static dev.pgsor.forensics.Forensics.startRun;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.Crash;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * run_report_facts, run_report and run_timeline read a run that succeeded, one that crashed, one
 * that failed and one still running, as the auditor and as a member of the run's tenant.
 */
@SorTest(reconciler = true)
class RunReportTest {

    static final String FACTS = "select f->>'status', f->>'recorded_status', f->>'workflow', f->>'tenant_id', f->>'worker_role',"
            + " f->>'worker_kind', (f->>'version')::int, f#>>'{tool_calls,total}', f#>>'{tool_calls,succeeded}',"
            + " f#>>'{tool_calls,failed}', f#>>'{tool_calls,unfinished}', f#>>'{lease,outcome}', f#>>'{lease,heartbeated}',"
            + " f#>>'{tasks,claimed}', f#>>'{tasks,completed}', jsonb_array_length(f->'outbox')"
            + " from sor_api.run_report_facts(?) f";

    static SorDatabase db;
    static Database auditor;
    static Database acmeMember;
    static Database globexMember;
    static Database dispatcher;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.addTenant("globex", "Globex");
        db.exec("select sor_api.create_queue('bank-rows', 'Bank statement rows to reconcile')");
        auditor = db.auditor();
        acmeMember = db.tenantUser("acme");
        globexMember = db.tenantUser("globex");
        dispatcher = db.dispatcher("acme", "globex");
    }

    private static List<Object> facts(Database reader, UUID run) {
        return Sql.rows(reader, FACTS, run).get(0);
    }

    @Test
    void aSucceededRunReadsWithItsClaimsItsDispatchedEmailAndNoFailurePoint() throws Exception {
        Database w = db.worker("expense-reconciler", "acme");
        UUID run;
        try (Connection c = w.connect()) {
            for (int i = 1; i <= 3; i++) {
                Sql.scalar(c, "select sor_api.enqueue_task('acme', 'bank-rows', ?)", "row " + i);
            }
            run = startRun(c, "acme", 60);
            assertThat(claimAndComplete(c, 2)).isEqualTo(2);
            UUID call = beginTool(c, run, "classify_txn", "{\"tx\": \"t-1\"}");
            Sql.scalar(c, "select sor_api.finish_tool_call(?, '{\"category\": \"travel\"}')", call);
            Sql.scalar(c, "select sor_api.heartbeat(?)", run);
            Sql.rows(c, "select * from sor_api.commit_step(?, 's1', 0, '{\"expense\": 1}',"
                    + " '[{\"type\": \"expense_recorded\", \"payload\": {\"tx\": \"t-1\"}}]',"
                    + " '[{\"type\": \"email.send\", \"to\": \"alice@example.com\"}]')", run);
            Sql.scalar(c, "select sor_api.finish_run(?, 'succeeded')", run);
        }
        // a claim after the run finished does not count for it
        try (Connection c = w.connect()) {
            assertThat(claimAndComplete(c, 1)).isEqualTo(1);
        }
        dispatchAll(dispatcher, "prov");
        long outboxId = db.count("select outbox_id from sor.outbox where run_id = ?", run);

        for (Database reader : List.of(auditor, acmeMember)) {
            assertThat(facts(reader, run)).containsExactly("succeeded", "succeeded", "reconcile", "acme", w.user(),
                    "expense-reconciler", 1, "1", "1", "0", "0", "released", "true", "2", "2", 1);
            assertThat(Sql.rows(reader, "select f->>'failure_point', o->>'topic', o->>'to', o->>'status', o->>'provider_ref',"
                    + " o->>'dispatched_at' is not null from sor_api.run_report_facts(?) f, jsonb_array_elements(f->'outbox') o", run))
                    .containsExactly(Arrays.asList(null, "email.send", "alice@example.com", "dispatched", "prov-" + outboxId, true));
            String report = (String) Sql.scalar(reader, "select sor_api.run_report(?)", run);
            assertThat(report).contains(run.toString(), w.user(), "expense-reconciler", "succeeded",
                    "alice@example.com", "prov-" + outboxId, "(step s1) queued at",
                    "While the run was open Worker " + w.user() + " held claims on 2 tasks of tenant acme (none claimed before the run started) and completed 2 of them.",
                    "1 finished, 0 failed, 0 left unfinished")
                    .doesNotContain("failure point");
        }
        List<String> whats = Sql.rows(auditor, "select what from sor_api.run_timeline(?)", run).stream()
                .map(r -> (String) r.get(0)).toList();
        assertThat(whats).containsSubsequence("run started", "tool call begun: classify_txn", "tool call succeeded: classify_txn",
                "step s1 committed (version 1)", "outbox #" + outboxId + " queued: email.send", "run succeeded",
                "outbox #" + outboxId + " dispatched: email.send");
        assertThat(whats).contains("event run_started on run-" + run + " v1", "event expense_recorded on run-" + run + " v3",
                "event outbox.dispatched on outbox-" + outboxId + " v2");
        assertThat(whats).doesNotContain("lease lapsed");
        assertThat(db.scalar("select bool_and(at >= lag) from (select at, lag(at, 1, at) over () as lag"
                + " from sor_api.run_timeline(?)) t", run)).isEqualTo(true);
    }

    @Test
    void aWorkerKilledMidToolCallReadsAsAbandonedWithItsUnfinishedCallAsTheFailurePoint() throws Exception {
        Database w = db.worker("expense-reconciler", "acme");
        UUID run;
        UUID call;
        try (Connection c = w.connect()) {
            run = startRun(c, "acme", 1);
            Sql.scalar(c, "select sor_api.record_turn(?, 'model-x', 'assistant', 10, 5, 'record it')", run);
            call = beginTool(c, run, "book_expense", "{\"tx\": \"t-77\", \"amount\": 42}");
            Crash.terminateMidStatement(db, c);
        }
        for (int i = 0; i < 100 && !Boolean.TRUE.equals(db.scalar(
                "select lease_expires_at <= clock_timestamp() from sor.runs where run_id = ?", run)); i++) {
            Thread.sleep(50);
        }

        // before anyone marks it, the lapsed lease already reads as abandoned; nothing is written
        assertThat(facts(auditor, run)).containsExactly("abandoned", "running", "reconcile", "acme", w.user(),
                "expense-reconciler", 0, "1", "0", "0", "1", "lapsed", "false", "0", "0", 0);
        assertThat(Sql.scalar(auditor, "select f#>>'{lease,abandoned_marked_at}' from sor_api.run_report_facts(?) f", run)).isNull();
        assertThat(db.scalar("select status from sor.runs where run_id = ?", run)).isEqualTo("running");

        try (Connection sweeper = w.connect()) {
            assertThat(((Number) Sql.scalar(sweeper, "select sor_api.sweep_abandoned_runs()")).intValue()).isEqualTo(1);
        }
        for (Database reader : List.of(auditor, acmeMember)) {
            assertThat(facts(reader, run)).containsExactly("abandoned", "abandoned", "reconcile", "acme", w.user(),
                    "expense-reconciler", 0, "1", "0", "0", "1", "lapsed", "false", "0", "0", 0);
            assertThat(Sql.rows(reader, "select f#>>'{failure_point,source}', f#>>'{failure_point,tool_name}',"
                    + " (f#>>'{failure_point,tool_call_id}')::uuid, f#>>'{failure_point,tool_status}', f#>>'{failure_point,args}',"
                    + " (f#>>'{lease,lapsed_at}')::timestamptz = (f->>'finished_at')::timestamptz,"
                    + " (f#>>'{lease,abandoned_marked_at}')::timestamptz > (f#>>'{lease,lapsed_at}')::timestamptz"
                    + " from sor_api.run_report_facts(?) f", run))
                    .containsExactly(List.of("tool_call", "book_expense", call, "unfinished",
                            "{\"tx\": \"t-77\", \"amount\": 42}", true, true));
            String report = (String) Sql.scalar(reader, "select sor_api.run_report(?)", run);
            assertThat(report).contains(run.toString(), w.user(), "abandoned", "The failure point is tool book_expense",
                    "{\"tx\": \"t-77\", \"amount\": 42}", call.toString(), "1 left unfinished", "never sent a heartbeat",
                    "lease lapsed at", "It queued no outbox messages",
                    "Nothing recorded why it stopped: a run is abandoned when its Worker stops sending heartbeats without finishing it"
                            + " (the Worker's process or its connection died), and the unfinished tool call is where it stopped.",
                    "While the run was open Worker " + w.user() + " held no claim on a task of tenant acme.");
        }
        List<String> whats = Sql.rows(acmeMember, "select what from sor_api.run_timeline(?)", run).stream()
                .map(r -> (String) r.get(0)).toList();
        assertThat(whats).containsSubsequence("run started", "turn 1: assistant (model-x)", "tool call begun: book_expense",
                "lease lapsed", "run abandoned", "event run_abandoned on run-" + run + " v2");
        assertThat(whats).noneMatch(s -> s.startsWith("tool call started") || s.startsWith("tool call succeeded"));
    }

    @Test
    void aRunStillRunningReadsAsRunningWithItsCallInFlight() throws Exception {
        Database w = db.worker("expense-reconciler", "acme");
        try (Connection c = w.connect()) {
            UUID run = startRun(c, "acme", 600);
            UUID call = beginTool(c, run, "fetch_rows", "{\"limit\": 10}");
            assertThat(facts(auditor, run)).containsExactly("running", "running", "reconcile", "acme", w.user(),
                    "expense-reconciler", 0, "1", "0", "0", "1", "held", "false", "0", "0", 0);
            assertThat(Sql.scalar(auditor, "select f->>'failure_point' from sor_api.run_report_facts(?) f", run)).isNull();
            String report = (String) Sql.scalar(acmeMember, "select sor_api.run_report(?)", run);
            assertThat(report).contains(run.toString(), "is still running at version 0", "1 left unfinished", "the lease is held until")
                    .doesNotContain("failure point");
            assertThat(Sql.rows(auditor, "select source, what, details->>'tool_call_id' from sor_api.run_timeline(?)"
                    + " where source <> 'sor.events'", run))
                    .containsExactly(Arrays.asList("sor.runs", "run started", null),
                            List.of("sor.tool_calls", "tool call begun: fetch_rows", call.toString()));
        }
    }

    @Test
    void aFailedRunNamesItsFailedToolCallOrItsOwnError() throws Exception {
        Database w = db.worker("expense-reconciler", "acme");
        try (Connection c = w.connect()) {
            UUID run = startRun(c, "acme", 60);
            UUID call = beginTool(c, run, "book_expense", "{\"tx\": \"t-9\"}");
            Sql.scalar(c, "select sor_api.finish_tool_call(?, null, '{\"reason\": \"bank down\"}')", call);
            Sql.scalar(c, "select sor_api.finish_run(?, 'failed', '{\"reason\": \"gave up\"}')", run);
            assertThat(Sql.rows(auditor, "select f->>'status', f#>>'{tool_calls,failed}', f#>>'{failure_point,source}',"
                    + " f#>>'{failure_point,tool_name}', f#>>'{failure_point,tool_status}', f#>>'{failure_point,error}'"
                    + " from sor_api.run_report_facts(?) f", run))
                    .containsExactly(List.of("failed", "1", "tool_call", "book_expense", "failed", "{\"reason\": \"bank down\"}"));
            assertThat((String) Sql.scalar(auditor, "select sor_api.run_report(?)", run))
                    .contains("and failed at", "The failure point is tool book_expense", "{\"tx\": \"t-9\"}", "bank down");

            UUID bare = startRun(c, "acme", 60);
            Sql.scalar(c, "select sor_api.finish_run(?, 'failed', '{\"reason\": \"no rows\"}')", bare);
            assertThat(Sql.rows(auditor, "select f#>>'{failure_point,source}', f#>>'{failure_point,error}'"
                    + " from sor_api.run_report_facts(?) f", bare))
                    .containsExactly(List.of("run_error", "{\"reason\": \"no rows\"}"));
            assertThat((String) Sql.scalar(acmeMember, "select sor_api.run_report(?)", bare))
                    .contains("The failure point is the run's own error: {\"reason\": \"no rows\"}");
        }
    }

    @Test
    void aHashOnlyRunReportsDigestsNotContent() throws Exception {
        Database w = db.worker("expense-reconciler", "acme");
        try (Connection c = w.connect()) {
            UUID run = (UUID) Sql.scalar(c, "select run_id from sor_api.start_run('acme', 'reconcile', '{\"secret\": 1}', null, 60, true)");
            beginTool(c, run, "book_expense", "{\"tx\": \"secret-tx\"}");
            Sql.scalar(c, "select sor_api.finish_run(?, 'failed', '{\"reason\": \"secret-reason\"}')", run);
            assertThat(Sql.rows(auditor, "select f->>'status', f#>>'{failure_point,tool_name}', f#>>'{failure_point,args}',"
                    + " f#>>'{failure_point,args_sha256}' = encode(sha256(convert_to('{\"tx\": \"secret-tx\"}', 'UTF8')), 'hex'),"
                    + " f->>'error' from sor_api.run_report_facts(?) f", run))
                    .containsExactly(Arrays.asList("failed", "book_expense", null, true, null));
            assertThat((String) Sql.scalar(auditor, "select sor_api.run_report(?)", run))
                    .contains("The failure point is tool book_expense with arguments withheld (hash-only, sha256 ")
                    .doesNotContain("secret");
            assertThat(Sql.rows(auditor, "select details::text from sor_api.run_timeline(?)", run))
                    .noneMatch(r -> ((String) r.get(0)).contains("secret"));
        }
    }

    /** Claims the next n tasks of the bank-rows queue; returns (task_id, fencing_token) rows. */
    private static List<List<Object>> claim(Connection c, int n) throws Exception {
        return Sql.rows(c, "select task_id, fencing_token from sor_api.claim_tasks('bank-rows', ?, interval '1 minute')", n);
    }

    private static void complete(Connection c, List<Object> task) throws Exception {
        Sql.scalar(c, "select sor_api.complete_task(?, ?)", task.get(0), task.get(1));
    }

    @Test
    void claimsTheWorkerMadeBeforeStartRunCountForTheRunAndOthersDoNot() throws Exception {
        db.exec("select sor_api.add_tenant('initech', 'Initech') where not exists (select 1 from sor.tenants where tenant_id = 'initech')");
        Database w = db.worker("expense-reconciler", "acme", "initech");
        Database other = db.worker("expense-reconciler", "acme");
        UUID run;
        List<Object> counted;
        try (Connection c = w.connect(); Connection o = other.connect()) {
            for (List<Object> left : claim(o, 100)) {             // what earlier tests left in the queue
                complete(o, left);
            }
            for (String t : List.of("acme", "acme", "acme", "initech")) {
                Sql.scalar(c, "select sor_api.enqueue_task(?, 'bank-rows', 'row')", t);
            }
            complete(c, claim(c, 1).get(0));                      // claimed and completed before the run: not the run's
            List<List<Object>> batch = claim(c, 3);               // the batch the run is started for: 2 of acme, 1 of initech
            counted = Sql.rows(db.admin(), "select task_id from sor.tasks where task_id = any(?) and tenant_id = 'acme' order by task_id",
                    (Object) batch.stream().map(r -> (Long) r.get(0)).toArray(Long[]::new)).stream().map(r -> r.get(0)).toList();
            run = startRun(c, "acme", 60);
            Sql.scalar(c, "select sor_api.enqueue_task('acme', 'bank-rows', 'for another worker')");
            complete(o, claim(o, 1).get(0));                      // another Worker's claim during the run: not this run's
            for (List<Object> t : batch) {
                complete(c, t);
            }
            Sql.scalar(c, "select sor_api.finish_run(?, 'succeeded')", run);
            Sql.scalar(c, "select sor_api.enqueue_task('acme', 'bank-rows', 'after')");
            assertThat(claim(c, 1)).hasSize(1);                   // claimed after the run finished: not the run's
        }
        assertThat(counted).hasSize(2);
        assertThat(Sql.rows(auditor, "select f#>>'{tasks,claimed}', f#>>'{tasks,claimed_before_start}', f#>>'{tasks,completed}',"
                + " f#>'{tasks,claimed_task_ids}' = jsonb_build_array(?::bigint, ?::bigint)"
                + " from sor_api.run_report_facts(?) f", counted.get(0), counted.get(1), run))
                .containsExactly(List.of("2", "2", "2", true));
        assertThat((String) Sql.scalar(auditor, "select sor_api.run_report(?)", run))
                .contains("While the run was open Worker " + w.user() + " held claims on 2 tasks of tenant acme"
                        + " (both claimed before the run started) and completed 2 of them.");
    }

    @Test
    void aCrashedWorkersClaimsCountThoughItCompletedOnlyOne() throws Exception {
        Database w = db.worker("expense-reconciler", "acme");
        UUID run;
        try (Connection c = w.connect()) {
            for (List<Object> left : claim(c, 100)) {
                complete(c, left);
            }
            Sql.scalar(c, "select sor_api.enqueue_task('acme', 'bank-rows', 'a')");
            Sql.scalar(c, "select sor_api.enqueue_task('acme', 'bank-rows', 'b')");
            List<List<Object>> batch = claim(c, 2);
            run = startRun(c, "acme", 1);
            complete(c, batch.get(0));
            Crash.terminateMidStatement(db, c);
        }
        assertThat(Sql.rows(auditor, "select f->>'status', f#>>'{tasks,claimed}', f#>>'{tasks,claimed_before_start}', f#>>'{tasks,completed}'"
                + " from sor_api.run_report_facts(?) f", run)).containsExactly(List.of("running", "2", "2", "1"));
    }

    @Test
    void anOutboxRowQueuedByAToolNamesNoEmptyStep() throws Exception {
        db.exec("select reconciler.setup_tenant('acme')");
        db.exec("select reconciler.ingest_bank_rows('acme', '[{\"bank_txn_id\": \"RR-1\", \"account_holder\": \"Alice\","
                + " \"holder_email\": \"alice@example.com\", \"booked_on\": \"2026-11-17\", \"description\": \"Taxi\","
                + " \"amount\": 12.5, \"currency\": \"EUR\"}]')");
        Database w = db.worker("expense-reconciler", "acme");
        UUID run;
        try (Connection c = w.connect()) {
            run = startRun(c, "acme", 60);
            assertThat(Sql.scalar(c, "select ok from sor_api.call_tool(?, 'record_expense', '{\"bank_txn_id\": \"RR-1\", \"category\": \"travel\"}', 'k1')", run))
                    .isEqualTo(true);
            Sql.scalar(c, "select sor_api.finish_run(?, 'succeeded')", run);
        }
        long outboxId = db.count("select outbox_id from sor.outbox where run_id = ?", run);
        assertThat(Sql.scalar(auditor, "select f#>>'{outbox,0,step_id}' from sor_api.run_report_facts(?) f", run)).isNull();
        assertThat((String) Sql.scalar(auditor, "select sor_api.run_report(?)", run))
                .contains("It queued 1 outbox message: #" + outboxId + " email.expense_confirmation to alice@example.com queued at")
                .doesNotContain("(step");
    }

    @Test
    void aSqlStateInAnErrorIsExplainedInWords() throws Exception {
        db.exec("select reconciler.setup_tenant('acme')");
        Database w = db.worker("expense-reconciler", "acme");
        try (Connection c = w.connect()) {
            UUID run = startRun(c, "acme", 60);
            assertThat(Sql.scalar(c, "select ok from sor_api.call_tool(?, 'record_expense', '{\"bank_txn_id\": \"NOPE-1\", \"category\": \"travel\"}', 'k2')", run))
                    .isEqualTo(false);
            Sql.scalar(c, "select sor_api.finish_run(?, 'failed')", run);
            assertThat((String) Sql.scalar(auditor, "select sor_api.run_report(?)", run))
                    .contains("\"sqlstate\": \"SR101\"}" + " (SQLSTATE SR101: a refusal by pg-sor, listed in the SQLSTATE table of the docs)).");

            UUID cancelled = startRun(c, "acme", 60);
            Sql.scalar(c, "select sor_api.finish_run(?, 'failed', '{\"sqlstate\": \"57014\", \"message\": \"canceling statement due to statement timeout\"}')", cancelled);
            assertThat((String) Sql.scalar(acmeMember, "select sor_api.run_report(?)", cancelled))
                    .contains("The failure point is the run's own error: {\"message\": \"canceling statement due to statement timeout\", \"sqlstate\": \"57014\"}"
                            + " (SQLSTATE 57014: the statement was cancelled (statement_timeout, or a cancel request)).");
        }
        assertThat(db.rows("select c, sor.sqlstate_words(c) from unnest(array['57P01', '08006', '40P01', '22P02', 'ZZ999']) c"))
                .containsExactly(
                        List.of("57P01", "the connection was terminated by an administrator (pg_terminate_backend) or the server shut down"),
                        List.of("08006", "the connection broke mid-session (network failure, or the server went away)"),
                        List.of("40P01", "it deadlocked with another transaction; a retry may succeed"),
                        List.of("22P02", "invalid data"),
                        List.of("ZZ999", "an error (SQLSTATE class ZZ)"));
    }

    /**
     * run_timeline(run_id, after_entry, max_rows): the timeline of a long run a page at a time, in
     * the order of run_timeline(run_id), entries that share their time (tool calls begun, tasks
     * linked and events appended in one transaction) never skipped nor repeated across pages.
     */
    @Test
    void aLongRunsTimelineReadsAPageAtATimeInTheSameOrder() throws Exception {
        Database w = db.worker("expense-reconciler", "acme");
        db.exec("select sor_api.create_queue('paged-rows', 'Rows of the paged timeline')");
        UUID run;
        try (Connection c = w.connect()) {
            for (int i = 1; i <= 4; i++) {
                Sql.scalar(c, "select sor_api.enqueue_task('acme', 'paged-rows', ?)", "paged row " + i);
            }
            run = startRun(c, "acme", 60);
            c.setAutoCommit(false);
            for (int i = 0; i < 5; i++) {
                beginTool(c, run, "classify_txn", "{\"tx\": \"t-" + i + "\"}");
            }
            Sql.rows(c, "select * from sor_api.commit_step(?, 'paged', 0, '{\"rows\": 4}',"
                    + " '[{\"type\": \"rows_seen\", \"payload\": {}}, {\"type\": \"rows_counted\", \"payload\": {}}]', '[]')", run);
            c.commit();
            c.setAutoCommit(true);
            Sql.rows(c, "select * from sor_api.claim_tasks_in_run(?, 'paged-rows', 4, interval '1 minute')", run);
            Sql.scalar(c, "select sor_api.finish_run(?, 'succeeded')", run);
        }
        for (Database reader : List.of(auditor, acmeMember)) {
            List<List<Object>> all = Sql.rows(reader, "select at, source, what, details::text from sor_api.run_timeline(?)", run);
            assertThat(all.size()).isGreaterThan(15);
            List<List<Object>> paged = new java.util.ArrayList<>();
            Object cursor = null;
            int pages = 0;
            while (true) {
                List<List<Object>> page = Sql.rows(reader, "select at, source, what, details::text, entry"
                        + " from sor_api.run_timeline(?, ?, 4)", run, cursor);
                if (page.isEmpty()) {
                    break;
                }
                assertThat(page.size()).isLessThanOrEqualTo(4);
                page.forEach(r -> paged.add(r.subList(0, 4)));
                cursor = page.get(page.size() - 1).get(4);
                pages++;
            }
            assertThat(paged).isEqualTo(all);
            assertThat(pages).isEqualTo((all.size() + 3) / 4);
            // the five calls begun in one transaction share their time and are all there, once
            assertThat(paged.stream().filter(r -> r.get(2).equals("tool call begun: classify_txn")).count()).isEqualTo(5);
        }
        assertRefused("SR011", () -> Sql.rows(auditor, "select * from sor_api.run_timeline(?, 'not an entry', 10)", run));
        assertRefused("SR016", () -> Sql.rows(auditor, "select * from sor_api.run_timeline(?, null, 0)", run));
        assertRefused("SR016", () -> Sql.rows(auditor, "select * from sor_api.run_timeline(?, null, null)", run));
    }

    @Test
    void onlyTheAuditorAndMembersOfTheRunsTenantReadIt() throws Exception {
        Database w = db.worker("expense-reconciler", "acme");
        Database globexWorker = db.worker("expense-reconciler", "globex");
        UUID run;
        try (Connection c = w.connect()) {
            run = startRun(c, "acme", 60);
        }
        for (String fn : List.of("select sor_api.run_report(?)", "select sor_api.run_report_facts(?)",
                "select * from sor_api.run_timeline(?)", "select * from sor_api.run_timeline(?, null, 10)")) {
            for (Database outsider : List.of(globexMember, globexWorker)) {
                assertRefused("SR090", () -> Sql.run(outsider, fn, run));
            }
            assertRefused("42501", () -> Sql.run(dispatcher, fn, run));
            assertRefused("SR090", () -> Sql.run(auditor, fn, UUID.randomUUID()));
            assertRefused("SR091", () -> Sql.run(auditor, fn.replaceFirst("\\?", "null::uuid")));
            Sql.run(auditor, fn, run);
            Sql.run(acmeMember, fn, run);
            Sql.run(w, fn, run);
        }
    }
}
