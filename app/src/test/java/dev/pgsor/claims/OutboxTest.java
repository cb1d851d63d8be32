package dev.pgsor.claims;

import static dev.pgsor.claims.Claims.lease;
import static dev.pgsor.claims.Claims.markDispatched;
import static dev.pgsor.claims.Claims.markFailed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgsor.claims.Claims.Lease;
import dev.pgsor.db.Database;
import dev.pgsor.support.TestDatabase;
import dev.pgsor.support.TestDatabase.Sql;
import dev.pgsor.support.TestServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transactional outbox from both ends: a domain function writes the business row and its
 * outbox row together or not at all (one row however often a Worker retries), and dispatchers
 * (login roles in sor_dispatcher) lease with SKIP LOCKED and fencing tokens, never the same row
 * twice, never a deferred one, and a dead dispatcher's late report is refused.
 */
class OutboxTest {

    static TestDatabase db;
    static Database worker;
    static Database dispatcher;
    static Database otherDispatcher;
    static Database admin;
    static final AtomicInteger IDS = new AtomicInteger(1000);

    @BeforeAll
    static void setUp() {
        db = TestServer.get().freshDatabase();
        db.exec("select sor_api.add_tenant('acme', 'Acme'), sor_api.add_tenant('globex', 'Globex')");
        worker = db.loginRole("wrk", "sor_worker");
        dispatcher = db.loginRole("dsp", "sor_dispatcher");
        otherDispatcher = db.loginRole("dsp", "sor_dispatcher");
        admin = db.loginRole("adm", "sor_admin");
        db.exec("select sor_api.add_member('acme', '" + worker.user() + "')");
        OutboxFixture.install(db);
    }

    /** Each test starts with nothing leasable, so leases see only that test's rows. */
    @BeforeEach
    void clearLeasable() {
        db.exec("update sor.outbox set status = 'discarded', leased_by = null, lease_token = null, lease_expires_at = null"
                + " where status in ('pending', 'failed', 'leased')");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    static void assertState(ThrowingCallable call, String sqlState) {
        assertThatThrownBy(call).extracting("SQLState").isEqualTo(sqlState);
    }

    static long recordExpense(Connection c, int id, boolean fail) throws SQLException {
        return ((Number) Sql.scalar(c, "select fixture.record_expense('acme', ?, 12.50, ?)", id, fail)).longValue();
    }

    static long expenses(int id) {
        return db.count("select count(*) from fixture.expenses where expense_id = ?", id);
    }

    static long outboxRows(int id) {
        return db.count("select count(*) from sor.outbox where dedupe_key = ?", "expense-" + id + "-confirmation");
    }

    static List<String> eventTypes(long outboxId) {
        return Sql.rows(db.admin(), "select type from sor.events where stream = ? order by version", "outbox-" + outboxId)
                .stream().map(r -> (String) r.get(0)).toList();
    }

    static List<List<Object>> snapshot() {
        return Sql.rows(db.admin(), "select (select md5(coalesce(string_agg(o::text, ',' order by o.outbox_id), '')) from sor.outbox o),"
                + " (select count(*) from sor.events), (select last_value from sor.fencing_tokens)");
    }

    @Test
    void businessRowAndOutboxRowCommitTogether() throws Exception {
        int id = IDS.incrementAndGet();
        try (Connection c = worker.connect()) {
            long outboxId = recordExpense(c, id, false);
            assertThat(expenses(id)).isOne();
            assertThat(Sql.rows(db.admin(), "select tenant_id, status, aggregate_type, aggregate_id, payload::text from sor.outbox where outbox_id = ?", outboxId))
                    .containsExactly(List.of("acme", "pending", "expense", Integer.toString(id), "{\"amount\": 12.50}"));
            assertThat(eventTypes(outboxId)).containsExactly("outbox.queued");
        }
    }

    @Test
    void businessRowAndOutboxRowRollBackTogether() throws Exception {
        int rolledBack = IDS.incrementAndGet();
        int failed = IDS.incrementAndGet();
        int killed = IDS.incrementAndGet();
        try (Connection c = worker.connect()) {
            c.setAutoCommit(false);
            recordExpense(c, rolledBack, false);
            c.rollback();
            assertThatThrownBy(() -> recordExpense(c, failed, true)).extracting("SQLState").isEqualTo("P0001");
            c.rollback();
        }
        // a Worker that crashes before its commit: the backend is terminated mid-transaction
        Connection c = worker.connect();
        c.setAutoCommit(false);
        recordExpense(c, killed, false);
        int pid = ((Number) Sql.scalar(c, "select pg_backend_pid()")).intValue();
        assertThat(db.scalar("select pg_terminate_backend(?)", pid)).isEqualTo(true);
        assertThatThrownBy(c::commit).isInstanceOf(SQLException.class);
        c.close();
        for (int id : new int[] {rolledBack, failed, killed}) {
            assertThat(expenses(id)).isZero();
            assertThat(outboxRows(id)).isZero();
        }
    }

    @Test
    void retriedWorkerLeavesOneOutboxRow() throws Exception {
        int id = IDS.incrementAndGet();
        try (Connection c = worker.connect()) {
            long first = recordExpense(c, id, false);
            assertThat(recordExpense(c, id, false)).isEqualTo(first);
            assertThat(recordExpense(c, id, false)).isEqualTo(first);
        }
        assertThat(expenses(id)).isOne();
        assertThat(outboxRows(id)).isOne();
        // the same retry racing itself, many rounds
        for (int round = 0; round < 20; round++) {
            int raced = IDS.incrementAndGet();
            CountDownLatch go = new CountDownLatch(1);
            List<Long> ids = new CopyOnWriteArrayList<>();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(new Thread(() -> {
                    try (Connection c = worker.connect()) {
                        go.await();
                        ids.add(recordExpense(c, raced, false));
                    } catch (Exception e) {
                        errors.add(e);
                    }
                }));
            }
            threads.forEach(Thread::start);
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertThat(errors).isEmpty();
            assertThat(new HashSet<>(ids)).hasSize(1);
            assertThat(expenses(raced)).isOne();
            assertThat(outboxRows(raced)).isOne();
        }
    }

    @Test
    void onlyDuePendingAndFailedRowsAreLeased() throws Exception {
        long due = OutboxFixture.insertRow(db, "acme", "due-" + IDS.incrementAndGet(), "pending", "", "");
        long deferred = OutboxFixture.insertRow(db, "acme", "deferred-" + IDS.incrementAndGet(), "deferred", ", block_id", ", 7");
        OutboxFixture.insertRow(db, "acme", "discarded-" + IDS.incrementAndGet(), "discarded", ", block_id", ", 7");
        OutboxFixture.insertRow(db, "acme", "dead-" + IDS.incrementAndGet(), "dead", "", "");
        OutboxFixture.insertRow(db, "acme", "sent-" + IDS.incrementAndGet(), "dispatched", ", dispatched_at", ", now()");
        OutboxFixture.insertRow(db, "acme", "later-" + IDS.incrementAndGet(), "pending", ", available_at", ", now() + interval '1 hour'");
        OutboxFixture.insertRow(db, "globex", "retry-later-" + IDS.incrementAndGet(), "failed", ", available_at", ", now() + interval '1 hour'");
        long failedDue = OutboxFixture.insertRow(db, "globex", "retry-now-" + IDS.incrementAndGet(), "failed", ", attempts", ", 1");
        try (Connection d = dispatcher.connect()) {
            assertThat(lease(d, 1000, "1 minute")).extracting(Lease::outboxId).containsExactlyInAnyOrder(due, failedDue);
            assertThat(lease(d, 1000, "1 minute")).isEmpty();
            // the review block is approved (what the journal's resolve_block does): now it is leased
            db.exec("update sor.outbox set status = 'pending' where outbox_id = " + deferred);
            assertThat(lease(d, 1000, "1 minute")).extracting(Lease::outboxId).containsExactly(deferred);
            assertThat(eventTypes(deferred)).containsExactly("outbox.queued", "outbox.released", "outbox.leased");
        }
    }

    @Test
    void twoDispatchersNeverLeaseTheSameRow() throws Exception {
        for (int round = 0; round < 30; round++) {
            int rows = 60;
            String prefix = "race-" + round + "-" + IDS.incrementAndGet() + "-";
            db.exec("insert into sor.outbox (tenant_id, topic, aggregate_type, aggregate_id, dedupe_key)"
                    + " select 'acme', 'email', 'expense', g::text, '" + prefix + "' || g from generate_series(1, " + rows + ") g");
            Set<Long> expected = new HashSet<>(Sql.rows(db.admin(), "select outbox_id from sor.outbox where dedupe_key like ?", prefix + "%")
                    .stream().map(r -> (Long) r.get(0)).toList());
            CountDownLatch go = new CountDownLatch(1);
            List<Long> leased = new CopyOnWriteArrayList<>();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            AtomicInteger oversized = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (Database role : List.of(dispatcher, otherDispatcher, dispatcher)) {
                threads.add(new Thread(() -> {
                    try (Connection d = role.connect()) {
                        go.await();
                        while (true) {
                            int batch = ThreadLocalRandom.current().nextInt(1, 8);
                            List<Lease> got = lease(d, batch, "1 minute");
                            if (got.size() > batch) {
                                oversized.incrementAndGet();
                            }
                            if (got.isEmpty()) {
                                return;
                            }
                            for (Lease l : got) {
                                leased.add(l.outboxId());
                                markDispatched(d, l.outboxId(), l.token(), "ref-" + l.outboxId());
                            }
                        }
                    } catch (Exception e) {
                        errors.add(e);
                    }
                }));
            }
            threads.forEach(Thread::start);
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertThat(errors).isEmpty();
            assertThat(oversized.get()).isZero();
            assertThat(leased).doesNotHaveDuplicates();
            assertThat(new HashSet<>(leased)).isEqualTo(expected);
            assertThat(db.count("select count(*) from sor.outbox where dedupe_key like ? and status = 'dispatched'", prefix + "%"))
                    .isEqualTo(rows);
        }
    }

    @Test
    void deadDispatchersLeaseIsTakenBackWithANewTokenAndItsLateReportRefused() throws Exception {
        long row = OutboxFixture.insertRow(db, "acme", "crash-" + IDS.incrementAndGet(), "pending", "", "");
        Connection dying = dispatcher.connect();
        Lease old = lease(dying, 10, "300 milliseconds").get(0);
        assertThat(old.outboxId()).isEqualTo(row);
        int pid = ((Number) Sql.scalar(dying, "select pg_backend_pid()")).intValue();
        assertThat(db.scalar("select pg_terminate_backend(?)", pid)).isEqualTo(true);
        dying.close();

        try (Connection other = otherDispatcher.connect(); Connection restarted = dispatcher.connect()) {
            assertThat(lease(other, 10, "1 minute")).as("lease not lapsed yet").isEmpty();
            Thread.sleep(600);
            Lease fresh = lease(other, 10, "1 minute").get(0);
            assertThat(fresh.outboxId()).isEqualTo(row);
            assertThat(fresh.token()).isGreaterThan(old.token());
            assertThat(fresh.attempts()).isEqualTo(2);
            List<List<Object>> before = snapshot();
            assertState(() -> markDispatched(restarted, row, old.token(), "late-ref"), "SR062");
            assertState(() -> markFailed(restarted, row, old.token(), "late"), "SR062");
            assertThat(snapshot()).isEqualTo(before);
            markDispatched(other, row, fresh.token(), "ref-1");
            assertState(() -> markDispatched(restarted, row, old.token(), "late-ref"), "SR063");
            assertThat(Sql.rows(db.admin(), "select status, provider_ref, lease_token from sor.outbox where outbox_id = ?", row))
                    .containsExactly(java.util.Arrays.asList("dispatched", "ref-1", null));
            assertThat(eventTypes(row)).containsExactly("outbox.queued", "outbox.leased", "outbox.lease_expired",
                    "outbox.leased", "outbox.dispatched");
        }
    }

    @Test
    void failedDeliveryBacksOffThenDeadLettersAndTheOperatorRetries() throws Exception {
        long row = OutboxFixture.insertRow(db, "acme", "flaky-" + IDS.incrementAndGet(), "pending", ", max_attempts", ", 2");
        try (Connection d = dispatcher.connect(); Connection op = admin.connect()) {
            Lease first = lease(d, 1, "1 minute").get(0);
            markFailed(d, row, first.token(), "smtp 451");
            double delay = ((Number) db.scalar("select extract(epoch from o.available_at - e.occurred_at) from sor.outbox o"
                    + " join sor.events e on e.stream = 'outbox-' || o.outbox_id and e.type = 'outbox.failed' where o.outbox_id = ?", row))
                    .doubleValue();
            assertThat(delay).isBetween(1.0, 2.0);
            assertThat(lease(d, 10, "1 minute")).as("not due before its backoff").isEmpty();
            db.exec("update sor.outbox set available_at = now() where outbox_id = " + row);
            Lease second = lease(d, 1, "1 minute").get(0);
            assertThat(second.attempts()).isEqualTo(2);
            markFailed(d, row, second.token(), "smtp 550");
            assertThat(Sql.rows(db.admin(), "select status, attempts, last_error from sor.outbox where outbox_id = ?", row))
                    .containsExactly(List.of("dead", 2, "smtp 550"));
            assertThat(lease(d, 10, "1 minute")).isEmpty();

            assertThat(Sql.rows(op, "select outbox_id, attempts, last_error from sor_api.dead_outbox() where outbox_id = ?", row))
                    .containsExactly(List.of(row, 2, "smtp 550"));
            Claims.call(op, "select sor_api.retry_outbox(?)", row);
            assertState(() -> Claims.call(op, "select sor_api.retry_outbox(?)", row), "SR064");
            assertState(() -> Claims.call(op, "select sor_api.retry_outbox(?)", -1L), "SR061");
            Lease again = lease(d, 1, "1 minute").get(0);
            assertThat(again.attempts()).isOne();
            markDispatched(d, row, again.token(), "ref-2");
            assertThat(eventTypes(row)).containsExactly("outbox.queued", "outbox.leased", "outbox.failed", "outbox.leased",
                    "outbox.dead", "outbox.retried", "outbox.leased", "outbox.dispatched");
        }
    }

    @Test
    void badInputGetsItsSqlStateAndChangesNothing() throws Exception {
        long row = OutboxFixture.insertRow(db, "acme", "bad-" + IDS.incrementAndGet(), "pending", "", "");
        try (Connection d = dispatcher.connect()) {
            Lease l = lease(d, 1, "1 minute").get(0);
            List<List<Object>> before = snapshot();
            for (Integer batch : new Integer[] {0, -1, 1001, Integer.MAX_VALUE, null}) {
                assertState(() -> lease(d, batch, "1 minute"), "SR051");
            }
            for (String lease : new String[] {"-1 second", "0", "2 days", null}) {
                assertState(() -> lease(d, 1, lease), "SR052");
            }
            assertState(() -> markDispatched(d, row, null, "ref"), "SR062");
            assertState(() -> markFailed(d, row, null, "x"), "SR062");
            assertState(() -> markDispatched(d, row, l.token() + 1000, "ref"), "SR062");
            assertState(() -> markDispatched(d, -1, l.token(), "ref"), "SR061");
            assertState(() -> Claims.call(d, "select sor_api.mark_dispatched(null, ?, 'ref')", l.token()), "SR061");
            assertState(() -> markDispatched(d, row, l.token(), null), "SR060");
            assertState(() -> markDispatched(d, row, l.token(), ""), "SR060");
            assertState(() -> markFailed(d, row, l.token(), null), "SR060");
            try (Connection a = db.admin().connect()) {
                assertState(() -> Claims.call(a, "select sor.enqueue_outbox('acme', null, 'e', '1', '{}', '{}', 'k')"), "SR060");
                assertState(() -> Claims.call(a, "select sor.enqueue_outbox('acme', 't', 'e', '1', '[]', '{}', 'k')"), "SR060");
                assertState(() -> Claims.call(a, "select sor.enqueue_outbox('acme', 't', 'e', '1', '{}', '{}', null)"), "SR060");
                assertState(() -> Claims.call(a, "select sor.enqueue_outbox('acme', 't', 'e', '1', '{}', '{}', 'k', 0)"), "SR060");
                assertState(() -> Claims.call(a, "select sor.enqueue_outbox('nosuch', 't', 'e', '1', '{}', '{}', 'k')"), "SR002");
            }
            assertThat(snapshot()).isEqualTo(before);
            markDispatched(d, row, l.token(), "ref");
        }
    }

    @Test
    void dispatcherHoldsOnlyItsFunctionsAndWorkersCannotDispatch() throws Exception {
        try (Connection d = dispatcher.connect()) {
            assertState(() -> d.createStatement().executeQuery("select * from sor.outbox"), "42501");
            assertState(() -> Claims.call(d, "select sor_api.enqueue_task('acme', 'q', 's')"), "42501");
            assertState(() -> Claims.call(d, "select sor.enqueue_outbox('acme', 't', 'e', '1', '{}', '{}', 'k')"), "42501");
            assertState(() -> Claims.call(d, "select sor_api.retry_outbox(1)"), "42501");
        }
        try (Connection w = worker.connect()) {
            assertState(() -> lease(w, 1, "1 minute"), "42501");
            assertState(() -> markDispatched(w, 1, 1L, "ref"), "42501");
        }
    }
}
