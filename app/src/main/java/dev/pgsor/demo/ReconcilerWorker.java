package dev.pgsor.demo;

import dev.pgsor.runtime.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The Expense Reconciler Worker, as thin as it can be: it claims tasks and calls tools. Every rule
 * (allow-list, argument validation, idempotency, tenancy, fencing) is enforced by the database.
 */
public final class ReconcilerWorker {

    /** A claimed task. */
    record Task(long taskId, String tenantId, String bankTxnId, long token) { }

    /** Called before each record_expense with the number of expenses this Worker recorded so far. */
    public interface CrashPoint {
        void beforeRecord(Connection connection, UUID runId, String bankTxnId, int recorded) throws SQLException;
    }

    private final String name;
    private final Database database;
    private final CrashPoint crashPoint;
    private final List<UUID> runs = new ArrayList<>();
    private int recorded;
    private int newExpenses;
    private int batch;

    public ReconcilerWorker(String name, Database database, CrashPoint crashPoint) {
        this.name = name;
        this.database = database;
        this.crashPoint = crashPoint;
    }

    public String name() {
        return name;
    }

    public synchronized List<UUID> runs() {
        return List.copyOf(runs);
    }

    /** Claims and reconciles until {@code done} says the night's work is finished. */
    public void work(BooleanSupplier done) throws SQLException, InterruptedException {
        try (Connection c = database.connect()) {
            while (!done.getAsBoolean()) {
                List<Task> tasks = claim(c);
                if (tasks.isEmpty()) {
                    Thread.sleep(200);
                    continue;
                }
                Map<String, List<Task>> byTenant = new LinkedHashMap<>();
                for (Task t : tasks) {
                    byTenant.computeIfAbsent(t.tenantId(), k -> new ArrayList<>()).add(t);
                }
                batch++;
                for (Map.Entry<String, List<Task>> e : byTenant.entrySet()) {
                    reconcile(c, e.getKey(), e.getValue(), name + "/batch-" + batch + "/" + e.getKey());
                }
            }
        }
    }

    private List<Task> claim(Connection c) throws SQLException {
        List<Task> tasks = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select task_id, tenant_id, payload ->> 'bank_txn_id', fencing_token"
                        + " from sor_api.claim_tasks('reconcile', 4, interval '3 seconds')");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tasks.add(new Task(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
            }
        }
        return tasks;
    }

    /** One run for one tenant's share of a batch; the run key makes a retried invocation the same run. */
    UUID reconcile(Connection c, String tenant, List<Task> tasks, String runKey) throws SQLException {
        StringBuilder input = new StringBuilder("{\"bank_txn_ids\": [");
        for (int i = 0; i < tasks.size(); i++) {
            input.append(i == 0 ? "" : ", ").append('"').append(tasks.get(i).bankTxnId()).append('"');
        }
        input.append("]}");
        UUID run;
        String status;
        try (PreparedStatement ps = c.prepareStatement(
                "select run_id, status from sor_api.start_run(?, 'nightly-reconcile', ?::jsonb, ?, 5)")) {
            ps.setString(1, tenant);
            ps.setString(2, input.toString());
            ps.setString(3, runKey);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                run = (UUID) rs.getObject(1);
                status = rs.getString(2);
            }
        }
        synchronized (this) {
            if (!runs.contains(run)) {
                runs.add(run);
            }
        }
        if (!"running".equals(status)) {
            return run;
        }
        for (Task t : tasks) {
            String category = tool(c, run, "categorise", "{\"bank_txn_id\": \"" + t.bankTxnId() + "\"}",
                    "categorise:" + t.bankTxnId(), "category");
            try (PreparedStatement ps = c.prepareStatement(
                    "select sor_api.record_turn(?, 'rules-v1', 'assistant', 40, 8, ?)")) {
                ps.setObject(1, run);
                ps.setString(2, "{\"bank_txn_id\": \"" + t.bankTxnId() + "\", \"category\": \"" + category + "\"}");
                ps.execute();
            }
            if (crashPoint != null) {
                crashPoint.beforeRecord(c, run, t.bankTxnId(), recorded);
            }
            String created = tool(c, run, "record_expense",
                    "{\"bank_txn_id\": \"" + t.bankTxnId() + "\", \"category\": \"" + category + "\"}",
                    "record_expense:" + t.bankTxnId(), "created");
            recorded++;
            if ("true".equals(created)) {
                newExpenses++;
            }
            if (t.token() > 0) {
                try (PreparedStatement ps = c.prepareStatement("select sor_api.complete_task(?, ?, ?::jsonb)")) {
                    ps.setLong(1, t.taskId());
                    ps.setLong(2, t.token());
                    ps.setString(3, "{\"run_id\": \"" + run + "\"}");
                    ps.execute();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("select sor_api.heartbeat(?)")) {
                ps.setObject(1, run);
                ps.execute();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("select sor_api.finish_run(?, 'succeeded')")) {
            ps.setObject(1, run);
            ps.execute();
        }
        return run;
    }

    /** One sor_api.call_tool; a tool error stops the run (the database journaled it). */
    private static String tool(Connection c, UUID run, String tool, String args, String key, String field)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select ok, result ->> ?, error::text, replayed from sor_api.call_tool(?, ?, ?::jsonb, ?)")) {
            ps.setString(1, field);
            ps.setObject(2, run);
            ps.setString(3, tool);
            ps.setString(4, args);
            ps.setString(5, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new SQLException("tool " + tool + " failed: " + rs.getString(3));
                }
                // a replayed call returns the first call's result: it created nothing now
                return rs.getBoolean(4) && "created".equals(field) ? "false" : rs.getString(2);
            }
        }
    }

    /**
     * A duplicate invocation: the retry policy calls the Worker again with input it already
     * handled, under a fresh run. Returns how many of the rows produced a new expense: zero, since
     * record_expense is idempotent on the bank row.
     */
    public int reinvoke(String tenant, List<String> bankTxnIds, String runKey) throws SQLException {
        List<Task> tasks = new ArrayList<>();
        for (String id : bankTxnIds) {
            tasks.add(new Task(0, tenant, id, 0));
        }
        try (Connection c = database.connect()) {
            int before = newExpenses;
            reconcile(c, tenant, tasks, runKey);
            return newExpenses - before;
        }
    }
}
