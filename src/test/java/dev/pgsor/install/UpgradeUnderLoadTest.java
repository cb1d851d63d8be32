package dev.pgsor.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.db.Certification;
import dev.pgsor.runtime.Database;
import dev.pgsor.support.Repo;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upgrade from 0.2.0 to this release while Workers keep working. A 0.2.0 database holding the
 * upgrade seed is upgraded with the README's two Flyway commands (the real command line, from the
 * repository root) while Workers, each on its own login role and connection, append events with
 * expected versions to their own streams, enqueue, claim and complete tasks, and run runs whose
 * tool call (the example's list_pending, with an idempotency key) is retried in the next cycle,
 * and a dispatcher leases and marks outbox rows. Every call is its own transaction and is retried
 * on a retryable SQLSTATE only; any other SQLSTATE fails the test.
 *
 * <p>The upgrade from 0.2.0 takes no lock that a Worker's or the dispatcher's call holds (the
 * test samples, and reports, the relation locks their backends wait for). What a run does wait
 * for is a reader of an object it replaces: a straggler, an auditor's report left open on
 * sor_api.partitions, makes the first attempt wait its lock_timeout (5s), fail with 55P03 and
 * apply nothing (the scripts the histories record and the catalog are as before it); the
 * straggler ends, and the command is rerun, as a DBA would, until it succeeds (bounded attempts).
 *
 * <p>Afterwards every acknowledged append is in sor.events exactly once, no task is completed
 * twice, no tool call is journaled twice for a key, no outbox row is dispatched twice, a Worker's
 * run opened before the upgrade and the seed's in-flight run have their retried calls answered
 * from the journal, and verify_events and certify() pass. The longest Worker stall (an
 * operation's start to its eventual success) is printed, never asserted.
 */
@Tag("slow")
@SorTest
class UpgradeUnderLoadTest {

    static final String[] TENANTS = {"acme", "globex"};
    static final int WORKERS = 3;
    static final int MAX_ATTEMPTS = 5;
    /** Each Worker stops by itself after this many cycles, whatever happens to the test's clock. */
    static final int MAX_CYCLES = 5_000;

    static SorDatabase suite;
    static FlywayCli cli;

    @BeforeAll
    static void setUp(SorDatabase database) {
        suite = database;
        cli = FlywayCli.fromBuild();
    }

    /** An acknowledged append. */
    record Append(String tenant, String stream, int version, String id) {
    }

    /** What the Workers did, shared by their threads. */
    static final class Load {
        final AtomicBoolean stop = new AtomicBoolean();
        final Map<String, AtomicLong> ops = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> retries = new ConcurrentHashMap<>();
        final AtomicLong longestStallNanos = new AtomicLong();
        final Map<String, AtomicLong> longestByKindNanos = new ConcurrentHashMap<>();
        final List<String> failedAttempts = new CopyOnWriteArrayList<>();
        final AtomicLong stallsDuringUpgrade = new AtomicLong();
        final ConcurrentLinkedQueue<Append> appends = new ConcurrentLinkedQueue<>();
        final Set<Long> completedTasks = ConcurrentHashMap.newKeySet();
        final Set<Long> markedOutbox = ConcurrentHashMap.newKeySet();
        final Map<String, String> toolCalls = new ConcurrentHashMap<>();
        final AtomicLong replayedToolCalls = new AtomicLong();
        final AtomicLong runsFinished = new AtomicLong();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        volatile long upgradeStart = Long.MAX_VALUE;
        volatile long upgradeEnd = Long.MAX_VALUE;
        /** When the kernel's run ended (its command returned), or Long.MAX_VALUE before. */
        volatile long kernelEnd = Long.MAX_VALUE;
        /** Whether a call the kernel's run overtook may fail once with its old code (the upgrade from 0.1.0). */
        volatile boolean oldCodeMayFail;
        final AtomicLong longestStallInUpgradeNanos = new AtomicLong();

        void count(String kind) {
            ops.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        }

        void retried(String state) {
            retries.computeIfAbsent(state, k -> new AtomicLong()).incrementAndGet();
        }

        void took(long started, long nanos) {
            longestStallNanos.accumulateAndGet(nanos, Math::max);
            long end = started + nanos;
            if (end >= upgradeStart && started <= upgradeEnd) {
                longestStallInUpgradeNanos.accumulateAndGet(nanos, Math::max);
            }
        }
    }

    /** A statement whose SQLSTATE is retryable: a serialization failure, a deadlock, a lock or statement timeout, a lost connection. */
    static boolean retryable(String state) {
        return state != null && (state.equals("40001") || state.equals("40P01") || state.equals("55P03")
                || state.equals("57014") || state.startsWith("08"));
    }

    /**
     * The error of 0.1.0's code meeting this release's tables: an object it names is gone (class 42)
     * or a type it had cached was replaced (XX000, cache lookup failed).
     */
    static boolean oldCode(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.equals("42703") || state.equals("42704") || state.equals("42P01") || state.equals("42883")
                || state.equals("XX000") && String.valueOf(e.getMessage()).contains("cache lookup failed")
                // 0.1.0's complete_task marks the live row completed; the queue keeps live tasks only since 0.2.0
                || state.equals("23514") && String.valueOf(e.getMessage()).contains("tasks_status_check"));
    }

    @FunctionalInterface
    interface Call<T> {
        T run(Connection c) throws SQLException;
    }

    /** One caller: its own login role and connection, each call retried on retryable SQLSTATEs only. */
    static final class Caller {
        final Database role;
        final Load load;
        Connection connection;

        Caller(Database role, Load load) throws SQLException {
            this.role = role;
            this.load = load;
            this.connection = role.connect();
        }

        <T> T op(String kind, Call<T> call) throws SQLException, InterruptedException {
            long started = System.nanoTime();
            for (int attempt = 1; ; attempt++) {
                try {
                    T result = call.run(connection);
                    long nanos = System.nanoTime() - started;
                    load.took(started, nanos);
                    load.longestByKindNanos.computeIfAbsent(kind, k -> new AtomicLong()).accumulateAndGet(nanos, Math::max);
                    load.count(kind);
                    return result;
                } catch (SQLException e) {
                    String state = e.getSQLState();
                    if (!retryable(state) && load.oldCodeMayFail && oldCode(e) && started < load.kernelEnd
                            && System.nanoTime() > load.upgradeStart) {
                        // a call that began before the kernel's run committed, waited for its locks, and
                        // then ran its 0.1.0 code against the new tables: run again, it runs the new code
                        load.retried("old code " + state);
                        continue;
                    }
                    if (!retryable(state)) {
                        throw new AssertionError(kind + " as " + role.user() + " failed with SQLSTATE " + state
                                + ", which a Worker cannot retry: " + e.getMessage(), e);
                    }
                    if (attempt >= 200) {
                        throw new AssertionError(kind + " still failing with " + state + " after " + attempt + " attempts", e);
                    }
                    load.retried(state);
                    if (state.startsWith("08") || connection.isClosed()) {
                        try {
                            connection.close();
                        } catch (SQLException ignored) {
                            // it is gone already
                        }
                        connection = role.connect();
                    }
                    Thread.sleep(Math.min(200, 5L * attempt));
                }
            }
        }

        void close() {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing after the test
            }
        }
    }

    /** A run started in one cycle and finished in the next: the run in flight across the upgrade. */
    record OpenRun(String tenant, String runId, int version, String key, String toolCallId) {
    }

    static void worker(int n, Database role, Load load) {
        Caller w = null;
        try {
            w = new Caller(role, load);
            Caller me = w;
            int[] versions = new int[TENANTS.length];
            OpenRun open = null;
            for (int cycle = 0; cycle < MAX_CYCLES && !load.stop.get(); cycle++) {
                int t = cycle % TENANTS.length;
                String tenant = TENANTS[t];
                String stream = "load-" + n;
                int expected = versions[t];
                String id = UUID.randomUUID().toString();
                int version = me.op("append", c -> {
                    try (PreparedStatement ps = c.prepareStatement(
                            "select version from sor_api.append_event(?, ?, 'load.noted', jsonb_build_object('id', ?::text), '{}'::jsonb, ?)")) {
                        ps.setString(1, tenant);
                        ps.setString(2, stream);
                        ps.setString(3, id);
                        ps.setInt(4, expected);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            return rs.getInt(1);
                        }
                    }
                });
                assertThat(version).isEqualTo(expected + 1);
                versions[t] = version;
                load.appends.add(new Append(tenant, stream, version, id));

                String dedupe = "load-" + n + "-" + cycle;
                me.op("enqueue", c -> {
                    try (PreparedStatement ps = c.prepareStatement(
                            "select sor_api.enqueue_task(?, 'load-q', ?, jsonb_build_object('cycle', ?::int), ?)")) {
                        ps.setString(1, tenant);
                        ps.setString(2, "subject-" + dedupe);
                        ps.setInt(3, 0);
                        ps.setString(4, dedupe);
                        ps.executeQuery().close();
                        return null;
                    }
                });
                List<long[]> claimed = me.op("claim", c -> {
                    List<long[]> out = new ArrayList<>();
                    try (Statement st = c.createStatement();
                         ResultSet rs = st.executeQuery("select task_id, fencing_token from sor_api.claim_tasks('load-q', 2, interval '10 minutes')")) {
                        while (rs.next()) {
                            out.add(new long[] {rs.getLong(1), rs.getLong(2)});
                        }
                    }
                    return out;
                });
                for (long[] task : claimed) {
                    me.op("complete", c -> {
                        try (PreparedStatement ps = c.prepareStatement("select sor_api.complete_task(?, ?, '{\"load\": true}'::jsonb)")) {
                            ps.setLong(1, task[0]);
                            ps.setLong(2, task[1]);
                            ps.executeQuery().close();
                            return null;
                        }
                    });
                    if (!load.completedTasks.add(task[0])) {
                        throw new AssertionError("task " + task[0] + " was acknowledged as completed twice");
                    }
                }

                // the run of the previous cycle: its tool call retried with its key, answered from the journal, then finished
                if (open != null) {
                    OpenRun r = open;
                    String[] again = me.op("call_tool", c -> callTool(c, r.runId(), r.key()));
                    if (!again[0].equals(r.toolCallId()) || !Boolean.parseBoolean(again[1])) {
                        throw new AssertionError("the retried tool call " + r.key() + " was not answered from the journal: "
                                + again[0] + " replayed=" + again[1] + ", first " + r.toolCallId());
                    }
                    load.replayedToolCalls.incrementAndGet();
                    me.op("commit_step", c -> {
                        try (PreparedStatement ps = c.prepareStatement("select status from sor_api.commit_step(?::uuid, 'step-1', ?, '{\"done\": true}'::jsonb,"
                                + " jsonb_build_array(jsonb_build_object('type', 'load.step', 'payload', jsonb_build_object('key', ?::text))),"
                                + " jsonb_build_array(jsonb_build_object('type', 'email', 'to', 'alice@example.com', 'key', ?::text)))")) {
                            ps.setString(1, r.runId());
                            ps.setInt(2, r.version());
                            ps.setString(3, r.key());
                            ps.setString(4, r.key());
                            ps.executeQuery().close();
                            return null;
                        }
                    });
                    me.op("finish_run", c -> {
                        try (PreparedStatement ps = c.prepareStatement("select sor_api.finish_run(?::uuid, 'succeeded')")) {
                            ps.setString(1, r.runId());
                            ps.executeQuery().close();
                            return null;
                        }
                    });
                    load.runsFinished.incrementAndGet();
                    open = null;
                }
                String runKey = "load-run-" + n + "-" + cycle;
                Object[] run = me.op("start_run", c -> {
                    try (PreparedStatement ps = c.prepareStatement(
                            "select run_id::text, version from sor_api.start_run(?, 'load-run', jsonb_build_object('cycle', ?::int), ?, 3600)")) {
                        ps.setString(1, tenant);
                        ps.setInt(2, 0);
                        ps.setString(3, runKey);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            return new Object[] {rs.getString(1), rs.getInt(2)};
                        }
                    }
                });
                String callKey = runKey + "-list";
                String[] first = me.op("call_tool", c -> callTool(c, (String) run[0], callKey));
                if (load.toolCalls.put(callKey, first[0]) != null) {
                    throw new AssertionError("tool call key " + callKey + " used twice by the test");
                }
                open = new OpenRun(tenant, (String) run[0], (Integer) run[1], callKey, first[0]);
                Thread.sleep(15);
            }
        } catch (Throwable e) {
            load.failures.add(e);
            load.stop.set(true);
        } finally {
            if (w != null) {
                w.close();
            }
        }
    }

    static String[] callTool(Connection c, String runId, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select tool_call_id::text, replayed, ok from sor_api.call_tool(?::uuid, 'list_pending', '{}'::jsonb, ?)")) {
            ps.setString(1, runId);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(3)) {
                    throw new AssertionError("list_pending failed for " + key);
                }
                return new String[] {rs.getString(1), Boolean.toString(rs.getBoolean(2))};
            }
        }
    }

    static void dispatcher(Database role, Load load) {
        Caller d = null;
        try {
            d = new Caller(role, load);
            Caller me = d;
            for (int cycle = 0; cycle < MAX_CYCLES && !load.stop.get(); cycle++) {
                List<long[]> leased = me.op("lease", c -> {
                    List<long[]> out = new ArrayList<>();
                    try (Statement st = c.createStatement();
                         ResultSet rs = st.executeQuery("select outbox_id, lease_token from sor_api.lease_outbox(5, interval '10 minutes')")) {
                        while (rs.next()) {
                            out.add(new long[] {rs.getLong(1), rs.getLong(2)});
                        }
                    }
                    return out;
                });
                for (long[] row : leased) {
                    me.op("mark", c -> {
                        try (PreparedStatement ps = c.prepareStatement("select sor_api.mark_dispatched(?, ?, ?)")) {
                            ps.setLong(1, row[0]);
                            ps.setLong(2, row[1]);
                            ps.setString(3, "load-" + row[0]);
                            ps.executeQuery().close();
                            return null;
                        }
                    });
                    if (!load.markedOutbox.add(row[0])) {
                        throw new AssertionError("outbox row " + row[0] + " was acknowledged as dispatched twice");
                    }
                }
                Thread.sleep(leased.isEmpty() ? 50 : 10);
            }
        } catch (Throwable e) {
            load.failures.add(e);
            load.stop.set(true);
        } finally {
            if (d != null) {
                d.close();
            }
        }
    }

    /**
     * What a failed attempt must leave as it was: the scripts the histories record as applied, and
     * the catalog. (From 0.1.0 the first attempt also creates the module's new history table and
     * copies the old rows into it, outside the run's transaction, as Flyway creates its history
     * table; the rerun finds them there and copies nothing. The set of applied scripts is the same.)
     */
    static List<Object> applied(SorDatabase db) throws SQLException {
        List<Object> state = new ArrayList<>();
        Set<String> scripts = new TreeSet<>();
        for (List<Object> table : db.rows("select format('%I.%I', n.nspname, c.relname) from pg_class c"
                + " join pg_namespace n on n.oid = c.relnamespace where c.relname like 'flyway_schema_history%' and c.relkind in ('r', 'p')")) {
            String module = String.valueOf(table.get(0)).replaceFirst("^.*\\.", "");
            for (List<Object> r : db.rows("select script, checksum, success from " + table.get(0) + " where type <> 'SCHEMA'")) {
                scripts.add(module + " " + r);
            }
        }
        state.add(scripts);
        state.add(UpgradeMatrixTest.snapshot(db));
        return state;
    }

    /**
     * One of the README's commands, rerun (as a DBA would) while it fails with 55P03 (a lock wait
     * past the run's lock_timeout) or 40P01 (the run chosen as a deadlock's victim), each failed
     * attempt checked to have applied nothing. Returns the number of reruns.
     */
    static int migrateRerunning(SorDatabase db, Load load, Map<String, Integer> rerunsByState, Runnable afterFirstAttempt, String... args) throws SQLException {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            List<Object> before = applied(db);
            // the first attempt waits for the straggler 5 s instead of the default 60 s, through the
            // driver's options on the command line's -url, as a DBA may set it
            FlywayCli.Result result = cli.run(Repo.root(), db.admin().withSetting("pgsor.upgrade_lock_wait", "5s"), args);
            if (attempt == 1) {
                afterFirstAttempt.run();
            }
            if (result.exitCode() == 0) {
                return attempt - 1;
            }
            String state = result.output().matches("(?s).*SQL State\\s*:\\s*55P03.*") ? "55P03"
                    : result.output().matches("(?s).*SQL State\\s*:\\s*40P01.*") ? "40P01" : null;
            assertThat(state).as("a failed upgrade attempt must fail only on a lock wait; " + result).isNotNull();
            rerunsByState.merge(state, 1, Integer::sum);
            // the script the run was in when it failed: the last one named before the error
            java.util.regex.Matcher script = java.util.regex.Pattern.compile("[RV][0-9_.]*__\\w+\\.sql").matcher(result.output());
            String last = null;
            int error = result.output().indexOf("SQL State");
            while (script.find() && script.start() < error) {
                last = script.group();
            }
            load.failedAttempts.add(state + (last == null ? "" : " in " + last));
            assertThat(applied(db)).as("a failed attempt (" + state + ") applies nothing").isEqualTo(before);
        }
        throw new AssertionError("the upgrade did not succeed in " + MAX_ATTEMPTS + " attempts: " + load.failedAttempts
                + "; Worker operations " + snapshot(load.ops) + ", retries " + snapshot(load.retries));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void workersKeepWorkingWhileTheUpgradeFrom020RunsAndSeeOnlyRetryableStates(@TempDir Path work) throws Exception {
        upgradeUnderLoad("0.2.0", work);
    }

    /**
     * The same from 0.1.0, whose upgrade rebuilds the event core (V061) under the Workers' feet.
     * Taking the tables script by script, every rerun lost a deadlock with the Workers (40P01): the
     * run held one table and waited for the next while a Worker's call held that one and waited
     * behind the run. The upgrade callback now takes every table of schema sor at once, with NOWAIT
     * and retry, before the first script: the Workers wait for the kernel's run and go on.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void workersKeepWorkingWhileTheUpgradeFrom010RunsAndSeeOnlyRetryableStates(@TempDir Path work) throws Exception {
        upgradeUnderLoad("0.1.0", work);
    }

    static void upgradeUnderLoad(String release, Path work) throws Exception {
        try (SorDatabase db = suite.empty()) {
            Releases.install(cli, release, db, work);
            Releases.runScript(db, Releases.resource("/upgrade/seed.sql"));
            if (!release.equals("0.1.0")) {
                Releases.runScript(db, Releases.resource("/upgrade/seed-0.2.0.sql"));
            }
            db.exec("select sor_api.create_queue('load-q', 'tasks across a live upgrade', 3, '1 second', '1 minute')");
            List<Database> workers = new ArrayList<>();
            for (int i = 0; i < WORKERS; i++) {
                workers.add(db.worker("expense-reconciler", TENANTS));
            }
            Database dispatcherRole = db.dispatcher(TENANTS);
            Database auditor = db.auditor();
            String inFlightRun = (String) db.scalar("select run_id::text from sor.runs where tenant_id = 'acme' and idempotency_key = 'acme-night-4'");
            String inFlightCall = (String) db.scalar("select tool_call_id::text from sor.tool_calls where idempotency_key = 'acme-list-4'");
            assertThat(inFlightRun).isNotNull();
            assertThat(inFlightCall).isNotNull();
            assertThat(db.scalar("select status from sor.runs where run_id = ?::uuid", inFlightRun)).isEqualTo("running");

            Load load = new Load();
            List<Thread> threads = new ArrayList<>();
            for (int i = 1; i <= WORKERS; i++) {
                int n = i;
                threads.add(new Thread(() -> worker(n, workers.get(n - 1), load), "load-worker-" + n));
            }
            threads.add(new Thread(() -> dispatcher(dispatcherRole, load), "load-dispatcher"));
            threads.forEach(Thread::start);
            Thread.sleep(3_000);
            assertThat(load.failures).isEmpty();

            // the straggler: from 0.1.0, a Worker's append left uncommitted (V061 rebuilds sor.events); from
            // 0.2.0, which takes no lock a Worker's call holds, an auditor's report left open on a view it replaces
            Connection straggler = (release.equals("0.1.0") ? straggler(db) : auditor).connect();
            straggler.setAutoCommit(false);
            String stragglerId = UUID.randomUUID().toString();
            if (release.equals("0.1.0")) {
                try (PreparedStatement ps = straggler.prepareStatement("select version from sor_api.append_event('acme', 'load-straggler',"
                        + " 'load.noted', jsonb_build_object('id', ?::text), '{}'::jsonb, 0)")) {
                    ps.setString(1, stragglerId);
                    ps.executeQuery().close();
                }
            } else {
                try (Statement st = straggler.createStatement()) {
                    st.executeQuery("select count(*) from sor_api.partitions").close();
                }
            }
            Map<String, Integer> reruns = new TreeMap<>();
            Set<String> workerWaits = ConcurrentHashMap.newKeySet();
            Thread watcher = new Thread(() -> watchWorkerWaits(db, load, workerWaits), "lock-watcher");
            watcher.start();
            // a run of a Worker's that stays open across the whole upgrade, its keyed tool call made before it
            String acrossRun;
            String acrossCall;
            try (Connection c = workers.get(0).connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select run_id::text from sor_api.start_run('globex', 'load-run', '{}'::jsonb, 'load-across', 3600)")) {
                rs.next();
                acrossRun = rs.getString(1);
                acrossCall = callTool(c, acrossRun, "load-across-list")[0];
            }
            load.oldCodeMayFail = release.equals("0.1.0");
            load.upgradeStart = System.nanoTime();
            int kernelReruns = migrateRerunning(db, load, reruns, () -> {
                try {
                    straggler.commit();
                    straggler.close();
                    if (release.equals("0.1.0")) {
                        load.appends.add(new Append("acme", "load-straggler", 1, stragglerId));
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, "migrate");
            load.kernelEnd = System.nanoTime();
            int exampleReruns = migrateRerunning(db, load, reruns, () -> { },
                    "-configFiles=examples/reconciler/flyway.toml", "migrate");
            load.upgradeEnd = System.nanoTime();
            watcher.join();
            long upgradeMillis = (load.upgradeEnd - load.upgradeStart) / 1_000_000;
            assertThat(straggler.isClosed()).isTrue();
            // the straggler's open transaction made the first attempt wait past the lock timeout; the rerun succeeded
            assertThat(reruns.getOrDefault("55P03", 0)).as("the first attempt waited for the straggler's lock and failed with 55P03").isPositive();
            assertThat(db.count("select count(*) from sor_flyway.flyway_schema_history where script like 'V082%' and success")).isOne();

            Map<String, Long> opsAtUpgradeEnd = snapshot(load.ops);
            Thread.sleep(3_000);
            load.stop.set(true);
            for (Thread t : threads) {
                t.join(60_000);
                assertThat(t.isAlive()).as(t.getName() + " stopped").isFalse();
            }
            if (!load.failures.isEmpty()) {
                AssertionError e = new AssertionError("a Worker failed: " + load.failures.get(0), load.failures.get(0));
                load.failures.stream().skip(1).forEach(e::addSuppressed);
                throw e;
            }
            Map<String, Long> ops = snapshot(load.ops);
            assertThat(ops.get("append")).as("appends after the upgrade").isGreaterThan(opsAtUpgradeEnd.getOrDefault("append", 0L));
            assertThat(ops.get("complete")).isPositive();
            assertThat(ops.get("mark")).isPositive();
            assertThat(load.runsFinished.get()).isPositive();

            // every acknowledged append is there exactly once, and nothing else was written to those streams
            Map<String, Integer> events = new HashMap<>();
            for (List<Object> r : db.rows("select tenant_id, stream, version, payload->>'id' from sor.events where stream like 'load-%'")) {
                events.merge(r.get(0) + "/" + r.get(1) + "/" + r.get(2) + "/" + r.get(3), 1, Integer::sum);
            }
            List<Append> acked = new ArrayList<>(load.appends);
            for (Append a : acked) {
                assertThat(events.get(a.tenant() + "/" + a.stream() + "/" + a.version() + "/" + a.id()))
                        .as("acknowledged append " + a).isEqualTo(1);
            }
            assertThat(events).as("events on the Workers' streams").hasSize(acked.size());
            assertThat(events.values()).allMatch(c -> c == 1);
            assertThat(db.count("select count(*) from (select payload->>'id' from sor.events where stream like 'load-%'"
                    + " group by 1 having count(*) > 1) d")).isZero();

            // no task completed twice, no tool call journaled twice for a key, no outbox row dispatched twice
            assertThat(db.count("select count(*) from (select task_id from sor.finished_tasks group by 1 having count(*) > 1) d")).isZero();
            assertThat(db.count("select count(*) from (select tenant_id, stream from sor.events where type = 'task.completed'"
                    + " group by 1, 2 having count(*) > 1) d")).isZero();
            assertThat(db.count("select count(*) from sor.finished_tasks where status = 'completed' and task_id in (select unnest(string_to_array(?, ','))::bigint)",
                    String.join(",", load.completedTasks.stream().map(String::valueOf).toList()))).isEqualTo(load.completedTasks.size());
            assertThat(db.count("select count(*) from (select tenant_id, idempotency_key from sor.tool_calls"
                    + " where idempotency_key is not null group by 1, 2 having count(*) > 1) d")).isZero();
            assertThat(db.count("select count(*) from sor.tool_calls where idempotency_key like 'load-run-%'")).isEqualTo(load.toolCalls.size());
            assertThat(db.count("select count(*) from sor.outbox where status = 'dispatched' and provider_ref like 'load-%'"))
                    .isEqualTo(load.markedOutbox.size());

            // the Worker's run open across the upgrade retries its call (answered from the journal) and finishes
            try (Connection c = workers.get(0).connect()) {
                assertThat(callTool(c, acrossRun, "load-across-list")).containsExactly(acrossCall, "true");
                try (PreparedStatement ps = c.prepareStatement("select sor_api.finish_run(?::uuid, 'succeeded')")) {
                    ps.setString(1, acrossRun);
                    ps.executeQuery().close();
                }
            }
            assertThat(db.scalar("select status from sor.runs where run_id = ?::uuid", acrossRun)).isEqualTo("succeeded");
            assertThat(db.count("select count(*) from sor.tool_calls where idempotency_key = 'load-across-list'")).isOne();

            // the seed's run in flight since before the upgrade retries its tool call: answered from the journal
            long toolCalls = db.count("select count(*) from sor.tool_calls");
            List<String> answer = UpgradeMatrixTest.problemsAs(db, "up_worker",
                    "select tool_call_id::text, replayed::text from sor_api.call_tool('" + inFlightRun + "'::uuid, 'list_pending', '{}'::jsonb, 'acme-list-4')");
            assertThat(answer).containsExactly(inFlightCall + " | true");
            assertThat(db.count("select count(*) from sor.tool_calls")).isEqualTo(toolCalls);

            // and it checks out
            assertThat(db.rows("select intact, broken_streams::bigint from sor_api.verify_events_summary()")).containsExactly(List.of(true, 0L));
            try (Connection c = db.admin().connect()) {
                assertThat(Certification.run(c).stream().filter(r -> !r.ok()).toList()).isEmpty();
            }

            System.out.printf("upgrade under load (%s -> this release, %d Workers + a dispatcher): upgrade %d ms,"
                            + " reruns %d (kernel %d, example %d, by SQLSTATE %s), operations %s, retries %s,"
                            + " longest Worker stall %d ms (%d ms during the upgrade), %d runs finished across cycles,"
                            + " Worker waits on a relation lock seen during the upgrade %s, failed attempts %s,"
                            + " longest per kind (ms) %s%n",
                    release, WORKERS, upgradeMillis, kernelReruns + exampleReruns, kernelReruns, exampleReruns, reruns,
                    new TreeMap<>(ops), new TreeMap<>(snapshot(load.retries)),
                    load.longestStallNanos.get() / 1_000_000, load.longestStallInUpgradeNanos.get() / 1_000_000,
                    load.runsFinished.get(), new TreeSet<>(workerWaits), load.failedAttempts,
                    millis(load.longestByKindNanos));
        }
    }

    /**
     * Samples, while the upgrade runs, the relation locks the Workers' and the dispatcher's
     * backends wait for (reported, not asserted: a sample can miss a short wait).
     */
    static void watchWorkerWaits(SorDatabase db, Load load, Set<String> waits) {
        try (Connection c = db.admin().connect(); Statement st = c.createStatement()) {
            while (!load.stop.get() && load.upgradeEnd == Long.MAX_VALUE) {
                try (ResultSet rs = st.executeQuery("select l.relation::regclass::text || ' ' || l.mode from pg_locks l"
                        + " join pg_stat_activity a on a.pid = l.pid"
                        + " where not l.granted and l.locktype = 'relation' and a.datname = current_database()"
                        + " and (a.usename like 'worker%' or a.usename like 'dispatcher%')")) {
                    while (rs.next()) {
                        waits.add(rs.getString(1));
                    }
                }
                Thread.sleep(25);
            }
        } catch (SQLException e) {
            waits.add("(the watcher failed: " + e.getSQLState() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Database straggler(SorDatabase db) {
        return db.worker("expense-reconciler", TENANTS);
    }

    static Map<String, Long> millis(Map<String, AtomicLong> nanos) {
        Map<String, Long> out = new TreeMap<>();
        nanos.forEach((k, v) -> out.put(k, v.get() / 1_000_000));
        return out;
    }

    static Map<String, Long> snapshot(Map<String, AtomicLong> counters) {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

}
