package dev.pgsor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Events appended per second through sor_api.append_event (autocommit, as a Worker), with 1 and 4
 * connections, each against a plain single-row jsonb INSERT into an unconstrained table measured
 * in the same run with the same number of connections. Run with ./mvnw -Pbench verify.
 */
@Tag("bench")
@SorTest(reconciler = true)
class EventsBench {

    static final long WARMUP_MS = 1000;
    static final long MEASURE_MS = 3000;

    static SorDatabase db;
    static Database worker;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenant("acme", "Acme Corp");
        worker = db.worker("expense-reconciler", "acme");
        db.exec("create table public.raw_events (payload jsonb)");
    }

    interface Op {
        void run(PreparedStatement ps, int thread, long n) throws Exception;
    }

    /** Runs the operation on {@code connections} connections for MEASURE_MS after a warm-up; returns operations per second. */
    static double perSecond(Database as, String sql, int connections, Op op) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            CountDownLatch ready = new CountDownLatch(connections);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Long>> futures = new ArrayList<>();
            for (int t = 0; t < connections; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    try (Connection c = as.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
                        ready.countDown();
                        go.await();
                        long n = 0;
                        long warmEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WARMUP_MS);
                        while (System.nanoTime() < warmEnd) {
                            op.run(ps, thread, n++);
                        }
                        long counted = 0;
                        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MEASURE_MS);
                        while (System.nanoTime() < end) {
                            op.run(ps, thread, n++);
                            counted++;
                        }
                        return counted;
                    }
                }));
            }
            ready.await();
            go.countDown();
            long total = 0;
            for (Future<Long> f : futures) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            return total * 1000.0 / MEASURE_MS;
        } finally {
            pool.shutdownNow();
        }
    }

    static double raw(int connections) throws Exception {
        return perSecond(db.admin(), "insert into public.raw_events (payload) values (?::jsonb)", connections, (ps, t, n) -> {
            ps.setString(1, "{\"amount\": 42, \"thread\": " + t + ", \"n\": " + n + "}");
            ps.executeUpdate();
        });
    }

    static double events(int connections, boolean oneStream) throws Exception {
        return perSecond(worker, "select position from sor_api.append_event('acme', ?, 'Noted', ?::jsonb)", connections, (ps, t, n) -> {
            ps.setString(1, oneStream ? "bench-hot" : "bench-" + connections + "-" + t);
            ps.setString(2, "{\"amount\": 42, \"thread\": " + t + ", \"n\": " + n + "}");
            ps.executeQuery().close();
        });
    }

    @Test
    void appendThroughputAgainstPlainInsert() throws Exception {
        double raw1 = raw(1);
        double ev1 = events(1, false);
        double raw4 = raw(4);
        double ev4 = events(4, false);
        double ev4hot = events(4, true);
        System.out.printf("%n== events appended per second (%s, fsync off), reference: single-row jsonb INSERT, autocommit%n",
                db.serverMode());
        System.out.printf("1 connection : append_event %8.0f/s, plain insert %8.0f/s, ratio %.2f%n", ev1, raw1, ev1 / raw1);
        System.out.printf("4 connections: append_event %8.0f/s, plain insert %8.0f/s, ratio %.2f (one stream per connection)%n",
                ev4, raw4, ev4 / raw4);
        System.out.printf("4 connections: append_event %8.0f/s, plain insert %8.0f/s, ratio %.2f (all on one stream)%n",
                ev4hot, raw4, ev4hot / raw4);
        assertThat(List.of(raw1, ev1, raw4, ev4, ev4hot)).allSatisfy(v -> assertThat(v).isPositive());
        assertThat(db.scalar("select count(*) from sor_api.verify_events('acme')")).isEqualTo(0L);
    }
}
