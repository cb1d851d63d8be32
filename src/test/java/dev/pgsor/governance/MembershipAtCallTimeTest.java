package dev.pgsor.governance;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;
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
 * Membership is checked on every call, not when a run starts: a Worker, dispatcher or approver
 * removed from a tenant (sor_api.remove_member) acts for it no more, on runs, tasks, tool calls,
 * outbox rows, streams and blocks it reached before, and writes nothing.
 */
@SorTest(reconciler = true)
class MembershipAtCallTimeTest {

    static SorDatabase db;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme", "globex");
        db.exec("select reconciler.setup_tenant('acme')");
    }

    private static void remove(String tenant, Database role) {
        db.scalar("select sor_api.remove_member(?, ?)", tenant, role.user());
    }

    @Test
    void aRemovedWorkerNoLongerActsOnARunItStartedBefore_SR008() throws Exception {
        Database worker = db.worker("expense-reconciler", "acme", "globex");
        try (Connection c = worker.connect()) {
            UUID run = (UUID) Sql.scalar(c, "select run_id from sor_api.start_run('acme', 'reconcile')");
            UUID call = (UUID) Sql.scalar(c, "select tool_call_id from sor_api.begin_tool_call(?, 'http_get', '{}')", run);
            remove("acme", worker);

            List<String> calls = List.of(
                    "select sor_api.heartbeat(?)",
                    "select sor_api.record_turn(?, 'gpt-x', 'user', 1, 1, 'hello')",
                    "select * from sor_api.call_tool(?, 'list_pending', '{}')",
                    "select * from sor_api.commit_step(?, 's1', 0, '{\"a\": 1}')",
                    "select sor_api.finish_run(?, 'succeeded')",
                    "select * from sor_api.get_run(?)",
                    "select * from sor_api.begin_tool_call(?, 'http_get', '{}')",
                    "select * from sor_api.run_tool_calls(?)");
            for (String sql : calls) {
                assertRefusedAndNothingWritten(db, "SR008", sql, () -> Sql.run(c, sql, run));
            }
            assertRefusedAndNothingWritten(db, "SR008", "finish_tool_call",
                    () -> Sql.run(c, "select sor_api.finish_tool_call(?, '{\"ok\": true}')", call));
            assertThat(Sql.rows(c, "select run_id from sor_api.my_runs()")).isEmpty();
            assertThat(db.scalar("select status from sor.runs where run_id = ?", run)).isEqualTo("running");
        }
    }

    @Test
    void aRemovedWorkerNeitherEnqueuesNorAppendsNorReadsNorSettlesATaskItHolds() throws Exception {
        db.exec("select sor_api.create_queue('gov-q', 'governance tests')");
        Database worker = db.worker("expense-reconciler", "acme");
        try (Connection c = worker.connect()) {
            Sql.run(c, "select sor_api.enqueue_task('acme', 'gov-q', 'one')");
            Sql.run(c, "select * from sor_api.append_event('acme', 'expense-1', 'ExpenseSeen', '{}')");
            List<Object> claim = Sql.rows(c, "select task_id, fencing_token from sor_api.claim_tasks('gov-q', 1, '1 minute')").get(0);
            remove("acme", worker);

            assertRefusedAndNothingWritten(db, "SR008", "enqueue",
                    () -> Sql.run(c, "select sor_api.enqueue_task('acme', 'gov-q', 'two')"));
            assertRefusedAndNothingWritten(db, "SR008", "append",
                    () -> Sql.run(c, "select * from sor_api.append_event('acme', 'expense-1', 'ExpenseSeen', '{}')"));
            assertRefusedAndNothingWritten(db, "SR008", "read",
                    () -> Sql.run(c, "select * from sor_api.read_stream('acme', 'expense-1')"));
            for (String sql : List.of("select sor_api.complete_task(?, ?)", "select sor_api.heartbeat_task(?, ?)",
                    "select * from sor_api.fail_task(?, ?, 'x')")) {
                assertRefusedAndNothingWritten(db, "SR055", sql, () -> Sql.run(c, sql, claim.get(0), claim.get(1)));
            }
            assertThat(Sql.rows(c, "select * from sor_api.claim_tasks('gov-q', 10, '1 minute')")).isEmpty();
        }
    }

    @Test
    void aRemovedDispatcherLeasesAndMarksNothingOfTheTenant() throws Exception {
        Database worker = db.worker("expense-reconciler", "globex");
        Database dispatcher = db.loginRole("dispatcher", "sor_dispatcher");
        db.addMember("globex", dispatcher);
        try (Connection w = worker.connect()) {
            UUID run = (UUID) Sql.scalar(w, "select run_id from sor_api.start_run('globex', 'reconcile')");
            Sql.run(w, "select * from sor_api.commit_step(?, 's1', 0, '{}', '[]', '[{\"type\": \"email\"}, {\"type\": \"email2\"}]')", run);
        }
        try (Connection d = dispatcher.connect()) {
            List<Object> lease = Sql.rows(d, "select outbox_id, lease_token from sor_api.lease_outbox(1, '1 minute')").get(0);
            remove("globex", dispatcher);
            assertRefusedAndNothingWritten(db, "SR061", "mark_dispatched",
                    () -> Sql.run(d, "select sor_api.mark_dispatched(?, ?, 'ref-1')", lease.get(0), lease.get(1)));
            assertRefusedAndNothingWritten(db, "SR061", "mark_failed",
                    () -> Sql.run(d, "select * from sor_api.mark_failed(?, ?, 'boom')", lease.get(0), lease.get(1)));
            assertThat(Sql.rows(d, "select * from sor_api.lease_outbox(10, '1 minute')")).isEmpty();
            assertRefusedAndNothingWritten(db, "SR008", "named tenant",
                    () -> Sql.run(d, "select * from sor_api.lease_outbox(10, '1 minute', array['globex'])"));
        }
    }

    @Test
    void aRemovedApproverNeitherResolvesABlockNorCorrectsARun() throws Exception {
        Database worker = db.worker("expense-reconciler", "acme");
        Database approver = db.approver("acme");
        long block;
        UUID run;
        try (Connection w = worker.connect()) {
            run = (UUID) Sql.scalar(w, "select run_id from sor_api.start_run('acme', 'reconcile')");
            block = ((Number) Sql.scalar(w, "select block_id from sor_api.commit_step(?, 's1', 0, '{}', '[]', '[{\"type\": \"review\"}]')", run)).longValue();
        }
        remove("acme", approver);
        try (Connection a = approver.connect()) {
            assertRefusedAndNothingWritten(db, "SR042", "resolve_block",
                    () -> Sql.run(a, "select * from sor_api.resolve_block(?, true)", block));
            assertRefusedAndNothingWritten(db, "SR034", "set_overlay",
                    () -> Sql.run(a, "select sor_api.set_overlay(?, '{\"x\": 1}')", run));
        }
    }

    @Test
    void anUnknownTenantGetsTheSameAnswerAsAnotherTenant() throws Exception {
        Database worker = db.worker("expense-reconciler", "acme");
        Database tenant = db.tenantUser("acme");
        Database dispatcher = db.loginRole("dispatcher", "sor_dispatcher");
        db.addMember("acme", dispatcher);
        db.exec("select sor_api.create_queue('gov-q2', 'governance tests')");
        for (String other : List.of("globex", "no-such-tenant")) {
            assertRefused("SR008", "start_run " + other,
                    () -> Sql.run(worker, "select * from sor_api.start_run(?, 'reconcile')", other));
            assertRefused("SR008", "append_event " + other,
                    () -> Sql.run(worker, "select * from sor_api.append_event(?, 'expense-1', 'ExpenseSeen')", other));
            assertRefused("SR008", "enqueue_task " + other,
                    () -> Sql.run(worker, "select sor_api.enqueue_task(?, 'gov-q2', 'x')", other));
            assertRefused("SR008", "read_stream " + other,
                    () -> Sql.run(tenant, "select * from sor_api.read_stream(?, 'expense-1')", other));
            assertRefused("SR008", "what_happened " + other,
                    () -> Sql.run(tenant, "select * from sor_api.what_happened(now() - interval '1 hour', now(), ?)", other));
            assertRefused("SR008", "lease_outbox " + other,
                    () -> Sql.run(dispatcher, "select * from sor_api.lease_outbox(1, '1 minute', array[?])", other));
        }
    }
}
