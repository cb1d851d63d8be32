package dev.pgsor.claims;

import static dev.pgsor.claims.Claims.lease;
import static dev.pgsor.claims.Claims.markDispatched;
import static dev.pgsor.claims.Claims.markFailed;
import static dev.pgsor.testkit.SorAssertions.assertNothingWritten;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgsor.claims.Claims.Lease;
import dev.pgsor.runtime.Database;
import dev.pgsor.schema.SorSchema;
import dev.pgsor.testkit.Crash;
import dev.pgsor.testkit.Race;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorExtension;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The transactional outbox from both ends: a domain function writes the business row and its
 * outbox row together or not at all (one row however often a Worker retries), and dispatchers
 * (login roles in sor_dispatcher) lease with SKIP LOCKED and fencing tokens, never the same row
 * twice, never a deferred one, and a dead dispatcher's late report is refused.
 */
class OutboxTest {

    /** A small business domain writing through the outbox, migrated as a module of its own after the kit. */
    static final SorSchema.Module EXPENSES = new SorSchema.Module("expenses", "flyway_schema_history_expenses",
            List.of("classpath:dev/pgsor/claims/expenses"));

    @RegisterExtension
    static final SorExtension SOR = SorExtension.migrating(SorSchema.KERNEL, SorSchema.RECONCILER, EXPENSES);

    static SorDatabase db;
    static Database worker;
    static Database dispatcher;
    static Database otherDispatcher;
    static Database admin;
    static final AtomicInteger IDS = new AtomicInteger(1000);

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme", "globex");
        worker = db.worker("expense-reconciler", "acme");
        dispatcher = db.dispatcher("acme", "globex");
        otherDispatcher = db.dispatcher("acme", "globex");
        admin = db.sorAdmin();
    }

    /** Each test starts with nothing leasable, so leases see only that test's rows. */
    @BeforeEach
    void clearLeasable() {
        db.exec("update sor.outbox set status = 'discarded', leased_by = null, lease_token = null, lease_expires_at = null"
                + " where status in ('pending', 'failed', 'leased')");
    }

    /** Inserts an outbox row directly as the admin (the way the journal's commit_step writes its commands). */
    static long insertRow(String tenant, String key, String status, String extraColumns, String extraValues) {
        return ((Number) db.scalar("insert into sor.outbox (tenant_id, topic, aggregate_type, aggregate_id, dedupe_key, status"
                + extraColumns + ") values (?, 'email', 'expense', '1', ?, ?" + extraValues + ") returning outbox_id",
                tenant, key, status)).longValue();
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

    @Test
    void businessRowAndOutboxRowCommitTogether() throws Exception {
        int id = IDS.incrementAndGet();
        try (Connection c = worker.connect()) {
            long outboxId = recordExpense(c, id, false);
            assertThat(expenses(id)).isOne();
            assertThat(Sql.rows(db.admin(), "select tenant_id, status, aggregate_type, aggregate_id, payload::text from sor.outbox where outbox_id = ?", outboxId))
                    .containsExactly(List.of("acme", "pending", "expense", Integer.toString(id), "{\"amount\": 12.50}"));
            // a row is queued without an event: the row records who queued it, when, for which run
            assertThat(eventTypes(outboxId)).isEmpty();
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
            assertRefused("P0001", () -> recordExpense(c, failed, true));
            c.rollback();
        }
        // a Worker that crashes before its commit: the backend is terminated mid-transaction
        try (Connection c = worker.connect()) {
            c.setAutoCommit(false);
            recordExpense(c, killed, false);
            Crash.terminate(db, c);
            assertThatThrownBy(c::commit).isInstanceOf(SQLException.class);
        }
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
            List<Long> ids = Race.values(Race.onConnections(worker, 4, (c, t) -> recordExpense(c, raced, false)));
            assertThat(new HashSet<>(ids)).hasSize(1);
            assertThat(expenses(raced)).isOne();
            assertThat(outboxRows(raced)).isOne();
        }
    }

    @Test
    void onlyDuePendingAndFailedRowsAreLeased() throws Exception {
        long due = insertRow("acme", "due-" + IDS.incrementAndGet(), "pending", "", "");
        long deferred = insertRow("acme", "deferred-" + IDS.incrementAndGet(), "deferred", ", block_id", ", 7");
        insertRow("acme", "discarded-" + IDS.incrementAndGet(), "discarded", ", block_id", ", 7");
        insertRow("acme", "dead-" + IDS.incrementAndGet(), "dead", "", "");
        insertRow("acme", "sent-" + IDS.incrementAndGet(), "dispatched", ", dispatched_at", ", now()");
        insertRow("acme", "later-" + IDS.incrementAndGet(), "pending", ", available_at", ", now() + interval '1 hour'");
        insertRow("globex", "retry-later-" + IDS.incrementAndGet(), "failed", ", available_at", ", now() + interval '1 hour'");
        long failedDue = insertRow("globex", "retry-now-" + IDS.incrementAndGet(), "failed", ", attempts", ", 1");
        try (Connection d = dispatcher.connect()) {
            assertThat(lease(d, 1000, "1 minute")).extracting(Lease::outboxId).containsExactlyInAnyOrder(due, failedDue);
            assertThat(lease(d, 1000, "1 minute")).isEmpty();
            // the review block is approved (what the journal's resolve_block does): now it is leased
            db.exec("update sor.outbox set status = 'pending' where outbox_id = " + deferred);
            assertThat(lease(d, 1000, "1 minute")).extracting(Lease::outboxId).containsExactly(deferred);
            assertThat(eventTypes(deferred)).containsExactly("outbox.released", "outbox.leased");
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
            AtomicInteger oversized = new AtomicInteger();
            List<Database> roles = List.of(dispatcher, otherDispatcher, dispatcher);
            List<Long> leased = new ArrayList<>();
            for (List<Long> mine : Race.values(Race.together(roles.size(), t -> {
                List<Long> got = new ArrayList<>();
                try (Connection d = roles.get(t).connect()) {
                    while (true) {
                        int batch = ThreadLocalRandom.current().nextInt(1, 8);
                        List<Lease> leases = lease(d, batch, "1 minute");
                        if (leases.size() > batch) {
                            oversized.incrementAndGet();
                        }
                        if (leases.isEmpty()) {
                            return got;
                        }
                        for (Lease l : leases) {
                            got.add(l.outboxId());
                            markDispatched(d, l.outboxId(), l.token(), "ref-" + l.outboxId());
                        }
                    }
                }
            }))) {
                leased.addAll(mine);
            }
            assertThat(oversized.get()).isZero();
            assertThat(leased).doesNotHaveDuplicates();
            assertThat(new HashSet<>(leased)).isEqualTo(expected);
            assertThat(db.count("select count(*) from sor.outbox where dedupe_key like ? and status = 'dispatched'", prefix + "%"))
                    .isEqualTo(rows);
        }
    }

    @Test
    void deadDispatchersLeaseIsTakenBackWithANewTokenAndItsLateReportRefused() throws Exception {
        long row = insertRow("acme", "crash-" + IDS.incrementAndGet(), "pending", "", "");
        Lease old;
        try (Connection dying = dispatcher.connect()) {
            old = lease(dying, 10, "300 milliseconds").get(0);
            assertThat(old.outboxId()).isEqualTo(row);
            Crash.terminate(db, dying);
        }

        try (Connection other = otherDispatcher.connect(); Connection restarted = dispatcher.connect()) {
            assertThat(lease(other, 10, "1 minute")).as("lease not lapsed yet").isEmpty();
            Thread.sleep(600);
            Lease fresh = lease(other, 10, "1 minute").get(0);
            assertThat(fresh.outboxId()).isEqualTo(row);
            assertThat(fresh.token()).isGreaterThan(old.token());
            assertThat(fresh.attempts()).isEqualTo(2);
            assertRefusedAndNothingWritten(db, "SR062", () -> markDispatched(restarted, row, old.token(), "late-ref"));
            assertRefusedAndNothingWritten(db, "SR062", () -> markFailed(restarted, row, old.token(), "late"));
            markDispatched(other, row, fresh.token(), "ref-1");
            assertRefused("SR063", () -> markDispatched(restarted, row, old.token(), "late-ref"));
            assertThat(Sql.rows(db.admin(), "select status, provider_ref, lease_token from sor.outbox where outbox_id = ?", row))
                    .containsExactly(java.util.Arrays.asList("dispatched", "ref-1", null));
            assertThat(eventTypes(row)).containsExactly("outbox.leased", "outbox.lease_expired",
                    "outbox.leased", "outbox.dispatched");
        }
    }

    @Test
    void failedDeliveryBacksOffThenDeadLettersAndTheOperatorRetries() throws Exception {
        long row = insertRow("acme", "flaky-" + IDS.incrementAndGet(), "pending", ", max_attempts", ", 2");
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
            Sql.run(op, "select sor_api.retry_outbox(?)", row);
            assertRefused("SR064", () -> Sql.run(op, "select sor_api.retry_outbox(?)", row));
            assertRefused("SR061", () -> Sql.run(op, "select sor_api.retry_outbox(?)", -1L));
            Lease again = lease(d, 1, "1 minute").get(0);
            assertThat(again.attempts()).isOne();
            markDispatched(d, row, again.token(), "ref-2");
            assertThat(eventTypes(row)).containsExactly("outbox.leased", "outbox.failed", "outbox.leased",
                    "outbox.dead", "outbox.retried", "outbox.leased", "outbox.dispatched");
        }
    }

    @Test
    void badInputGetsItsSqlStateAndChangesNothing() throws Exception {
        long row = insertRow("acme", "bad-" + IDS.incrementAndGet(), "pending", "", "");
        try (Connection d = dispatcher.connect()) {
            Lease l = lease(d, 1, "1 minute").get(0);
            assertNothingWritten(db, () -> {
                for (Integer batch : new Integer[] {0, -1, 1001, Integer.MAX_VALUE, null}) {
                    assertRefused("SR051", () -> lease(d, batch, "1 minute"));
                }
                for (String lease : new String[] {"-1 second", "0", "2 days", null}) {
                    assertRefused("SR052", () -> lease(d, 1, lease));
                }
                assertRefused("SR062", () -> markDispatched(d, row, null, "ref"));
                assertRefused("SR062", () -> markFailed(d, row, null, "x"));
                assertRefused("SR062", () -> markDispatched(d, row, l.token() + 1000, "ref"));
                assertRefused("SR061", () -> markDispatched(d, -1, l.token(), "ref"));
                assertRefused("SR061", () -> Sql.run(d, "select sor_api.mark_dispatched(null, ?, 'ref')", l.token()));
                assertRefused("SR060", () -> markDispatched(d, row, l.token(), null));
                assertRefused("SR060", () -> markDispatched(d, row, l.token(), ""));
                assertRefused("SR060", () -> markFailed(d, row, l.token(), null));
                try (Connection a = db.admin().connect()) {
                    assertRefused("SR060", () -> Sql.run(a, "select sor.enqueue_outbox('acme', null, 'e', '1', '{}', '{}', 'k')"));
                    assertRefused("SR060", () -> Sql.run(a, "select sor.enqueue_outbox('acme', 't', 'e', '1', '[]', '{}', 'k')"));
                    assertRefused("SR060", () -> Sql.run(a, "select sor.enqueue_outbox('acme', 't', 'e', '1', '{}', '{}', null)"));
                    assertRefused("SR060", () -> Sql.run(a, "select sor.enqueue_outbox('acme', 't', 'e', '1', '{}', '{}', 'k', 0)"));
                    assertRefused("SR002", () -> Sql.run(a, "select sor.enqueue_outbox('nosuch', 't', 'e', '1', '{}', '{}', 'k')"));
                }
            });
            markDispatched(d, row, l.token(), "ref");
        }
    }

    @Test
    void dispatcherHoldsOnlyItsFunctionsAndWorkersCannotDispatch() throws Exception {
        try (Connection d = dispatcher.connect()) {
            assertRefused("42501", () -> d.createStatement().executeQuery("select * from sor.outbox"));
            assertRefused("42501", () -> Sql.run(d, "select sor_api.enqueue_task('acme', 'q', 's')"));
            assertRefused("42501", () -> Sql.run(d, "select sor.enqueue_outbox('acme', 't', 'e', '1', '{}', '{}', 'k')"));
            assertRefused("42501", () -> Sql.run(d, "select sor_api.retry_outbox(1)"));
        }
        try (Connection w = worker.connect()) {
            assertRefused("42501", () -> lease(w, 1, "1 minute"));
            assertRefused("42501", () -> markDispatched(w, 1, 1L, "ref"));
        }
    }
}
