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
class SoakTest {

    static final double MINUTES = Double.parseDouble(System.getProperty("sor.soak.minutes", "0.5"));
    static final int SAMPLE_SECONDS = Integer.getInteger("sor.soak.sample.seconds", 10);
    static final boolean TUNED = Boolean.parseBoolean(System.getProperty("sor.soak.tuned", "true"));
    /**
     * Rows of history loaded before the run (completed tasks of an archive queue, discarded outbox
     * rows, both with their events): weeks of work, so autovacuum's thresholds see a table of a
     * realistic size rather than an empty one.
     */
    static final int HISTORY = Integer.getInteger("sor.soak.history", 0);
    static final int WORKERS = 4;
    static final List<String> TABLES = List.of("sor.tasks", "sor.outbox", "sor.runs", "sor.tool_calls", "sor.idempotency_keys",
            "sor.events", "reconciler.pending_transactions");
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

    /** One sample of one table. */
    record TableSample(long live, long dead, long updates, long hotUpdates, long heapBytes, long indexBytes, long autovacuums) { }

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
        String indexChange = "";
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
                        : "PostgreSQL's default storage parameters on " + String.join(", ", applied))
                        + indexChange);
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
                System.out.printf(" %6d | %-30s | %7d | %6d | %6.1f | %16s | %7d | %8d | %d%n", i, t, now.live(), now.dead(),
                        100.0 * now.dead() / Math.max(1, now.live() + now.dead()),
                        updates == 0 ? "-" : String.format("%.1f", 100.0 * (now.hotUpdates() - before.hotUpdates()) / updates),
                        now.heapBytes() / 1024, now.indexBytes() / 1024, now.autovacuums());
            }
        }

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
        if (TUNED) {
            assertThat(cluster.count("select count(*) from pg_class where oid = 'sor.tasks'::regclass"
                    + " and reloptions @> array['autovacuum_vacuum_scale_factor=0.01']")).as("tuning applied").isOne();
        }
    }

    private static void loadHistory() throws SQLException {
        try (Connection c = cluster.admin().connect(); Statement st = c.createStatement()) {
            st.execute("select sor_api.create_queue('archive', 'finished work of earlier weeks', 5, '1 second', '5 minutes')");
            // in batches: each row's event takes a lock on its stream until the statement's transaction ends
            for (int from = 1; from <= HISTORY; from += 1000) {
                String range = from + ", " + Math.min(HISTORY, from + 999);
                st.execute("insert into sor.tasks (tenant_id, queue, subject, payload, dedupe_key, max_attempts, status, attempts,"
                        + " finished_at, result)"
                        + " select case when g % 2 = 0 then 'acme' else 'globex' end, 'archive', 'history ' || g,"
                        + " jsonb_build_object('bank_txn_id', 'H-' || g), 'H-' || g, 5, 'completed', 1, now(), '{}'::jsonb"
                        + " from generate_series(" + range + ") g");
                st.execute("insert into sor.outbox (tenant_id, topic, aggregate_type, aggregate_id, payload, dedupe_key, status)"
                        + " select case when g % 2 = 0 then 'acme' else 'globex' end, 'email.archive', 'expense', 'H-' || g,"
                        + " jsonb_build_object('to', 'h' || g || '@example.com', 'subject', 'history'), 'history-email:' || g,"
                        + " 'discarded' from generate_series(" + range + ") g");
            }
            st.execute("vacuum analyze sor.tasks, sor.outbox, sor.events");
        }
    }

    private static Map<String, TableSample> sample() throws SQLException {
        Map<String, TableSample> out = new LinkedHashMap<>();
        Map<String, TableSample> byName = new HashMap<>();
        try (Connection c = cluster.admin().connect()) {
            // statistics are flushed by backends at most once a second: wait that long for the sample
            Sql.run(c, "select pg_sleep(1.1)");
            for (List<Object> r : Sql.rows(c, "select format('%s.%s', s.schemaname, s.relname), s.n_live_tup, s.n_dead_tup,"
                    + " s.n_tup_upd, s.n_tup_hot_upd, pg_relation_size(s.relid), pg_indexes_size(s.relid), s.autovacuum_count"
                    + " from pg_stat_user_tables s where format('%s.%s', s.schemaname, s.relname) = any(?)",
                    (Object) TABLES.toArray(String[]::new))) {
                byName.put((String) r.get(0), new TableSample(n(r.get(1)), n(r.get(2)), n(r.get(3)), n(r.get(4)), n(r.get(5)),
                        n(r.get(6)), n(r.get(7))));
            }
        }
        for (String t : TABLES) {
            out.put(t, byName.getOrDefault(t, new TableSample(0, 0, 0, 0, 0, 0, 0)));
        }
        return out;
    }

    private static long n(Object o) {
        return ((Number) o).longValue();
    }
}
