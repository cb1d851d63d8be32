package dev.pgsor.events;

import dev.pgsor.db.Database;
import dev.pgsor.support.TestDatabase;
import dev.pgsor.support.TestDatabase.Sql;
import dev.pgsor.support.TestServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Two tenants, a Worker and a tenant user for each, an auditor and a role with no membership. */
final class Fixture implements AutoCloseable {

    final TestDatabase db;
    final Database acmeWorker;
    final Database globexWorker;
    final Database acmeUser;
    final Database globexUser;
    final Database auditor;
    final Database outsider;

    Fixture() {
        db = TestServer.get().freshDatabase();
        db.exec("select sor_api.add_tenant('acme', 'Acme Corp'), sor_api.add_tenant('globex', 'Globex')");
        acmeWorker = member("wacme", "sor_worker", "acme");
        globexWorker = member("wglobex", "sor_worker", "globex");
        acmeUser = member("alice", "sor_tenant", "acme");
        globexUser = member("bob", "sor_tenant", "globex");
        auditor = db.loginRole("aud", "sor_auditor");
        outsider = db.loginRole("nobody", "sor_worker", "sor_tenant");
    }

    private Database member(String base, String group, String tenant) {
        Database role = db.loginRole(base, group);
        db.exec("select sor_api.add_member('" + tenant + "', '" + role.user() + "')");
        return role;
    }

    /** Appends events as the given role and returns their positions. */
    static List<Long> append(Database as, String tenant, String stream, int count) throws SQLException {
        try (Connection c = as.connect()) {
            List<Long> positions = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                positions.add(append(c, tenant, stream, "Noted", "{\"n\": " + i + "}"));
            }
            return positions;
        }
    }

    static long append(Connection c, String tenant, String stream, String type, String payload) throws SQLException {
        return ((Number) Sql.scalar(c, "select position from sor_api.append_event(?, ?, ?, ?::jsonb)",
                tenant, stream, type, payload)).longValue();
    }

    long events() {
        return db.count("select count(*) from sor.events");
    }

    /** Every column of every event, in position order: to prove that nothing changed. */
    List<List<Object>> snapshot() {
        return Sql.rows(db.admin(), "select e::text from sor.events e order by position");
    }

    @Override
    public void close() {
        db.close();
    }
}
