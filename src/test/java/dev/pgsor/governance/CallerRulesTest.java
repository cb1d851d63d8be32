package dev.pgsor.governance;

import static dev.pgsor.testkit.SorAssertions.assertCertified;
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
 * The rules every low-privileged caller meets, each in one place: only LOGIN roles become
 * members; the kit's streams, event types and outbox topics are the kit's; a registered tool runs
 * only through call_tool and tool-call idempotency keys are scoped by Worker kind; one size cap; one
 * lease clock; the claimant of a run does not resolve its own block; the guard keeps no state a
 * session can forge.
 */
@SorTest(reconciler = true)
class CallerRulesTest {

    static SorDatabase db;
    static final String BIG = "x".repeat(1_100_000);

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme", "globex");
        db.exec("select reconciler.setup_tenant('acme')");
        db.exec("select sor_api.create_queue('rules-q', 'caller rules')");
    }

    @Test
    void onlyLoginRolesBecomeMembers_SR005() throws Exception {
        assertRefusedAndNothingWritten(db, "SR005", "sor_tenant itself",
                () -> Sql.run(db.admin(), "select sor_api.add_member('acme', 'sor_tenant')"));
        db.exec("create role gov_group_" + db.name() + " nologin");
        try {
            assertRefusedAndNothingWritten(db, "SR005", "a custom group role",
                    () -> Sql.run(db.admin(), "select sor_api.add_member('acme', ?)", "gov_group_" + db.name()));
        } finally {
            db.exec("drop role gov_group_" + db.name());
        }
    }

    @Test
    void aMembershipOfARoleThatCannotLogInOpensNothing() throws Exception {
        Database member = db.tenantUser("acme");
        Database other = db.loginRole("other", "sor_tenant");
        db.exec("grant " + member.user() + " to " + other.user());
        try (Connection c = other.connect()) {
            Sql.run(c, "set role " + member.user());
            assertThat(Sql.rows(c, "select tenant_id from sor_api.tenants")).containsExactly(List.of("acme"));
            db.exec("alter role " + member.user() + " nologin");
            assertThat(Sql.rows(c, "select tenant_id from sor_api.tenants")).isEmpty();
        }
    }

    @Test
    void theKitsStreamsTypesAndTopicsAreRefusedToCallers_SR017() throws Exception {
        Database worker = db.worker("expense-reconciler", "acme");
        try (Connection c = worker.connect()) {
            UUID run = (UUID) Sql.scalar(c, "select run_id from sor_api.start_run('acme', 'reconcile')");
            for (String stream : List.of("run-" + run, "task-1", "outbox-7", "Run-x")) {
                assertRefusedAndNothingWritten(db, "SR017", stream,
                        () -> Sql.run(c, "select * from sor_api.append_event('acme', ?, 'Anything')", stream));
            }
            for (String type : List.of("run_state_committed", "block_approved", "task.completed", "Outbox.dispatched", "run_succeeded")) {
                assertRefusedAndNothingWritten(db, "SR017", type,
                        () -> Sql.run(c, "select * from sor_api.append_event('acme', 'expense-9', ?)", type));
                assertRefusedAndNothingWritten(db, "SR017", "step event " + type,
                        () -> Sql.run(c, "select * from sor_api.commit_step(?, 's1', 0, '{}', ?::jsonb)", run,
                                "[{\"type\": \"" + type + "\"}]"));
            }
            assertRefusedAndNothingWritten(db, "SR017", "resume command",
                    () -> Sql.run(c, "select * from sor_api.commit_step(?, 's1', 0, '{}', '[]', '[{\"type\": \"resume\"}]')", run));
            Sql.run(c, "select * from sor_api.append_event('acme', 'expense-9', 'ExpenseSeen')");
            // near misses are the caller's: a category that only starts like a reserved one, a type
            // that is a reserved prefix without its separator, alone and in a batch
            List<List<String>> nearMisses = List.of(List.of("runs-1", "Noted"), List.of("tasks-1", "task"),
                    List.of("outboxes-1", "outbox"), List.of("running-2", "runner"), List.of("expense-10", "blocked"),
                    List.of("expense-11", "Task_done"));
            for (List<String> e : nearMisses) {
                Sql.run(c, "select * from sor_api.append_event('acme', ?, ?)", e.get(0), e.get(1));
            }
            assertThat(Sql.scalar(c, "select count(*) from sor_api.append_events('acme', ?::jsonb)",
                    "[" + String.join(", ", nearMisses.stream()
                            .map(e -> "{\"stream\": \"" + e.get(0) + "\", \"type\": \"" + e.get(1) + "\"}").toList()) + "]"))
                    .isEqualTo((long) nearMisses.size());
            assertThat(Sql.scalar(c, "select count(*) from sor_api.read_stream('acme', 'tasks-1')")).isEqualTo(2L);
        }
        assertCertified(db);
    }

    @Test
    void aRegisteredToolRunsOnlyThroughCallToolAndKeysAreScopedByKind() throws Exception {
        Database reconciler = db.worker("expense-reconciler", "acme");
        Database other = db.worker("other-kind", "acme");
        try (Connection o = other.connect(); Connection r = reconciler.connect()) {
            UUID otherRun = (UUID) Sql.scalar(o, "select run_id from sor_api.start_run('acme', 'snoop')");
            assertRefusedAndNothingWritten(db, "SR075", "begin a registered tool",
                    () -> Sql.run(o, "select * from sor_api.begin_tool_call(?, 'list_pending', '{}', 'key-1')", otherRun));
            assertRefused("SR071", () -> Sql.run(o, "select * from sor_api.call_tool(?, 'list_pending', '{}', 'key-1')", otherRun));
            // the other kind journals an external call under the key the reconciler will use
            UUID forged = (UUID) Sql.scalar(o, "select tool_call_id from sor_api.begin_tool_call(?, 'list_pending_ext', '{}', 'key-1')", otherRun);
            Sql.run(o, "select sor_api.finish_tool_call(?, '{\"forged\": true}')", forged);

            UUID run = (UUID) Sql.scalar(r, "select run_id from sor_api.start_run('acme', 'reconcile')");
            List<Object> real = Sql.rows(r, "select ok, replayed, result::text from sor_api.call_tool(?, 'list_pending', '{}', 'key-1')", run).get(0);
            assertThat(real.get(0)).isEqualTo(true);
            assertThat(real.get(1)).isEqualTo(false);
            assertThat((String) real.get(2)).doesNotContain("forged");
            // and the other kind does not read the reconciler's result with that key
            List<Object> again = Sql.rows(o, "select replayed, status from sor_api.begin_tool_call(?, 'list_pending_ext', '{}', 'key-1')", otherRun).get(0);
            assertThat(again).containsExactly(true, "succeeded");
            assertThat(db.count("select count(*) from sor.tool_calls where tool_name = 'list_pending' and run_id = ?", run)).isEqualTo(1);
        }
    }

    @Test
    void oneSizeCapForEveryPayload_SR009() throws Exception {
        Database worker = db.worker("expense-reconciler", "acme");
        String big = "{\"x\": \"" + BIG + "\"}";
        try (Connection c = worker.connect()) {
            UUID run = (UUID) Sql.scalar(c, "select run_id from sor_api.start_run('acme', 'reconcile')");
            List<String> calls = List.of(
                    "select sor_api.enqueue_task('acme', 'rules-q', 'big', ?::jsonb)",
                    "select * from sor_api.append_event('acme', 'expense-big', 'Big', ?::jsonb)",
                    "select * from sor_api.start_run('acme', 'reconcile', ?::jsonb)");
            for (String sql : calls) {
                assertRefusedAndNothingWritten(db, "SR009", sql, () -> Sql.run(c, sql, big));
            }
            assertRefusedAndNothingWritten(db, "SR009", "commit_step output",
                    () -> Sql.run(c, "select * from sor_api.commit_step(?, 'big', 0, ?::jsonb)", run, big));
            assertRefusedAndNothingWritten(db, "SR009", "record_turn",
                    () -> Sql.run(c, "select sor_api.record_turn(?, 'm', 'user', 1, 1, ?)", run, BIG));
            Sql.run(c, "select sor_api.enqueue_task('acme', 'rules-q', 'small')");
            List<Object> claim = Sql.rows(c, "select task_id, fencing_token from sor_api.claim_tasks('rules-q', 1, '1 minute')").get(0);
            assertRefusedAndNothingWritten(db, "SR009", "complete_task result",
                    () -> Sql.run(c, "select sor_api.complete_task(?, ?, ?::jsonb)", claim.get(0), claim.get(1), big));
        }
    }

    @Test
    void aTransactionBegunBeforeTheLeaseLapsedCannotCompleteAfterIt_SR057() throws Exception {
        Database worker = db.worker("expense-reconciler", "acme");
        try (Connection c = worker.connect()) {
            Sql.run(c, "select sor_api.enqueue_task('acme', 'rules-q', 'late')");
            List<Object> claim = Sql.rows(c, "select task_id, fencing_token from sor_api.claim_tasks('rules-q', 1, '1 second')").get(0);
            c.setAutoCommit(false);
            Sql.run(c, "select now()");
            Thread.sleep(1300);
            assertRefused("SR057", () -> Sql.run(c, "select sor_api.complete_task(?, ?)", claim.get(0), claim.get(1)));
            c.rollback();
            c.setAutoCommit(true);
            assertThat(db.scalar("select status from sor.tasks where task_id = ?", claim.get(0))).isEqualTo("claimed");
        }
    }

    @Test
    void theClaimantOfARunCannotResolveItsOwnBlock_SR045() throws Exception {
        Database both = db.loginRole("both", "sor_worker", "sor_approver");
        db.scalar("select sor_api.register_worker(?, 'expense-reconciler')", both.user());
        db.addMember("acme", both);
        Database approver = db.approver("acme");
        long block;
        try (Connection c = both.connect()) {
            UUID run = (UUID) Sql.scalar(c, "select run_id from sor_api.start_run('acme', 'reconcile')");
            block = ((Number) Sql.scalar(c, "select block_id from sor_api.commit_step(?, 's1', 0, '{}', '[]', '[{\"type\": \"review\"}, {\"type\": \"email\"}]')", run)).longValue();
            assertRefusedAndNothingWritten(db, "SR045", () -> Sql.run(c, "select * from sor_api.resolve_block(?, true)", block));
        }
        assertThat(Sql.rows(approver, "select status, released from sor_api.resolve_block(?, true)", block))
                .containsExactly(List.of("approved", 1));
    }

    @Test
    void aSettingASessionCanWriteIsNoStateOfTheGuard() throws Exception {
        Database tenant = db.tenantUser("acme");
        Database approver = db.approver();
        Sql.scalar(approver, "select sor_api.approve_ddl('drop table', 'sor.outbox', 'T-1', 'branch', now() + interval '1 hour')");
        try (Connection c = tenant.connect()) {
            Sql.run(c, "select set_config('sor.drop_guard_snapshot', '{\"schemas\": [\"sor\"], \"tables\": {}}', false)");
            Sql.run(c, "create type pg_temp.gov_t as (a int)");
            Sql.run(c, "alter type pg_temp.gov_t add attribute b int");
            Sql.run(c, "create temp table gov_tmp (a int)");
            Sql.run(c, "alter table gov_tmp alter column a type bigint");
        }
        assertThat(db.count("select count(*) from sor.ddl_approvals where consumed_at is not null")).isZero();
        assertThat(db.count("select count(*) from sor.ddl_audit")).isZero();
    }
}
