package dev.pgsor.journal;

import static dev.pgsor.journal.JournalFixture.startRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgsor.db.Database;
import dev.pgsor.support.TestDatabase.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tool calls: journaled begin and finish, with Stripe's idempotency semantics per tenant. */
class ToolCallIdempotencyTest {

    static JournalFixture fx;
    static Database worker;

    @BeforeAll
    static void setUp() {
        fx = new JournalFixture();
        worker = fx.worker("expense-reconciler", "acme", "globex");
    }

    @AfterAll
    static void tearDown() {
        fx.close();
    }

    /** begin_tool_call as [tool_call_id, replayed, status, result, error]. */
    static List<Object> begin(Connection c, UUID run, String tool, String args, String key) throws SQLException {
        return Sql.rows(c, "select tool_call_id, replayed, status, result::text, error::text from sor_api.begin_tool_call(?, ?, ?::jsonb, ?)",
                run, tool, args, key).get(0);
    }

    static void finish(Connection c, Object call, String result, String error) throws SQLException {
        Sql.scalar(c, "select sor_api.finish_tool_call(?, ?::jsonb, ?::jsonb)", call, result, error);
    }

    @Test
    void aCallIsJournaledStartedThenFinishedWithItsResultOrError() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = startRun(c, "acme");
            List<Object> ok = begin(c, run, "send_email", "{\"to\": \"bob\"}", null);
            assertThat(ok.subList(1, 3)).containsExactly(false, "started");
            finish(c, ok.get(0), "{\"message_id\": \"m-1\"}", null);
            List<Object> bad = begin(c, run, "send_email", "{\"to\": \"carol\"}", null);
            finish(c, bad.get(0), null, "{\"code\": 550}");
            assertThat(Sql.rows(c, "select tool_call_id, status, result::text, error::text, finished_at is not null"
                    + " from sor_api.run_tool_calls(?)", run)).containsExactly(
                    Arrays.asList(ok.get(0), "succeeded", "{\"message_id\": \"m-1\"}", null, true),
                    Arrays.asList(bad.get(0), "failed", null, "{\"code\": 550}", true));
            assertThatThrownBy(() -> finish(c, ok.get(0), "{}", null)).extracting("SQLState").isEqualTo("SR044");
            List<Object> third = begin(c, run, "send_email", "{}", null);
            assertThatThrownBy(() -> finish(c, third.get(0), "{}", "{}")).extracting("SQLState").isEqualTo("SR033");
            assertThatThrownBy(() -> finish(c, UUID.randomUUID(), "{}", null)).extracting("SQLState").isEqualTo("SR034");
        }
    }

    @Test
    void theSameKeyAndArgumentsReplayTheFinishedCallEvenFromAnotherRun() throws Exception {
        try (Connection c = worker.connect()) {
            UUID crashed = startRun(c, "acme");
            List<Object> first = begin(c, crashed, "send_email", "{\"to\": \"alice\"}", "receipt-alice-42");
            finish(c, first.get(0), "{\"message_id\": \"m-42\"}", null);
            UUID retry = startRun(c, "acme");
            List<String> before = fx.snapshot();
            assertThat(begin(c, retry, "send_email", "{\"to\": \"alice\"}", "receipt-alice-42"))
                    .containsExactly(first.get(0), true, "succeeded", "{\"message_id\": \"m-42\"}", null);
            assertThat(fx.snapshot()).isEqualTo(before);
        }
    }

    @Test
    void theSameKeyWithOtherArgumentsIsRefused_SR037_andAnUnfinishedCallIsInProgress_SR038() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = startRun(c, "acme");
            List<Object> first = begin(c, run, "send_email", "{\"to\": \"alice\"}", "k-mismatch");
            List<String> before = fx.snapshot();
            assertThatThrownBy(() -> begin(c, run, "send_email", "{\"to\": \"mallory\"}", "k-mismatch"))
                    .extracting("SQLState").isEqualTo("SR037");
            assertThatThrownBy(() -> begin(c, run, "send_sms", "{\"to\": \"alice\"}", "k-mismatch"))
                    .extracting("SQLState").isEqualTo("SR037");
            assertThatThrownBy(() -> begin(c, run, "send_email", "{\"to\": \"alice\"}", "k-mismatch"))
                    .extracting("SQLState").isEqualTo("SR038");
            assertThat(fx.snapshot()).isEqualTo(before);
            finish(c, first.get(0), null, "{\"code\": 500}");
            assertThat(begin(c, run, "send_email", "{\"to\": \"alice\"}", "k-mismatch"))
                    .containsExactly(first.get(0), true, "failed", null, "{\"code\": 500}");
        }
    }

    @Test
    void aFirstAttemptThatRolledBackDoesNotPoisonTheKey() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = startRun(c, "acme");
            c.setAutoCommit(false);
            List<Object> lost = begin(c, run, "charge", "{\"cents\": 500}", "charge-1");
            c.rollback();
            c.setAutoCommit(true);
            List<Object> fresh = begin(c, run, "charge", "{\"cents\": 500}", "charge-1");
            assertThat(fresh.get(0)).isNotEqualTo(lost.get(0));
            assertThat(fresh.get(1)).isEqualTo(false);
            assertThat(fx.db.count("select count(*) from sor.tool_calls where idempotency_key = 'charge-1'")).isOne();
        }
    }

    @Test
    void twoTenantsUsingTheSameKeyDoNotCollide() throws Exception {
        try (Connection c = worker.connect()) {
            UUID acme = startRun(c, "acme");
            UUID globex = startRun(c, "globex");
            List<Object> a = begin(c, acme, "send_email", "{\"to\": \"a\"}", "tenant-shared");
            List<Object> g = begin(c, globex, "send_email", "{\"to\": \"g\"}", "tenant-shared");
            assertThat(g.get(0)).isNotEqualTo(a.get(0));
            assertThat(g.get(1)).isEqualTo(false);
        }
    }

    @Test
    void concurrentDuplicatesInsideOneTransactionRunOnceAndTheOthersReplay() throws Exception {
        for (int round = 0; round < 5; round++) {
            UUID run;
            try (Connection c = worker.connect()) {
                run = startRun(c, "acme", "reconcile", "{}", null, 600);
            }
            String key = "tx-dup-" + round;
            List<Object> results = JournalFixture.race(worker, 8, (c, t) -> {
                c.setAutoCommit(false);
                List<Object> b = begin(c, run, "send_email", "{\"to\": \"alice\"}", key);
                if (Boolean.FALSE.equals(b.get(1))) {
                    finish(c, b.get(0), "{\"sent_by\": " + t + "}", null);
                }
                c.commit();
                return b;
            });
            assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(List.class));
            assertThat(results).filteredOn(r -> Boolean.FALSE.equals(((List<?>) r).get(1))).hasSize(1);
            assertThat(results).filteredOn(r -> Boolean.TRUE.equals(((List<?>) r).get(1))).hasSize(7)
                    .allSatisfy(r -> assertThat(((List<?>) r).get(2)).isEqualTo("succeeded"));
            assertThat(results.stream().map(r -> ((List<?>) r).get(0)).distinct().count()).isOne();
            assertThat(fx.db.count("select count(*) from sor.tool_calls where idempotency_key = ?", key)).isOne();
        }
    }

    @Test
    void concurrentDuplicatesOfAPlainCodeWorkerGetInProgressAndNeverRunTwice() throws Exception {
        UUID run;
        try (Connection c = worker.connect()) {
            run = startRun(c, "acme", "reconcile", "{}", null, 600);
        }
        List<Object> results = JournalFixture.race(worker, 8,
                (c, t) -> begin(c, run, "send_email", "{\"to\": \"alice\"}", "plain-dup"));
        assertThat(results).filteredOn(r -> r instanceof List).hasSize(1);
        assertThat(results).filteredOn(r -> r instanceof SQLException).hasSize(7)
                .allSatisfy(r -> assertThat(((SQLException) r).getSQLState()).isEqualTo("SR038"));
        assertThat(fx.db.count("select count(*) from sor.tool_calls where idempotency_key = 'plain-dup'")).isOne();
    }

    @Test
    void theInternalToolBoundaryFunctionsAreNotGranted() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = startRun(c, "acme");
            assertThatThrownBy(() -> Sql.rows(c, "select * from sor.tool_call_begin(?, 'x', '{}')", run))
                    .extracting("SQLState").isEqualTo("42501");
            assertThatThrownBy(() -> Sql.rows(c, "select sor.tool_call_finish(gen_random_uuid(), null, null)"))
                    .extracting("SQLState").isEqualTo("42501");
        }
    }
}
