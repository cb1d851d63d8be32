package dev.pgsor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.runtime.EmbeddedServer;
import dev.pgsor.runtime.Migrator;
import dev.pgsor.schema.SorSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The event core against plain SQL, measured side by side in the same run on the same server: a
 * durable embedded server (fsync on, as the demo runs) and a disposable one (fsync off, CPU-bound).
 * Each kit operation runs as a Worker, autocommit, with the same commit structure as its plain
 * reference: append_event vs a single-row jsonb INSERT; enqueue_task vs a queue INSERT;
 * claim_tasks(1) + complete_task vs UPDATE ... FOR UPDATE SKIP LOCKED + DELETE (two commits each);
 * the batch APIs at 10 and 100 against the same statements at the same batch size. Then one
 * transaction of 100,000 tasks and 100,000 events while another tenant works, claim latency at
 * 10k, 100k and 1M ready tasks, and commits and WAL bytes per task. Prints ratios; asserts only
 * that every operation succeeded. Run with ./mvnw -Pbench verify -Dtest=EventCoreBench; choose parts
 * and servers with -Dbench.parts=single,batch,big,latency,cost and -Dbench.servers=durable,off.
 */
@Tag("bench")
class EventCoreBench {

    static final long WARMUP_MS = Long.getLong("bench.warmupMs", 1000);
    static final long MEASURE_MS = Long.getLong("bench.measureMs", 3000);
    static final String PLAIN = """
            create schema bench;
            create table bench.events (id bigserial primary key, tenant_id text not null, stream text not null,
                                       type text not null, payload jsonb not null, created_at timestamptz not null default now());
            create table bench.queue (id bigserial primary key, tenant_id text not null, queue text not null, subject text not null,
                                      payload jsonb not null, status text not null default 'ready', claimed_by name,
                                      created_at timestamptz not null default now()) with (fillfactor = 70);
            create index queue_ready_idx on bench.queue (queue, id) where status = 'ready';
            grant usage on schema bench to public;
            grant all on all tables in schema bench to public;
            grant all on all sequences in schema bench to public;
            """;

    interface Op {
        void run(Connection c, int thread, long n) throws Exception;
    }

    record Server(String label, EmbeddedServer server, Database admin, Database worker, Database other) { }

    static Server open(boolean disposable) throws Exception {
        EmbeddedServer server = EmbeddedServer.start(disposable);
        Database maintenance = server.admin("postgres");
        exec(maintenance, "create database bench");
        Database admin = server.admin("bench");
        Migrator.migrate(admin, List.of(SorSchema.KERNEL));
        exec(admin, PLAIN);
        exec(admin, "create role bench_worker login password 'bench' in role sor_worker;"
                + " create role bench_other login password 'bench' in role sor_worker;"
                + " select sor_api.add_tenant('acme', 'Acme'); select sor_api.add_tenant('globex', 'Globex');"
                + " select sor_api.register_worker('bench_worker', 'bench'); select sor_api.register_worker('bench_other', 'bench');"
                + " select sor_api.add_member('acme', 'bench_worker'); select sor_api.add_member('globex', 'bench_other');"
                + " select sor_api.create_queue('bench', 'bench queue', 5);"
                + " select sor_api.create_queue('other', 'another tenant''s queue', 5);");
        return new Server(disposable ? "fsync off" : "durable (fsync on)", server, admin,
                admin.as("bench_worker", "bench"), admin.as("bench_other", "bench"));
    }

    static void exec(Database db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    static boolean exists(Database db, String function) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select to_regprocedure('" + function + "') is not null")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Operations per second over MEASURE_MS on {@code connections} connections, after a warm-up. */
    static double perSecond(Database as, int connections, Op op) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            CountDownLatch ready = new CountDownLatch(connections);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Long>> futures = new ArrayList<>();
            for (int t = 0; t < connections; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    try (Connection c = as.connect()) {
                        ready.countDown();
                        go.await();
                        long n = 0;
                        long warmEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WARMUP_MS);
                        while (System.nanoTime() < warmEnd) {
                            op.run(c, thread, n++);
                        }
                        long counted = 0;
                        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MEASURE_MS);
                        while (System.nanoTime() < end) {
                            op.run(c, thread, n++);
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
                total += f.get(120, TimeUnit.SECONDS);
            }
            return total * 1000.0 / MEASURE_MS;
        } finally {
            pool.shutdownNow();
        }
    }

    static void line(String what, int clients, double kit, double plain, double target) {
        System.out.printf(Locale.ROOT, "  %-34s %d client%s: kit %8.0f/s  plain %8.0f/s  ratio %.2f  (target %.1f%s)%n",
                what, clients, clients == 1 ? " " : "s", kit, plain, kit / plain, target, kit / plain >= target ? "" : ", below");
    }

    static void run(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.execute();
        }
    }

    static long longOf(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    static String batchOfEvents(int thread, long n, int size) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            b.append(i == 0 ? "" : ",").append("{\"stream\": \"expense-").append(thread).append('-').append(n % 50)
                    .append("\", \"type\": \"Noted\", \"payload\": {\"amount\": ").append(i).append("}}");
        }
        return b.append(']').toString();
    }

    static String batchOfTasks(long n, int size) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            b.append(i == 0 ? "" : ",").append("{\"subject\": \"row ").append(n).append('-').append(i)
                    .append("\", \"payload\": {\"row\": ").append(i).append("}}");
        }
        return b.append(']').toString();
    }

    /** Ready tasks for the claim benchmarks: inserted as the owner would, in one statement. */
    static void fill(Server s, String queue, int count, boolean plain) throws SQLException {
        try (Connection c = s.admin().connect()) {
            if (plain) {
                run(c, "insert into bench.queue (tenant_id, queue, subject, payload) select 'acme', ?, 'row ' || i, '{}'"
                        + " from generate_series(1, ?) i", queue, count);
            } else {
                run(c, "insert into sor.tasks (tenant_id, queue, subject, payload, max_attempts) select 'acme', ?, 'row ' || i, '{}', 5"
                        + " from generate_series(1, ?) i", queue, count);
            }
            run(c, "vacuum analyze " + (plain ? "bench.queue" : "sor.tasks"));
        }
    }

    static void singleOperations(Server s) throws Exception {
        System.out.println("== single operations, " + s.label());
        for (int clients : new int[] {1, 4}) {
            double kit = perSecond(s.worker(), clients, (c, t, n) ->
                    run(c, "select sor_api.append_event('acme', ?, 'Noted', ?::jsonb)", "expense-" + t + "-" + (n % 50),
                            "{\"amount\": " + n + "}"));
            double plain = perSecond(s.worker(), clients, (c, t, n) ->
                    run(c, "insert into bench.events (tenant_id, stream, type, payload) values ('acme', ?, 'Noted', ?::jsonb)",
                            "expense-" + t + "-" + (n % 50), "{\"amount\": " + n + "}"));
            line("append_event", clients, kit, plain, 0.7);
        }
        for (int clients : new int[] {1, 4}) {
            double kit = perSecond(s.worker(), clients, (c, t, n) ->
                    run(c, "select sor_api.enqueue_task('acme', 'bench', ?, ?::jsonb)", "row " + n, "{\"row\": " + n + "}"));
            double plain = perSecond(s.worker(), clients, (c, t, n) ->
                    run(c, "insert into bench.queue (tenant_id, queue, subject, payload) values ('acme', 'bench', ?, ?::jsonb)",
                            "row " + n, "{\"row\": " + n + "}"));
            line("enqueue_task", clients, kit, plain, 0.7);
        }
        try (Connection c = s.admin().connect()) {
            run(c, "delete from sor.tasks");
            run(c, "delete from bench.queue");
            run(c, "vacuum analyze sor.tasks");
            run(c, "vacuum analyze bench.queue");
        }
        fill(s, "bench", 400_000, false);
        fill(s, "bench", 400_000, true);
        for (int clients : new int[] {1, 4}) {
            double kit = perSecond(s.worker(), clients, (c, t, n) -> {
                long id;
                long token;
                try (PreparedStatement ps = c.prepareStatement("select task_id, fencing_token from sor_api.claim_tasks('bench', 1, '5 minutes')");
                     ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("the queue ran dry: fill more tasks");
                    }
                    id = rs.getLong(1);
                    token = rs.getLong(2);
                }
                run(c, "select sor_api.complete_task(?, ?)", id, token);
            });
            double plain = perSecond(s.worker(), clients, (c, t, n) -> {
                long id = longOf(c, "update bench.queue q set status = 'claimed', claimed_by = current_user"
                        + " where q.id = (select x.id from bench.queue x where x.queue = 'bench' and x.status = 'ready'"
                        + " order by x.id limit 1 for update skip locked) returning q.id");
                if (id < 0) {
                    throw new IllegalStateException("the plain queue ran dry: fill more rows");
                }
                run(c, "delete from bench.queue where id = ?", id);
            });
            line("claim_tasks(1) + complete_task", clients, kit, plain, 0.6);
        }
    }

    static void batches(Server s) throws Exception {
        System.out.println("== batch APIs, " + s.label());
        if (!exists(s.admin(), "sor_api.append_events(text, jsonb)")) {
            System.out.println("  (no batch APIs in this version)");
            return;
        }
        for (int size : new int[] {10, 100}) {
            double kit = perSecond(s.worker(), 1, (c, t, n) ->
                    run(c, "select count(*) from sor_api.append_events('acme', ?::jsonb)", batchOfEvents(t, n, size)));
            double plain = perSecond(s.worker(), 1, (c, t, n) ->
                    run(c, "insert into bench.events (tenant_id, stream, type, payload) select 'acme', x ->> 'stream', x ->> 'type', x -> 'payload'"
                            + " from jsonb_array_elements(?::jsonb) x", batchOfEvents(t, n, size)));
            line("append_events x" + size, 1, kit * size, plain * size, 0.8);
            kit = perSecond(s.worker(), 1, (c, t, n) ->
                    run(c, "select count(*) from sor_api.enqueue_tasks('acme', 'bench', ?::jsonb)", batchOfTasks(n, size)));
            plain = perSecond(s.worker(), 1, (c, t, n) ->
                    run(c, "insert into bench.queue (tenant_id, queue, subject, payload) select 'acme', 'bench', x ->> 'subject', x -> 'payload'"
                            + " from jsonb_array_elements(?::jsonb) x", batchOfTasks(n, size)));
            line("enqueue_tasks x" + size, 1, kit * size, plain * size, 0.8);
            kit = perSecond(s.worker(), 1, (c, t, n) -> {
                StringBuilder done = new StringBuilder("[");
                try (PreparedStatement ps = c.prepareStatement("select task_id, fencing_token from sor_api.claim_tasks('bench', ?, '5 minutes')")) {
                    ps.setInt(1, size);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            done.append(done.length() > 1 ? "," : "").append("{\"task_id\": ").append(rs.getLong(1))
                                    .append(", \"fencing_token\": ").append(rs.getLong(2)).append('}');
                        }
                    }
                }
                if (done.length() == 1) {
                    throw new IllegalStateException("the queue ran dry");
                }
                run(c, "select count(*) from sor_api.complete_tasks(?::jsonb)", done.append(']').toString());
            });
            plain = perSecond(s.worker(), 1, (c, t, n) -> {
                List<Long> ids = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("update bench.queue q set status = 'claimed', claimed_by = current_user"
                        + " where q.id in (select x.id from bench.queue x where x.queue = 'bench' and x.status = 'ready'"
                        + " order by x.id limit ? for update skip locked) returning q.id")) {
                    ps.setInt(1, size);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("delete from bench.queue where id = any (?)")) {
                    ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                    ps.execute();
                }
            });
            line("claim_tasks + complete_tasks x" + size, 1, kit * size, plain * size, 0.8);
        }
    }

    static void bigTransaction(Server s) throws Exception {
        System.out.println("== one transaction: 100,000 tasks and 100,000 events, another tenant working, " + s.label());
        if (!exists(s.admin(), "sor_api.append_events(text, jsonb)")) {
            System.out.println("  (no batch APIs in this version)");
            return;
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong otherOps = new AtomicLong();
        AtomicLong otherMaxMicros = new AtomicLong();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<?> other = pool.submit(() -> {
            try (Connection c = s.other().connect()) {
                long n = 0;
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    run(c, "select sor_api.append_event('globex', ?, 'Noted')", "expense-" + (n % 20));
                    run(c, "select sor_api.enqueue_task('globex', 'other', ?, '{}'::jsonb)", "row " + n);
                    try (PreparedStatement ps = c.prepareStatement("select task_id, fencing_token from sor_api.claim_tasks('other', 1, '1 minute')");
                         ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            run(c, "select sor_api.complete_task(?, ?)", rs.getLong(1), rs.getLong(2));
                        }
                    }
                    otherMaxMicros.accumulateAndGet((System.nanoTime() - t0) / 1000, Math::max);
                    otherOps.incrementAndGet();
                    n++;
                }
            }
            return null;
        });
        long t0 = System.nanoTime();
        try (Connection c = s.worker().connect()) {
            c.setAutoCommit(false);
            for (int chunk = 0; chunk < 10; chunk++) {
                StringBuilder events = new StringBuilder("[");
                StringBuilder tasks = new StringBuilder("[");
                for (int i = 0; i < 10_000; i++) {
                    int row = chunk * 10_000 + i;
                    events.append(i == 0 ? "" : ",").append("{\"stream\": \"bank-").append(row).append("\", \"type\": \"Imported\"}");
                    tasks.append(i == 0 ? "" : ",").append("{\"subject\": \"bank row ").append(row).append("\", \"dedupe_key\": \"bank-")
                            .append(row).append("\"}");
                }
                assertThat(longOf(c, "select count(*) from sor_api.append_events('acme', ?::jsonb)", events.append(']').toString())).isEqualTo(10_000);
                assertThat(longOf(c, "select count(*) from sor_api.enqueue_tasks('acme', 'bench', ?::jsonb)", tasks.append(']').toString()))
                        .isEqualTo(10_000);
            }
            long locks = longOf(c, "select count(*) from pg_locks where pid = pg_backend_pid()");
            c.commit();
            System.out.printf(Locale.ROOT, "  committed in %.1f s, holding %d locks at commit (100,000 new streams)%n",
                    (System.nanoTime() - t0) / 1e9, locks);
        } finally {
            stop.set(true);
            other.get(60, TimeUnit.SECONDS);
            pool.shutdownNow();
        }
        System.out.printf(Locale.ROOT, "  meanwhile globex's Worker ran %d append + enqueue + claim + complete rounds, slowest %.1f ms%n",
                otherOps.get(), otherMaxMicros.get() / 1000.0);
        assertThat(otherOps.get()).isPositive();
    }

    static void claimLatency(Server s) throws Exception {
        System.out.println("== claim_tasks latency by ready tasks, " + s.label());
        double p99at10k = 0;
        for (int ready : new int[] {10_000, 100_000, 1_000_000}) {
            try (Connection c = s.admin().connect()) {
                run(c, "delete from sor.tasks where queue = 'bench'");
                run(c, "vacuum analyze sor.tasks");
            }
            fill(s, "bench", ready, false);
            List<Long> micros = new ArrayList<>();
            try (Connection c = s.worker().connect()) {
                for (int i = 0; i < 1500; i++) {
                    long t0 = System.nanoTime();
                    long id;
                    long token;
                    try (PreparedStatement ps = c.prepareStatement("select task_id, fencing_token from sor_api.claim_tasks('bench', 1, '5 minutes')");
                         ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        id = rs.getLong(1);
                        token = rs.getLong(2);
                    }
                    if (i >= 500) {
                        micros.add((System.nanoTime() - t0) / 1000);
                    }
                    run(c, "select sor_api.complete_task(?, ?)", id, token);
                }
            }
            Collections.sort(micros);
            double p50 = micros.get(micros.size() / 2) / 1000.0;
            double p99 = micros.get(micros.size() * 99 / 100) / 1000.0;
            if (ready == 10_000) {
                p99at10k = p99;
            }
            System.out.printf(Locale.ROOT, "  %9d ready: p50 %.2f ms, p99 %.2f ms%s%n", ready, p50, p99,
                    ready == 10_000 ? "" : String.format(Locale.ROOT, " (%.2fx the p99 at 10k; target within 2x)", p99 / p99at10k));
        }
    }

    static void costPerTask(Server s) throws Exception {
        System.out.println("== commits and WAL per task (enqueue, claim, complete; one commit each), " + s.label());
        int tasks = 2000;
        try (Connection c = s.admin().connect()) {
            run(c, "delete from sor.tasks");
            run(c, "delete from bench.queue");
            run(c, "checkpoint");
        }
        long[] kit = measureCost(s, tasks, false);
        long[] plain = measureCost(s, tasks, true);
        System.out.printf(Locale.ROOT, "  kit:   %.1f commits/task, %6.0f WAL bytes/task%n", kit[0] / (double) tasks, kit[1] / (double) tasks);
        System.out.printf(Locale.ROOT, "  plain: %.1f commits/task, %6.0f WAL bytes/task (ratio of WAL %.2f)%n", plain[0] / (double) tasks,
                plain[1] / (double) tasks, kit[1] / (double) plain[1]);
    }

    static long[] measureCost(Server s, int tasks, boolean plain) throws Exception {
        try (Connection admin = s.admin().connect()) {
            long commits0 = longOf(admin, "select xact_commit from pg_stat_database where datname = current_database()");
            long lsn0 = longOf(admin, "select pg_current_wal_lsn() - '0/0'::pg_lsn");
            try (Connection c = s.worker().connect()) {
                for (int i = 0; i < tasks; i++) {
                    if (plain) {
                        run(c, "insert into bench.queue (tenant_id, queue, subject, payload) values ('acme', 'bench', ?, '{}')", "row " + i);
                    } else {
                        run(c, "select sor_api.enqueue_task('acme', 'bench', ?, '{}'::jsonb)", "row " + i);
                    }
                }
                for (int i = 0; i < tasks; i++) {
                    if (plain) {
                        long id = longOf(c, "update bench.queue q set status = 'claimed' where q.id = (select x.id from bench.queue x"
                                + " where x.queue = 'bench' and x.status = 'ready' order by x.id limit 1 for update skip locked) returning q.id");
                        run(c, "delete from bench.queue where id = ?", id);
                    } else {
                        long id;
                        long token;
                        try (PreparedStatement ps = c.prepareStatement("select task_id, fencing_token from sor_api.claim_tasks('bench', 1, '5 minutes')");
                             ResultSet rs = ps.executeQuery()) {
                            assertThat(rs.next()).isTrue();
                            id = rs.getLong(1);
                            token = rs.getLong(2);
                        }
                        run(c, "select sor_api.complete_task(?, ?)", id, token);
                    }
                }
            }
            long lsn1 = longOf(admin, "select pg_current_wal_lsn() - '0/0'::pg_lsn");
            // the Worker's backend reports its commits when it exits; ask after a short pause
            Thread.sleep(1500);
            run(admin, "select pg_stat_clear_snapshot()");
            long commits1 = longOf(admin, "select xact_commit from pg_stat_database where datname = current_database()");
            // less the admin's own three statements in between
            return new long[] {commits1 - commits0 - 3, lsn1 - lsn0};
        }
    }

    /** Parts to run (-Dbench.parts=single,batch,big,latency,cost) on which servers (-Dbench.servers=durable,off). */
    static final List<String> PARTS = List.of(System.getProperty("bench.parts", "single,batch,big,latency,cost").split(","));
    static final List<String> SERVERS = List.of(System.getProperty("bench.servers", "durable,off").split(","));

    @Test
    void eventCoreAgainstPlainSql() throws Exception {
        for (boolean disposable : new boolean[] {false, true}) {
            if (!SERVERS.contains(disposable ? "off" : "durable")) {
                continue;
            }
            Server s = open(disposable);
            try {
                if (PARTS.contains("single")) {
                    singleOperations(s);
                }
                if (PARTS.contains("batch")) {
                    batches(s);
                }
                if (disposable && PARTS.contains("big")) {
                    bigTransaction(s);
                }
                if (disposable && PARTS.contains("latency")) {
                    claimLatency(s);
                }
                if (PARTS.contains("cost")) {
                    costPerTask(s);
                }
            } finally {
                s.server().close();
            }
        }
    }
}
