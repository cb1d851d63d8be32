package dev.pgsor.bench;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Throughput of claims and outbox dispatch against a plain SKIP LOCKED queue on an unconstrained
 * table (no RLS, no events, no checks) measured in the same run, with the same commit structure:
 * one commit per insert, one per claimed batch, one per completion (delete). Prints ratios.
 * Run with ./mvnw -Pbench verify.
 */
@Tag("bench")
@SorTest(reconciler = true)
class ClaimsBench {

    static final long MILLIS = Long.getLong("bench.millis", 5000);
    static final int BATCH = 10;

    static SorDatabase db;
    static Database worker;
    static Database dispatcher;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme");
        db.exec("select sor_api.create_queue('bench', 'benchmark queue')");
        worker = db.worker("expense-reconciler", "acme");
        dispatcher = db.dispatcher("acme");
        db.exec("create schema bench; create table bench.plain (id bigserial primary key, payload jsonb not null,"
                + " token bigint, lease_expires_at timestamptz); grant usage on schema bench to public;"
                + " grant all on bench.plain, bench.plain_id_seq to public");
    }

    /** One unit of work of a benchmark loop; returns how many cycles it finished. */
    interface Body {
        int run(Connection c) throws SQLException;
    }

    /** Runs body on the given number of threads (one connection each) for MILLIS; cycles per second. */
    static double rate(Database role, int threads, Body body) throws Exception {
        AtomicLong cycles = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        List<Exception> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        long[] window = new long[1];
        for (int t = 0; t < threads; t++) {
            all.add(new Thread(() -> {
                try (Connection c = role.connect()) {
                    go.await();
                    while (System.nanoTime() < window[0]) {
                        cycles.addAndGet(body.run(c));
                    }
                } catch (Exception e) {
                    errors.add(e);
                }
            }));
        }
        all.forEach(Thread::start);
        long start = System.nanoTime();
        window[0] = start + MILLIS * 1_000_000L;
        go.countDown();
        for (Thread t : all) {
            t.join();
        }
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
        return cycles.get() / ((System.nanoTime() - start) / 1e9);
    }

    static List<long[]> pairs(PreparedStatement ps) throws SQLException {
        List<long[]> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new long[] {rs.getLong(1), rs.getLong(2)});
            }
        }
        return out;
    }

    /** Kit cycle: BATCH enqueue_task commits, one claim_tasks commit, BATCH complete_task commits. */
    static int kitCycle(Connection c) throws SQLException {
        try (PreparedStatement enq = c.prepareStatement("select sor_api.enqueue_task('acme', 'bench', 'row', '{\"n\": 1}'::jsonb)");
             PreparedStatement claim = c.prepareStatement("select task_id, fencing_token from sor_api.claim_tasks('bench', ?, '30 seconds')");
             PreparedStatement done = c.prepareStatement("select sor_api.complete_task(?, ?, '{}'::jsonb)")) {
            for (int i = 0; i < BATCH; i++) {
                enq.execute();
            }
            claim.setInt(1, BATCH);
            List<long[]> got = pairs(claim);
            for (long[] t : got) {
                done.setLong(1, t[0]);
                done.setLong(2, t[1]);
                done.execute();
            }
            return got.size();
        }
    }

    /** Plain cycle: BATCH inserts, one SKIP LOCKED claim (update) of BATCH rows, BATCH deletes. */
    static int plainCycle(Connection c) throws SQLException {
        try (PreparedStatement ins = c.prepareStatement("insert into bench.plain (payload) values ('{\"n\": 1}'::jsonb)");
             PreparedStatement claim = c.prepareStatement("update bench.plain p set token = nextval('bench.plain_id_seq'),"
                     + " lease_expires_at = now() + interval '30 seconds' where p.id in (select q.id from bench.plain q"
                     + " where q.token is null order by q.id limit ? for update skip locked) returning p.id, p.token");
             PreparedStatement del = c.prepareStatement("delete from bench.plain where id = ? and token = ?")) {
            for (int i = 0; i < BATCH; i++) {
                ins.execute();
            }
            claim.setInt(1, BATCH);
            List<long[]> got = pairs(claim);
            for (long[] t : got) {
                del.setLong(1, t[0]);
                del.setLong(2, t[1]);
                del.execute();
            }
            return got.size();
        }
    }

    static Body kitDispatch(int batch) {
        return c -> {
            try (PreparedStatement lease = c.prepareStatement("select outbox_id, lease_token from sor_api.lease_outbox(?, '30 seconds')");
                 PreparedStatement mark = c.prepareStatement("select sor_api.mark_dispatched(?, ?, 'provider-ref')")) {
                lease.setInt(1, batch);
                List<long[]> got = pairs(lease);
                for (long[] r : got) {
                    mark.setLong(1, r[0]);
                    mark.setLong(2, r[1]);
                    mark.execute();
                }
                return got.size();
            }
        };
    }

    static Body plainDispatch(int batch) {
        return c -> {
            try (PreparedStatement claim = c.prepareStatement("update bench.plain p set token = nextval('bench.plain_id_seq'),"
                    + " lease_expires_at = now() + interval '30 seconds' where p.id in (select q.id from bench.plain q"
                    + " where q.token is null order by q.id limit ? for update skip locked) returning p.id, p.token");
                 PreparedStatement del = c.prepareStatement("delete from bench.plain where id = ? and token = ?")) {
                claim.setInt(1, batch);
                List<long[]> got = pairs(claim);
                for (long[] r : got) {
                    del.setLong(1, r[0]);
                    del.setLong(2, r[1]);
                    del.execute();
                }
                return got.size();
            }
        };
    }

    /** Fills both tables; the outbox in chunks, since every new row's event holds a stream lock until commit. */
    static void fillOutbox(int rows) {
        for (int done = 0; done < rows; done += 5000) {
            db.exec("insert into sor.outbox (tenant_id, topic, aggregate_type, aggregate_id, dedupe_key, payload)"
                    + " select 'acme', 'email', 'expense', g::text, 'bench-' || gen_random_uuid(), '{\"n\": 1}'"
                    + " from generate_series(1, 5000) g");
        }
        db.exec("insert into bench.plain (payload) select '{\"n\": 1}' from generate_series(1, " + rows + ")");
        db.exec("vacuum analyze sor.outbox");
        db.exec("vacuum analyze bench.plain");
    }

    @Test
    void claimCompleteAndDispatchThroughput() throws Exception {
        // warm-up of both paths
        rate(worker, 1, ClaimsBench::kitCycle);
        rate(db.admin(), 1, ClaimsBench::plainCycle);

        List<String> lines = new ArrayList<>();
        for (int threads : new int[] {1, 4}) {
            double plain = rate(db.admin(), threads, ClaimsBench::plainCycle);
            double kit = rate(worker, threads, ClaimsBench::kitCycle);
            lines.add(String.format("claim+complete, %d worker(s): kit %.0f/s, plain %.0f/s, ratio %.2f", threads, kit, plain, kit / plain));
        }
        // where the gap comes from: the same kit cycle with the task event triggers switched off
        // (only here, as the admin; the ENABLE ALWAYS state is restored right after)
        db.exec("alter table sor.tasks disable trigger tasks_events_insert, disable trigger tasks_events_update");
        try {
            double plain = rate(db.admin(), 1, ClaimsBench::plainCycle);
            double silent = rate(worker, 1, ClaimsBench::kitCycle);
            lines.add(String.format("claim+complete without events (diagnostic only), 1 worker: kit %.0f/s, plain %.0f/s, ratio %.2f",
                    silent, plain, silent / plain));
        } finally {
            db.exec("alter table sor.tasks enable always trigger tasks_events_insert, enable always trigger tasks_events_update");
        }
        fillOutbox(80_000);
        for (int batch : new int[] {1, 100}) {
            double plain = rate(db.admin(), 1, plainDispatch(batch));
            double kit = rate(dispatcher, 1, kitDispatch(batch));
            lines.add(String.format("outbox dispatch, batch %d: kit %.0f rows/s, plain %.0f rows/s, ratio %.2f", batch, kit, plain, kit / plain));
        }
        if (db.count("select count(*) from sor.outbox where status = 'pending'") == 0
                || db.count("select count(*) from bench.plain where token is null") == 0) {
            throw new IllegalStateException("the outbox ran dry during the measurement: fill more rows");
        }
        double commitsPerTask = 1 + 1.0 / BATCH + 1;
        lines.add(String.format("commits per task: enqueue 1 + claim 1/%d + complete 1 = %.2f (claim batch %d)",
                BATCH, commitsPerTask, BATCH));
        System.out.println("ClaimsBench (" + db.serverMode() + ", " + MILLIS + " ms per figure)");
        lines.forEach(l -> System.out.println("  " + l));
    }
}
