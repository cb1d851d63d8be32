package dev.pgsor.events;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tenant's readers (sor_api.tenant_events_since, sor_api.read_subscription) are held back by the
 * tenant's own transactions in flight only: another tenant's open transaction, or any open
 * transaction that appends nothing, never delays them; and reading on from the last position
 * returned never skips an event, however the tenant's writers interleave and commit.
 */
@SorTest
class TenantHorizonTest {

    SorDatabase db;
    Database acme;
    Database globex;

    @BeforeEach
    void setUp(SorDatabase suite) {
        db = suite.fresh();
        db.addTenants("acme", "globex");
        acme = db.worker("projector", "acme");
        globex = db.worker("projector", "globex");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    static List<Long> since(Connection c, String tenant, long after) throws Exception {
        return Sql.rows(c, "select position from sor_api.tenant_events_since(?, ?, 10000)", tenant, after).stream()
                .map(r -> ((Number) r.get(0)).longValue()).toList();
    }

    @Test
    void anotherTenantsOpenTransactionDoesNotHoldAReaderBack() throws Exception {
        Sql.rows(acme, "select * from sor_api.subscribe('acme', 'books')");
        try (Connection other = globex.connect(); Connection idle = db.admin().connect();
             Connection writer = acme.connect(); Connection reader = acme.connect()) {
            other.setAutoCommit(false);
            idle.setAutoCommit(false);
            // globex appends and stays open; an unrelated session holds a transaction id and stays open
            long globexEvent = Events.append(other, "globex", "order-1", "Noted", "{}");
            Sql.scalar(idle, "select pg_current_xact_id()::text");
            long acmeEvent = Events.append(writer, "acme", "order-1", "Noted", "{}");
            assertThat(acmeEvent).isGreaterThan(globexEvent);

            assertThat(since(reader, "acme", 0)).containsExactly(acmeEvent);
            assertThat(Sql.rows(reader, "select position from sor_api.read_subscription('acme', 'books', 100)"))
                    .containsExactly(List.of(acmeEvent));
            assertThat(Sql.rows(reader, "select * from sor_api.ack_subscription('acme', 'books', ?)", acmeEvent))
                    .containsExactly(List.of(acmeEvent, true));
            // the global reader, by contrast, waits for every transaction in flight
            assertThat(Sql.rows(reader, "select position from sor_api.events_since(0, 100)")).isEmpty();
            // globex's own reader waits for globex's open transaction
            try (Connection globexReader = globex.connect()) {
                assertThat(since(globexReader, "globex", 0)).isEmpty();
                other.commit();
                assertThat(since(globexReader, "globex", 0)).containsExactly(globexEvent);
            }
            idle.commit();
        }
    }

    /** Calls of sor.tenant_horizon counted so far in this session's open transaction (and any not yet flushed). */
    static long horizonCalls(Connection c) throws Exception {
        return ((Number) Sql.scalar(c, "select coalesce(sum(calls), 0) from pg_stat_xact_user_functions"
                + " where schemaname = 'sor' and funcname = 'tenant_horizon'")).longValue();
    }

    /**
     * A reader that has read everything and polls again does not read the horizon (and with it the
     * server's lock table, whose cost grows with every lock held in the server) until an event of its
     * tenant is visible after its cursor; a writer of the tenant in flight keeps its page empty.
     */
    @Test
    void anIdleReaderPollsWithoutTheHorizonUntilAnEventArrives() throws Exception {
        db.exec("alter role " + acme.user() + " set track_functions = 'pl'");
        Sql.rows(acme, "select * from sor_api.subscribe('acme', 'idle-books')");
        long first;
        try (Connection w = acme.connect()) {
            first = Events.append(w, "acme", "order-1", "Noted", "{}");
        }
        try (Connection reader = acme.connect(); Connection writer = acme.connect()) {
            assertThat(since(reader, "acme", 0)).containsExactly(first);
            assertThat(Sql.rows(reader, "select position from sor_api.read_subscription('acme', 'idle-books', 10)"))
                    .containsExactly(List.of(first));
            Sql.rows(reader, "select * from sor_api.ack_subscription('acme', 'idle-books', ?)", first);
            // the first empty pages read the horizon; the reader is idle from then on
            assertThat(since(reader, "acme", first)).isEmpty();
            assertThat(Sql.rows(reader, "select * from sor_api.read_subscription('acme', 'idle-books', 10)")).isEmpty();
            reader.setAutoCommit(false);
            long before = horizonCalls(reader);
            for (int i = 0; i < 3; i++) {
                assertThat(since(reader, "acme", first)).isEmpty();
                assertThat(Sql.rows(reader, "select * from sor_api.read_subscription('acme', 'idle-books', 10)")).isEmpty();
            }
            assertThat(horizonCalls(reader) - before).as("horizons read by six idle pages").isZero();
            reader.commit();

            // a writer of the tenant in flight: nothing is visible yet, the pages stay empty
            writer.setAutoCommit(false);
            long second = Events.append(writer, "acme", "order-2", "Noted", "{}");
            assertThat(since(reader, "acme", first)).isEmpty();
            assertThat(Sql.rows(reader, "select * from sor_api.read_subscription('acme', 'idle-books', 10)")).isEmpty();
            reader.commit();
            writer.commit();
            // it committed: the next pages find it, through the horizon
            before = horizonCalls(reader);
            assertThat(since(reader, "acme", first)).containsExactly(second);
            assertThat(Sql.rows(reader, "select position from sor_api.read_subscription('acme', 'idle-books', 10)"))
                    .containsExactly(List.of(second));
            assertThat(horizonCalls(reader) - before).as("horizons read by two pages that found an event").isEqualTo(2);
            reader.commit();
        }
    }

    @Test
    void theTenantsOwnOpenTransactionHoldsItsReaderBackAndNothingIsSkipped() throws Exception {
        try (Connection early = acme.connect(); Connection late = acme.connect(); Connection reader = acme.connect()) {
            early.setAutoCommit(false);
            // a transaction id taken long before the append (a Worker that wrote its journal first)
            Sql.scalar(early, "select pg_current_xact_id()::text");
            long committed = Events.append(late, "acme", "order-1", "Noted", "{}");
            long first = Events.append(early, "acme", "order-2", "Noted", "{}");
            long second = Events.append(late, "acme", "order-3", "Noted", "{}");
            assertThat(since(reader, "acme", 0)).containsExactly(committed);
            early.commit();
            assertThat(since(reader, "acme", committed)).containsExactly(first, second);
        }
    }

    @Test
    void aTaskOutcomeInFlightHoldsItsTenantsReaderBackLikeAnAppend() throws Exception {
        // the outcome events of tasks go through the set-based path with streams the kit serialises
        // (no head claimed before the insert): they announce themselves to the tenant's readers all
        // the same, for the batch and the single call
        db.exec("select sor_api.create_queue('horizon-q', 'outcomes in flight')");
        Sql.rows(acme, "select * from sor_api.enqueue_tasks('acme', 'horizon-q', '[{\"subject\": \"a\"}, {\"subject\": \"b\"}]'::jsonb)");
        List<List<Object>> claimed = Sql.rows(acme,
                "select task_id, fencing_token from sor_api.claim_tasks('horizon-q', 2, '5 minutes') order by task_id");
        assertThat(claimed).hasSize(2);
        for (String call : List.of("batch", "single")) {
            List<Object> task = claimed.get(call.equals("batch") ? 0 : 1);
            try (Connection early = acme.connect(); Connection late = acme.connect(); Connection reader = acme.connect()) {
                long before = Sql.rows(reader, "select max(position) from sor_api.tenant_events_since('acme', 0, 10000)").stream()
                        .map(r -> r.get(0) == null ? 0L : ((Number) r.get(0)).longValue()).findFirst().orElse(0L);
                early.setAutoCommit(false);
                Sql.scalar(early, "select pg_current_xact_id()::text");
                if (call.equals("batch")) {
                    Sql.rows(early, "select * from sor_api.complete_tasks(jsonb_build_array(jsonb_build_object('task_id', ?::bigint, 'fencing_token', ?::bigint)))",
                            task.get(0), task.get(1));
                } else {
                    Sql.rows(early, "select sor_api.complete_task(?, ?)", task.get(0), task.get(1));
                }
                long outcome = ((Number) Sql.scalar(early,
                        "select max(position) from sor_api.read_stream('acme', 'task-' || ?, 1, 100)", task.get(0))).longValue();
                long later = Events.append(late, "acme", "order-" + call, "Noted", "{}");
                assertThat(later).isGreaterThan(outcome);
                // the later, committed event waits behind the outcome still in flight
                assertThat(since(reader, "acme", before)).as(call).isEmpty();
                early.commit();
                assertThat(since(reader, "acme", before)).as(call).containsExactly(outcome, later);
            }
        }
        assertThat(db.count("select count(*) from sor_api.verify_events('acme')")).isZero();
    }

    @Test
    void aTransactionHoldsOneBoundAndOneTenantLockHoweverManyAppends() throws Exception {
        try (Connection c = acme.connect()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 300; i++) {
                Events.append(c, "acme", "order-" + (i % 5), "Noted", "{}");
            }
            Sql.rows(c, "select * from sor_api.append_events('acme', '[{\"stream\": \"order-9\", \"type\": \"Noted\"}]'::jsonb)");
            assertThat(Sql.rows(c, "select objsubid from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()"
                    + " order by objsubid")).containsExactly(List.of(1), List.of(2));
            c.commit();
        }
    }

    /** The remembered bound is a setting anyone can set: a bound above the last position drawn is ignored. */
    @Test
    void aBoundSetByHandCannotMakeAReaderSkip() throws Exception {
        try (Connection forger = acme.connect(); Connection honest = acme.connect(); Connection reader = acme.connect()) {
            forger.setAutoCommit(false);
            Sql.scalar(forger, "select set_config('sor.append_bound', '999999999999', true)");
            long hidden = Events.append(forger, "acme", "order-1", "Noted", "{}");
            long after = Events.append(honest, "acme", "order-2", "Noted", "{}");
            assertThat(since(reader, "acme", 0)).isEmpty();
            forger.commit();
            assertThat(since(reader, "acme", 0)).containsExactly(hidden, after);
        }
    }

    @Test
    void aReaderNeedsReadCommittedAndSaysSo() throws Exception {
        try (Connection c = acme.connect()) {
            c.setAutoCommit(false);
            Sql.run(c, "set transaction isolation level repeatable read");
            assertRefused("SR086", () -> Sql.rows(c, "select * from sor_api.tenant_events_since('acme', 0, 10)"));
            c.rollback();
        }
        assertRefused("SR008", () -> Sql.rows(acme, "select * from sor_api.tenant_events_since('globex', 0, 10)"));
        assertRefused("SR011", () -> Sql.rows(acme, "select * from sor_api.tenant_events_since('acme', -1, 10)"));
        assertRefused("SR016", () -> Sql.rows(acme, "select * from sor_api.tenant_events_since('acme', 0, 0)"));
    }

    /**
     * Four writers of one tenant (single appends and batches, some holding their transaction open,
     * some taking their transaction id early, some rolling back) and a writer of another tenant
     * that keeps a transaction open, released together, while a reader follows the tenant with
     * tenant_events_since from the last position it got: over many rounds it gets every committed
     * event exactly once, in rising positions, and never one of another tenant.
     */
    @Test
    void aFollowingReaderGetsEveryCommittedEventOnceInOrder() throws Exception {
        for (int round = 0; round < 8; round++) {
            followOneRound(round);
        }
    }

    private void followOneRound(int round) throws Exception {
        int writers = 4;
        CyclicBarrier go = new CyclicBarrier(writers + 2);
        AtomicBoolean done = new AtomicBoolean();
        List<Long> committed = Collections.synchronizedList(new ArrayList<>());
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int n = w;
            threads.add(new Thread(() -> {
                Random random = new Random(round * 31L + n);
                try (Connection c = acme.connect()) {
                    c.setAutoCommit(false);
                    go.await();
                    for (int t = 0; t < 25; t++) {
                        if (random.nextInt(3) == 0) {
                            Sql.scalar(c, "select pg_current_xact_id()::text");
                            Thread.sleep(random.nextInt(3));
                        }
                        List<Long> mine = new ArrayList<>();
                        if (random.nextBoolean()) {
                            mine.add(Events.append(c, "acme", "order-" + n + "-" + t, "Noted", "{}"));
                        } else {
                            for (List<Object> r : Sql.rows(c, "select position from sor_api.append_events('acme', ?::jsonb)",
                                    "[{\"stream\": \"order-b" + n + "\", \"type\": \"Noted\"}, {\"stream\": \"order-c" + n
                                            + "-" + t + "\", \"type\": \"Noted\"}]")) {
                                mine.add(((Number) r.get(0)).longValue());
                            }
                        }
                        Thread.sleep(random.nextInt(4));
                        if (random.nextInt(5) == 0) {
                            c.rollback();
                        } else {
                            c.commit();
                            committed.addAll(mine);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        threads.add(new Thread(() -> {
            try (Connection g = globex.connect()) {
                g.setAutoCommit(false);
                go.await();
                while (!done.get()) {
                    Events.append(g, "globex", "order-1", "Noted", "{}");
                    Thread.sleep(20);
                    g.commit();
                }
            } catch (Throwable e) {
                failures.add(e);
            }
        }));
        threads.forEach(Thread::start);
        List<Long> got = new ArrayList<>();
        try (Connection reader = acme.connect()) {
            long after = ((Number) Sql.scalar(reader,
                    "select coalesce(max(position), 0) from sor_api.tenant_events_since('acme', 0, 10000)")).longValue();
            go.await();
            while (threads.subList(0, writers).stream().anyMatch(Thread::isAlive)) {
                for (long p : since(reader, "acme", after)) {
                    got.add(p);
                    after = p;
                }
            }
            done.set(true);
            for (Thread t : threads) {
                t.join();
            }
            for (long p : since(reader, "acme", after)) {
                got.add(p);
            }
        }
        assertThat(failures).isEmpty();
        assertThat(got).as("round %d: every committed event once, in rising positions", round)
                .isSorted().doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(committed);
    }
}
