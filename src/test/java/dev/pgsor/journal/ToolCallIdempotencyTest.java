package dev.pgsor.journal;

import static dev.pgsor.journal.Journal.startRun;
import static dev.pgsor.testkit.SorAssertions.assertNothingWritten;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.Race;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tool calls: journaled begin and finish, with Stripe's idempotency semantics per tenant. */
@SorTest(reconciler = true)
class ToolCallIdempotencyTest {

    static SorDatabase db;
    static Database worker;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.addTenant("globex", "Globex");
        worker = db.worker("expense-reconciler", "acme", "globex");
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
            assertRefused("SR044", () -> finish(c, ok.get(0), "{}", null));
            assertRefused("SR044", () -> finish(c, ok.get(0), null, "{\"message_id\": \"m-1\"}"));
            assertRefused("SR044", () -> finish(c, bad.get(0), null, "{\"code\": 551}"));
            // the same outcome again (a retry after a lost answer) is accepted and changes nothing
            assertNothingWritten(db, () -> {
                finish(c, ok.get(0), "{\"message_id\": \"m-1\"}", null);
                finish(c, bad.get(0), null, "{\"code\": 550}");
            });
            // even after the run ended
            Sql.run(c, "select sor_api.finish_run(?, 'succeeded')", run);
            finish(c, ok.get(0), "{\"message_id\": \"m-1\"}", null);
            assertRefused("SR035", () -> finish(c, ok.get(0), "{\"message_id\": \"m-2\"}", null));
            run = startRun(c, "acme");
            List<Object> third = begin(c, run, "send_email", "{}", null);
            assertRefused("SR033", () -> finish(c, third.get(0), "{}", "{}"));
            assertRefused("SR034", () -> finish(c, UUID.randomUUID(), "{}", null));
        }
    }

    /**
     * run_tool_calls(run_id, call_status, after_tool_call_id, max_rows): the run's calls a page at a
     * time in the order of run_tool_calls(run_id), of one status or of any; calls begun in one
     * transaction (one start time) are ordered by id and never skipped nor repeated across pages.
     */
    @Test
    void aWorkerReadsARunsToolCallsAPageAtATimeOfOneStatusOrAny() throws Exception {
        Database other = db.worker("expense-reconciler", "acme");
        try (Connection c = worker.connect(); Connection theirs = other.connect()) {
            UUID run = startRun(c, "acme");
            UUID elsewhere = startRun(c, "globex");
            Object foreignCall = begin(c, elsewhere, "lookup", "{}", null).get(0);
            UUID foreignRun = startRun(theirs, "acme");
            List<Object> ids = new java.util.ArrayList<>();
            ids.add(begin(c, run, "lookup", "{\"n\": 0}", null).get(0));
            c.setAutoCommit(false);
            for (int i = 1; i < 5; i++) {
                ids.add(begin(c, run, "lookup", "{\"n\": " + i + "}", null).get(0));
            }
            c.commit();
            c.setAutoCommit(true);
            ids.add(begin(c, run, "lookup", "{\"n\": 5}", null).get(0));
            ids.add(begin(c, run, "lookup", "{\"n\": 6}", null).get(0));
            finish(c, ids.get(1), "{\"ok\": 1}", null);
            finish(c, ids.get(3), "{\"ok\": 3}", null);
            finish(c, ids.get(6), null, "{\"code\": 6}");

            List<Object> all = Sql.rows(c, "select tool_call_id from sor_api.run_tool_calls(?)", run).stream().map(r -> r.get(0)).toList();
            assertThat(all).hasSize(7).containsExactlyInAnyOrderElementsOf(ids).doesNotContain(foreignCall);
            List<Object> paged = new java.util.ArrayList<>();
            Object cursor = null;
            for (int page = 0; page < 4; page++) {
                List<Object> got = Sql.rows(c, "select tool_call_id from sor_api.run_tool_calls(?, null, ?::uuid, 3)", run, cursor)
                        .stream().map(r -> r.get(0)).toList();
                assertThat(got.size()).as("page " + page).isEqualTo(List.of(3, 3, 1, 0).get(page));
                paged.addAll(got);
                cursor = got.isEmpty() ? cursor : got.get(got.size() - 1);
            }
            assertThat(paged).isEqualTo(all);
            assertThat(Sql.rows(c, "select tool_call_id, status from sor_api.run_tool_calls(?, 'succeeded', null, 10)", run))
                    .containsExactlyInAnyOrder(List.of(ids.get(1), "succeeded"), List.of(ids.get(3), "succeeded"));
            assertThat(Sql.rows(c, "select tool_call_id, status, error::text from sor_api.run_tool_calls(?, 'failed', null, 10)", run))
                    .containsExactly(List.of(ids.get(6), "failed", "{\"code\": 6}"));
            List<Object> inFlight = all.stream().filter(id -> !List.of(ids.get(1), ids.get(3), ids.get(6)).contains(id)).toList();
            assertThat(Sql.rows(c, "select tool_call_id from sor_api.run_tool_calls(?, 'started', null, 10)", run))
                    .extracting(r -> r.get(0)).isEqualTo(inFlight);
            assertThat(Sql.rows(c, "select tool_call_id from sor_api.run_tool_calls(?, 'started', ?, 2)", run, inFlight.get(1)))
                    .extracting(r -> r.get(0)).isEqualTo(inFlight.subList(2, 4));

            // bad arguments change nothing and say what to pass
            assertNothingWritten(db, () -> {
                assertRefused("SR033", () -> Sql.rows(c, "select * from sor_api.run_tool_calls(?, 'done', null, 10)", run));
                assertRefused("SR033", () -> Sql.rows(c, "select * from sor_api.run_tool_calls(null, null, null, 10)"));
                assertRefused("SR016", () -> Sql.rows(c, "select * from sor_api.run_tool_calls(?, null, null, 0)", run));
                assertRefused("SR016", () -> Sql.rows(c, "select * from sor_api.run_tool_calls(?, null, null, 10001)", run));
                assertRefused("SR016", () -> Sql.rows(c, "select * from sor_api.run_tool_calls(?, null, null, null)", run));
                // another Worker's run; a cursor that is not a call of this run (of another run of the caller's, or none)
                assertRefused("SR034", () -> Sql.rows(c, "select * from sor_api.run_tool_calls(?, null, null, 10)", foreignRun));
                assertRefused("SR034", () -> Sql.rows(c, "select * from sor_api.run_tool_calls(?, null, ?, 10)", run, foreignCall));
                assertRefused("SR034", () -> Sql.rows(c, "select * from sor_api.run_tool_calls(?, null, ?, 10)", run, UUID.randomUUID()));
            });
        }
    }

    @Test
    void theSameKeyAndArgumentsReplayTheFinishedCallEvenFromAnotherRun() throws Exception {
        try (Connection c = worker.connect()) {
            UUID crashed = startRun(c, "acme");
            List<Object> first = begin(c, crashed, "send_email", "{\"to\": \"alice\"}", "receipt-alice-42");
            finish(c, first.get(0), "{\"message_id\": \"m-42\"}", null);
            UUID retry = startRun(c, "acme");
            assertNothingWritten(db, () -> {
                assertThat(begin(c, retry, "send_email", "{\"to\": \"alice\"}", "receipt-alice-42"))
                        .containsExactly(first.get(0), true, "succeeded", "{\"message_id\": \"m-42\"}", null);
            });
        }
    }

    @Test
    void theSameKeyWithOtherArgumentsIsRefused_SR037_andAnUnfinishedCallIsInProgress_SR038() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = startRun(c, "acme");
            List<Object> first = begin(c, run, "send_email", "{\"to\": \"alice\"}", "k-mismatch");
            assertNothingWritten(db, () -> {
                assertRefused("SR037", () -> begin(c, run, "send_email", "{\"to\": \"mallory\"}", "k-mismatch"));
                assertRefused("SR037", () -> begin(c, run, "send_sms", "{\"to\": \"alice\"}", "k-mismatch"));
                assertRefused("SR038", () -> begin(c, run, "send_email", "{\"to\": \"alice\"}", "k-mismatch"));
            });
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
            assertThat(db.count("select count(*) from sor.tool_calls where idempotency_key = 'charge-1'")).isOne();
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
            List<List<Object>> results = Race.values(Race.onConnections(worker, 8, (c, t) -> {
                c.setAutoCommit(false);
                List<Object> b = begin(c, run, "send_email", "{\"to\": \"alice\"}", key);
                if (Boolean.FALSE.equals(b.get(1))) {
                    finish(c, b.get(0), "{\"sent_by\": " + t + "}", null);
                }
                c.commit();
                return b;
            }));
            assertThat(results).filteredOn(r -> Boolean.FALSE.equals(r.get(1))).hasSize(1);
            assertThat(results).filteredOn(r -> Boolean.TRUE.equals(r.get(1))).hasSize(7)
                    .allSatisfy(r -> assertThat(r.get(2)).isEqualTo("succeeded"));
            assertThat(results.stream().map(r -> r.get(0)).distinct().count()).isOne();
            assertThat(db.count("select count(*) from sor.tool_calls where idempotency_key = ?", key)).isOne();
        }
    }

    @Test
    void concurrentDuplicatesOfAPlainCodeWorkerGetInProgressAndNeverRunTwice() throws Exception {
        UUID run;
        try (Connection c = worker.connect()) {
            run = startRun(c, "acme", "reconcile", "{}", null, 600);
        }
        List<Race.Outcome<List<Object>>> results = Race.onConnections(worker, 8,
                (c, t) -> begin(c, run, "send_email", "{\"to\": \"alice\"}", "plain-dup"));
        assertThat(results).filteredOn(Race.Outcome::ok).hasSize(1);
        assertThat(results).filteredOn(r -> !r.ok()).hasSize(7)
                .allSatisfy(r -> assertThat(r.sqlState()).isEqualTo("SR038"));
        assertThat(db.count("select count(*) from sor.tool_calls where idempotency_key = 'plain-dup'")).isOne();
    }

    @Test
    void theInternalToolBoundaryFunctionsAreNotGranted() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = startRun(c, "acme");
            assertRefused("42501", () -> Sql.rows(c, "select * from sor.tool_call_begin(?, 'x', '{}')", run));
            assertRefused("42501", () -> Sql.rows(c, "select sor.tool_call_finish(gen_random_uuid(), null, null)"));
        }
    }
}
