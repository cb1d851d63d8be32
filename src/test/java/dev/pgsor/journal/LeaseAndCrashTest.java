package dev.pgsor.journal;

import static dev.pgsor.journal.Journal.awaitLapse;
import static dev.pgsor.journal.Journal.commit;
import static dev.pgsor.journal.Journal.startRun;
import static dev.pgsor.testkit.SorAssertions.assertNothingWritten;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.Crash;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Leases, heartbeats, abandonment, and a Worker whose connection dies in the middle of a tool call. */
@SorTest(reconciler = true)
class LeaseAndCrashTest {

    static SorDatabase db;
    static Database worker;
    static Database auditor;
    static Database acmeUser;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.addTenant("globex", "Globex");
        worker = db.worker("expense-reconciler", "acme");
        auditor = db.auditor();
        acmeUser = db.tenantUser("acme");
    }


    @Test
    void aWorkerKilledMidToolCallLeavesAnAbandonedRunWithItsUnfinishedCallVisible() throws Exception {
        UUID run;
        UUID call;
        try (Connection c = worker.connect()) {
            run = startRun(c, "acme", "reconcile", "{\"day\": \"tuesday\"}", null, 1);
            Sql.scalar(c, "select sor_api.record_turn(?, 'gpt-x', 'assistant', 120, 30, 'send the receipt to alice')", run);
            call = (UUID) Sql.scalar(c, "select tool_call_id from sor_api.begin_tool_call(?, 'send_email',"
                    + " '{\"to\": \"alice@example.com\", \"amount\": 42}')", run);
            Crash.terminateMidStatement(db, c);
        }

        awaitLapse(db, run);
        for (Database reader : List.of(auditor, acmeUser)) {
            assertThat(Sql.rows(reader, "select status, version from sor_api.journal_runs where run_id = ?", run))
                    .containsExactly(List.of("abandoned", 0));
            assertThat(Sql.rows(reader, "select tool_call_id, tool_name, status, args::text, result, error, finished_at"
                    + " from sor_api.journal_tool_calls where run_id = ?", run))
                    .containsExactly(Arrays.asList(call, "send_email", "started",
                            "{\"to\": \"alice@example.com\", \"amount\": 42}", null, null, null));
            assertThat(Sql.rows(reader, "select turn_no, content from sor_api.journal_turns where run_id = ?", run))
                    .containsExactly(List.of(1, "send the receipt to alice"));
        }
        assertThat(db.scalar("select status from sor.runs where run_id = ?", run)).isEqualTo("running");
        try (Connection sweeper = worker.connect()) {
            assertThat(((Number) Sql.scalar(sweeper, "select sor_api.sweep_abandoned_runs()")).intValue()).isGreaterThanOrEqualTo(1);
            assertThat(Sql.rows(sweeper, "select tool_call_id, status, args::text from sor_api.run_tool_calls(?)", run))
                    .containsExactly(List.of(call, "started", "{\"to\": \"alice@example.com\", \"amount\": 42}"));
        }
        assertThat(Sql.rows(db.admin(), "select status, finished_at = lease_expires_at from sor.runs where run_id = ?", run))
                .containsExactly(List.of("abandoned", true));
        assertThat(Sql.rows(db.admin(), "select type, payload->>'from', payload->>'to' from sor.events"
                + " where stream = ? order by version", "run-" + run))
                .containsExactly(Arrays.asList("run_started", null, null), List.of("run_abandoned", "running", "abandoned"));
    }

    @Test
    void theNextReaderMarksALapsedRunAbandoned() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = startRun(c, "acme", "reconcile", "{}", null, 1);
            awaitLapse(db, run);
            assertThat(Sql.scalar(c, "select status from sor_api.get_run(?)", run)).isEqualTo("abandoned");
            assertThat(db.scalar("select status from sor.runs where run_id = ?", run)).isEqualTo("abandoned");
            assertThat(db.count("select count(*) from sor.events where stream = ? and type = 'run_abandoned'", "run-" + run)).isOne();
            assertThat(Sql.scalar(c, "select status from sor_api.get_run(?)", run)).isEqualTo("abandoned");
            assertThat(db.count("select count(*) from sor.events where stream = ? and type = 'run_abandoned'", "run-" + run)).isOne();
        }
    }

    @Test
    void aLapsedRunRefusesEveryWrite_SR036_andStaysAbandoned_SR035() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = startRun(c, "acme", "reconcile", "{}", null, 1);
            UUID call = (UUID) Sql.scalar(c, "select tool_call_id from sor_api.begin_tool_call(?, 'lookup', '{}')", run);
            awaitLapse(db, run);
            assertNothingWritten(db, () -> {
                assertRefused("SR036", () -> Sql.scalar(c, "select sor_api.heartbeat(?)", run));
                assertRefused("SR036", () -> Sql.scalar(c, "select sor_api.record_turn(?, 'm', 'user', 1, 1, 'late')", run));
                assertRefused("SR036", () -> Sql.scalar(c, "select tool_call_id from sor_api.begin_tool_call(?, 'lookup', '{}')", run));
                assertRefused("SR036", () -> Sql.scalar(c, "select sor_api.finish_tool_call(?, '{\"late\": true}')", call));
                assertRefused("SR036", () -> commit(c, run, "late", 0, "{}"));
                assertRefused("SR036", () -> Sql.scalar(c, "select sor_api.finish_run(?, 'succeeded')", run));
            });
            assertThat(Sql.scalar(c, "select status from sor_api.get_run(?)", run)).isEqualTo("abandoned");
            assertRefused("SR035", () -> Sql.scalar(c, "select sor_api.heartbeat(?)", run));
            assertRefused("SR035", () -> Sql.scalar(c, "select sor_api.finish_run(?, 'succeeded')", run));
        }
    }

    @Test
    void heartbeatsKeepARunAlive() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = startRun(c, "acme", "reconcile", "{}", null, 1);
            Timestamp first = (Timestamp) Sql.scalar(c, "select sor_api.heartbeat(?, 30)", run);
            assertThat(db.scalar("select ?::timestamptz > clock_timestamp() + interval '20 seconds'", first)).isEqualTo(true);
            Thread.sleep(1100);
            assertThat(Sql.scalar(c, "select status from sor_api.get_run(?)", run)).isEqualTo("running");
            Timestamp second = (Timestamp) Sql.scalar(c, "select sor_api.heartbeat(?)", run);
            assertThat(second).isAfter(first);
            assertThat(db.count("select count(*) from sor.events where stream = ?", "run-" + run)).isOne();
        }
    }

    @Test
    void finishRunRecordsTheOutcomeOnceAndWritesItsEvent() throws Exception {
        try (Connection c = worker.connect()) {
            UUID ok = startRun(c, "acme");
            assertThat(Sql.scalar(c, "select sor_api.finish_run(?, 'succeeded')", ok)).isEqualTo("succeeded");
            assertThat(Sql.scalar(c, "select sor_api.finish_run(?, 'succeeded')", ok)).isEqualTo("succeeded");
            assertRefused("SR035", () -> Sql.scalar(c, "select sor_api.finish_run(?, 'failed')", ok));
            UUID bad = startRun(c, "acme");
            Sql.scalar(c, "select sor_api.finish_run(?, 'failed', '{\"reason\": \"bank feed down\"}')", bad);
            assertThat(Sql.rows(db.admin(), "select status, error->>'reason', error_sha256 = sha256(convert_to(error::text, 'UTF8')),"
                    + " finished_at is not null from sor.runs where run_id = ?", bad))
                    .containsExactly(List.of("failed", "bank feed down", true, true));
            assertThat(Sql.rows(db.admin(), "select type, payload->'error'->>'reason' from sor.events where stream = ? order by version",
                    "run-" + bad)).containsExactly(Arrays.asList("run_started", null), List.of("run_failed", "bank feed down"));
        }
    }
}
