package dev.pgsor.events;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.Race;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stream heads instead of advisory locks: one transaction touches tens of thousands of streams
 * without growing the lock table; nothing another login can lock stalls a tenant; the batch API
 * keeps append_event's guarantees and names the event it refuses; the head row records the tail,
 * so cutting it off is found.
 */
@SorTest
class StreamHeadsTest {

    static SorDatabase db;
    static Database worker;
    static Database otherWorker;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme", "globex");
        db.exec("select sor_api.create_queue('heads-q', 'stream heads')");
        worker = db.worker("expense-reconciler", "acme");
        otherWorker = db.worker("expense-reconciler", "globex");
    }

    private static String batch(String prefix, int from, int count) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"stream\": \"").append(prefix).append('-').append(from + i).append("\", \"type\": \"Imported\", \"payload\": {\"row\": ")
                    .append(from + i).append("}}");
        }
        return b.append(']').toString();
    }

    private static String tasks(String prefix, int from, int count) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"subject\": \"row ").append(from + i).append("\", \"dedupe_key\": \"").append(prefix).append('-').append(from + i)
                    .append("\"}");
        }
        return b.append(']').toString();
    }

    @Test
    void oneTransactionAppendsToAndEnqueuesFor25000StreamsWithoutGrowingTheLockTable() throws Exception {
        try (Connection c = worker.connect()) {
            c.setAutoCommit(false);
            for (int from = 0; from < 25_000; from += 5_000) {
                assertThat(Sql.scalar(c, "select count(*) from sor_api.append_events('acme', ?::jsonb)", batch("bulk", from, 5_000)))
                        .isEqualTo(5_000L);
                assertThat(Sql.scalar(c, "select count(*) from sor_api.enqueue_tasks('acme', 'heads-q', ?::jsonb)",
                        tasks("bulk", from, 5_000))).isEqualTo(5_000L);
            }
            // the locks this transaction holds do not grow with the streams it touched: relations only
            long locks = (Long) Sql.scalar(c, "select count(*) from pg_locks where pid = pg_backend_pid()");
            long advisory = (Long) Sql.scalar(c, "select count(*) from pg_locks where pid = pg_backend_pid() and locktype = 'advisory'");
            // the one announcement to the tenant's readers (sor.announce_append): a bound and the tenant's key
            assertThat(advisory).isEqualTo(2);
            assertThat(locks).isLessThan(200);
            // while it is open, another tenant's Worker appends and claims normally
            try (Connection o = otherWorker.connect()) {
                Sql.run(o, "set statement_timeout = '10s'");
                assertThat(Sql.scalar(o, "select version from sor_api.append_event('globex', 'expense-1', 'Noted')")).isEqualTo(1);
                Sql.run(o, "select * from sor_api.enqueue_task('globex', 'heads-q', 'other', '{}'::jsonb)");
                assertThat(Sql.rows(o, "select subject from sor_api.claim_tasks('heads-q', 1, '1 minute')"))
                        .containsExactly(List.of("other"));
            }
            c.commit();
        }
        assertThat(db.count("select count(*) from sor.streams where tenant_id = 'acme' and stream like 'bulk-%' and version = 1"))
                .isEqualTo(25_000);
        assertThat(db.count("select count(*) from sor.tasks where tenant_id = 'acme' and queue = 'heads-q'")).isEqualTo(25_000);
        assertThat(db.count("select count(*) from sor_api.verify_events('acme')")).isZero();
    }

    @Test
    void noOtherLoginCanLockAStreamHead() throws Exception {
        Sql.run(worker.connect(), "select sor_api.append_event('acme', 'locked-1', 'Noted')");
        for (Database who : List.of(worker, db.tenantUser("acme"), db.auditor(), db.dispatcher("acme"), db.sorAdmin())) {
            try (Connection c = who.connect()) {
                assertRefused("42501", who.user() + " selecting heads for update",
                        () -> Sql.run(c, "select * from sor.streams for update"));
                assertRefused("42501", who.user() + " locking the heads table",
                        () -> Sql.run(c, "begin; lock table sor.streams in access exclusive mode"));
            }
        }
        // no kit function waits for an advisory lock: the one that takes any, the announcement to a
        // tenant's readers, only tries them
        assertThat(db.rows("select p.proname, p.prosrc ~ 'pg_advisory_(xact_)?lock(_shared)?\\(' from pg_proc p"
                + " join pg_namespace n on n.oid = p.pronamespace"
                + " where n.nspname in ('sor', 'sor_api', 'sor_guard') and p.prosrc ~ 'pg_(try_)?advisory'"))
                .containsExactly(List.of("announce_append", false));
    }

    /**
     * A login holding, exclusively, every advisory key an append of its tenant would take first
     * (the tenant's key and the bounds around the last position drawn) stalls nothing: the append
     * announces itself on other keys at once, and the tenant's reader still never skips its event.
     * No kit login may take an advisory lock (SharedLockTableTest); the hostile here is another
     * application's login of the same database, granted the function by name.
     */
    @Test
    void aLoginHoldingTheAnnouncementKeysStallsNoAppend() throws Exception {
        Sql.run(worker.connect(), "select sor_api.append_event('acme', 'announced-0', 'Noted')");
        Database otherApp = db.loginRole("other_app");
        db.exec("grant execute on function pg_advisory_lock(bigint), pg_advisory_lock(integer, integer) to " + otherApp.user());
        try (Connection hostile = otherApp.connect(); Connection c = worker.connect(); Connection reader = worker.connect()) {
            long last = ((Number) db.scalar("select pg_sequence_last_value('sor.events_position_seq')")).longValue();
            Sql.run(hostile, "select pg_advisory_lock(hashtext('acme'), 5459794)");
            Sql.run(hostile, "select pg_advisory_lock(k) from generate_series(?::bigint - 200, ?::bigint + 200) k", last, last);
            long before = ((Number) Sql.scalar(reader,
                    "select coalesce(max(position), 0) from sor_api.tenant_events_since('acme', 0, 10000)")).longValue();
            Sql.run(c, "set lock_timeout = '1s'");
            c.setAutoCommit(false);
            long position = ((Number) Sql.scalar(c, "select position from sor_api.append_event('acme', 'announced-1', 'Noted')"))
                    .longValue();
            long second = ((Number) Sql.scalar(c, "select position from sor_api.append_event('acme', 'announced-2', 'Noted')"))
                    .longValue();
            assertThat(Sql.scalar(c, "select count(*) from pg_locks where pid = pg_backend_pid() and locktype = 'advisory'"))
                    .isEqualTo(2L);
            // while it is open the reader waits for it; after its commit it reads both
            assertThat(Sql.rows(reader, "select position from sor_api.tenant_events_since('acme', ?, 100)", before)).isEmpty();
            c.commit();
            assertThat(Sql.rows(reader, "select position from sor_api.tenant_events_since('acme', ?, 100)", before))
                    .containsExactly(List.of(position), List.of(second));
            Sql.run(hostile, "select pg_advisory_unlock_all()");
        }
    }

    @Test
    void concurrentFirstAppendsToANewStreamStayGaplessOverManyRounds() throws Exception {
        for (int round = 0; round < 10; round++) {
            String stream = "fresh-" + round;
            List<Race.Outcome<Integer>> out = Race.onConnections(worker, 6, (c, t) ->
                    (Integer) Sql.scalar(c, "select version from sor_api.append_event('acme', ?, 'Noted')", stream));
            assertThat(Race.values(out)).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
            assertThat(db.rows("select version, position > lag(position) over (order by version) from sor.events"
                    + " where tenant_id = 'acme' and stream = ? order by version offset 1", stream))
                    .allSatisfy(r -> assertThat(r.get(1)).isEqualTo(true));
            // expected version 0 on a new stream: exactly one racer starts it
            String claimed = "claimed-" + round;
            List<Race.Outcome<Integer>> zero = Race.onConnections(worker, 6, (c, t) ->
                    (Integer) Sql.scalar(c, "select version from sor_api.append_event('acme', ?, 'Started', '{}', '{}', 0)", claimed));
            assertThat(zero.stream().filter(Race.Outcome::ok).count()).isEqualTo(1);
            assertThat(zero.stream().filter(o -> !o.ok()).map(Race.Outcome::sqlState)).containsOnly("SR013");
        }
        assertThat(db.scalar("select intact from sor_api.verify_events_summary('acme')")).isEqualTo(true);
    }

    @Test
    void batchesOverTheSameStreamsInOppositeOrderDoNotDeadlock() throws Exception {
        for (int round = 0; round < 20; round++) {
            String a = "crossed-a" + round;
            String b = "crossed-b" + round;
            List<Race.Outcome<Long>> out = Race.onConnections(worker, 2, (c, t) -> {
                String first = t == 0 ? a : b;
                String second = t == 0 ? b : a;
                return (Long) Sql.scalar(c, "select count(*) from sor_api.append_events('acme', ?::jsonb)",
                        "[{\"stream\": \"" + first + "\", \"type\": \"One\"}, {\"stream\": \"" + second + "\", \"type\": \"Two\"},"
                        + " {\"stream\": \"" + first + "\", \"type\": \"Three\"}]");
            });
            assertThat(Race.values(out)).containsExactly(3L, 3L);
            assertThat(db.rows("select stream, array_agg(version order by version)::text from sor.events"
                    + " where tenant_id = 'acme' and stream in (?, ?) group by stream order by stream", a, b))
                    .containsExactly(List.of(a, "{1,2,3}"), List.of(b, "{1,2,3}"));
        }
        assertThat(db.scalar("select intact from sor_api.verify_events_summary('acme')")).isEqualTo(true);
    }

    @Test
    void aBatchKeepsTheRulesOfAppendEventAndNamesTheEventItRefuses() throws Exception {
        try (Connection c = worker.connect()) {
            Sql.run(c, "select * from sor_api.append_events('acme', ?::jsonb)", batch("ruled", 0, 1));
            assertThat(assertRefusedAndNothingWritten(db, "SR011", "a malformed type",
                    () -> Sql.run(c, "select * from sor_api.append_events('acme', ?::jsonb)",
                            "[{\"stream\": \"ruled-1\", \"type\": \"Ok\"}, {\"stream\": \"ruled-1\", \"type\": \"1bad\"}]")).getMessage())
                    .contains("event 2 of the batch");
            assertThat(assertRefusedAndNothingWritten(db, "SR013", "a stale expectation in the middle",
                    () -> Sql.run(c, "select * from sor_api.append_events('acme', ?::jsonb)",
                            "[{\"stream\": \"ruled-0\", \"type\": \"A\", \"expected_version\": 1},"
                            + " {\"stream\": \"ruled-0\", \"type\": \"B\", \"expected_version\": 1}]")).getMessage())
                    .contains("event 2 of the batch").contains("ruled-0");
            // of two stale expectations on two streams, the first in the batch is named, whatever the streams' order
            assertThat(assertRefusedAndNothingWritten(db, "SR013", "stale expectations on two streams",
                    () -> Sql.run(c, "select * from sor_api.append_events('acme', ?::jsonb)",
                            "[{\"stream\": \"ruled-z\", \"type\": \"A\", \"expected_version\": 0},"
                            + " {\"stream\": \"ruled-z\", \"type\": \"A\", \"expected_version\": 2},"
                            + " {\"stream\": \"ruled-0\", \"type\": \"A\", \"expected_version\": 7}]")).getMessage())
                    .contains("event 2 of the batch").contains("ruled-z").contains("stream version: 1");
            assertThat(assertRefusedAndNothingWritten(db, "SR017", "a reserved stream",
                    () -> Sql.run(c, "select * from sor_api.append_events('acme', ?::jsonb)",
                            "[{\"stream\": \"ruled-0\", \"type\": \"A\"}, {\"stream\": \"task-9\", \"type\": \"A\"}]")).getMessage())
                    .contains("event 2 of the batch");
            assertRefusedAndNothingWritten(db, "SR008", "a tenant the Worker is not a member of",
                    () -> Sql.run(c, "select * from sor_api.append_events('globex', ?::jsonb)", batch("ruled", 0, 1)));
            assertRefusedAndNothingWritten(db, "SR011", "an empty batch",
                    () -> Sql.run(c, "select * from sor_api.append_events('acme', '[]'::jsonb)"));
            assertRefusedAndNothingWritten(db, "SR011", "10001 events",
                    () -> Sql.run(c, "select * from sor_api.append_events('acme', ?::jsonb)", batch("big", 0, 10_001)));
            // expectations chain within the batch: versions 1, 2, 3 of a stream in one call
            assertThat(Sql.rows(c, "select ordinal, stream, version from sor_api.append_events('acme', ?::jsonb)",
                    "[{\"stream\": \"ruled-0\", \"type\": \"A\", \"expected_version\": 1},"
                    + " {\"stream\": \"chained-1\", \"type\": \"A\", \"expected_version\": 0},"
                    + " {\"stream\": \"ruled-0\", \"type\": \"B\", \"expected_version\": 2}]"))
                    .containsExactly(List.of(1, "ruled-0", 2), List.of(2, "chained-1", 1), List.of(3, "ruled-0", 3));
        }
    }

    @Test
    void aTruncatedTailIsFoundByTheHeadRow() throws Exception {
        // on its own tenant: the damage stays out of the other tests' verifications
        db.addTenant("initech", "Initech");
        Database initech = db.worker("expense-reconciler", "initech");
        Events.append(initech, "initech", "tail-1", 4);
        Tamper.events(db, "delete from sor.events where tenant_id = 'initech' and stream = 'tail-1' and version = 4");
        assertThat(db.rows("select stream, version, problem from sor_api.verify_events('initech', 'tail-1')"))
                .containsExactly(List.of("tail-1", 3, "head_mismatch"));
    }

    @Test
    void appendsToDifferentStreamsDoNotWaitOnEachOther() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection holder = worker.connect()) {
            holder.setAutoCommit(false);
            Sql.run(holder, "select sor_api.append_event('acme', 'held-1', 'Noted')");
            CountDownLatch done = new CountDownLatch(1);
            Future<Integer> other = pool.submit(() -> {
                try (Connection c = worker.connect()) {
                    int v = (Integer) Sql.scalar(c, "select version from sor_api.append_event('acme', 'held-2', 'Noted')");
                    done.countDown();
                    return v;
                }
            });
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(other.get()).isEqualTo(1);
            holder.rollback();
        } finally {
            pool.shutdownNow();
        }
        assertThat(db.count("select count(*) from sor.streams where tenant_id = 'acme' and stream = 'held-1'")).isZero();
    }
}
