package dev.pgsor.chaos;

import dev.pgsor.runtime.Database;
import dev.pgsor.runtime.Migrator;
import dev.pgsor.schema.SorSchema;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The pg-sor database ("sor") on the server the harness owns, and its callers: login roles for
 * the Workers, the reviewer, the dispatcher, the approver, the ingester (sor_admin) and the
 * auditor, each a member of the tenants it serves. {@link #current()} is the server clients
 * connect to; a failover points it at the promoted standby, the way a virtual IP or a proxy would.
 */
final class SorCluster {

    static final String DATABASE = "sor";
    static final List<String> TENANTS = List.of("acme", "globex");

    private volatile OwnedServer current;
    private SorCluster(OwnedServer server) {
        this.current = server;
    }

    /**
     * Creates database sor on a running server, migrates the kernel and the reconciler into it with
     * Flyway, and creates the tenants and the callers.
     */
    static SorCluster setUp(OwnedServer server, int workers) throws SQLException {
        try (Connection c = server.admin("postgres").connect(); Statement st = c.createStatement()) {
            st.execute("create database " + DATABASE);
        }
        SorCluster cluster = new SorCluster(server);
        Migrator.migrate(cluster.admin(), SorSchema.ALL);
        try (Connection c = cluster.admin().connect(); Statement st = c.createStatement()) {
            for (String t : TENANTS) {
                st.execute("select sor_api.add_tenant('" + t + "', '" + t + "')");
                st.execute("select reconciler.setup_tenant('" + t + "')");
            }
            // many kill rounds claim the same task more than the reconciler's 5 attempts; the harness's own data
            st.execute("update sor.queues set max_attempts = 100 where queue = 'reconcile'");
            for (int i = 1; i <= workers; i++) {
                role(st, "worker_" + i, "sor_worker");
                st.execute("select sor_api.register_worker('worker_" + i + "', 'expense-reconciler')");
            }
            role(st, "reviewer", "sor_worker");
            st.execute("select sor_api.register_worker('reviewer', 'expense-reviewer')");
            role(st, "dispatcher", "sor_dispatcher");
            role(st, "approver", "sor_approver");
            role(st, "ingester", "sor_admin");
            role(st, "auditor", "sor_auditor");
            for (String t : TENANTS) {
                for (int i = 1; i <= workers; i++) {
                    st.execute("select sor_api.add_member('" + t + "', 'worker_" + i + "')");
                }
                // dispatchers and approvers are members of the tenants they serve (required by the next contract)
                for (String r : List.of("reviewer", "dispatcher", "approver")) {
                    st.execute("select sor_api.add_member('" + t + "', '" + r + "')");
                }
            }
        }
        return cluster;
    }

    private static void role(Statement st, String name, String group) throws SQLException {
        st.execute("create role " + name + " login in role " + group);
    }

    /** The server clients connect to now. */
    OwnedServer current() {
        return current;
    }

    /** Points every caller at another server (the promoted standby). */
    void failOverTo(OwnedServer promoted) {
        current = promoted;
    }

    /** The superuser on database sor of the current server: setting up and looking rows up, never proving a policy. */
    Database admin() {
        return current.admin(DATABASE);
    }

    /** A login role on database sor of the current server. */
    Database as(String role) {
        return new Database(current.url(DATABASE), role, "");
    }

    /** The first column of the first row, as the superuser. */
    Object scalar(String sql, Object... args) {
        return Sql.scalar(admin(), sql, args);
    }

    long count(String sql, Object... args) {
        return ((Number) scalar(sql, args)).longValue();
    }

    List<List<Object>> rows(String sql, Object... args) {
        return Sql.rows(admin(), sql, args);
    }
}
