package dev.pgsor.governance;

import static dev.pgsor.testkit.SorAssertions.assertCertified;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The register of protected objects, read by the guard and by certify(): for every kind of entry,
 * a change without an approval is refused for the owner (SET ROLE sor_owner) and the superuser
 * alike, and the same change made past the guard (a superuser pausing its event triggers) makes
 * certify() fail on a row that names the object.
 */
@SorTest
class RegisterGuardTest {

    /** One breaking change per register entry kind, and the object certify() must name. */
    record Breach(String name, String sql, String certifyObject) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Breach> breaches() {
        return List.of(
                new Breach("chain trigger disabled", "alter table sor.events disable trigger events_chain",
                        "trigger events_chain on sor.events"),
                new Breach("chain trigger dropped", "drop trigger events_chain on sor.events",
                        "trigger events_chain on sor.events"),
                new Breach("task events trigger disabled", "alter table sor.tasks disable trigger tasks_events_update",
                        "trigger tasks_events_update on sor.tasks"),
                new Breach("run events trigger dropped", "drop trigger runs_events on sor.runs",
                        "trigger runs_events on sor.runs"),
                new Breach("outbox events trigger disabled", "alter table sor.outbox disable trigger outbox_events_update",
                        "trigger outbox_events_update on sor.outbox"),
                new Breach("policy widened", "alter policy runs_tenant_select on sor.runs using (true)",
                        "policy runs_tenant_select on sor.runs"),
                new Breach("permissive policy added", "create policy gov_all on sor.runs for select to sor_tenant using (true)",
                        "policy gov_all on sor.runs"),
                new Breach("view switched to definer rights", "alter view sor_api.events set (security_invoker = false)",
                        "view sor_api.events"),
                new Breach("dedupe constraint dropped", "alter table sor.dedupe_keys drop constraint dedupe_keys_pkey",
                        "constraint dedupe_keys_pkey on sor.dedupe_keys"),
                new Breach("dedupe trigger disabled", "alter table sor.tasks disable trigger tasks_dedupe",
                        "trigger tasks_dedupe on sor.tasks"),
                new Breach("quota trigger disabled", "alter table sor.tasks disable trigger tasks_quota",
                        "trigger tasks_quota on sor.tasks"),
                new Breach("partition detached", "alter table sor.events detach partition sor.events_default",
                        "table sor.events_default"),
                new Breach("primary key dropped", "alter table sor.outbox drop constraint outbox_pkey cascade",
                        "constraint outbox_pkey on sor.outbox"),
                new Breach("row level security not forced", "alter table sor.runs no force row level security",
                        "table sor.runs"),
                new Breach("a rule swallowing events", "create rule gov_swallow as on insert to sor.events do instead nothing",
                        "rule gov_swallow on sor.events"),
                new Breach("a column default forging the actor", "alter table sor.events alter column actor set default 'someone'",
                        "table sor.events"),
                new Breach("a table grant to Workers", "grant select on sor.runs to sor_worker",
                        "table sor.runs"));
    }

    SorDatabase db;

    @BeforeEach
    void setUp(SorDatabase suite) {
        db = suite.fresh();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breaches")
    void theOwnerAndTheSuperuserAreRefusedWithoutAnApproval_SR020(Breach breach) throws Exception {
        for (String who : List.of("set role sor_owner", "reset role")) {
            try (Connection c = db.admin().connect()) {
                Sql.run(c, who);
                assertRefused("SR020", who + ": " + breach.sql(), () -> Sql.run(c, breach.sql()));
            }
        }
        assertCertified(db);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breaches")
    void theSameChangePastThePausedGuardFailsCertify(Breach breach) throws Exception {
        try (Connection c = db.admin().connect()) {
            Sql.run(c, "select sor_guard.pause(true)");
            Sql.run(c, breach.sql());
            Sql.run(c, "select sor_guard.pause(false)");
        }
        assertThat(db.rows("select object from sor_api.certify() where not ok"
                + " and \"check\" = 'the live catalog matches the register of protected objects'"))
                .extracting(r -> (String) r.get(0))
                .anySatisfy(o -> assertThat(o).startsWith(breach.certifyObject()));
    }

    @Test
    void anApprovedChangeIsAllowedOnceAuditedAndRegistered() throws Exception {
        Database approver = db.approver();
        long id = ((Number) Sql.scalar(approver, "select sor_api.approve_ddl('alter policy', 'runs_tenant_select on sor.runs',"
                + " 'T-7', 'branch t7', now() + interval '1 hour')")).longValue();
        String widen = "alter policy runs_tenant_select on sor.runs to sor_tenant, sor_approver using (tenant_id in (select sor_guard.current_tenants()) or false)";
        try (Connection c = db.admin().connect()) {
            Sql.run(c, "set role sor_owner");
            Sql.run(c, widen);
            assertRefused("SR020", "the approval is used up", () -> Sql.run(c, widen.replace("or false", "or 1 = 0")));
        }
        assertThat(db.rows("select operation, object_identity, approval_id, outcome, set_role from sor.ddl_audit"))
                .containsExactly(List.of("alter policy", "runs_tenant_select on sor.runs", id, "allowed", "sor_owner"));
        assertThat(db.scalar("select reason from sor_guard.registered where kind = 'policy' and identity = 'runs_tenant_select on sor.runs'"))
                .isEqualTo("approved");
        assertCertified(db);
    }

    @Test
    void redefiningAKitFunctionIsAllowedAndAuditedWithItsNewHash() throws Exception {
        String body = (String) db.scalar("select pg_get_functiondef('sor_api.get_run(uuid)'::regprocedure)");
        String changed = body.replace("perform sor.current_worker();", "perform sor.current_worker(); -- reviewed");
        try (Connection c = db.admin().connect()) {
            Sql.run(c, "set role sor_owner");
            Sql.run(c, changed);
        }
        String hash = (String) db.scalar("select encode(sha256(convert_to(pg_get_functiondef('sor_api.get_run(uuid)'::regprocedure), 'UTF8')), 'hex')");
        assertThat(db.rows("select operation, object_identity, outcome, set_role, encode(definition_sha256, 'hex'), session_role::text = current_user"
                + " from sor.ddl_audit"))
                .containsExactly(List.of("redefine function", "sor_api.get_run(pg_catalog.uuid)", "recorded", "sor_owner", hash, true));
        assertCertified(db);
    }

    /**
     * A constraint added NOT VALID and validated later is a tightening, not a change of the
     * constraint: pg_get_constraintdef ends its text with NOT VALID until it is validated, and the
     * guard used to read the shorter text as another definition and ask an approval for it.
     * Replacing it by another definition still needs one.
     */
    @Test
    void validatingAConstraintAddedNotValidIsATighteningAndChangingItIsNot() throws Exception {
        try (Connection c = db.admin().connect()) {
            Sql.run(c, "set role sor_owner");
            Sql.run(c, "alter table sor.runs add constraint gov_lease_positive check (lease_seconds > 0) not valid");
            Sql.run(c, "alter table sor.runs validate constraint gov_lease_positive");
            assertRefused("SR020", "another definition under the same name", () -> Sql.run(c,
                    "alter table sor.runs drop constraint gov_lease_positive,"
                            + " add constraint gov_lease_positive check (lease_seconds > 1) not valid"));
        }
        assertThat(db.rows("select reason, spec ->> 'validated', spec ->> 'definition' from sor_guard.registered"
                + " where kind = 'constraint' and identity = 'gov_lease_positive on sor.runs'"))
                .containsExactly(List.of("tightened", "true", "CHECK ((lease_seconds > 0))"));
        assertThat(db.rows("select operation from sor.ddl_audit where object_identity = 'gov_lease_positive on sor.runs'")).isEmpty();
        assertCertified(db);
    }

    /** Every constraint of the kit is validated, so the catalog vouches for every row, not only the rows written since. */
    @Test
    void everyConstraintOfTheKitIsValidated() throws Exception {
        assertThat(db.rows("select c.conrelid::regclass::text, c.conname from pg_constraint c"
                + " join pg_namespace n on n.oid = c.connamespace"
                + " where n.nspname in ('sor', 'sor_api', 'sor_guard', 'sor_flyway') and not c.convalidated")).isEmpty();
        assertThat(db.scalar("select convalidated from pg_constraint where conname = 'runs_sweep_at_check'")).isEqualTo(true);
    }

    @Test
    void theOwnerCannotReplaceTheRulesAtAll_42501() throws Exception {
        try (Connection c = db.admin().connect()) {
            Sql.run(c, "set role sor_owner");
            for (String sql : List.of(
                    "create or replace function sor_guard.current_tenants() returns setof text language sql as 'select tenant_id from sor.tenants'",
                    "create or replace function sor_guard.tg_events__chain() returns trigger language plpgsql as 'begin return new; end'",
                    "alter table sor.ddl_approvals disable trigger ddl_approvals_check_insert",
                    "insert into sor.ddl_approvals (operation, object_identity, ticket, rehearsed_on, expires_at)"
                            + " values ('drop table', 'sor.events', 't', 'r', now() + interval '1 hour')",
                    "insert into sor.ddl_audit (set_role, command_tag, operation, object_identity, outcome)"
                            + " values ('x', 'x', 'x', 'x', 'recorded')",
                    "insert into sor_guard.register (kind, identity, root_kind, root_objid, objid, present, spec, reason)"
                            + " values ('table', 'sor.x', 'table', 0, 0, false, null, 'registered')")) {
                assertRefused("42501", sql, () -> Sql.run(c, sql));
            }
            // naming the guard in a drop is refused before the privilege check
            assertRefused("SR020", () -> Sql.run(c, "drop function sor_guard.tg_end() cascade"));
        }
        assertCertified(db);
    }

    @Test
    void theSuperuserCannotReplaceOrDropTheGuardWhileItRuns_SR020() throws Exception {
        try (Connection c = db.admin().connect()) {
            for (String sql : List.of(
                    "create or replace function sor_guard.current_tenants() returns setof text language sql as 'select tenant_id from sor.tenants'",
                    "create or replace function sor_guard.tg_end() returns event_trigger language plpgsql as 'begin end'",
                    "create or replace function sor_guard.tg_watch_end() returns event_trigger language plpgsql as 'begin end'",
                    "drop function sor_guard.tg_drop() cascade",
                    "drop schema sor_guard cascade",
                    "drop owned by sor_guardian cascade",
                    "drop schema sor cascade",
                    "drop owned by sor_owner cascade",
                    "drop table sor.tasks cascade",
                    "update sor_guard.register set present = false")) {
                assertRefused(sql.startsWith("update") ? "SR010" : "SR020", sql, () -> Sql.run(c, sql));
            }
        }
        assertCertified(db);
    }

    @Test
    void whatOnlyASuperuserCanDoLeavesATraceInCertify() throws Exception {
        try (Connection c = db.admin().connect()) {
            Sql.run(c, "alter event trigger sor_guard_4_end disable");
        }
        assertThat(db.rows("select object from sor_api.certify() where not ok"))
                .extracting(r -> (String) r.get(0)).contains("sor_guard_4_end");
        try (Connection c = db.admin().connect()) {
            Sql.run(c, "alter event trigger sor_guard_4_end enable always");
            Sql.run(c, "select sor_guard.pause(true)");
            Sql.run(c, "drop event trigger sor_guard_2_drop");
            Sql.run(c, "select sor_guard.pause(false)");
        }
        assertThat(db.rows("select object, detail from sor_api.certify() where not ok"))
                .extracting(r -> (String) r.get(0)).contains("sor_guard_2_drop");
        if (((Number) db.scalar("select current_setting('server_version_num')::int")).intValue() >= 170000) {
            db.exec("alter database " + db.name() + " set event_triggers = off");
            assertThat(db.rows("select \"check\" from sor_api.certify() where not ok"))
                    .extracting(r -> (String) r.get(0)).contains("event triggers are not switched off");
        }
    }
}
