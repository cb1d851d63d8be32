package dev.pgsor.claims;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.claims.Claims.Claim;
import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.Crash;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Eight Workers (each its own login role, its own connection and thread) drain 10,000 tasks while
 * a killer terminates random Worker backends with pg_terminate_backend. Every task completes exactly
 * once, no claim returns more than its batch, nothing is lost, and the tasks of killed Workers are
 * taken back after their 2-second lease and completed once.
 */
@SorTest(reconciler = true)
class ClaimsCrashTest {

    static final int TASKS = 10_000;
    static final int WORKERS = 8;
    static final int KILLS = 24;

    static SorDatabase db;
    static final List<Database> workers = new ArrayList<>();

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme", "globex");
        db.exec("select sor_api.create_queue('statements', 'bank statement rows', 100, '1 second', '1 minute')");
        for (int i = 0; i < WORKERS; i++) {
            workers.add(db.worker("expense-reconciler", "acme", "globex"));
        }
        // setup as the admin: 10,000 tasks across two tenants (the enqueue trigger writes their events)
        db.exec("insert into sor.tasks (tenant_id, queue, subject, priority, max_attempts, dedupe_key)"
                + " select case when g % 2 = 0 then 'acme' else 'globex' end, 'statements', 'row-' || g, g % 3, 100, 'row-' || g"
                + " from generate_series(1, " + TASKS + ") g");
    }

    static boolean connectionLost(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57");
    }

    @Test
    void everyTaskCompletesExactlyOnceWhileWorkersAreKilled() throws Exception {
        Map<Long, AtomicInteger> completedBy = new ConcurrentHashMap<>();
        Map<Integer, Integer> livePids = new ConcurrentHashMap<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger oversizedClaims = new AtomicInteger();
        AtomicInteger reconnects = new AtomicInteger();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);

        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            Database role = workers.get(w);
            int slot = w;
            threads.add(new Thread(() -> {
                try {
                    start.await();
                    while (!done.get()) {
                        try (Connection c = role.connect()) {
                            livePids.put(slot, Crash.backendPid(c));
                            while (!done.get()) {
                                int batch = ThreadLocalRandom.current().nextInt(1, 33);
                                List<Claim> claims = Claims.claim(c, "statements", batch, "2 seconds");
                                if (claims.size() > batch) {
                                    oversizedClaims.incrementAndGet();
                                }
                                if (claims.isEmpty()) {
                                    Thread.sleep(20);
                                }
                                for (Claim cl : claims) {
                                    try {
                                        Claims.complete(c, cl.taskId(), cl.token());
                                        completedBy.computeIfAbsent(cl.taskId(), k -> new AtomicInteger()).incrementAndGet();
                                    } catch (SQLException e) {
                                        // taken back while this Worker was busy: drop the work
                                        if (!"SR056".equals(e.getSQLState()) && !"SR057".equals(e.getSQLState())) {
                                            throw e;
                                        }
                                    }
                                }
                            }
                        } catch (SQLException e) {
                            if (!connectionLost(e)) {
                                unexpected.add(e);
                                return;
                            }
                            livePids.remove(slot);
                            reconnects.incrementAndGet();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    unexpected.add(e);
                }
            }, "worker-" + w));
        }
        threads.forEach(Thread::start);
        start.countDown();

        int kills = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        try (Connection admin = db.admin().connect()) {
            while (System.nanoTime() < deadline && unexpected.isEmpty()) {
                long open = ((Number) Sql.scalar(admin,
                        "select count(*) from sor.tasks")).longValue();
                if (open == 0) {
                    break;
                }
                if (kills < KILLS && open < TASKS - 500) {
                    List<Integer> pids = new ArrayList<>(livePids.values());
                    if (!pids.isEmpty()) {
                        int pid = pids.get(ThreadLocalRandom.current().nextInt(pids.size()));
                        if (Crash.terminate(db, pid)) {
                            kills++;
                        }
                    }
                }
                Thread.sleep(ThreadLocalRandom.current().nextInt(10, 60));
            }
        } finally {
            done.set(true);
            for (Thread t : threads) {
                t.join(10_000);
            }
        }

        assertThat(unexpected).isEmpty();
        assertThat(kills).isEqualTo(KILLS);
        assertThat(reconnects.get()).isGreaterThanOrEqualTo(1);
        assertThat(oversizedClaims.get()).isZero();
        // nothing lost: every task completed, by exactly one completion event
        assertThat(db.count("select count(*) from sor.finished_tasks where status = 'completed'")).isEqualTo(TASKS);
        assertThat(db.count("select count(*) from sor.tasks")).as("a completed task leaves the live queue").isZero();
        assertThat(db.count("select count(*) from sor.events where type = 'task.completed'")).isEqualTo(TASKS);
        assertThat(db.count("select count(*) from (select stream from sor.events where type = 'task.completed'"
                + " group by stream having count(*) <> 1) x")).isZero();
        // no Worker saw a successful completion of a task twice; a kill can lose only the reply of a commit
        assertThat(completedBy.values()).allSatisfy(n -> assertThat(n.get()).isOne());
        assertThat(completedBy.size()).isBetween(TASKS - KILLS, TASKS);
        // the completion was made with the task's latest claim: no attempt of the task ended under a
        // later token than the completion's, so an earlier holder never wrote late
        assertThat(db.count("""
                select count(*) from sor.events c
                 where c.type = 'task.completed'
                   and (c.payload ->> 'fencing_token')::bigint < (select max((e.payload ->> 'fencing_token')::bigint)
                                                                   from sor.events e
                                                                  where e.tenant_id = c.tenant_id and e.stream = c.stream
                                                                    and e.type like 'task.%')
                """)).isZero();
        // killed Workers' tasks came back after their lease
        long takenBack = db.count("select count(*) from sor.events where type = 'task.lease_expired'");
        assertThat(takenBack).isPositive();
        assertThat(db.count("select count(distinct stream) from sor.events where type = 'task.lease_expired'"))
                .isEqualTo(db.count("select count(*) from sor.finished_tasks where attempts > 1"));
    }
}
