package dev.pgsor.journal;

import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/** The journal's run and step calls, as a Worker makes them on its own connection. */
public final class Journal {

    private Journal() { }

    /** sor_api.start_run; returns the run id. */
    public static UUID startRun(Connection c, String tenant, String workflow, String input, String key, int leaseSeconds)
            throws SQLException {
        return (UUID) Sql.scalar(c, "select run_id from sor_api.start_run(?, ?, ?::jsonb, ?, ?)",
                tenant, workflow, input, key, leaseSeconds);
    }

    /** A run of workflow reconcile with empty input, no key and a 60-second lease. */
    public static UUID startRun(Connection c, String tenant) throws SQLException {
        return startRun(c, tenant, "reconcile", "{}", null, 60);
    }

    /** commit_step as [status, version, replayed, recorded_output, block_id]. */
    static List<Object> commit(Connection c, UUID run, String step, int expected, String output, String events,
                               String commands) throws SQLException {
        return Sql.rows(c, "select status, version, replayed, recorded_output::text, block_id"
                + " from sor_api.commit_step(?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb)",
                run, step, expected, output, events, commands).get(0);
    }

    /** commit_step with no events and no commands. */
    static List<Object> commit(Connection c, UUID run, String step, int expected, String output) throws SQLException {
        return commit(c, run, step, expected, output, "[]", "[]");
    }

    /** Waits (bounded, ten seconds) until the lease of the run has lapsed on the database clock. */
    static void awaitLapse(SorDatabase db, UUID run) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (Boolean.TRUE.equals(db.scalar("select lease_expires_at <= clock_timestamp() from sor.runs where run_id = ?", run))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("lease of " + run + " did not lapse");
    }
}
