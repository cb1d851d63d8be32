package dev.pgsor.journal;

import static dev.pgsor.journal.JournalFixture.startRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgsor.db.Database;
import dev.pgsor.support.TestDatabase.Sql;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who reads and writes the journal: Workers only through functions (42501 on every table and
 * view), tenant members their tenants' journal through sor_api views, auditors everything.
 */
class JournalAccessTest {

    static final List<String> TABLES = List.of("sor.workers", "sor.tenant_settings", "sor.runs", "sor.turns",
            "sor.tool_calls", "sor.steps", "sor.blocks", "sor.idempotency_keys");
    static final List<String> VIEWS = List.of("sor_api.journal_runs", "sor_api.journal_turns", "sor_api.journal_tool_calls",
            "sor_api.journal_steps", "sor_api.journal_blocks");

    static JournalFixture fx;
    static Database worker;
    static Database acmeUser;
    static Database globexUser;
    static Database auditor;
    static UUID acmeRun;
    static UUID globexRun;

    @BeforeAll
    static void setUp() throws Exception {
        fx = new JournalFixture();
        worker = fx.worker("expense-reconciler", "acme", "globex");
        acmeUser = fx.role("sor_tenant", "acme");
        globexUser = fx.role("sor_tenant", "globex");
        auditor = fx.role("sor_auditor");
        try (Connection c = worker.connect()) {
            acmeRun = startRun(c, "acme");
            globexRun = startRun(c, "globex");
            for (UUID run : List.of(acmeRun, globexRun)) {
                Sql.scalar(c, "select sor_api.record_turn(?, 'gpt-x', 'user', 3, 4, 'hello')", run);
                Sql.rows(c, "select * from sor_api.begin_tool_call(?, 'lookup', '{\"q\": 1}')", run);
                JournalFixture.commit(c, run, "s1", 0, "{\"done\": true}");
            }
        }
    }

    @AfterAll
    static void tearDown() {
        fx.close();
    }

    @Test
    void theWorkerRoleGets42501OnAnyDirectTableOrViewAccess() throws Exception {
        try (Connection c = worker.connect()) {
            for (String table : TABLES) {
                for (String sql : List.of("select * from " + table, "insert into " + table + " default values",
                        "update " + table + " set tenant_id = tenant_id", "delete from " + table, "truncate " + table)) {
                    assertThatThrownBy(() -> Sql.run(worker, sql)).as(sql).extracting("SQLState").isEqualTo("42501");
                }
            }
            for (String view : VIEWS) {
                assertThatThrownBy(() -> Sql.run(worker, "select * from " + view)).as(view).extracting("SQLState").isEqualTo("42501");
            }
        }
        assertThat(fx.db.count("select count(*) from sor.runs")).isEqualTo(2);
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
        Database nobody = fx.role("sor_tenant");
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
        assertThatThrownBy(() -> Sql.run(auditor, "select * from sor_api.start_run('acme', 'reconcile')"))
                .extracting("SQLState").isEqualTo("42501");
        assertThatThrownBy(() -> Sql.run(auditor, "update sor.runs set state = '{}'")).extracting("SQLState").isEqualTo("42501");
        assertThatThrownBy(() -> Sql.run(auditor, "select sor_api.sweep_abandoned_runs()")).extracting("SQLState").isEqualTo("42501");
    }

    @Test
    void tenantMembersCannotCallWorkerFunctions() {
        assertThatThrownBy(() -> Sql.run(acmeUser, "select * from sor_api.start_run('acme', 'reconcile')"))
                .extracting("SQLState").isEqualTo("42501");
        assertThatThrownBy(() -> Sql.run(acmeUser, "select * from sor_api.commit_step(?, 's9', 1, '{}')", acmeRun))
                .extracting("SQLState").isEqualTo("42501");
        assertThatThrownBy(() -> Sql.run(acmeUser, "select sor_api.register_worker(current_user, 'x')"))
                .extracting("SQLState").isEqualTo("42501");
    }

    @Test
    void aRoleThatLeftSorWorkerIsNoLongerAWorker_SR030() throws Exception {
        Database former = fx.worker("expense-reconciler", "acme");
        UUID run;
        try (Connection c = former.connect()) {
            run = startRun(c, "acme");
        }
        fx.db.exec("revoke sor_worker from " + former.user());
        fx.db.exec("grant sor_tenant to " + former.user());
        try (Connection c = former.connect()) {
            assertThatThrownBy(() -> Sql.scalar(c, "select sor_api.heartbeat(?)", run)).extracting("SQLState").isEqualTo("42501");
        }
        fx.db.exec("grant execute on function sor_api.heartbeat(uuid, integer) to sor_tenant");
        try (Connection c = former.connect()) {
            assertThatThrownBy(() -> Sql.scalar(c, "select sor_api.heartbeat(?)", run)).extracting("SQLState").isEqualTo("SR030");
        } finally {
            fx.db.exec("revoke execute on function sor_api.heartbeat(uuid, integer) from sor_tenant");
        }
    }

    @Test
    void noCodePathSkipsTheRunEventsNotEvenTheSuperuserInReplicaMode() throws Exception {
        UUID run;
        try (Connection c = worker.connect()) {
            run = startRun(c, "acme");
        }
        try (Connection su = fx.db.admin().connect()) {
            Sql.scalar(su, "select set_config('session_replication_role', 'replica', false)");
            Sql.update(su, "update sor.runs set status = 'failed', finished_at = now() where run_id = ?", run);
            assertThatThrownBy(() -> Sql.update(su, "update sor.runs set state = '{\"late\": 1}' where run_id = ?", run))
                    .extracting("SQLState").isEqualTo("SR035");
        }
        assertThat(Sql.rows(fx.db.admin(), "select type from sor.events where stream = ? order by version", "run-" + run))
                .containsExactly(List.of("run_started"), List.of("run_failed"));
    }
}
