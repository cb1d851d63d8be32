package dev.pgsor.forensics;

import dev.pgsor.db.Database;
import dev.pgsor.support.TestDatabase;
import dev.pgsor.support.TestDatabase.Sql;
import dev.pgsor.support.TestServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * A fresh database with tenants acme and globex, a queue of bank rows, and helpers to create the
 * roles real callers use: registered Workers, a dispatcher, tenant members and an auditor.
 */
final class ForensicsFixture implements AutoCloseable {

    final TestDatabase db;

    ForensicsFixture() {
        db = TestServer.get().freshDatabase();
        db.exec("select sor_api.add_tenant('acme', 'Acme Corp'), sor_api.add_tenant('globex', 'Globex'),"
                + " sor_api.create_queue('bank-rows', 'Bank statement rows to reconcile')");
    }

    /** A login role in sor_worker, registered as an expense-reconciler and a member of the tenants. */
    Database worker(String... tenants) {
        Database w = db.loginRole("wrk", "sor_worker");
        db.exec("select sor_api.register_worker('" + w.user() + "', 'expense-reconciler')");
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

    /** The database clock, as text, for window bounds. */
    String now() {
        return (String) db.scalar("select clock_timestamp()::text");
    }

    @Override
    public void close() {
        db.close();
    }
}
