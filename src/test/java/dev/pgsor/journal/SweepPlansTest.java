package dev.pgsor.journal;

import static dev.pgsor.journal.Journal.awaitLapse;
import static dev.pgsor.journal.Journal.startRun;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sweep of lapsed runs that start_run, resume_run and heartbeat make reads the runs that may
 * have lapsed (their sweep_at has come), not every running run of the tenant: a fleet's heartbeats
 * cost the same with thousands of runs in flight as with one. sweep_at is never after a running
 * run's lease expiry, whoever writes the row, so no lapsed run is missed. What a call read is
 * counted in its transaction's own table statistics (pg_stat_xact_user_tables).
 */
@SorTest
class SweepPlansTest {

    static SorDatabase db;
    static Database worker;
    static Database fleet;

    static final int IN_FLIGHT = 2_000;

    @BeforeAll
    static void setUp(SorDatabase database) throws Exception {
        db = database;
        db.addTenants("acme");
        worker = db.worker("expense-reconciler", "acme");
        fleet = db.worker("expense-reconciler", "acme");
        // 2,000 runs in flight in the tenant, started in one statement: each start_run's own sweep
        // reads none of those started before it (their sweep_at is their expiry, ten minutes on)
        try (Connection c = fleet.connect()) {
            assertThat(((Number) Sql.scalar(c, "select count(*) from (select sor_api.start_run('acme', 'load',"
                    + " jsonb_build_object('i', i), null, 600) from generate_series(1, ?) i) x", IN_FLIGHT)).intValue())
                    .isEqualTo(IN_FLIGHT);
        }
        db.exec("analyze sor.runs");
    }

    /** Rows of sor.runs this transaction fetched so far, by index and by sequential scan. */
    static long runsRead(Connection c) throws Exception {
        return ((Number) Sql.scalar(c, "select coalesce(sum(coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0)), 0)"
                + " from pg_stat_xact_user_tables where schemaname = 'sor' and relname = 'runs'")).longValue();
    }

    @Test
    void aHeartbeatAndAStartReadTheRunsThatMayHaveLapsedNotEveryRunningRun() throws Exception {
        long running = db.count("select count(*) from sor.runs where tenant_id = 'acme' and status = 'running'");
        try (Connection c = worker.connect()) {
            UUID run = startRun(c, "acme", "reconcile", "{\"day\": 1}", null, 600);
            c.setAutoCommit(false);
            for (int round = 0; round < 3; round++) {
                long before = runsRead(c);
                Sql.scalar(c, "select sor_api.heartbeat(?, 600)", run);
                long heartbeat = runsRead(c) - before;
                before = runsRead(c);
                startRun(c, "acme", "reconcile", "{\"round\": " + round + "}", null, 600);
                long start = runsRead(c) - before;
                // the run itself (read, then updated); before the sweep read the tenant's running
                // runs through an index that leaves the lease out: 2,000 and more each
                assertThat(heartbeat).as("rows of sor.runs a heartbeat read, round " + round).isLessThan(20);
                assertThat(start).as("rows of sor.runs a start_run read, round " + round).isLessThan(20);
                c.commit();
            }
            c.setAutoCommit(true);
            assertThat(db.count("select count(*) from sor.runs where tenant_id = 'acme' and status = 'running'"))
                    .isEqualTo(running + 4).isGreaterThan(IN_FLIGHT);
        }
    }

    @Test
    void aPageOfAWorkersRunsReadsThePageNotTheWorkersHistory() throws Exception {
        Database historian = db.worker("expense-reconciler", "acme");
        List<Object> finished;
        try (Connection c = historian.connect()) {
            // a long history: 1,500 finished runs, then 3 in flight
            Sql.run(c, "select count(*) from generate_series(1, 1500) i,"
                    + " lateral sor_api.start_run('acme', 'history', jsonb_build_object('i', i), null, 600) s,"
                    + " lateral sor_api.finish_run(s.run_id, 'succeeded') f");
            // in the order my_runs() gives (the order of every page)
            finished = Sql.rows(c, "select run_id from sor_api.my_runs() where status = 'succeeded'").stream().map(r -> r.get(0)).toList();
            assertThat(finished).hasSize(1500);
            for (int i = 0; i < 3; i++) {
                startRun(c, "acme", "reconcile", "{\"now\": " + i + "}", null, 600);
            }
        }
        db.exec("analyze sor.runs");
        try (Connection c = historian.connect()) {
            c.setAutoCommit(false);
            long before = runsRead(c);
            assertThat(Sql.rows(c, "select run_id from sor_api.my_runs('running', null, 10)")).hasSize(3);
            long running = runsRead(c) - before;
            before = runsRead(c);
            assertThat(Sql.rows(c, "select run_id from sor_api.my_runs('succeeded', ?, 10)", finished.get(999)))
                    .extracting(r -> r.get(0)).isEqualTo(finished.subList(1000, 1010));
            long succeeded = runsRead(c) - before;
            before = runsRead(c);
            assertThat(Sql.rows(c, "select run_id from sor_api.my_runs(null, ?, 10)", finished.get(999)))
                    .extracting(r -> r.get(0)).isEqualTo(finished.subList(1000, 1010));
            long any = runsRead(c) - before;
            c.commit();
            // each read the page (and the Worker's few running runs, for its sweep), not 1,503 runs
            assertThat(running).as("rows of sor.runs read for the running runs").isLessThan(30);
            assertThat(succeeded).as("rows of sor.runs read for a page of succeeded runs").isLessThan(40);
            assertThat(any).as("rows of sor.runs read for a page of every run").isLessThan(40);
        }
    }

    /**
     * A long resumable run's tool calls a page at a time: 1,500 calls begun in one statement (so
     * they share their start time), and a page after the 1,000th reads the page, not the run's
     * calls before it (with tool_calls_run_idx, which left the id out, it read all 1,500).
     */
    @Test
    void aPageOfARunsToolCallsReadsThePageNotTheRunsCallsBeforeIt() throws Exception {
        Database caller = db.worker("expense-reconciler", "acme");
        UUID run;
        List<Object> calls;
        try (Connection c = caller.connect()) {
            run = startRun(c, "acme", "reconcile", "{\"long\": true}", null, 600);
            Sql.run(c, "select count(*) from generate_series(1, 1500) i,"
                    + " lateral sor_api.begin_tool_call(?, 'lookup', jsonb_build_object('i', i), null) b", run);
            calls = Sql.rows(c, "select tool_call_id from sor_api.run_tool_calls(?)", run).stream().map(r -> r.get(0)).toList();
            assertThat(calls).hasSize(1500);
        }
        db.exec("analyze sor.tool_calls");
        try (Connection c = caller.connect()) {
            c.setAutoCommit(false);
            long before = callsRead(c);
            assertThat(Sql.rows(c, "select tool_call_id from sor_api.run_tool_calls(?, null, ?, 10)", run, calls.get(999)))
                    .extracting(r -> r.get(0)).isEqualTo(calls.subList(1000, 1010));
            long any = callsRead(c) - before;
            before = callsRead(c);
            assertThat(Sql.rows(c, "select tool_call_id from sor_api.run_tool_calls(?, 'started', ?, 10)", run, calls.get(999)))
                    .extracting(r -> r.get(0)).isEqualTo(calls.subList(1000, 1010));
            long started = callsRead(c) - before;
            c.commit();
            assertThat(any).as("rows of sor.tool_calls read for a page of every call").isLessThan(30);
            assertThat(started).as("rows of sor.tool_calls read for a page of calls in flight").isLessThan(30);
        }
    }

    static long callsRead(Connection c) throws Exception {
        return ((Number) Sql.scalar(c, "select coalesce(sum(coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0)), 0)"
                + " from pg_stat_xact_user_tables where schemaname = 'sor' and relname = 'tool_calls'")).longValue();
    }

    @Test
    void aRunWhoseHeartbeatShortenedItsLeaseIsSweptWhenItLapses() throws Exception {
        UUID run;
        try (Connection c = worker.connect()) {
            run = startRun(c, "acme", "reconcile", "{\"day\": 2}", null, 600);
            Sql.scalar(c, "select sor_api.heartbeat(?, 1)", run);
        }
        assertThat(db.scalar("select sweep_at <= lease_expires_at and lease_expires_at < now() + interval '2 seconds'"
                + " from sor.runs where run_id = ?", run)).isEqualTo(true);
        awaitLapse(db, run);
        // another Worker of the tenant at work marks it: its heartbeat's sweep finds the lapsed run
        try (Connection c = fleet.connect()) {
            UUID own = startRun(c, "acme", "reconcile", "{\"day\": 3}", null, 600);
            Sql.scalar(c, "select sor_api.heartbeat(?, 600)", own);
        }
        assertThat(db.scalar("select status from sor.runs where run_id = ?", run)).isEqualTo("abandoned");
        assertThat(db.count("select count(*) from sor.events where stream = 'run-' || ? and type = 'run_abandoned'", run.toString()))
                .isOne();
    }

    @Test
    void sweepAtStaysAtOrBeforeTheLeaseForTheOwnerAndASuperuserToo() throws Exception {
        UUID run;
        try (Connection c = worker.connect()) {
            run = startRun(c, "acme", "reconcile", "{\"day\": 4}", null, 600);
        }
        assertThat(db.scalar("select sweep_at = lease_expires_at from sor.runs where run_id = ?", run)).isEqualTo(true);
        // the superuser (the suite's admin) and the owner: refused past the lease
        assertRefused("23514", () -> db.exec("update sor.runs set sweep_at = lease_expires_at + interval '1 second' where run_id = '"
                + run + "'"));
        assertRefused("23514", () -> db.exec("set role sor_owner; update sor.runs set sweep_at = 'infinity' where run_id = '"
                + run + "'"));
        assertThat(db.scalar("select sweep_at = lease_expires_at from sor.runs where run_id = ?", run)).isEqualTo(true);
    }

    @Test
    void aHeartbeatLeavesSweepAtAloneWhileItIsHalfALeaseAheadAndMovesItOtherwise() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = startRun(c, "acme", "reconcile", "{\"day\": 5}", null, 600);
            Object first = db.scalar("select sweep_at::text from sor.runs where run_id = ?", run);
            Sql.scalar(c, "select sor_api.heartbeat(?, 600)", run);
            Sql.scalar(c, "select sor_api.heartbeat(?, 600)", run);
            assertThat(db.scalar("select sweep_at::text from sor.runs where run_id = ?", run))
                    .as("more than half the lease ahead: left alone").isEqualTo(first);
            assertThat(db.scalar("select sweep_at < lease_expires_at from sor.runs where run_id = ?", run)).isEqualTo(true);
            // a run written without it (by the earlier release, or running before the upgrade):
            // -infinity, read by every sweep until its next heartbeat moves it to the expiry
            db.exec("update sor.runs set sweep_at = '-infinity' where run_id = '" + run + "'");
            Sql.scalar(c, "select sor_api.heartbeat(?, 600)", run);
            assertThat(db.scalar("select sweep_at = lease_expires_at from sor.runs where run_id = ?", run)).isEqualTo(true);
            // less than half the new lease ahead: moved to the new expiry, ten minutes on
            db.exec("update sor.runs set sweep_at = clock_timestamp() + interval '100 seconds' where run_id = '" + run + "'");
            Sql.scalar(c, "select sor_api.heartbeat(?, 600)", run);
            assertThat(db.scalar("select sweep_at = lease_expires_at and sweep_at > clock_timestamp() + interval '590 seconds'"
                    + " from sor.runs where run_id = ?", run)).isEqualTo(true);
        }
    }
}
