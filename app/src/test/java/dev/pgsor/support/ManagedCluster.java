package dev.pgsor.support;

import dev.pgsor.runtime.Database;
import dev.pgsor.runtime.EmbeddedServer;
import dev.pgsor.testkit.Sql;
import java.sql.SQLException;

/**
 * A PostgreSQL cluster of its own that stands in for a managed service: its only superuser is the
 * provider's (the embedded {@code postgres}), the customer's admin is a role with LOGIN CREATEROLE
 * CREATEDB and nothing more (as on RDS, Cloud SQL, Azure or Supabase), and every login but the
 * provider's authenticates with a password (scram-sha-256). The kit's roles are cluster-wide, so a
 * test of the managed path needs a cluster where they do not exist yet: there the admin creates
 * them, as it does on a new managed instance.
 */
public final class ManagedCluster implements AutoCloseable {

    public static final String ADMIN = "mgd_admin";
    public static final String ADMIN_PASSWORD = "mgd-admin-pw";

    private final EmbeddedServer server;

    public ManagedCluster() throws SQLException {
        server = EmbeddedServer.start(true);
        Database provider = provider("postgres");
        Sql.run(provider, "create role " + ADMIN + " login createrole createdb password '" + ADMIN_PASSWORD + "'");
        // passwords for everyone but the provider's superuser, like a managed service
        String hba = (String) Sql.scalar(provider, "select setting from pg_settings where name = 'hba_file'");
        Sql.run(provider, "copy (select * from (values ('local all all trust'), ('host all postgres 127.0.0.1/32 trust'),"
                + " ('host all postgres ::1/128 trust'), ('host all all 127.0.0.1/32 scram-sha-256'),"
                + " ('host all all ::1/128 scram-sha-256')) v) to '" + hba.replace("'", "''") + "'");
        Sql.run(provider, "select pg_reload_conf()");
        awaitPasswords();
    }

    /** Waits until the postmaster has reloaded pg_hba.conf: a wrong password is refused. */
    private void awaitPasswords() throws SQLException {
        Database wrong = admin("postgres").as(ADMIN, "not-the-password");
        for (int i = 0; i < 100; i++) {
            try (java.sql.Connection c = wrong.connect()) {
                Thread.sleep(50);
            } catch (SQLException e) {
                if ("28P01".equals(e.getSQLState())) {
                    return;
                }
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("pg_hba.conf with passwords was not loaded");
    }

    /** The provider's superuser (the customer never has it). */
    public Database provider(String database) {
        return server.admin(database);
    }

    /** The customer's admin, connected to a database. */
    public Database admin(String database) {
        return server.admin(database).as(ADMIN, ADMIN_PASSWORD);
    }

    /** Creates a database as the admin (so the admin owns it, as after createdb), and returns the admin's connection to it. */
    public Database createDatabase(String name) throws SQLException {
        Sql.run(admin("postgres"), "create database " + name);
        return admin(name);
    }

    @Override
    public void close() {
        server.close();
    }
}
