package dev.pgsor.guard;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.db.SchemaSnapshot;
import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.Race;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The drop guard refuses destructive DDL on protected objects, for the superuser that migrates and
 * for sor_owner alike, unless a distinct approver approved that exact operation and object; an
 * approval is consumed once, and every allowed statement is audited.
 */
@SorTest(reconciler = true)
class DropGuardTest {

    /** Who runs the DDL: the migrating superuser itself, or the superuser after SET ROLE sor_owner. */
    static final List<String> RUNNERS = List.of("reset role", "set role sor_owner");

    /**
     * Statements on the guard's own tables (owned by sor_guardian): the superuser is refused by the
     * guard (SR020), sor_owner by PostgreSQL itself (42501), since it owns nothing there. (sor_owner
     * owns schema sor, so it may try to drop them: the guard refuses that, see DESTRUCTIVE.)
     */
    static final List<String> ON_THE_GUARDS_TABLES = List.of(
            "alter table sor.ddl_audit disable trigger ddl_audit_refuse_update_delete",
            "drop trigger ddl_approvals_check_insert on sor.ddl_approvals");

    /** Destructive statements on protected objects; each must be refused without an approval. */
    static final List<String> DESTRUCTIVE = List.of(
            "drop table sor.outbox cascade",
            "drop table sor.events cascade",
            "drop schema sor_api cascade",
            "alter table sor.outbox set schema elsewhere",
            "alter table sor.events drop column payload cascade",
            "alter table sor.outbox drop column last_error cascade",
            "alter table sor.outbox alter column last_error type varchar(3000)",
            "alter table sor.outbox alter column attempts type bigint",
            "alter table sor.domain_schemas alter column registered_at type timestamp using registered_at::timestamp",
            "alter table sor.events disable trigger events_refuse_update_delete",
            "alter table sor.events disable trigger user",
            "alter table sor.events enable trigger events_refuse_truncate",
            "alter table sor.events enable replica trigger events_refuse_truncate",
            "drop trigger events_refuse_truncate on sor.events",
            "drop table sor.ddl_audit",
            "drop function sor_guard.tg_events__refuse_change() cascade",
            "create or replace trigger events_refuse_truncate before truncate on sor.events"
                    + " for each statement execute function sor_guard.tg_events__chain()",
            "create policy widen on sor.runs for select to sor_tenant using (true)",
            "alter policy runs_tenant_select on sor.runs using (true)",
            "alter view sor_api.events set (security_invoker = false)",
            "alter table sor.dedupe_keys drop constraint dedupe_keys_pkey",
            "alter table sor.events detach partition sor.events_default",
            "create rule swallow as on insert to sor.events do instead nothing",
            "grant select on sor.runs to sor_worker",
            "alter table sor.tenants disable row level security",
            "alter table sor.tenants no force row level security",
            "alter table sor.events disable row level security, no force row level security",
            "drop policy tenants_owner_all on sor.tenants",
            "drop policy events_tenant_select on sor.events");

    SorDatabase db;
    Database approver;

    /** Each test changes the catalog: a database of its own. */
    @BeforeEach
    void setUp(SorDatabase suite) {
        db = suite.fresh();
        approver = db.approver();
        db.exec("create schema elsewhere authorization sor_owner");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private String snapshot() throws SQLException {
        try (Connection c = db.admin().connect()) {
            return SchemaSnapshot.render(c);
        }
    }

    private void runAs(String runner, String sql) throws SQLException {
        try (Connection c = db.admin().connect(); Statement st = c.createStatement()) {
            st.execute(runner);
            st.execute(sql);
        }
    }

    /** The guard refuses the DDL (SR020): no row written, the audit included, and the catalog unchanged. */
    private void assertGuardRefuses(String runner, String sql) throws SQLException {
        String before = snapshot();
        assertRefusedAndNothingWritten(db, "SR020", runner + "; " + sql, () -> runAs(runner, sql));
        assertThat(snapshot()).as("catalog after " + sql).isEqualTo(before);
    }

    private long approve(String operation, String object) throws SQLException {
        try (Connection c = approver.connect()) {
            return ((Number) Sql.scalar(c, "select sor_api.approve_ddl(?, ?, 'CHG-42', 'branch sor_rehearsal_1',"
                    + " now() + interval '1 hour')", operation, object)).longValue();
        }
    }

    @Test
    void everyDestructiveStatementIsRefusedForTheAdminAndTheOwner_SR020() throws SQLException {
        for (String runner : RUNNERS) {
            for (String sql : DESTRUCTIVE) {
                assertGuardRefuses(runner, sql);
            }
        }
        // only a superuser may disable the foreign key triggers that ALL includes
        assertGuardRefuses("reset role", "alter table sor.events disable trigger all");
        for (String sql : ON_THE_GUARDS_TABLES) {
            assertGuardRefuses("reset role", sql);
            assertRefusedAndNothingWritten(db, "42501", sql, () -> runAs("set role sor_owner", sql));
        }
    }

    @Test
    void protectedDomainSchemaAndItsTablesAreGuarded_SR020() throws SQLException {
        db.exec("create schema dom authorization sor_owner");
        db.exec("select sor_api.register_domain_schema('dom')");
        db.exec("set role sor_owner; create table dom.notes (tenant_id text not null, body text);"
                + " alter table dom.notes enable row level security; alter table dom.notes force row level security;"
                + " create policy notes_owner on dom.notes to sor_owner using (true); reset role;");
        // the migration's afterMigrate callback registers the domain's objects with the guard
        db.exec("select sor_guard.protect_all()");
        for (String runner : RUNNERS) {
            assertGuardRefuses(runner, "drop schema dom cascade");
            assertGuardRefuses(runner, "drop table dom.notes");
            assertGuardRefuses(runner, "alter table dom.notes drop column body");
            assertGuardRefuses(runner, "alter table dom.notes alter column body type varchar(10)");
            assertGuardRefuses(runner, "drop policy notes_owner on dom.notes");
            assertGuardRefuses(runner, "alter table dom.notes no force row level security");
        }
        // renaming a schema needs CREATE on the database, which sor_owner does not hold
        assertGuardRefuses("reset role", "alter schema dom rename to dom_old");
        db.exec("set role sor_owner; create type dom.mood as enum ('ok', 'late'); alter table dom.notes add column mood dom.mood; reset role;");
        assertGuardRefuses("reset role", "drop type dom.mood cascade");
        assertGuardRefuses("set role sor_owner", "drop type dom.mood cascade");
        long approval = approve("drop schema", "dom");
        db.exec("drop schema dom cascade");
        assertThat(db.count("select count(*) from pg_namespace where nspname = 'dom'")).isZero();
        assertThat(Sql.rows(db.admin(), "select operation, object_identity, approval_id from sor.ddl_audit"))
                .containsExactly(List.of("drop schema", "dom", approval));
    }

    @Test
    void anApprovalLetsItsStatementThroughOnceAndIsAudited() throws SQLException {
        long approval = approve("disable trigger", "events_refuse_truncate on sor.events");
        String sql = "alter table sor.events disable trigger events_refuse_truncate";
        db.exec(sql);
        assertThat(db.scalar("select tgenabled::text from pg_trigger where tgname = 'events_refuse_truncate'")).isEqualTo("D");

        assertThat(Sql.rows(db.admin(), "select session_role::text, set_role, command_tag, operation, object_identity,"
                + " statement, approval_id, outcome from sor.ddl_audit"))
                .containsExactly(List.of(db.admin().user(), "none", "ALTER TABLE", "disable trigger",
                        "events_refuse_truncate on sor.events", sql, approval, "allowed"));
        assertThat(Sql.rows(db.admin(), "select approved_by::text, consumed_by::text, consumed_statement,"
                + " consumed_at is not null from sor.ddl_approvals"))
                .containsExactly(List.of(approver.user(), db.admin().user(), sql, true));

        db.exec("alter table sor.events enable always trigger events_refuse_truncate");
        assertGuardRefuses("reset role", sql);
        assertGuardRefuses("set role sor_owner", sql);
        assertThat(db.count("select count(*) from sor.ddl_audit")).isEqualTo(1);
    }

    @Test
    void theOwnerMayUseAnApprovalAndTheAuditNamesTheRoleItSet() throws SQLException {
        long approval = approve("drop column", "sor.outbox.last_error");
        runAs("set role sor_owner", "alter table sor.outbox drop column last_error");
        assertThat(Sql.rows(db.admin(), "select set_role, operation, object_identity, approval_id from sor.ddl_audit"))
                .containsExactly(List.of("sor_owner", "drop column", "sor.outbox.last_error", approval));
        runAs("set role sor_owner", "alter table sor.outbox add column last_error text");
        assertGuardRefuses("set role sor_owner", "alter table sor.outbox drop column last_error");
    }

    @Test
    void oneApprovalPerObjectWhenAStatementTouchesSeveral() throws SQLException {
        String both = "alter table sor.tenants disable row level security, no force row level security";
        approve("disable row level security", "sor.tenants");
        assertGuardRefuses("reset role", both);
        approve("no force row level security", "sor.tenants");
        db.exec(both);
        assertThat(db.count("select count(*) from sor.ddl_audit")).isEqualTo(2);
        assertThat(db.count("select count(*) from sor.ddl_approvals where consumed_at is null")).isZero();
    }

    @Test
    void aRolledBackStatementLeavesItsApprovalUnconsumed() throws SQLException {
        approve("alter column type", "sor.outbox.last_error");
        String sql = "alter table sor.outbox alter column last_error type varchar(3000)";
        try (Connection c = db.admin().connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute(sql);
            c.rollback();
        }
        assertThat(db.count("select count(*) from sor.ddl_approvals where consumed_at is null")).isEqualTo(1);
        assertThat(db.count("select count(*) from sor.ddl_audit")).isZero();
        db.exec(sql);
        assertThat(db.scalar("select format_type(atttypid, atttypmod) from pg_attribute"
                + " where attrelid = 'sor.outbox'::regclass and attname = 'last_error'")).isEqualTo("character varying(3000)");
        assertThat(db.count("select count(*) from sor.ddl_approvals where consumed_at is null")).isZero();
    }

    @Test
    void concurrentStatementsCannotShareOneApproval() throws Exception {
        String sql = "alter table sor.events disable trigger events_refuse_truncate";
        for (int round = 1; round <= 10; round++) {
            approve("disable trigger", "events_refuse_truncate on sor.events");
            List<String> results = Race.onConnections(db.admin(), 3, (c, t) -> {
                try (Statement st = c.createStatement()) {
                    st.execute(sql);
                }
                return "ok";
            }).stream().map(o -> o.ok() ? o.value() : o.sqlState()).toList();
            // a statement that found the trigger already disabled changed nothing and needs no approval
            assertThat(results).as("round " + round).isSubsetOf("ok", "SR020").contains("ok");
            assertThat(db.count("select count(*) from sor.ddl_audit")).as("round " + round).isEqualTo(round);
            assertThat(db.count("select count(*) from sor.ddl_approvals where consumed_at is null")).isZero();
            assertThat(db.count("select count(distinct approval_id) from sor.ddl_audit")).isEqualTo(round);
            db.exec("alter table sor.events enable always trigger events_refuse_truncate");
        }
    }

    @Test
    void anApprovalForAnotherObjectOrOperationDoesNotHelp() throws SQLException {
        approve("disable trigger", "events_refuse_update_delete on sor.events");
        approve("drop column", "sor.outbox.provider_ref");
        approve("disable row level security", "sor.tenants");
        approve("drop table", "sor.outbox");
        approve("drop policy", "tenants_tenant_select on sor.tenants");
        for (String runner : RUNNERS) {
            assertGuardRefuses(runner, "alter table sor.events disable trigger events_refuse_truncate");
            assertGuardRefuses(runner, "alter table sor.outbox drop column last_error");
            assertGuardRefuses(runner, "alter table sor.outbox alter column provider_ref type varchar(10)");
            assertGuardRefuses(runner, "alter table sor.tenants no force row level security");
            assertGuardRefuses(runner, "alter table sor.tenant_members disable row level security");
            assertGuardRefuses(runner, "drop policy tenants_owner_all on sor.tenants");
        }
        assertThat(db.count("select count(*) from sor.ddl_approvals where consumed_at is null")).isEqualTo(5);
    }

    @Test
    void anExpiredApprovalDoesNotHelp() throws SQLException {
        try (Connection c = approver.connect()) {
            Sql.scalar(c, "select sor_api.approve_ddl('drop column', 'sor.outbox.last_error', 'CHG-1', 'branch b',"
                    + " clock_timestamp() + interval '1 second')");
        }
        db.exec("select pg_sleep(1.5)");
        assertGuardRefuses("reset role", "alter table sor.outbox drop column last_error");
        assertGuardRefuses("set role sor_owner", "alter table sor.outbox drop column last_error");
    }

    @Test
    void settingAGucUnlocksNothing() throws SQLException {
        String sql = "alter table sor.tenants no force row level security";
        for (String gucs : List.of(
                "set session_replication_role = replica",
                "select set_config('sor.drop_guard_snapshot', '{}', false)",
                "select set_config('sor.drop_guard_snapshot', '{\"tables\": {}, \"triggers\": {}}', false)",
                "select set_config('sor.ddl_approved', 'on', false), set_config('sor.approval', 'sor.tenants', false)",
                "set application_name = 'sor_approver'")) {
            assertGuardRefuses(gucs + "; reset role", sql);
            assertGuardRefuses(gucs + "; set role sor_owner", sql);
        }
    }

    @Test
    void temporaryObjectsAreNeverGuarded() throws SQLException {
        Database worker = db.loginRole("worker", "sor_worker");
        for (Database who : List.of(db.admin(), worker)) {
            try (Connection c = who.connect(); Statement st = c.createStatement()) {
                st.execute("create temp table events (tenant_id text, payload jsonb, n int)");
                st.execute("alter table events enable row level security");
                st.execute("alter table events force row level security");
                st.execute("create policy p on events using (true)");
                st.execute("alter table events no force row level security");
                st.execute("alter table events disable row level security");
                st.execute("drop policy p on events");
                st.execute("alter table events alter column n type bigint");
                st.execute("alter table events drop column payload");
                st.execute("drop table events");
            }
        }
        assertThat(db.count("select count(*) from sor.ddl_audit")).isZero();
    }

    @Test
    void nonDestructiveDdlOnProtectedTablesPasses() throws SQLException {
        String before = snapshot();
        db.exec("set role sor_owner;"
                + " alter table sor.outbox add column note text;"
                + " create index outbox_remark_idx on sor.outbox (note);"
                + " drop index sor.outbox_remark_idx;"
                + " create table sor.scratch (tenant_id text not null, x int);"
                + " alter table sor.scratch enable row level security;"
                + " alter table sor.scratch force row level security;"
                + " alter table sor.events enable always trigger events_refuse_truncate;"
                + " reset role;");
        assertThat(snapshot()).isNotEqualTo(before);
        assertThat(db.count("select count(*) from sor.ddl_audit")).isZero();
    }

    @Test
    void createOrReplaceOfAnAppendOnlyTriggerKeepsItEnableAlways() throws SQLException {
        db.exec("set role sor_owner; create or replace trigger events_refuse_truncate before truncate on sor.events"
                + " for each statement execute function sor_guard.tg_events__refuse_change(); reset role;");
        assertThat(db.scalar("select tgenabled::text from pg_trigger where tgname = 'events_refuse_truncate'")).isEqualTo("A");
        try (Connection c = db.admin().connect(); Statement st = c.createStatement()) {
            st.execute("set session_replication_role = replica");
            assertRefused("SR010", () -> st.execute("truncate sor.events"));
        }
    }

    @Test
    void aRefusalIsWrittenToTheServerLog() throws SQLException {
        try (Connection c = db.admin().connect(); Statement st = c.createStatement()) {
            st.execute("set client_min_messages = log");
            assertRefused("SR020", () -> st.execute("drop policy tenants_owner_all on sor.tenants"));
            SQLWarning log = st.getWarnings();
            assertThat((Throwable) log).as("the LOG line of the refusal").isNotNull();
            assertThat(log.getSQLState()).isEqualTo("00000");
        }
    }

    @Test
    void onlyAnApproverMayApprove_42501() throws SQLException {
        Database worker = db.loginRole("worker", "sor_worker");
        Database auditor = db.auditor();
        Database ownerMember = db.loginRole("ownerish", "sor_approver", "sor_owner");
        String call = "select sor_api.approve_ddl('drop table', 'sor.outbox', 'CHG-1', 'branch b', now() + interval '1 hour')";
        for (Database who : List.of(worker, auditor, ownerMember, db.admin())) {
            assertRefused("42501", who.user(), () -> Sql.run(who, call));
        }
        assertThat(db.count("select count(*) from sor.ddl_approvals")).isZero();
        assertGuardRefuses("reset role", "drop table sor.outbox");
    }

    @Test
    void theSuperuserCannotWriteAnApprovalRowDirectly_42501() {
        assertRefused("42501", () -> db.exec("insert into sor.ddl_approvals (operation, object_identity, ticket, rehearsed_on,"
                + " approved_by, expires_at) values ('drop table', 'sor.outbox', 'CHG-1', 'b', '" + approver.user()
                + "', now() + interval '1 hour')"));
        assertThat(db.count("select count(*) from sor.ddl_approvals")).isZero();
    }

    @Test
    void anApproverWhoRunsTheDdlCannotUseItsOwnApproval() throws SQLException {
        approve("drop column", "sor.outbox.last_error");
        // the approver is later made an owner member and runs the change itself: its approval does not count
        db.exec("grant sor_owner to " + approver.user());
        try {
            assertRefused("SR020", () -> {
                try (Connection c = approver.connect(); Statement st = c.createStatement()) {
                    st.execute("set role sor_owner");
                    st.execute("alter table sor.outbox drop column last_error");
                }
            });
        } finally {
            db.exec("revoke sor_owner from " + approver.user());
        }
        assertThat(db.count("select count(*) from sor.ddl_approvals where consumed_at is null")).isEqualTo(1);
    }

    @Test
    void anApprovalOfARoleThatLostSorApproverDoesNotCount() throws SQLException {
        approve("drop column", "sor.outbox.last_error");
        db.exec("revoke sor_approver from " + approver.user());
        assertGuardRefuses("reset role", "alter table sor.outbox drop column last_error");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "'drop table', 'sor.no_such_table', 'CHG-1', 'branch b', now() + interval '1 hour'",
        "'drop table', 'sor_api.tenants', 'CHG-1', 'branch b', now() + interval '1 hour'",
        "'drop table', 'public.flyway_schema_history', 'CHG-1', 'branch b', now() + interval '1 hour'",
        "'drop column', 'sor.outbox.no_such_column', 'CHG-1', 'branch b', now() + interval '1 hour'",
        "'disable trigger', 'no_such_trigger on sor.events', 'CHG-1', 'branch b', now() + interval '1 hour'",
        "'create policy', 'widen on sor.no_such_table', 'CHG-1', 'branch b', now() + interval '1 hour'",
        "'truncate', 'sor.outbox', 'CHG-1', 'branch b', now() + interval '1 hour'",
        "null, 'sor.outbox', 'CHG-1', 'branch b', now() + interval '1 hour'",
        "'drop table', null, 'CHG-1', 'branch b', now() + interval '1 hour'",
    })
    void unknownTargetIsRefused_SR021(String args) {
        badApproval(args, "SR021");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "'drop table', 'sor.outbox', 'CHG-1', 'branch b', now() - interval '1 second'",
        "'drop table', 'sor.outbox', 'CHG-1', 'branch b', now() + interval '8 days'",
        "'drop table', 'sor.outbox', 'CHG-1', 'branch b', null",
    })
    void badExpiryIsRefused_SR022(String args) {
        badApproval(args, "SR022");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "'drop table', 'sor.outbox', '', 'branch b', now() + interval '1 hour'",
        "'drop table', 'sor.outbox', '   ', 'branch b', now() + interval '1 hour'",
        "'drop table', 'sor.outbox', null, 'branch b', now() + interval '1 hour'",
        "'drop table', 'sor.outbox', 'CHG-1', '', now() + interval '1 hour'",
        "'drop table', 'sor.outbox', 'CHG-1', null, now() + interval '1 hour'",
    })
    void missingTicketOrRehearsalIsRefused_SR023(String args) {
        badApproval(args, "SR023");
    }

    private void badApproval(String args, String sqlState) {
        assertRefusedAndNothingWritten(db, sqlState, args, () -> Sql.run(approver, "select sor_api.approve_ddl(" + args + ")"));
    }

    @Test
    void approvalsAreNeverChangedOrRemoved_SR024() throws SQLException {
        approve("drop table", "sor.outbox");
        for (String sql : List.of(
                "update sor.ddl_approvals set expires_at = expires_at + interval '1 day'",
                "update sor.ddl_approvals set object_identity = 'sor.events'",
                "delete from sor.ddl_approvals",
                "truncate sor.ddl_approvals cascade")) {
            assertRefused("SR024", sql, () -> runAs("reset role", sql));
            assertRefused("42501", sql, () -> runAs("set role sor_owner", sql));
        }
        assertThat(db.count("select count(*) from sor.ddl_approvals where consumed_at is null")).isEqualTo(1);
    }

    @Test
    void theDdlAuditIsAppendOnlyAndReadableByAuditors_SR025() throws SQLException {
        approve("drop policy", "tenants_tenant_select on sor.tenants");
        db.exec("drop policy tenants_tenant_select on sor.tenants");
        for (String sql : List.of("update sor.ddl_audit set statement = 'x'", "delete from sor.ddl_audit",
                "truncate sor.ddl_audit")) {
            assertRefused("SR025", sql, () -> runAs("set session_replication_role = replica; reset role", sql));
            assertRefused("42501", sql, () -> runAs("set session_replication_role = replica; set role sor_owner", sql));
        }
        Database auditor = db.auditor();
        assertThat(Sql.rows(auditor, "select operation, object_identity from sor.ddl_audit"))
                .containsExactly(List.of("drop policy", "tenants_tenant_select on sor.tenants"));
        Database worker = db.loginRole("worker", "sor_worker");
        assertRefused("42501", () -> Sql.run(worker, "select * from sor.ddl_audit"));
        assertRefused("42501", () -> Sql.run(approver, "insert into sor.ddl_approvals (operation, object_identity, ticket,"
                + " rehearsed_on, expires_at) values ('drop table', 'sor.outbox', 'x', 'y', now() + interval '1 hour')"));
    }

    @Test
    void approversSeeWhatTheyCanApprove() {
        List<List<Object>> targets = Sql.rows(approver, "select operation, object_identity from sor_api.ddl_guard_targets()");
        assertThat(targets).contains(
                List.of("drop schema", "sor"),
                List.of("drop table", "sor.events"),
                List.of("drop column", "sor.events.payload"),
                List.of("alter column type", "sor.outbox.topic"),
                List.of("drop policy", "tenants_owner_all on sor.tenants"),
                List.of("drop trigger", "events_refuse_truncate on sor.events"),
                List.of("disable trigger", "ddl_audit_refuse_truncate on sor.ddl_audit"),
                List.of("no force row level security", "sor.tenants"));
        assertThat(targets).contains(List.of("disable trigger", "events_chain on sor.events"),
                List.of("alter view", "sor_api.events"), List.of("create policy", "<name> on sor.runs"),
                List.of("grant", "sor.runs"), List.of("drop constraint", "dedupe_keys_pkey on sor.dedupe_keys"),
                List.of("detach partition", "sor.events_default"));
    }
}
