package dev.pgsor.journal;

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
 * Who reads and writes the journal: Workers only through functions (42501 on every table and
 * view), tenant members their tenants' journal through sor_api views, auditors everything.
 */
@SorTest(reconciler = true)
class JournalAccessTest {

    static final List<String> TABLES = List.of("sor.workers", "sor.tenant_settings", "sor.runs", "sor.turns",
            "sor.tool_calls", "sor.steps", "sor.blocks", "sor.idempotency_keys");
    static final List<String> VIEWS = List.of("sor_api.journal_runs", "sor_api.journal_turns", "sor_api.journal_tool_calls",
            "sor_api.journal_steps", "sor_api.journal_blocks");

    static SorDatabase db;
    static Database worker;
    static Database acmeUser;
    static Database globexUser;
    static Database auditor;
    static UUID acmeRun;
    static UUID globexRun;

    @BeforeAll
    static void setUp(SorDatabase database) throws Exception {
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.addTenant("globex", "Globex");
        worker = db.worker("expense-reconciler", "acme", "globex");
        acmeUser = db.tenantUser("acme");
        globexUser = db.tenantUser("globex");
        auditor = db.auditor();
        try (Connection c = worker.connect()) {
            acmeRun = startRun(c, "acme");
            globexRun = startRun(c, "globex");
            for (UUID run : List.of(acmeRun, globexRun)) {
                Sql.scalar(c, "select sor_api.record_turn(?, 'gpt-x', 'user', 3, 4, 'hello')", run);
                Sql.rows(c, "select * from sor_api.begin_tool_call(?, 'lookup', '{\"q\": 1}')", run);
                Journal.commit(c, run, "s1", 0, "{\"done\": true}");
            }
        }
    }

    @Test
    void theWorkerRoleGets42501OnAnyDirectTableOrViewAccess() throws Exception {
        try (Connection c = worker.connect()) {
            for (String table : TABLES) {
                for (String sql : List.of("select * from " + table, "insert into " + table + " default values",
                        "update " + table + " set tenant_id = tenant_id", "delete from " + table, "truncate " + table)) {
                    assertRefused("42501", sql, () -> Sql.run(worker, sql));
                }
            }
            for (String view : VIEWS) {
                assertRefused("42501", view, () -> Sql.run(worker, "select * from " + view));
            }
        }
        assertThat(db.count("select count(*) from sor.runs")).isEqualTo(2);
    }

    @Test
    void tenantMembersReadTheirTenantsTurnsAndToolCallsOnly() {
        assertThat(Sql.rows(acmeUser, "select tenant_id, run_id, turn_no, content, input_tokens from sor_api.journal_turns"))
                .containsExactly(List.of("acme", acmeRun, 1, "hello", 3));
        assertThat(Sql.rows(globexUser, "select tenant_id, run_id, tool_name, status, args::text from sor_api.journal_tool_calls"))
                .containsExactly(List.of("globex", globexRun, "lookup", "started", "{\"q\": 1}"));
        assertThat(Sql.rows(acmeUser, "select run_id, status, version, effective_state::text from sor_api.journal_runs"))
                .containsExactly(List.of(acmeRun, "running", 1, "{\"done\": true}"));
        assertThat(Sql.rows(acmeUser, "select step_id from sor_api.journal_steps")).containsExactly(List.of("s1"));
        assertThat(Sql.rows(globexUser, "select tenant_id from sor_api.journal_runs")).containsExactly(List.of("globex"));
    }

    @Test
    void aTenantMemberWithoutMembershipSeesNothing() {
        Database nobody = db.tenantUser();
        for (String view : VIEWS) {
            assertThat(Sql.rows(nobody, "select * from " + view)).as(view).isEmpty();
        }
    }

    @Test
    void theAuditorReadsTheJournalAcrossTenantsAndWritesNothing() {
        assertThat(Sql.rows(auditor, "select tenant_id from sor_api.journal_runs order by 1"))
                .containsExactly(List.of("acme"), List.of("globex"));
        assertThat(Sql.rows(auditor, "select tenant_id from sor_api.journal_turns order by 1"))
                .containsExactly(List.of("acme"), List.of("globex"));
        assertThat(Sql.rows(auditor, "select tenant_id from sor_api.journal_tool_calls order by 1"))
                .containsExactly(List.of("acme"), List.of("globex"));
        assertThat(Sql.rows(auditor, "select count(*) from sor.idempotency_keys")).containsExactly(List.of(0L));
        assertRefused("42501", () -> Sql.run(auditor, "select * from sor_api.start_run('acme', 'reconcile')"));
        assertRefused("42501", () -> Sql.run(auditor, "update sor.runs set state = '{}'"));
        assertRefused("42501", () -> Sql.run(auditor, "select sor_api.sweep_abandoned_runs()"));
    }

    @Test
    void tenantMembersCannotCallWorkerFunctions() {
        assertRefused("42501", () -> Sql.run(acmeUser, "select * from sor_api.start_run('acme', 'reconcile')"));
        assertRefused("42501", () -> Sql.run(acmeUser, "select * from sor_api.commit_step(?, 's9', 1, '{}')", acmeRun));
        assertRefused("42501", () -> Sql.run(acmeUser, "select sor_api.register_worker(current_user, 'x')"));
    }

    @Test
    void aRoleThatLeftSorWorkerIsNoLongerAWorker_SR030() throws Exception {
        Database former = db.worker("expense-reconciler", "acme");
        UUID run;
        try (Connection c = former.connect()) {
            run = startRun(c, "acme");
        }
        db.exec("revoke sor_worker from " + former.user());
        db.exec("grant sor_tenant to " + former.user());
        try (Connection c = former.connect()) {
            assertRefused("42501", () -> Sql.scalar(c, "select sor_api.heartbeat(?)", run));
        }
        db.pastTheGuard("grant execute on function sor_api.heartbeat(uuid, integer) to sor_tenant");
        try (Connection c = former.connect()) {
            assertRefused("SR030", () -> Sql.scalar(c, "select sor_api.heartbeat(?)", run));
        } finally {
            db.pastTheGuard("revoke execute on function sor_api.heartbeat(uuid, integer) from sor_tenant");
        }
    }

    @Test
    void noCodePathSkipsTheRunEventsNotEvenTheSuperuserInReplicaMode() throws Exception {
        UUID run;
        try (Connection c = worker.connect()) {
            run = startRun(c, "acme");
        }
        try (Connection su = db.admin().connect()) {
            Sql.scalar(su, "select set_config('session_replication_role', 'replica', false)");
            Sql.update(su, "update sor.runs set status = 'failed', finished_at = now() where run_id = ?", run);
            assertRefused("SR035", () -> Sql.update(su, "update sor.runs set state = '{\"late\": 1}' where run_id = ?", run));
        }
        assertThat(Sql.rows(db.admin(), "select type from sor.events where stream = ? order by version", "run-" + run))
                .containsExactly(List.of("run_started"), List.of("run_failed"));
    }
}
