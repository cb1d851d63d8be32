package dev.pgsor.forensics;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/** The calls a run makes for the forensic suites to read: a run, a tool call, claimed tasks, dispatched email. */
final class Forensics {

    private Forensics() { }

    /** A run of workflow reconcile with a small input and the given lease. */
    static UUID startRun(Connection c, String tenant, int leaseSeconds) throws SQLException {
        return (UUID) Sql.scalar(c, "select run_id from sor_api.start_run(?, 'reconcile', '{\"night\": \"tuesday\"}', null, ?)",
                tenant, leaseSeconds);
    }

    static UUID beginTool(Connection c, UUID run, String tool, String args) throws SQLException {
        return (UUID) Sql.scalar(c, "select tool_call_id from sor_api.begin_tool_call(?, ?, ?::jsonb)", run, tool, args);
    }

    /** Claims up to n tasks of the bank-rows queue and completes them; returns how many. */
    static int claimAndComplete(Connection c, int n) throws SQLException {
        List<List<Object>> claimed = Sql.rows(c, "select task_id, fencing_token from sor_api.claim_tasks('bank-rows', ?, interval '1 minute')", n);
        for (List<Object> t : claimed) {
            Sql.scalar(c, "select sor_api.complete_task(?, ?)", t.get(0), t.get(1));
        }
        return claimed.size();
    }

    /** Leases every pending outbox row as the dispatcher and marks it dispatched with provider reference prefix-<id>. */
    static void dispatchAll(Database dispatcher, String prefix) throws SQLException {
        try (Connection c = dispatcher.connect()) {
            for (List<Object> o : Sql.rows(c, "select outbox_id, lease_token from sor_api.lease_outbox(100, interval '1 minute')")) {
                Sql.scalar(c, "select sor_api.mark_dispatched(?, ?, ?)", o.get(0), o.get(1), prefix + "-" + o.get(0));
            }
        }
    }
}
