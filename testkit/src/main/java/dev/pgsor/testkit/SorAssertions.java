package dev.pgsor.testkit;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.opentest4j.AssertionFailedError;

/**
 * The kit's assertions: a refusal is proven by its SQLSTATE (never by message text), and "nothing
 * written" by comparing {@link SorDatabase#digest()} before and after.
 */
public final class SorAssertions {

    /** A call that may throw, typically one JDBC statement as the role under test. */
    @FunctionalInterface
    public interface SqlAction {
        /** Runs the call. */
        void run() throws Exception;
    }

    private SorAssertions() { }

    /**
     * Asserts that the action fails with an SQLException (found along the cause chain) carrying
     * the SQLSTATE, and returns it.
     */
    public static SQLException assertRefused(String sqlState, SqlAction action) {
        return assertRefused(sqlState, null, action);
    }

    /** {@link #assertRefused(String, SqlAction)}, naming the case in the failure message. */
    public static SQLException assertRefused(String sqlState, String description, SqlAction action) {
        String what = description == null ? "" : "[" + description + "] ";
        Throwable thrown = null;
        try {
            action.run();
        } catch (Throwable t) {
            thrown = t;
        }
        if (thrown == null) {
            throw new AssertionFailedError(what + "expected a refusal with SQLSTATE " + sqlState + ", but the call succeeded",
                    sqlState, "no error");
        }
        SQLException sql = sqlException(thrown);
        if (sql == null) {
            throw new AssertionFailedError(what + "expected an SQLException with SQLSTATE " + sqlState + ", but got " + thrown,
                    sqlState, String.valueOf(thrown), thrown);
        }
        if (!sqlState.equals(sql.getSQLState())) {
            throw new AssertionFailedError(what + "expected SQLSTATE " + sqlState + " but was " + sql.getSQLState()
                    + ": " + sql.getMessage(), sqlState, sql.getSQLState(), sql);
        }
        return sql;
    }

    /**
     * Asserts that the action is refused with the SQLSTATE and that no table (nor sequence) of the
     * kit's schemas, or of the schemas the database watches, changed.
     */
    public static SQLException assertRefusedAndNothingWritten(SorDatabase db, String sqlState, SqlAction action) {
        return assertRefusedAndNothingWritten(db, sqlState, null, action);
    }

    /** {@link #assertRefusedAndNothingWritten(SorDatabase, String, SqlAction)}, naming the case. */
    public static SQLException assertRefusedAndNothingWritten(SorDatabase db, String sqlState, String description,
                                                              SqlAction action) {
        Map<String, String> before = db.digest();
        SQLException refused = assertRefused(sqlState, description, action);
        assertUnchanged(before, db.digest(), description);
        return refused;
    }

    /**
     * Runs the action, which must not throw (it may hold assertions of its own, refusals
     * included), and asserts that it changed no table nor sequence {@link SorDatabase#digest()} covers.
     */
    public static void assertNothingWritten(SorDatabase db, SqlAction action) {
        Map<String, String> before = db.digest();
        try {
            action.run();
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionFailedError("the action failed: " + e, e);
        }
        assertUnchanged(before, db.digest(), null);
    }

    /** Asserts that sor_api.certify(), read as the admin, returns no failing row; the failure lists them. */
    public static void assertCertified(SorDatabase db) {
        List<List<Object>> failing = db.rows("select property, \"check\", object, detail from sor_api.certify() where not ok"
                + " order by 1, 2, 3");
        if (!failing.isEmpty()) {
            StringBuilder sb = new StringBuilder("certify() has " + failing.size() + " failing rows:");
            for (List<Object> r : failing) {
                sb.append("\n  ").append(r.get(0)).append(" | ").append(r.get(1)).append(" | ").append(r.get(2))
                        .append(" | ").append(r.get(3));
            }
            throw new AssertionFailedError(sb.toString());
        }
    }

    private static void assertUnchanged(Map<String, String> before, Map<String, String> after, String description) {
        List<String> changed = new ArrayList<>();
        for (String rel : new TreeSet<>(union(before, after))) {
            String was = before.getOrDefault(rel, "absent");
            String now = after.getOrDefault(rel, "absent");
            if (!was.equals(now)) {
                changed.add(rel + ": " + was + " -> " + now);
            }
        }
        if (!changed.isEmpty()) {
            throw new AssertionFailedError((description == null ? "" : "[" + description + "] ")
                    + "expected nothing written, but changed:\n  " + String.join("\n  ", changed));
        }
    }

    private static TreeSet<String> union(Map<String, String> a, Map<String, String> b) {
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        return keys;
    }

    private static SQLException sqlException(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLException e) {
                return e;
            }
        }
        return null;
    }
}
