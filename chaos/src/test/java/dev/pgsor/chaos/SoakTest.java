package dev.pgsor.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Steady load for {@code -Dsor.soak.minutes} (10 with -Pchaos; a short sample in ./mvnw verify):
 * the mixed workload with a constant ingest rate, sampled every {@code -Dsor.soak.sample.seconds}
 * for dead tuples, HOT updates, heap and index sizes of the high-churn tables, and claim latency
 * p50/p99, printed as tables. The kit's storage parameters (V081) are the tuned ones; with
 * {@code -Dsor.soak.tuned=false} the harness resets them to PostgreSQL's defaults in its own
 * scratch database (ALTER TABLE ... RESET, which the drop guard allows), so the two runs compare.
 */
@Tag("slow")
class SoakTest {

    static final double MINUTES = Double.parseDouble(System.getProperty("sor.soak.minutes", "0.5"));
    static final int SAMPLE_SECONDS = Integer.getInteger("sor.soak.sample.seconds", 10);
    static final boolean TUNED = Boolean.parseBoolean(System.getProperty("sor.soak.tuned", "true"));
    /**
     * Rows of history loaded before the run (completed tasks of an archive queue in
     * sor.finished_tasks with their completion events, discarded outbox rows, and the dedupe keys of
     * both): weeks of work, so autovacuum's thresholds see tables of a realistic size rather than
     * empty ones.
     */
    static final int HISTORY = Integer.getInteger("sor.soak.history", 0);
    static final int WORKERS = 4;
    /**
     * The tables sampled. sor.outbox, sor.events and sor.finished_tasks are partitioned: a parent
     * holds no rows, heap or indexes of its own and its statistics count none of its partitions'
     * rows, so their figures are the sums over their partitions (the line says how many).
     */
    static final List<String> TABLES = List.of("sor.tasks", "sor.finished_tasks", "sor.outbox", "sor.runs", "sor.tool_calls",
            "sor.idempotency_keys", "sor.streams", "sor.dedupe_keys", "sor.events", "reconciler.pending_transactions");
    /**
     * The kit's settings (V081): vacuum the queue and journal tables after 1% of their rows (plus
     * 200) died instead of 20%, without cost-based sleeping, so dead tuples stay bounded.
     */
    static final String TUNING = "autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 200,"
            + " autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.02,"
            + " autovacuum_vacuum_cost_delay = 0";

    static OwnedServer server;
    static SorCluster cluster;

    @BeforeAll
    static void setUp() throws Exception {
        server = OwnedServer.create("soak");
        server.start();
        cluster = SorCluster.setUp(server, WORKERS);
    }

    @AfterAll
    static void tearDown() {
        if (server != null) {
            server.close();
        }
    }

    /** One sample of one table (of its partitions summed, {@code partitions} > 0, when it is partitioned). */
    record TableSample(long live, long dead, long updates, long hotUpdates, long heapBytes, long indexBytes, long autovacuums,
                       long partitions) { }

    @Test
    void steadyLoadKeepsDeadTuplesAndClaimLatencyBounded() throws Exception {
        List<String> applied = new ArrayList<>();
        // the kit's own settings (V081) are the tuned ones; -Dsor.soak.tuned=false resets them to
        // PostgreSQL's defaults on the same tables (each outbox partition included), so the two runs compare
        if (!TUNED) {
            try (Connection c = cluster.admin().connect(); Statement st = c.createStatement()) {
                List<String> targets = new ArrayList<>(List.of("sor.tasks", "sor.runs", "sor.tool_calls", "sor.idempotency_keys",
                        "sor.streams"));
                try (var rs = st.executeQuery("select inhrelid::regclass::text from pg_inherits where inhparent = 'sor.outbox'::regclass")) {
                    while (rs.next()) {
                        targets.add(rs.getString(1));
                    }
                }
                for (String t : targets) {
                    st.execute("alter table " + t + " reset (" + TUNING.replaceAll(" = [0-9.]+", "") + ")");
                    applied.add(t);
                }
            }
        }
        if (HISTORY > 0) {
            loadHistory();
        }
        Ledger ledger = new Ledger();
        Provider provider = new Provider();
        Workload workload = new Workload(cluster, ledger, provider).ingestRate(10, 500).appendPause(25);
        workload.ingest(50);
        workload.start(Workload.Mix.all(WORKERS));

        long samples = Math.max(1, Math.round(MINUTES * 60 / SAMPLE_SECONDS));
        List<long[]> throughput = new ArrayList<>();
        List<double[]> latency = new ArrayList<>();
        List<Map<String, TableSample>> tables = new ArrayList<>();
        tables.add(sample());
        long completedBefore = workload.tasksCompleted.get();
        long dispatchedBefore = workload.dispatched.get();
        workload.claimLatency.drain();
        long start = System.nanoTime();
        for (int i = 1; i <= samples; i++) {
            long until = start + TimeUnit.SECONDS.toNanos((long) SAMPLE_SECONDS * i);
            Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
            long[] claims = workload.claimLatency.drain();
            long completed = workload.tasksCompleted.get();
            long dispatched = workload.dispatched.get();
            throughput.add(new long[] {claims.length, completed - completedBefore, dispatched - dispatchedBefore});
            latency.add(new double[] {Workload.Latencies.percentileMillis(claims, 50), Workload.Latencies.percentileMillis(claims, 99)});
            completedBefore = completed;
            dispatchedBefore = dispatched;
            tables.add(sample());
        }
        workload.stop();

        System.out.printf("%n== soak: %.1f minutes of steady load on %d rows of history, sampled every %d s, %s%n", MINUTES,
                HISTORY, SAMPLE_SECONDS,
                (TUNED ? "the kit's storage parameters (V081: " + TUNING + ")"
                        : "PostgreSQL's default storage parameters on " + String.join(", ", applied)));
        System.out.println(" sample | claims | tasks done | emails sent | claim p50 ms | claim p99 ms");
        for (int i = 0; i < samples; i++) {
            System.out.printf(" %6d | %6d | %10d | %11d | %12.2f | %12.2f%n", i + 1, throughput.get(i)[0], throughput.get(i)[1],
                    throughput.get(i)[2], latency.get(i)[0], latency.get(i)[1]);
        }
        System.out.println();
        System.out.println(" sample | table                          |    live |   dead | dead % | HOT % of updates | heap kB | index kB | autovacuums");
        for (int i = 1; i <= samples; i++) {
            for (String t : TABLES) {
                TableSample now = tables.get(i).get(t);
                TableSample before = tables.get(i - 1).get(t);
                long updates = now.updates() - before.updates();
                String label = now.partitions() == 0 ? t : t + " (" + now.partitions() + " parts)";
                System.out.printf(" %6d | %-30s | %7d | %6d | %6.1f | %16s | %7d | %8d | %d%n", i, label, now.live(), now.dead(),
                        100.0 * now.dead() / Math.max(1, now.live() + now.dead()),
                        updates == 0 ? "-" : String.format("%.1f", 100.0 * (now.hotUpdates() - before.hotUpdates()) / updates),
                        now.heapBytes() / 1024, now.indexBytes() / 1024, now.autovacuums());
            }
        }
        System.out.println("    (n parts): a partitioned table; its parent holds no rows, heap or indexes and its own statistics count"
                + " none of its partitions' tuples, so the line is the sum over its n partitions");

        // the figures are printed; what must hold is asserted
        assertThat(workload.unexpected).as("unexpected errors of the workload").isEmpty();
        assertThat(throughput).as("samples").hasSize((int) samples);
        assertThat(throughput).allSatisfy(s -> assertThat(s[1]).as("tasks completed in every sample").isPositive());
        assertThat(latency).allSatisfy(l -> assertThat(l[1]).as("claim p99 ms").isLessThan(5_000.0));
        assertThat(ledger.missing(cluster.admin())).as("acknowledged commits missing").isEmpty();
        Invariants.assertChainsIntact(cluster);
        Invariants.assertTasksOnceOrClaimable(cluster);
        Invariants.assertOneEmailPerExpense(cluster);
        Invariants.assertDispatchedOnce(cluster);
        Invariants.assertProviderAgrees(cluster, provider);
        Invariants.assertCertified(cluster);
        // V081's settings on the queue and journal tables and on every outbox partition, or none of them
        List<List<Object>> settings = cluster.rows("""
                select c.oid::regclass::text, c.reloptions @> array['autovacuum_vacuum_scale_factor=0.01'] is true
                  from pg_class c
                 where c.oid in ('sor.tasks'::regclass, 'sor.runs'::regclass, 'sor.tool_calls'::regclass,
                                 'sor.idempotency_keys'::regclass, 'sor.streams'::regclass)
                    or c.oid in (select i.inhrelid from pg_inherits i where i.inhparent = 'sor.outbox'::regclass)
                 order by 1""");
        assertThat(settings).as("tables and outbox partitions").hasSizeGreaterThan(5);
        assertThat(settings).as(TUNED ? "the kit's storage parameters (V081) on every table and outbox partition"
                : "PostgreSQL's defaults (reset) on every table and outbox partition")
                .allSatisfy(r -> assertThat(r.get(1)).as("%s", r.get(0)).isEqualTo(TUNED));
    }

    private static void loadHistory() throws SQLException {
        try (Connection c = cluster.admin().connect(); Statement st = c.createStatement()) {
            st.execute("select sor_api.create_queue('archive', 'finished work of earlier weeks', 5, '1 second', '5 minutes')");
            // in batches: each task's completion event takes a lock on its stream until the statement's transaction ends.
            // Finished tasks are in sor.finished_tasks, with the dedupe keys enqueue_task would have claimed for them;
            // the outbox rows go through the outbox's own dedupe trigger
            for (int from = 1; from <= HISTORY; from += 1000) {
                String range = from + ", " + Math.min(HISTORY, from + 999);
                st.execute("with finished as (insert into sor.finished_tasks (tenant_id, task_id, queue, subject, payload, priority,"
                        + " attempts, max_attempts, dedupe_key, status, claimed_by, last_error, result, created_at, created_by, finished_at)"
                        + " select case when g % 2 = 0 then 'acme' else 'globex' end, nextval(pg_get_serial_sequence('sor.tasks', 'task_id')),"
                        + " 'archive', 'history ' || g, jsonb_build_object('bank_txn_id', 'H-' || g), 0, 1, 5, 'H-' || g, 'completed',"
                        + " 'worker_1', null, '{}'::jsonb, now() - interval '1 minute', 'ingester', now()"
                        + " from generate_series(" + range + ") g"
                        + " returning tenant_id, task_id, queue, dedupe_key, created_at)"
                        + " insert into sor.dedupe_keys (tenant_id, scope, dedupe_key, target_id, created_at)"
                        + " select f.tenant_id, 'task:' || f.queue, f.dedupe_key, f.task_id, f.created_at from finished f");
                st.execute("insert into sor.outbox (tenant_id, topic, aggregate_type, aggregate_id, payload, dedupe_key, status)"
                        + " select case when g % 2 = 0 then 'acme' else 'globex' end, 'email.archive', 'expense', 'H-' || g,"
                        + " jsonb_build_object('to', 'h' || g || '@example.com', 'subject', 'history'), 'history-email:' || g,"
                        + " 'discarded' from generate_series(" + range + ") g");
            }
            st.execute("vacuum analyze sor.finished_tasks, sor.dedupe_keys, sor.outbox, sor.events, sor.streams");
        }
    }

    /**
     * One sample of every table in {@link #TABLES}: a plain table's own statistics; for a
     * partitioned one the sums over its leaf partitions (pg_partition_tree), the parent's own row
     * in pg_stat_user_tables left out (it counts none of their tuples).
     */
    private static Map<String, TableSample> sample() throws SQLException {
        Map<String, TableSample> out = new LinkedHashMap<>();
        Map<String, TableSample> byName = new HashMap<>();
        try (Connection c = cluster.admin().connect()) {
            // statistics are flushed by backends at most once a second: wait that long for the sample
            Sql.run(c, "select pg_sleep(1.1)");
            for (List<Object> r : Sql.rows(c, """
                    select t.name, coalesce(sum(s.n_live_tup), 0), coalesce(sum(s.n_dead_tup), 0), coalesce(sum(s.n_tup_upd), 0),
                           coalesce(sum(s.n_tup_hot_upd), 0), coalesce(sum(pg_relation_size(s.relid)), 0),
                           coalesce(sum(pg_indexes_size(s.relid)), 0), coalesce(sum(s.autovacuum_count), 0),
                           case when (select c.relkind from pg_class c where c.oid = t.name::regclass) = 'p' then count(s.relid) else 0 end
                      from unnest(?::text[]) t(name)
                      left join pg_stat_user_tables s
                        on (s.relid = t.name::regclass
                            or s.relid in (select p.relid from pg_partition_tree(t.name::regclass) p where p.isleaf))
                       and (select c.relkind from pg_class c where c.oid = s.relid) <> 'p'
                     group by t.name""", (Object) TABLES.toArray(String[]::new))) {
                byName.put((String) r.get(0), new TableSample(n(r.get(1)), n(r.get(2)), n(r.get(3)), n(r.get(4)), n(r.get(5)),
                        n(r.get(6)), n(r.get(7)), n(r.get(8))));
            }
        }
        for (String t : TABLES) {
            out.put(t, byName.getOrDefault(t, new TableSample(0, 0, 0, 0, 0, 0, 0, 0)));
        }
        return out;
    }

    private static long n(Object o) {
        return ((Number) o).longValue();
    }
}
