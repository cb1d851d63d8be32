package dev.pgsor.journal;

import static dev.pgsor.journal.JournalFixture.commit;
import static dev.pgsor.journal.JournalFixture.startRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgsor.db.Database;
import dev.pgsor.support.TestDatabase.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Leases, heartbeats, abandonment, and a Worker whose connection dies in the middle of a tool call. */
class LeaseAndCrashTest {

    static JournalFixture fx;
    static Database worker;
    static Database auditor;
    static Database acmeUser;

    @BeforeAll
    static void setUp() {
        fx = new JournalFixture();
        worker = fx.worker("expense-reconciler", "acme");
        auditor = fx.role("sor_auditor");
        acmeUser = fx.role("sor_tenant", "acme");
    }

    @AfterAll
    static void tearDown() {
        fx.close();
    }

    /** Waits (bounded) until the lease of the run has lapsed on the database clock. */
    private static void awaitLapse(UUID run) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (Boolean.TRUE.equals(fx.db.scalar("select lease_expires_at <= clock_timestamp() from sor.runs where run_id = ?", run))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("lease of " + run + " did not lapse");
    }

    @Test
    void aWorkerKilledMidToolCallLeavesAnAbandonedRunWithItsUnfinishedCallVisible() throws Exception {
        Connection c = worker.connect();
        UUID run = startRun(c, "acme", "reconcile", "{\"day\": \"tuesday\"}", null, 1);
        Sql.scalar(c, "select sor_api.record_turn(?, 'gpt-x', 'assistant', 120, 30, 'send the receipt to alice')", run);
        UUID call = (UUID) Sql.scalar(c, "select tool_call_id from sor_api.begin_tool_call(?, 'send_email',"
                + " '{\"to\": \"alice@example.com\", \"amount\": 42}')", run);
        int pid = ((Number) Sql.scalar(c, "select pg_backend_pid()")).intValue();
        AtomicReference<SQLException> died = new AtomicReference<>();
        Thread tool = new Thread(() -> {
            try {
                Sql.scalar(c, "select pg_sleep(60)");
            } catch (SQLException e) {
                died.set(e);
            }
        });
        tool.start();
        for (int i = 0; i < 200 && fx.db.count("select count(*) from pg_stat_activity where pid = ? and query like 'select pg_sleep%'"
                + " and state = 'active'", pid) == 0; i++) {
            Thread.sleep(20);
        }
        assertThat(fx.db.scalar("select pg_terminate_backend(?)", pid)).isEqualTo(true);
        tool.join();
        assertThat((Object) died.get()).isNotNull();

        awaitLapse(run);
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
        assertThat(fx.db.scalar("select status from sor.runs where run_id = ?", run)).isEqualTo("running");
        try (Connection sweeper = worker.connect()) {
            assertThat(((Number) Sql.scalar(sweeper, "select sor_api.sweep_abandoned_runs()")).intValue()).isGreaterThanOrEqualTo(1);
            assertThat(Sql.rows(sweeper, "select tool_call_id, status, args::text from sor_api.run_tool_calls(?)", run))
                    .containsExactly(List.of(call, "started", "{\"to\": \"alice@example.com\", \"amount\": 42}"));
        }
        assertThat(Sql.rows(fx.db.admin(), "select status, finished_at = lease_expires_at from sor.runs where run_id = ?", run))
                .containsExactly(List.of("abandoned", true));
        assertThat(Sql.rows(fx.db.admin(), "select type, payload->>'from', payload->>'to' from sor.events"
                + " where stream = ? order by version", "run-" + run))
                .containsExactly(Arrays.asList("run_started", null, null), List.of("run_abandoned", "running", "abandoned"));
    }

    @Test
    void theNextReaderMarksALapsedRunAbandoned() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = startRun(c, "acme", "reconcile", "{}", null, 1);
            awaitLapse(run);
            assertThat(Sql.scalar(c, "select status from sor_api.get_run(?)", run)).isEqualTo("abandoned");
            assertThat(fx.db.scalar("select status from sor.runs where run_id = ?", run)).isEqualTo("abandoned");
            assertThat(fx.db.count("select count(*) from sor.events where stream = ? and type = 'run_abandoned'", "run-" + run)).isOne();
            assertThat(Sql.scalar(c, "select status from sor_api.get_run(?)", run)).isEqualTo("abandoned");
            assertThat(fx.db.count("select count(*) from sor.events where stream = ? and type = 'run_abandoned'", "run-" + run)).isOne();
        }
    }

    @Test
    void aLapsedRunRefusesEveryWrite_SR036_andStaysAbandoned_SR035() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = startRun(c, "acme", "reconcile", "{}", null, 1);
            UUID call = (UUID) Sql.scalar(c, "select tool_call_id from sor_api.begin_tool_call(?, 'lookup', '{}')", run);
            awaitLapse(run);
            List<String> before = fx.snapshot();
            assertThatThrownBy(() -> Sql.scalar(c, "select sor_api.heartbeat(?)", run)).extracting("SQLState").isEqualTo("SR036");
            assertThatThrownBy(() -> Sql.scalar(c, "select sor_api.record_turn(?, 'm', 'user', 1, 1, 'late')", run))
                    .extracting("SQLState").isEqualTo("SR036");
            assertThatThrownBy(() -> Sql.scalar(c, "select tool_call_id from sor_api.begin_tool_call(?, 'lookup', '{}')", run))
                    .extracting("SQLState").isEqualTo("SR036");
            assertThatThrownBy(() -> Sql.scalar(c, "select sor_api.finish_tool_call(?, '{\"late\": true}')", call))
                    .extracting("SQLState").isEqualTo("SR036");
            assertThatThrownBy(() -> commit(c, run, "late", 0, "{}")).extracting("SQLState").isEqualTo("SR036");
            assertThatThrownBy(() -> Sql.scalar(c, "select sor_api.finish_run(?, 'succeeded')", run))
                    .extracting("SQLState").isEqualTo("SR036");
            assertThat(fx.snapshot()).isEqualTo(before);
            assertThat(Sql.scalar(c, "select status from sor_api.get_run(?)", run)).isEqualTo("abandoned");
            assertThatThrownBy(() -> Sql.scalar(c, "select sor_api.heartbeat(?)", run)).extracting("SQLState").isEqualTo("SR035");
            assertThatThrownBy(() -> Sql.scalar(c, "select sor_api.finish_run(?, 'succeeded')", run))
                    .extracting("SQLState").isEqualTo("SR035");
        }
    }

    @Test
    void heartbeatsKeepARunAlive() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = startRun(c, "acme", "reconcile", "{}", null, 1);
            Timestamp first = (Timestamp) Sql.scalar(c, "select sor_api.heartbeat(?, 30)", run);
            assertThat(fx.db.scalar("select ?::timestamptz > clock_timestamp() + interval '20 seconds'", first)).isEqualTo(true);
            Thread.sleep(1100);
            assertThat(Sql.scalar(c, "select status from sor_api.get_run(?)", run)).isEqualTo("running");
            Timestamp second = (Timestamp) Sql.scalar(c, "select sor_api.heartbeat(?)", run);
            assertThat(second).isAfter(first);
            assertThat(fx.db.count("select count(*) from sor.events where stream = ?", "run-" + run)).isOne();
        }
    }

    @Test
    void finishRunRecordsTheOutcomeOnceAndWritesItsEvent() throws Exception {
        try (Connection c = worker.connect()) {
            UUID ok = startRun(c, "acme");
            assertThat(Sql.scalar(c, "select sor_api.finish_run(?, 'succeeded')", ok)).isEqualTo("succeeded");
            assertThat(Sql.scalar(c, "select sor_api.finish_run(?, 'succeeded')", ok)).isEqualTo("succeeded");
            assertThatThrownBy(() -> Sql.scalar(c, "select sor_api.finish_run(?, 'failed')", ok)).extracting("SQLState").isEqualTo("SR035");
            UUID bad = startRun(c, "acme");
            Sql.scalar(c, "select sor_api.finish_run(?, 'failed', '{\"reason\": \"bank feed down\"}')", bad);
            assertThat(Sql.rows(fx.db.admin(), "select status, error->>'reason', error_sha256 = sha256(convert_to(error::text, 'UTF8')),"
                    + " finished_at is not null from sor.runs where run_id = ?", bad))
                    .containsExactly(List.of("failed", "bank feed down", true, true));
            assertThat(Sql.rows(fx.db.admin(), "select type, payload->'error'->>'reason' from sor.events where stream = ? order by version",
                    "run-" + bad)).containsExactly(Arrays.asList("run_started", null), List.of("run_failed", "bank feed down"));
        }
    }
}
