package dev.pgsor.testkit;

import dev.pgsor.runtime.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Small JDBC helpers for tests: one statement with positional parameters ({@code ?}), as the role
 * of the given connection or connection spec. Methods taking a {@link Database} open and close a
 * connection of their own.
 */
public final class Sql {

    private Sql() { }

    /** The first column of the first row (null when there is no row), on a new connection. */
    public static Object scalar(Database db, String sql, Object... args) {
        try (Connection c = db.connect()) {
            return scalar(c, sql, args);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The first column of the first row (null when there is no row). */
    public static Object scalar(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getObject(1) : null;
        }
    }

    /** Every row, each as a list of its column values. */
    public static List<List<Object>> rows(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
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

    /** Every row, on a new connection; an SQLException is rethrown as IllegalStateException. */
    public static List<List<Object>> rows(Database db, String sql, Object... args) {
        try (Connection c = db.connect()) {
            return rows(c, sql, args);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Executes a data-changing statement and returns its update count. */
    public static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    /** Executes any statement or query, discarding its result. */
    public static void run(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            ps.execute();
        }
    }

    /** Executes any statement or query on a new connection, discarding its result; SQLExceptions propagate. */
    public static void run(Database db, String sql, Object... args) throws SQLException {
        try (Connection c = db.connect()) {
            run(c, sql, args);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }
}
