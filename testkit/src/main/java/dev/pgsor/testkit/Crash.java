package dev.pgsor.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;
import org.opentest4j.AssertionFailedError;

/**
 * Real crashes: a client's backend terminated with pg_terminate_backend (as the admin), the way a
 * Worker dies mid-run. The client's connection is unusable afterwards; close it.
 */
public final class Crash {

    private Crash() { }

    /** The server process id of the connection's backend. */
    public static int backendPid(Connection c) throws SQLException {
        return ((Number) Sql.scalar(c, "select pg_backend_pid()")).intValue();
    }

    /** Terminates the backend with this pid; returns whether there was one to signal. */
    public static boolean terminate(SorDatabase db, int pid) {
        return Boolean.TRUE.equals(db.scalar("select pg_terminate_backend(?)", pid));
    }

    /** Terminates the connection's backend, mid-transaction or idle, and asserts that it was signalled. */
    public static void terminate(SorDatabase db, Connection c) throws SQLException {
        int pid = backendPid(c);
        if (!terminate(db, pid)) {
            throw new AssertionFailedError("backend " + pid + " was not terminated");
        }
    }

    /**
     * Terminates the connection's backend while it runs a statement: the connection starts
     * {@code select pg_sleep(60)} on a thread of its own, and once the server shows it active the
     * backend is terminated. Returns the SQLException the client got; whatever the connection's
     * open transaction held is rolled back by the server.
     */
    public static SQLException terminateMidStatement(SorDatabase db, Connection c) throws Exception {
        int pid = backendPid(c);
        AtomicReference<SQLException> died = new AtomicReference<>();
        Thread busy = new Thread(() -> {
            try {
                Sql.scalar(c, "select pg_sleep(60)");
            } catch (SQLException e) {
                died.set(e);
            }
        }, "busy-" + pid);
        busy.start();
        for (int i = 0; i < 500 && db.count("select count(*) from pg_stat_activity where pid = ? and state = 'active'"
                + " and query like 'select pg_sleep%'", pid) == 0; i++) {
            Thread.sleep(10);
        }
        if (!terminate(db, pid)) {
            throw new AssertionFailedError("backend " + pid + " was not terminated");
        }
        busy.join(30_000);
        if (died.get() == null) {
            throw new AssertionFailedError("the client of backend " + pid + " did not see its statement fail");
        }
        return died.get();
    }
}
