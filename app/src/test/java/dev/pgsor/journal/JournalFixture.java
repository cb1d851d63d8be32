package dev.pgsor.journal;

import dev.pgsor.db.Database;
import dev.pgsor.support.TestDatabase;
import dev.pgsor.support.TestDatabase.Sql;
import dev.pgsor.support.TestServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A fresh database with two tenants (acme, globex) and helpers to create the roles a real caller
 * uses: registered Workers, approvers, tenant members and auditors, each a login role of its own.
 */
final class JournalFixture implements AutoCloseable {

    /** Every table the journal writes, plus the events and the outbox it feeds. */
    static final List<String> WRITTEN_TABLES = List.of("sor.runs", "sor.turns", "sor.tool_calls", "sor.steps",
            "sor.blocks", "sor.idempotency_keys", "sor.events", "sor.outbox", "sor.workers", "sor.tenant_settings");

    final TestDatabase db;

    JournalFixture() {
        db = TestServer.get().freshDatabase();
        db.exec("select sor_api.add_tenant('acme', 'Acme Corp'), sor_api.add_tenant('globex', 'Globex')");
    }

    /** A login role in sor_worker, registered with the kind and a member of the tenants. */
    Database worker(String kind, String... tenants) {
        Database w = db.loginRole("wrk", "sor_worker");
        db.exec("select sor_api.register_worker('" + w.user() + "', '" + kind + "')");
        member(w, tenants);
        return w;
    }

    /** A login role in the group, a member of the tenants. */
    Database role(String group, String... tenants) {
        Database r = db.loginRole(group.replace("sor_", ""), group);
        member(r, tenants);
        return r;
    }

    private void member(Database r, String... tenants) {
        for (String t : tenants) {
            db.exec("select sor_api.add_member('" + t + "', '" + r.user() + "')");
        }
    }

    /** Row count and content digest of every table the journal writes, read as the superuser. */
    List<String> snapshot() {
        return WRITTEN_TABLES.stream().map(t -> t + ": " + db.scalar("select count(*) || ' ' || coalesce(md5(string_agg("
                + "row_to_json(x)::text, ',' order by row_to_json(x)::text)), '') from " + t + " x")).toList();
    }

    static UUID startRun(Connection c, String tenant, String workflow, String input, String key, int leaseSeconds)
            throws SQLException {
        return (UUID) Sql.scalar(c, "select run_id from sor_api.start_run(?, ?, ?::jsonb, ?, ?)",
                tenant, workflow, input, key, leaseSeconds);
    }

    static UUID startRun(Connection c, String tenant) throws SQLException {
        return startRun(c, tenant, "reconcile", "{}", null, 60);
    }

    /** commit_step as [status, version, replayed, recorded_output, block_id]. */
    static List<Object> commit(Connection c, UUID run, String step, int expected, String output, String events,
                               String commands) throws SQLException {
        return Sql.rows(c, "select status, version, replayed, recorded_output::text, block_id"
                + " from sor_api.commit_step(?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb)",
                run, step, expected, output, events, commands).get(0);
    }

    static List<Object> commit(Connection c, UUID run, String step, int expected, String output) throws SQLException {
        return commit(c, run, step, expected, output, "[]", "[]");
    }

    /** One action of a racing thread, on its own connection. */
    interface Racer<T> {
        T run(Connection c, int thread) throws Exception;
    }

    /**
     * Opens one connection per thread, releases all threads together with a latch, and returns
     * each thread's result (or the exception it threw) in thread order.
     */
    static <T> List<Object> race(Database role, int threads, Racer<T> racer) throws Exception {
        List<Connection> connections = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int i = 0; i < threads; i++) {
                connections.add(role.connect());
            }
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Object>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Connection c = connections.get(i);
                int thread = i;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    try {
                        return racer.run(c, thread);
                    } catch (Exception e) {
                        return e;
                    }
                }));
            }
            ready.await();
            go.countDown();
            List<Object> results = new ArrayList<>();
            for (Future<Object> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    @Override
    public void close() {
        db.close();
    }
}
