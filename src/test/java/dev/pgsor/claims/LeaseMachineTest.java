package dev.pgsor.claims;

import static dev.pgsor.testkit.SorAssertions.assertNothingWritten;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.Race;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one lease machine, one suite run against both of its tables: a task claimed by a Worker and
 * an outbox row leased by a dispatcher follow the same rules, with the same answers. A lapsed
 * lease refuses its own holder (SR057 for both), a stale or NULL token and another holder are
 * refused, a lease taken back carries a larger token, and racing holders never take one row twice.
 * Each test runs in a tenant of its own, as the role the real caller uses.
 */
@SorTest
class LeaseMachineTest {

    /** A row taken under a lease: its id and fencing token. */
    record Held(long id, long token) { }

    /** One of the lease machine's tables, as its callers use it. */
    interface Kind {
        String name();

        /** A login of the role that takes these leases, member of the tenant. */
        Database holder(String tenant);

        /** Puts rows due now in the tenant, as the writers do. */
        void put(String tenant, int rows) throws SQLException;

        List<Held> take(Connection c, int batch, String lease) throws SQLException;

        void settle(Connection c, long id, Long token) throws SQLException;

        void fail(Connection c, long id, Long token) throws SQLException;

        String unknown();

        String stale();
    }

    static SorDatabase db;
    static final AtomicInteger TENANTS = new AtomicInteger();

    static final Kind TASKS = new Kind() {
        public String name() {
            return "tasks";
        }

        public Database holder(String tenant) {
            return db.worker("expense-reconciler", tenant);
        }

        public void put(String tenant, int rows) {
            db.exec("insert into sor.tasks (tenant_id, queue, subject, max_attempts) select '" + tenant
                    + "', 'leases', 'row ' || g, 5 from generate_series(1, " + rows + ") g");
        }

        public List<Held> take(Connection c, int batch, String lease) throws SQLException {
            return Claims.claim(c, "leases", batch, lease).stream().map(x -> new Held(x.taskId(), x.token())).toList();
        }

        public void settle(Connection c, long id, Long token) throws SQLException {
            Claims.complete(c, id, token);
        }

        public void fail(Connection c, long id, Long token) throws SQLException {
            Claims.fail(c, id, token, "failed");
        }

        public String unknown() {
            return "SR055";
        }

        public String stale() {
            return "SR056";
        }

        @Override
        public String toString() {
            return name();
        }
    };

    static final Kind OUTBOX = new Kind() {
        public String name() {
            return "outbox";
        }

        public Database holder(String tenant) {
            return db.dispatcher(tenant);
        }

        public void put(String tenant, int rows) {
            db.exec("insert into sor.outbox (tenant_id, topic, aggregate_type, aggregate_id, dedupe_key) select '" + tenant
                    + "', 'email', 'expense', g::text, 'row-' || g from generate_series(1, " + rows + ") g");
        }

        public List<Held> take(Connection c, int batch, String lease) throws SQLException {
            return Claims.lease(c, batch, lease).stream().map(x -> new Held(x.outboxId(), x.token())).toList();
        }

        public void settle(Connection c, long id, Long token) throws SQLException {
            Claims.markDispatched(c, id, token, "ref-" + id);
        }

        public void fail(Connection c, long id, Long token) throws SQLException {
            Claims.markFailed(c, id, token, "failed");
        }

        public String unknown() {
            return "SR061";
        }

        public String stale() {
            return "SR062";
        }

        @Override
        public String toString() {
            return name();
        }
    };

    static Stream<Kind> kinds() {
        return Stream.of(TASKS, OUTBOX);
    }

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.exec("select sor_api.create_queue('leases', 'the lease suite', 5)");
    }

    static String newTenant() {
        String t = "lease-" + TENANTS.incrementAndGet();
        db.addTenants(t);
        return t;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void lapsedLeaseIsRefusedToItsOwnHolder_SR057(Kind kind) throws Exception {
        String tenant = newTenant();
        kind.put(tenant, 1);
        try (Connection c = kind.holder(tenant).connect()) {
            Held h = kind.take(c, 1, "200 milliseconds").get(0);
            Thread.sleep(400);
            assertRefusedAndNothingWritten(db, "SR057", () -> kind.settle(c, h.id(), h.token()));
            assertRefusedAndNothingWritten(db, "SR057", () -> kind.fail(c, h.id(), h.token()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void staleNullOrUnknownTokensAndAnotherHolderAreRefused(Kind kind) throws Exception {
        String tenant = newTenant();
        kind.put(tenant, 1);
        try (Connection c = kind.holder(tenant).connect(); Connection other = kind.holder(tenant).connect()) {
            Held h = kind.take(c, 1, "1 minute").get(0);
            assertNothingWritten(db, () -> {
                assertRefused(kind.stale(), () -> kind.settle(c, h.id(), null));
                assertRefused(kind.stale(), () -> kind.settle(c, h.id(), h.token() + 1000));
                assertRefused(kind.stale(), "the holder's token in another login's hands", () -> kind.settle(other, h.id(), h.token()));
                assertRefused(kind.stale(), () -> kind.fail(other, h.id(), h.token()));
                assertRefused(kind.unknown(), () -> kind.settle(c, -1, h.token()));
            });
            kind.settle(c, h.id(), h.token());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void lapsedLeaseIsTakenBackWithALargerTokenAndTheOldHolderRefused(Kind kind) throws Exception {
        String tenant = newTenant();
        kind.put(tenant, 1);
        try (Connection slow = kind.holder(tenant).connect(); Connection fresh = kind.holder(tenant).connect()) {
            Held old = kind.take(slow, 1, "200 milliseconds").get(0);
            assertThat(kind.take(fresh, 5, "1 minute")).as("not lapsed yet").isEmpty();
            Thread.sleep(400);
            Held taken = kind.take(fresh, 5, "1 minute").get(0);
            assertThat(taken.id()).isEqualTo(old.id());
            assertThat(taken.token()).isGreaterThan(old.token());
            assertRefusedAndNothingWritten(db, kind.stale(), () -> kind.settle(slow, old.id(), old.token()));
            kind.settle(fresh, taken.id(), taken.token());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void racingHoldersNeverTakeOneRowTwiceNorMoreThanAsked(Kind kind) throws Exception {
        String tenant = newTenant();
        int rows = 80;
        kind.put(tenant, rows);
        List<Database> holders = List.of(kind.holder(tenant), kind.holder(tenant), kind.holder(tenant), kind.holder(tenant));
        AtomicInteger oversized = new AtomicInteger();
        List<Long> taken = new ArrayList<>();
        for (List<Long> mine : Race.values(Race.together(holders.size(), t -> {
            List<Long> got = new ArrayList<>();
            try (Connection c = holders.get(t).connect()) {
                while (true) {
                    int batch = ThreadLocalRandom.current().nextInt(1, 8);
                    List<Held> held = kind.take(c, batch, "1 minute");
                    if (held.size() > batch) {
                        oversized.incrementAndGet();
                    }
                    if (held.isEmpty()) {
                        return got;
                    }
                    for (Held h : held) {
                        got.add(h.id());
                        kind.settle(c, h.id(), h.token());
                    }
                }
            }
        }))) {
            taken.addAll(mine);
        }
        assertThat(oversized.get()).isZero();
        assertThat(taken).hasSize(rows).doesNotHaveDuplicates();
        Set<Long> distinct = new HashSet<>(taken);
        assertThat(distinct).hasSize(rows);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void certifyHasOneLeaseCheckForBothTables(Kind kind) {
        assertThat(Sql.rows(db.admin(), "select object, ok from sor.certify__050_claims()"
                + " where check_name = 'held leases have a holder, an issued fencing token and an expiry' order by object"))
                .containsExactly(List.of("sor.outbox", true), List.of("sor.tasks", true));
    }
}
