package dev.pgsor.runtime;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL a database runs on, and pg-sor's floor: PostgreSQL 15 or newer. The kernel's
 * migrations use PostgreSQL 15 (an older server fails with a syntax error part-way, at
 * {@code V042}), so {@link Migrator#migrate} and the test kit ask the server first and refuse an
 * older one with {@link UnsupportedServerException}, which names the version and the fix.
 *
 * @param number the server's {@code server_version_num}, e.g. 170011
 * @param text   its {@code server_version}, e.g. {@code 17.11}
 */
public record PostgresVersion(int number, String text) {

    /** The oldest major version pg-sor runs on. */
    public static final int MINIMUM_MAJOR = 15;

    /** The version of the server the connection is to. */
    public static PostgresVersion of(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select pg_catalog.current_setting('server_version_num')::int,"
                     + " pg_catalog.current_setting('server_version')")) {
            rs.next();
            return new PostgresVersion(rs.getInt(1), rs.getString(2));
        }
    }

    /** The version of the server {@code db} is on, on a connection of its own. */
    public static PostgresVersion of(Database db) throws SQLException {
        try (Connection c = db.connect()) {
            return of(c);
        }
    }

    /** The major version: 17 for 17.11. */
    public int major() {
        return number / 10000;
    }

    /** True for PostgreSQL 15 or newer. */
    public boolean supported() {
        return major() >= MINIMUM_MAJOR;
    }

    /**
     * Returns this version when pg-sor runs on it, else throws {@link UnsupportedServerException}:
     * "pg-sor needs PostgreSQL 15 or newer; {@code server} is PostgreSQL 14.22: {@code fix}".
     *
     * @param server what the server is, for the message (e.g. "the server at jdbc:postgresql://...")
     * @param fix    what to do about it, for the message
     */
    public PostgresVersion requireSupported(String server, String fix) {
        if (!supported()) {
            throw new UnsupportedServerException(this, "pg-sor needs PostgreSQL " + MINIMUM_MAJOR + " or newer; "
                    + server + " is PostgreSQL " + text.strip() + ": " + fix);
        }
        return this;
    }

    /** A server older than PostgreSQL 15: the message names its version and what to do. */
    public static final class UnsupportedServerException extends IllegalStateException {

        private static final long serialVersionUID = 1L;

        private final transient PostgresVersion version;

        UnsupportedServerException(PostgresVersion version, String message) {
            super(message);
            this.version = version;
        }

        /** The server's version. */
        public PostgresVersion version() {
            return version;
        }
    }
}
