package dev.pgsor.install;

import dev.pgsor.testkit.Database;
import dev.pgsor.testkit.EmbeddedServer;
import dev.pgsor.testkit.Sql;
import java.sql.SQLException;

/**
 * A PostgreSQL cluster of its own that stands in for a managed service: its only superuser is the
 * provider's (the embedded {@code postgres}), and the customer's admin is a role with LOGIN
 * CREATEROLE CREATEDB and nothing more, as on RDS, Cloud SQL, Azure or Supabase. The kit's roles
 * are cluster-wide, so a test of the managed path needs a cluster where they do not exist yet:
 * there the admin creates them, as it would on a new managed instance.
 */
final class ManagedCluster implements AutoCloseable {

    static final String ADMIN = "mgd_admin";
    static final String ADMIN_PASSWORD = "mgd-admin-pw";

    private final EmbeddedServer server;

    ManagedCluster() throws SQLException {
        server = EmbeddedServer.start(true);
        Sql.run(provider("postgres"), "create role " + ADMIN + " login createrole createdb password '" + ADMIN_PASSWORD + "'");
    }

    /** The provider's superuser (the customer never has it). */
    Database provider(String database) {
        return server.admin(database);
    }

    /** The customer's admin, connected to a database. */
    Database admin(String database) {
        return server.admin(database).as(ADMIN, ADMIN_PASSWORD);
    }

    /** Creates a database as the admin (so the admin owns it, as when it runs createdb), and returns the admin's connection to it. */
    Database createDatabase(String name) throws SQLException {
        Sql.run(admin("postgres"), "create database " + name);
        return admin(name);
    }

    @Override
    public void close() {
        server.close();
    }
}
