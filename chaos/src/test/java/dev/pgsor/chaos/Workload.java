package dev.pgsor.chaos;

import dev.pgsor.chaos.Ledger.Kind;
import dev.pgsor.runtime.Database;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mixed workload, every caller on its own login role, connection and thread, each call one
 * autocommit transaction through sor_api: Reconciler Workers claim tasks and, per tenant share of
 * a batch, start a run, call categorise and record_expense through call_tool, journal a model
 * call with begin/finish_tool_call, complete the task and finish the run; a reviewer commits a
 * step with a review command whose sibling email is deferred until the approver approves; a
 * dispatcher leases outbox rows, sends them to the {@link Provider} with the dedupe key and marks
 * them dispatched; an appender appends events; an ingester loads bank rows. Every acknowledged
 * call goes into the {@link Ledger}. A connection that dies (the server was killed) is reopened
 * until the workload stops; whatever the caller had in hand is dropped, as a crashed process
 * would drop it: leases lapse and runs read abandoned.
 */
final class Workload {

    /** Which callers run. */
    record Mix(int workers, boolean dispatcher, boolean reviewer, boolean approver, boolean appender, boolean ingester) {
        /** Every caller. */
        static Mix all(int workers) {
            return new Mix(workers, true, true, true, true, true);
        }

        /** Workers, the dispatcher, the approver, and the reviewer retrying only: no new work, so the backlog drains. */
        static Mix drain(int workers) {
            return new Mix(workers, true, true, true, false, false);
        }
    }

    final SorCluster cluster;
    final Ledger ledger;
    final Provider provider;
    final Latencies claimLatency = new Latencies();
    final AtomicLong reconnects = new AtomicLong();
    /** When the server's processes were last all dead (System.nanoTime()): a call sent later cannot have committed there. */
    volatile long serverDeadAt = Long.MAX_VALUE;
    /** Calls whose connection died before the reply: their outcome is unknown to the caller. */
    final AtomicLong callsCut = new AtomicLong();
    final AtomicLong staleTokens = new AtomicLong();
    final AtomicLong tasksCompleted = new AtomicLong();
    final AtomicLong dispatched = new AtomicLong();
    final List<Throwable> unexpected = new CopyOnWriteArrayList<>();
    /** Runs whose Worker lost its connection while the run was open: they must read abandoned. */
    final Set<String> interruptedRuns = ConcurrentHashMap.newKeySet();
    /** Model calls begun (acknowledged) and never finished because the connection died. */
    final Set<String> unfinishedCalls = ConcurrentHashMap.newKeySet();

    private final AtomicInteger ingestBatch = new AtomicInteger();
    private final AtomicInteger reviewSeq = new AtomicInteger();
    private final ConcurrentLinkedQueue<Long> blocksToResolve = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String[]> stepsToRetry = new ConcurrentLinkedQueue<>();
    private final String runPrefix = Long.toString(System.nanoTime(), 36);
    private final AtomicInteger batchSeq = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean newReviews = true;
    private volatile boolean lossPossible;
    final AtomicLong forgotten = new AtomicLong();
    private volatile long modelMillis = 100;
    private volatile long providerMillis = 5;
    private volatile int ingestRowsPerBatch = 8;
    private volatile long ingestPauseMillis = 400;
    private volatile long appendPauseMillis = 25;

    Workload(SorCluster cluster, Ledger ledger, Provider provider) {
        this.cluster = cluster;
        this.ledger = ledger;
        this.provider = provider;
    }

    /** Ingest rate while the ingester runs: rows per batch and the pause between batches. */
    Workload ingestRate(int rowsPerBatch, long pauseMillis) {
        this.ingestRowsPerBatch = rowsPerBatch;
        this.ingestPauseMillis = pauseMillis;
        return this;
    }

    /**
     * After an asynchronous failover the server may have lost rows a caller still holds (a block
     * to approve, a run to commit a step of): those references are dropped and counted instead of
     * being unexpected.
     */
    void lossPossible() {
        this.lossPossible = true;
    }

    /** How long the model call between begin_tool_call and finish_tool_call takes, and a provider's send. */
    Workload latencies(long model, long provider) {
        this.modelMillis = model;
        this.providerMillis = provider;
        return this;
    }

    Workload appendPause(long millis) {
        this.appendPauseMillis = millis;
        return this;
    }

    /** Loads rows bank rows per tenant as the ingester, acknowledged in the ledger; returns how many. */
    int ingest(int rowsPerTenant) throws SQLException {
        try (Connection c = cluster.as("ingester").connect()) {
            int n = 0;
            for (String tenant : SorCluster.TENANTS) {
                n += ingestBatch(c, tenant, rowsPerTenant);
            }
            return n;
        }
    }

    /** Starts the callers of the mix on threads of their own. */
    synchronized void start(Mix mix) {
        stop.set(false);
        newReviews = mix.ingester();
        threads.clear();
        for (int i = 1; i <= mix.workers(); i++) {
            String role = "worker_" + i;
            threads.add(new Thread(() -> loop(role, this::reconcile), role));
        }
        if (mix.dispatcher()) {
            threads.add(new Thread(() -> loop("dispatcher", this::dispatch), "dispatcher"));
        }
        if (mix.reviewer()) {
            threads.add(new Thread(() -> loop("reviewer", this::review), "reviewer"));
        }
        if (mix.approver()) {
            threads.add(new Thread(() -> loop("approver", this::approve), "approver"));
        }
        if (mix.appender()) {
            threads.add(new Thread(() -> loop("worker_1", this::append), "appender"));
        }
        if (mix.ingester()) {
            threads.add(new Thread(() -> loop("ingester", this::ingestSome), "ingester"));
        }
        threads.forEach(Thread::start);
    }

    /** Stops the callers and waits for their threads. */
    synchronized void stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(60_000);
            if (t.isAlive()) {
                unexpected.add(new IllegalStateException(t.getName() + " did not stop"));
            }
        }
        threads.clear();
    }

    /**
     * An approval acknowledged by a primary that was then lost with it (an asynchronous failover):
     * its block is active again on the promoted server, so the approver resolves it again.
     */
    void approveAgain(long block) {
        blocksToResolve.add(block);
    }

    /** Blocks opened by the reviewer and not yet approved (the approver resolves them when it runs). */
    int unresolvedBlocks() {
        return blocksToResolve.size() + stepsToRetry.size();
    }

    // ---- the callers

    @FunctionalInterface
    private interface Body {
        void run(Connection c) throws SQLException, InterruptedException;
    }

    private void loop(String role, Body body) {
        while (!stop.get()) {
            Database db = cluster.as(role);
            boolean connected = false;
            try (Connection c = db.connect()) {
                connected = true;
                while (!stop.get()) {
                    body.run(c);
                }
            } catch (SQLException e) {
                if (!connectionLost(e)) {
                    unexpected.add(e);
                } else if (connected) {
                    // the connection died under a call: the client cannot know whether it committed
                    callsCut.incrementAndGet();
                }
                reconnects.incrementAndGet();
                pause(150);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                unexpected.add(e);
                pause(150);
            }
        }
    }

    /** One claim of the Reconciler Worker: up to 4 tasks, one run per tenant share. */
    private void reconcile(Connection c) throws SQLException, InterruptedException {
        List<Object[]> tasks = new ArrayList<>();
        long t0 = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement("select task_id, tenant_id, payload ->> 'bank_txn_id', fencing_token"
                + " from sor_api.claim_tasks('reconcile', 4, interval '5 seconds')");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tasks.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4)});
            }
        }
        for (Object[] t : tasks) {
            ledger.ack(Kind.TASK_CLAIMED, t[0], t[3]);
        }
        claimLatency.record(System.nanoTime() - t0);
        if (tasks.isEmpty()) {
            Thread.sleep(100);
            return;
        }
        Map<String, List<Object[]>> byTenant = new LinkedHashMap<>();
        for (Object[] t : tasks) {
            byTenant.computeIfAbsent((String) t[1], k -> new ArrayList<>()).add(t);
        }
        for (Map.Entry<String, List<Object[]>> e : byTenant.entrySet()) {
            runBatch(c, e.getKey(), e.getValue());
        }
    }

    private void runBatch(Connection c, String tenant, List<Object[]> tasks) throws SQLException {
        String key = runPrefix + "-" + batchSeq.incrementAndGet();
        StringBuilder input = new StringBuilder("{\"bank_txn_ids\": [");
        for (int i = 0; i < tasks.size(); i++) {
            input.append(i == 0 ? "" : ", ").append('"').append(tasks.get(i)[2]).append('"');
        }
        input.append("]}");
        String run = null;
        String openCall = null;
        Kind finishing = null;
        long sentAt = 0;
        try {
            try (PreparedStatement ps = c.prepareStatement(
                    "select run_id from sor_api.start_run(?, 'nightly-reconcile', ?::jsonb, ?, 5)")) {
                ps.setString(1, tenant);
                ps.setString(2, input.toString());
                ps.setString(3, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    run = rs.getString(1);
                }
            }
            ledger.ack(Kind.RUN_STARTED, run);
            for (Object[] t : tasks) {
                String txn = (String) t[2];
                String category = callTool(c, run, "categorise", "{\"bank_txn_id\": \"" + txn + "\"}", "categorise:" + txn,
                        "category");
                if (category == null) {
                    return;
                }
                // a model call journaled around the outside work: started is committed before the call
                String[] begun = new String[1];
                try (PreparedStatement ps = c.prepareStatement(
                        "select tool_call_id from sor_api.begin_tool_call(?::uuid, 'llm.explain', ?::jsonb)")) {
                    ps.setString(1, run);
                    ps.setString(2, "{\"bank_txn_id\": \"" + txn + "\", \"category\": \"" + category + "\"}");
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        begun[0] = rs.getString(1);
                    }
                }
                openCall = begun[0];
                ledger.ack(Kind.BEGIN_CALL, openCall);
                sleepQuietly(modelMillis);
                finishing = Kind.FINISH_CALL;
                sentAt = System.nanoTime();
                try (PreparedStatement ps = c.prepareStatement("select sor_api.finish_tool_call(?::uuid, ?::jsonb)")) {
                    ps.setString(1, openCall);
                    ps.setString(2, "{\"explanation\": \"rule match\"}");
                    ps.execute();
                }
                ledger.ack(Kind.FINISH_CALL, openCall);
                finishing = null;
                openCall = null;
                String created = callTool(c, run, "record_expense",
                        "{\"bank_txn_id\": \"" + txn + "\", \"category\": \"" + category + "\"}", "record_expense:" + txn,
                        "expense_id");
                if (created == null) {
                    return;
                }
                ledger.ack(Kind.EXPENSE, tenant, txn);
                try (PreparedStatement ps = c.prepareStatement("select sor_api.complete_task(?, ?, ?::jsonb)")) {
                    ps.setLong(1, (Long) t[0]);
                    ps.setLong(2, (Long) t[3]);
                    ps.setString(3, "{\"run_id\": \"" + run + "\"}");
                    ps.execute();
                    ledger.ack(Kind.TASK_COMPLETED, t[0], t[3]);
                    tasksCompleted.incrementAndGet();
                } catch (SQLException e) {
                    // the lease lapsed and the task went to another Worker: its work is idempotent, drop it
                    if (!"SR056".equals(e.getSQLState()) && !"SR057".equals(e.getSQLState())) {
                        throw e;
                    }
                    staleTokens.incrementAndGet();
                }
                try (PreparedStatement ps = c.prepareStatement("select sor_api.heartbeat(?::uuid)")) {
                    ps.setString(1, run);
                    ps.execute();
                }
            }
            finishing = Kind.RUN_FINISHED;
            sentAt = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement("select sor_api.finish_run(?::uuid, 'succeeded')")) {
                ps.setString(1, run);
                ps.execute();
            }
            ledger.ack(Kind.RUN_FINISHED, run);
        } catch (SQLException e) {
            if (connectionLost(e)) {
                if (run != null) {
                    interruptedRuns.add(run);
                }
                if (openCall != null) {
                    unfinishedCalls.add(openCall);
                }
                if (finishing != null) {
                    ledger.inFlight(finishing, finishing == Kind.RUN_FINISHED ? run : openCall, sentAt);
                }
                throw e;
            }
            // the run's lease lapsed under load (SR036) or it was swept (SR035): the tasks come back to a Worker
            if ("SR035".equals(e.getSQLState()) || "SR036".equals(e.getSQLState())) {
                staleTokens.incrementAndGet();
                return;
            }
            throw e;
        }
    }

    /** sor_api.call_tool; returns the field of the result, or null when the tool refused (journaled by the database). */
    private String callTool(Connection c, String run, String tool, String args, String key, String field) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select tool_call_id, ok, result ->> ?, error::text from sor_api.call_tool(?::uuid, ?, ?::jsonb, ?)")) {
            ps.setString(1, field);
            ps.setString(2, run);
            ps.setString(3, tool);
            ps.setString(4, args);
            ps.setString(5, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(2)) {
                    unexpected.add(new IllegalStateException("tool " + tool + " failed: " + rs.getString(4)));
                    return null;
                }
                ledger.ack(Kind.TOOL_CALL, rs.getString(1));
                return rs.getString(3);
            }
        }
    }

    /** The dispatcher: lease, send with the dedupe key as the idempotency key, mark dispatched. */
    private void dispatch(Connection c) throws SQLException, InterruptedException {
        List<Object[]> leased = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select outbox_id, lease_token, dedupe_key, topic"
                + " from sor_api.lease_outbox(20, interval '5 seconds')");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                leased.add(new Object[] {rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4)});
            }
        }
        for (Object[] r : leased) {
            ledger.ack(Kind.OUTBOX_LEASED, r[0], r[1]);
        }
        if (leased.isEmpty()) {
            Thread.sleep(100);
            return;
        }
        for (Object[] r : leased) {
            String ref = provider.send((String) r[2], (String) r[3]);
            sleepQuietly(providerMillis);
            try (PreparedStatement ps = c.prepareStatement("select sor_api.mark_dispatched(?, ?, ?)")) {
                ps.setLong(1, (Long) r[0]);
                ps.setLong(2, (Long) r[1]);
                ps.setString(3, ref);
                ps.execute();
                ledger.ack(Kind.DISPATCHED, r[0], ref);
                dispatched.incrementAndGet();
            } catch (SQLException e) {
                // SR057: the lease lapsed; SR062: the row went to another lease; SR063: another lease delivered it
                if (!"SR057".equals(e.getSQLState()) && !"SR062".equals(e.getSQLState()) && !"SR063".equals(e.getSQLState())) {
                    throw e;
                }
                staleTokens.incrementAndGet();
            }
        }
    }

    /** The reviewer: a step whose email waits for a review; the approver releases it. */
    private void review(Connection c) throws SQLException, InterruptedException {
        String[] retry = stepsToRetry.peek();
        String tenant;
        String run;
        String step;
        if (retry == null && !newReviews) {
            Thread.sleep(100);
            return;
        }
        if (retry != null) {
            run = retry[0];
            step = retry[1];
            tenant = retry[2];
        } else {
            int n = reviewSeq.incrementAndGet();
            tenant = SorCluster.TENANTS.get(n % SorCluster.TENANTS.size());
            step = "propose";
            try (PreparedStatement ps = c.prepareStatement(
                    "select run_id from sor_api.start_run(?, 'expense-review', ?::jsonb, ?, 30)")) {
                ps.setString(1, tenant);
                ps.setString(2, "{\"review\": " + n + "}");
                ps.setString(3, runPrefix + "-review-" + n);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    run = rs.getString(1);
                }
            }
            ledger.ack(Kind.RUN_STARTED, run);
        }
        String[] pending = {run, step, tenant};
        stepsToRetry.remove(retry);
        try (PreparedStatement ps = c.prepareStatement(
                "select status, block_id from sor_api.commit_step(?::uuid, ?, 0, ?::jsonb, '[]'::jsonb, ?::jsonb)")) {
            ps.setString(1, run);
            ps.setString(2, step);
            ps.setString(3, "{\"proposed\": true}");
            ps.setString(4, "[{\"type\": \"review\", \"reason\": \"over the approval limit\"},"
                    + " {\"type\": \"email.review_outcome\", \"to\": \"finance@" + tenant + ".example\", \"run\": \"" + run + "\"}]");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if ("not_found".equals(rs.getString(1)) && lossPossible) {
                    forgotten.incrementAndGet();
                    return;
                }
                if (!"committed".equals(rs.getString(1))) {
                    unexpected.add(new IllegalStateException("commit_step of run " + run + ": " + rs.getString(1)));
                    return;
                }
                long block = rs.getLong(2);
                ledger.ack(Kind.STEP_COMMITTED, run, step, block, null);
                blocksToResolve.add(block);
            }
        } catch (SQLException e) {
            if (connectionLost(e)) {
                // exactly-once step: committing it again returns the recorded block
                stepsToRetry.add(pending);
            }
            throw e;
        }
        Thread.sleep(150);
    }

    private void approve(Connection c) throws SQLException, InterruptedException {
        Long block = blocksToResolve.peek();
        if (block == null) {
            Thread.sleep(100);
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("select status from sor_api.resolve_block(?, true, 'approved by the harness')")) {
            ps.setLong(1, block);
            ps.execute();
            ledger.ack(Kind.BLOCK_RESOLVED, block);
        } catch (SQLException e) {
            // SR043: an earlier attempt whose reply was lost already approved it;
            // SR042 after an asynchronous failover: the block was lost with the old primary
            if ("SR042".equals(e.getSQLState()) && lossPossible) {
                forgotten.incrementAndGet();
            } else if (!"SR043".equals(e.getSQLState())) {
                throw e;
            }
        }
        blocksToResolve.remove(block);
    }

    private void append(Connection c) throws SQLException, InterruptedException {
        String tenant = SorCluster.TENANTS.get(ThreadLocalRandom.current().nextInt(SorCluster.TENANTS.size()));
        String stream = "ledger-" + runPrefix;
        try (PreparedStatement ps = c.prepareStatement(
                "select version, hash from sor_api.append_event(?, ?, 'Tick', ?::jsonb, '{}'::jsonb, null)")) {
            ps.setString(1, tenant);
            ps.setString(2, stream);
            ps.setString(3, "{\"at\": " + System.nanoTime() + "}");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                ledger.ack(Kind.EVENT, tenant, stream, rs.getInt(1), rs.getString(2));
            }
        }
        Thread.sleep(appendPauseMillis);
    }

    private void ingestSome(Connection c) throws SQLException, InterruptedException {
        String tenant = SorCluster.TENANTS.get(ingestBatch.get() % SorCluster.TENANTS.size());
        ingestBatch(c, tenant, ingestRowsPerBatch);
        Thread.sleep(ingestPauseMillis);
    }

    private int ingestBatch(Connection c, String tenant, int rows) throws SQLException {
        int batch = ingestBatch.incrementAndGet();
        List<String> ids = new ArrayList<>();
        StringBuilder json = new StringBuilder("[");
        String[] descriptions = {"Uber taxi to airport", "Lunch at Cafe Nero", "GitHub licence", "Staples printer paper",
            "Hotel Berlin", "AWS cloud invoice", "Coffee with client", "Desk lamp"};
        for (int i = 0; i < rows; i++) {
            String id = tenant.toUpperCase() + "-" + runPrefix + "-" + batch + "-" + i;
            ids.add(id);
            json.append(i == 0 ? "" : ",").append(String.format(
                    "{\"bank_txn_id\": \"%s\", \"account_holder\": \"Holder %d\", \"holder_email\": \"h%d@%s.example\","
                            + " \"booked_on\": \"2026-11-17\", \"description\": \"%s\", \"amount\": %d.%02d, \"currency\": \"EUR\"}",
                    id, i, i, tenant, descriptions[i % descriptions.length], 5 + i % 200, i % 100));
        }
        json.append(']');
        try (PreparedStatement ps = c.prepareStatement("select ingested from reconciler.ingest_bank_rows(?, ?::jsonb)")) {
            ps.setString(1, tenant);
            ps.setString(2, json.toString());
            ps.execute();
        }
        for (String id : ids) {
            ledger.ack(Kind.INGESTED, tenant, id);
        }
        return rows;
    }

    /** A connection the server dropped (killed, shutting down, starting up, unreachable): not a refusal. */
    static boolean connectionLost(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03") || state.equals("53300") || e.getCause() instanceof IOException;
    }

    private static void sleepQuietly(long millis) {
        if (millis > 0) {
            pause(millis);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Claim latencies in nanoseconds, drained per sampling period. */
    static final class Latencies {
        private final List<Long> samples = Collections.synchronizedList(new ArrayList<>());

        void record(long nanos) {
            samples.add(nanos);
        }

        /** The samples since the last drain, sorted. */
        long[] drain() {
            long[] out;
            synchronized (samples) {
                out = samples.stream().mapToLong(Long::longValue).toArray();
                samples.clear();
            }
            java.util.Arrays.sort(out);
            return out;
        }

        static double percentileMillis(long[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
        }
    }
}
