package dev.pgsor.mcp;

import dev.pgsor.runtime.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One database connection of the MCP server, opened when first used and opened again after an
 * infrastructure failure (a restart, a failover, a connection limit), with exponential backoff for
 * at most the reconnect budget. Work on it is serialised. Whether a statement that failed is tried
 * again is the caller's {@link Retry}: work that is safe to repeat (reads, writes carrying an
 * idempotency key, step or dedupe key) is retried on a new connection; other work is retried only
 * when the database certainly rolled it back, and otherwise ends in an {@link Unavailable} saying
 * its outcome is unknown. A refusal by the kit itself (an SRnnn, a constraint) is never retried.
 */
final class Link implements AutoCloseable {

    /** Whether work may be repeated after a failure that may have happened after its commit. */
    enum Retry {
        /** Reads, and writes the database answers from a key on repetition: repeated until the budget is spent. */
        SAFE,
        /** Writes without a key: repeated only when the database certainly rolled them back. */
        UNSAFE
    }

    /** A unit of work on the connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * The database could not be reached or the connection broke: an infrastructure failure, not a
     * refusal. {@code applied} is false when the work certainly did not take effect (it never
     * reached the database, or was rolled back), null when it may have.
     */
    static final class Unavailable extends SQLException {
        private final Boolean applied;
        private final int attempts;

        Unavailable(SQLException cause, Boolean applied, int attempts) {
            super(cause.getMessage(), cause.getSQLState(), cause);
            this.applied = applied;
            this.attempts = attempts;
        }

        /** False: the work did not take effect; null: unknown. */
        Boolean applied() {
            return applied;
        }

        int attempts() {
            return attempts;
        }
    }

    /** First pause before a reconnect; it doubles up to {@link #MAX_BACKOFF_MS}. */
    static final long FIRST_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 2000;

    private final Database database;
    private final String name;
    private final Duration budget;
    private final List<String> setup;
    private final ReentrantLock lock = new ReentrantLock();
    private Connection connection;
    private volatile boolean closed;

    /**
     * @param setup statements run on every new connection (time zone, timeouts)
     */
    Link(Database database, String name, Duration budget, List<String> setup) {
        this.database = database;
        this.name = name;
        this.budget = budget;
        this.setup = List.copyOf(setup);
    }

    /**
     * SQLSTATEs of an infrastructure failure: the connection (class 08), the server shutting down,
     * starting or crashed (57P), insufficient resources (53), a serialization failure or deadlock
     * (40001, 40P01), a lock wait that timed out (55P03), a standby that takes no writes after a
     * failover (25006).
     */
    static boolean infrastructure(String sqlstate) {
        return sqlstate != null && (sqlstate.startsWith("08") || sqlstate.startsWith("53") || sqlstate.startsWith("57P")
                || sqlstate.equals("40001") || sqlstate.equals("40P01") || sqlstate.equals("55P03") || sqlstate.equals("25006"));
    }

    /**
     * Failures after which the database certainly rolled the statement back (its transaction
     * aborted while the connection lived on); a broken connection (08, 57P) leaves a commit in doubt.
     */
    static boolean rolledBack(String sqlstate) {
        return sqlstate != null && (sqlstate.startsWith("53") || sqlstate.equals("40001") || sqlstate.equals("40P01")
                || sqlstate.equals("55P03") || sqlstate.equals("25006"));
    }

    /** Runs the work on a live connection, reconnecting and retrying as described above. */
    <T> T run(Retry retry, Work<T> work) throws SQLException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + budget.toNanos();
            long backoff = FIRST_BACKOFF_MS;
            int attempts = 0;
            // once an attempt broke while it ran, whether the work took effect is unknown for good
            boolean inDoubt = false;
            while (true) {
                Connection c;
                try {
                    c = live();
                } catch (SQLException e) {
                    if (!infrastructure(e.getSQLState())) {
                        throw e;
                    }
                    // nothing reached the database: it can always be tried again
                    if (System.nanoTime() + backoff * 1_000_000 > deadline) {
                        throw new Unavailable(e, inDoubt ? null : Boolean.FALSE, attempts);
                    }
                    backoff = pause(backoff);
                    continue;
                }
                attempts++;
                try {
                    return work.run(c);
                } catch (SQLException e) {
                    if (!infrastructure(e.getSQLState())) {
                        throw e;
                    }
                    inDoubt |= !rolledBack(e.getSQLState());
                    drop();
                    if (retry == Retry.UNSAFE && inDoubt) {
                        throw new Unavailable(e, null, attempts);
                    }
                    if (System.nanoTime() + backoff * 1_000_000 > deadline) {
                        throw new Unavailable(e, inDoubt ? null : Boolean.FALSE, attempts);
                    }
                    System.err.println("pg-sor MCP server: " + name + " connection: " + e.getSQLState() + " " + e.getMessage()
                            + "; trying again");
                    backoff = pause(backoff);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The open connection when it still answers, else a new one. */
    private Connection live() throws SQLException {
        if (closed) {
            throw new SQLException("the MCP server is closing", "08003");
        }
        if (connection != null) {
            boolean valid;
            try {
                valid = connection.isValid(5);
            } catch (SQLException e) {
                valid = false;
            }
            if (valid) {
                return connection;
            }
            drop();
            System.err.println("pg-sor MCP server: " + name + " connection was lost; reconnecting");
        }
        Connection c = database.connect();
        try (Statement st = c.createStatement()) {
            for (String sql : setup) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        connection = c;
        return c;
    }

    private long pause(long backoff) {
        try {
            // equal jitter: between half and all of the backoff
            Thread.sleep(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Math.min(backoff * 2, MAX_BACKOFF_MS);
    }

    private void drop() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is broken already
            }
            connection = null;
        }
    }

    /** Closes the connection; one still busy (a long call at shutdown) is left to the process's exit. */
    @Override
    public void close() {
        closed = true;
        if (lock.tryLock()) {
            try {
                drop();
            } finally {
                lock.unlock();
            }
        }
    }
}
