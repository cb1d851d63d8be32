package dev.pgsor.support;

import dev.pgsor.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A database of one test class, with helpers to become the role a real caller would use. */
public final class TestDatabase implements AutoCloseable {

    public static final String PASSWORD = "pw-for-tests";

    private final TestServer server;
    private final String name;
    private final List<String> roles = new ArrayList<>();

    TestDatabase(TestServer server, String name) {
        this.server = server;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The superuser that migrates: only for setting up and for proving what the admin can do. */
    public Database admin() {
        return server.adminPostgres().withDatabaseName(name);
    }

    /**
     * Creates a login role (unique on the server) that is a member of the given group roles, and
     * returns a connection spec for it.
     */
    public Database loginRole(String base, String... groups) {
        String role = server.newName(base);
        StringBuilder sql = new StringBuilder("create role " + role + " login password '" + PASSWORD + "'");
        if (groups.length > 0) {
            sql.append(" in role ").append(String.join(", ", groups));
        }
        exec(sql.toString());
        synchronized (roles) {
            roles.add(role);
        }
        return admin().as(role, PASSWORD);
    }

    public void exec(String sql) {
        TestServer.exec(admin(), sql);
    }

    /** Runs a query as admin and returns the first column of the first row. */
    public Object scalar(String sql, Object... args) {
        return Sql.scalar(admin(), sql, args);
    }

    public long count(String sql, Object... args) {
        return ((Number) scalar(sql, args)).longValue();
    }

    @Override
    public void close() {
        try (Connection c = server.adminPostgres().connect(); Statement st = c.createStatement()) {
            st.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + name
                    + "' and pid <> pg_backend_pid()");
            st.execute("drop database if exists " + name);
            for (String role : roles) {
                st.execute("drop role if exists " + role);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cleanup of " + name + " failed: " + e.getMessage(), e);
        }
    }

    /** Small JDBC helpers shared by the suites. */
    public static final class Sql {
        private Sql() { }

        public static Object scalar(Database db, String sql, Object... args) {
            try (Connection c = db.connect()) {
                return scalar(c, sql, args);
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        public static Object scalar(Connection c, String sql, Object... args) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getObject(1) : null;
                }
            }
        }

        public static List<List<Object>> rows(Connection c, String sql, Object... args) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    int n = rs.getMetaData().getColumnCount();
                    List<List<Object>> out = new ArrayList<>();
                    while (rs.next()) {
                        List<Object> row = new ArrayList<>(n);
                        for (int i = 1; i <= n; i++) {
                            row.add(rs.getObject(i));
                        }
                        out.add(row);
                    }
                    return out;
                }
            }
        }

        public static List<List<Object>> rows(Database db, String sql, Object... args) {
            try (Connection c = db.connect()) {
                return rows(c, sql, args);
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        /** Executes a statement (as the connection's role) and returns the update count. */
        public static int update(Connection c, String sql, Object... args) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                return ps.executeUpdate();
            }
        }

        /** Executes a statement or query on a fresh connection of the given role. */
        public static void run(Database db, String sql, Object... args) throws SQLException {
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                ps.execute();
            }
        }
    }
}
