package dev.pgsor.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgsor.db.Database;
import dev.pgsor.support.TestDatabase.Sql;
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
class EventsSinceTest {

    Fixture fx;

    @BeforeEach
    void setUp() {
        fx = new Fixture();
    }

    @AfterEach
    void tearDown() {
        fx.close();
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
        try (Connection first = fx.acmeWorker.connect(); Connection second = fx.acmeWorker.connect()) {
            Consumer consumer = new Consumer(fx.auditor);
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            long low = Fixture.append(first, "acme", "late-1", "Noted", "{}");
            long high = Fixture.append(second, "acme", "early-1", "Noted", "{}");
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
        try (Connection older = fx.acmeWorker.connect(); Connection younger = fx.acmeWorker.connect()) {
            Consumer consumer = new Consumer(fx.auditor);
            long before = Fixture.append(older, "acme", "warmup-1", "Noted", "{}");
            assertThat(consumer.poll()).containsExactly(before);
            older.setAutoCommit(false);
            younger.setAutoCommit(false);
            Sql.scalar(older, "select pg_current_xact_id()");
            long low = Fixture.append(younger, "acme", "young-1", "Noted", "{}");
            long high = Fixture.append(older, "acme", "old-1", "Noted", "{}");
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
        try (Connection c = fx.acmeWorker.connect()) {
            Consumer consumer = new Consumer(fx.acmeWorker);
            c.setAutoCommit(false);
            Fixture.append(c, "acme", "gone-1", "Noted", "{}");
            assertThat(consumer.poll()).isEmpty();
            c.rollback();
            c.setAutoCommit(true);
            long kept = Fixture.append(c, "acme", "kept-1", "Noted", "{}");
            assertThat(consumer.poll()).containsExactly(kept);
        }
    }

    @Test
    void consumersSeeOnlyTheirTenantsAndAuditorsSeeAll() throws Exception {
        List<Long> acme = Fixture.append(fx.acmeWorker, "acme", "expense-1", 3);
        List<Long> globex = Fixture.append(fx.globexWorker, "globex", "expense-1", 2);
        assertThat(new Consumer(fx.acmeWorker).poll()).containsExactlyElementsOf(acme);
        assertThat(new Consumer(fx.acmeUser).poll()).containsExactlyElementsOf(acme);
        assertThat(new Consumer(fx.globexWorker).poll()).containsExactlyElementsOf(globex);
        assertThat(new Consumer(fx.outsider).poll()).isEmpty();
        List<Long> all = new ArrayList<>(acme);
        all.addAll(globex);
        assertThat(new Consumer(fx.auditor).poll()).containsExactlyElementsOf(all);
        assertThat(Sql.rows(fx.acmeWorker, "select tenant_id, stream, version, type, payload::text from sor_api.events_since(0, 1)"))
                .containsExactly(List.of("acme", "expense-1", 1, "Noted", "{\"n\": 0}"));
        assertThatThrownBy(() -> Sql.run(fx.acmeWorker, "select * from sor_api.events_since(?, 10)", globex.get(0)))
                .extracting("SQLState").isEqualTo("SR015");
    }

    @Test
    void badCursorsAndLimitsAreRefused() throws Exception {
        Fixture.append(fx.acmeWorker, "acme", "expense-1", 1);
        for (String sql : List.of("select * from sor_api.events_since(-1, 10)", "select * from sor_api.events_since(null, 10)")) {
            assertThatThrownBy(() -> Sql.run(fx.acmeWorker, sql)).as(sql).extracting("SQLState").isEqualTo("SR011");
        }
        for (String sql : List.of("select * from sor_api.events_since(0, 0)", "select * from sor_api.events_since(0, -5)",
                "select * from sor_api.events_since(0, null)", "select * from sor_api.events_since(0, 10001)",
                "select * from sor_api.events_since(0, 2147483647)")) {
            assertThatThrownBy(() -> Sql.run(fx.acmeWorker, sql)).as(sql).extracting("SQLState").isEqualTo("SR016");
        }
        assertThatThrownBy(() -> Sql.run(fx.acmeWorker, "select * from sor_api.events_since(999999, 10)"))
                .extracting("SQLState").isEqualTo("SR015");
        assertThat(Sql.rows(fx.acmeWorker, "select count(*) from sor_api.events_since(0, 10000)")).containsExactly(List.of(1L));
    }
}
