package dev.pgsor.events;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * events_since never skips an event: a consumer that resumes after the last position it got sees
 * every committed event exactly once, even when a lower position commits after a higher one, and
 * even when an older transaction draws a higher position than a younger one still in flight.
 */
@SorTest(reconciler = true)
class EventsSinceTest {

    SorDatabase db;
    Database acmeWorker;
    Database globexWorker;
    Database acmeUser;
    Database auditor;
    Database outsider;

    /** Each test starts from no events at all: a database of its own. */
    @BeforeEach
    void setUp(SorDatabase suite) {
        db = suite.fresh();
        db.addTenants("acme", "globex");
        acmeWorker = db.worker("expense-reconciler", "acme");
        globexWorker = db.worker("expense-reconciler", "globex");
        acmeUser = db.tenantUser("acme");
        auditor = db.auditor();
        outsider = db.loginRole("nobody", "sor_worker", "sor_tenant");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    /** A consumer: pages through events_since with a small page and remembers its cursor. */
    static final class Consumer {
        final Database as;
        long cursor;
        final List<Long> seen = new ArrayList<>();

        Consumer(Database as) {
            this.as = as;
        }

        List<Long> poll() {
            List<Long> got = new ArrayList<>();
            while (true) {
                List<List<Object>> page = Sql.rows(as, "select position from sor_api.events_since(?, 2)", cursor);
                for (List<Object> row : page) {
                    got.add((Long) row.get(0));
                    cursor = (Long) row.get(0);
                }
                if (page.size() < 2) {
                    seen.addAll(got);
                    return got;
                }
            }
        }
    }

    @Test
    void lowerPositionCommittingLastIsNotSkipped() throws Exception {
        try (Connection first = acmeWorker.connect(); Connection second = acmeWorker.connect()) {
            Consumer consumer = new Consumer(auditor);
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            long low = Events.append(first, "acme", "late-1", "Noted", "{}");
            long high = Events.append(second, "acme", "early-1", "Noted", "{}");
            assertThat(low).isLessThan(high);
            second.commit();
            assertThat(consumer.poll()).isEmpty();
            first.commit();
            assertThat(consumer.poll()).containsExactly(low, high);
            assertThat(consumer.poll()).isEmpty();
        }
    }

    @Test
    void olderTransactionWithAHigherPositionDoesNotMakeTheConsumerSkipALowerOne() throws Exception {
        try (Connection older = acmeWorker.connect(); Connection younger = acmeWorker.connect()) {
            Consumer consumer = new Consumer(auditor);
            long before = Events.append(older, "acme", "warmup-1", "Noted", "{}");
            assertThat(consumer.poll()).containsExactly(before);
            older.setAutoCommit(false);
            younger.setAutoCommit(false);
            Sql.scalar(older, "select pg_current_xact_id()");
            long low = Events.append(younger, "acme", "young-1", "Noted", "{}");
            long high = Events.append(older, "acme", "old-1", "Noted", "{}");
            assertThat(low).isLessThan(high);
            older.commit();
            assertThat(consumer.poll()).containsExactly(high);
            younger.commit();
            assertThat(consumer.poll()).containsExactly(low);
            assertThat(consumer.seen).containsExactlyInAnyOrder(before, low, high);
        }
    }

    @Test
    void rolledBackAppendsLeaveNothingAndBlockNothing() throws Exception {
        try (Connection c = acmeWorker.connect()) {
            Consumer consumer = new Consumer(acmeWorker);
            c.setAutoCommit(false);
            Events.append(c, "acme", "gone-1", "Noted", "{}");
            assertThat(consumer.poll()).isEmpty();
            c.rollback();
            c.setAutoCommit(true);
            long kept = Events.append(c, "acme", "kept-1", "Noted", "{}");
            assertThat(consumer.poll()).containsExactly(kept);
        }
    }

    @Test
    void consumersSeeOnlyTheirTenantsAndAuditorsSeeAll() throws Exception {
        List<Long> acme = Events.append(acmeWorker, "acme", "expense-1", 3);
        List<Long> globex = Events.append(globexWorker, "globex", "expense-1", 2);
        assertThat(new Consumer(acmeWorker).poll()).containsExactlyElementsOf(acme);
        assertThat(new Consumer(acmeUser).poll()).containsExactlyElementsOf(acme);
        assertThat(new Consumer(globexWorker).poll()).containsExactlyElementsOf(globex);
        assertThat(new Consumer(outsider).poll()).isEmpty();
        List<Long> all = new ArrayList<>(acme);
        all.addAll(globex);
        assertThat(new Consumer(auditor).poll()).containsExactlyElementsOf(all);
        assertThat(Sql.rows(acmeWorker, "select tenant_id, stream, version, type, payload::text from sor_api.events_since(0, 1)"))
                .containsExactly(List.of("acme", "expense-1", 1, "Noted", "{\"n\": 0}"));
        assertRefused("SR015", () -> Sql.run(acmeWorker, "select * from sor_api.events_since(?, 10)", globex.get(0)));
    }

    @Test
    void badCursorsAndLimitsAreRefused() throws Exception {
        Events.append(acmeWorker, "acme", "expense-1", 1);
        for (String sql : List.of("select * from sor_api.events_since(-1, 10)", "select * from sor_api.events_since(null, 10)")) {
            assertRefused("SR011", sql, () -> Sql.run(acmeWorker, sql));
        }
        for (String sql : List.of("select * from sor_api.events_since(0, 0)", "select * from sor_api.events_since(0, -5)",
                "select * from sor_api.events_since(0, null)", "select * from sor_api.events_since(0, 10001)",
                "select * from sor_api.events_since(0, 2147483647)")) {
            assertRefused("SR016", sql, () -> Sql.run(acmeWorker, sql));
        }
        assertRefused("SR015", () -> Sql.run(acmeWorker, "select * from sor_api.events_since(999999, 10)"));
        assertThat(Sql.rows(acmeWorker, "select count(*) from sor_api.events_since(0, 10000)")).containsExactly(List.of(1L));
    }
}
