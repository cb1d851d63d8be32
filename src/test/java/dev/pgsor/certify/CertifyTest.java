package dev.pgsor.certify;

import static dev.pgsor.support.CertifyChecks.assertFails;
import static dev.pgsor.support.CertifyChecks.failing;
import static dev.pgsor.support.CertifyChecks.failingAfter;
import static dev.pgsor.support.CertifyChecks.failingAfterGuardOff;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.pgsor.db.Certification.Check;
import dev.pgsor.db.Certification;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * certify() passes on a migrated database, and every catalog sweep fails when its rule is broken
 * in a scratch database. A check that cannot fail is a defect.
 */
@SorTest(reconciler = true)
class CertifyTest {

    static final String RLS = "tenant tables have row level security enabled and forced";
    static final String PUBLIC = "nothing is reachable by PUBLIC";
    static final String SEARCH_PATH = "definer functions pin search_path ending in pg_temp";
    static final String GROUPS = "kit group roles are NOLOGIN without SUPERUSER or BYPASSRLS";
    static final String LOGINS = "no login role bypasses RLS or belongs to sor_owner";
    static final String OWNER = "kit objects are owned by sor_owner, the guard's by sor_guardian";
    static final String WORKERS = "workers and dispatchers have no direct table access";
    static final String COMMENTS = "every table, view and function has a comment";
    static final String JIT = "kit functions run with jit = off";

    static SorDatabase suite;

    @BeforeAll
    static void setUp(SorDatabase database) {
        suite = database;
    }

    private static List<Check> certify(SorDatabase db) throws Exception {
        try (Connection c = db.admin().connect()) {
            return Certification.run(c);
        }
    }

    /** Breaks a rule in a fresh database and returns the failing rows. */

    @Test
    void migratedDatabaseIsCertified() throws Exception {
        try (SorDatabase db = suite.fresh()) {
            List<Check> rows = certify(db);
            assertThat(rows).isNotEmpty().allSatisfy(r -> assertThat(r.ok()).as(r.toString()).isTrue());
            assertThat(rows).extracting(Check::check).contains(RLS, PUBLIC, SEARCH_PATH, GROUPS, LOGINS, OWNER, WORKERS, COMMENTS);
        }
    }

    @Test
    void auditorMayRunCertifyAndWorkersMayNot() throws Exception {
        try (SorDatabase db = suite.fresh()) {
            try (Connection c = db.auditor().connect()) {
                assertThat(Certification.failing(Certification.run(c))).isZero();
            }
            try (Connection c = db.loginRole("wrk", "sor_worker").connect()) {
                assertRefused("42501", () -> Certification.run(c));
            }
        }
    }

    @Test
    void tenantTableWithoutRowLevelSecurityFails() throws Exception {
        String table = "set role sor_owner; create table sor.scratch (tenant_id text not null, x int, primary key (tenant_id, x));"
                + " comment on table sor.scratch is 'scratch'; reset role;";
        assertFails(failingAfter(suite, table), RLS, "sor.scratch");
        assertFails(failingAfter(suite, table, "alter table sor.scratch enable row level security"), RLS, "sor.scratch");
        assertFails(failingAfter(suite, table, "alter table sor.scratch enable row level security",
                "alter table sor.scratch force row level security"), RLS, "sor.scratch");
        assertThat(failingAfter(suite, table, "alter table sor.scratch enable row level security",
                "alter table sor.scratch force row level security",
                "create policy p on sor.scratch to sor_owner using (true)")).isEmpty();
    }

    @Test
    void registeredDomainSchemasAreSweptToo() throws Exception {
        List<Check> failing = failingAfter(suite, 
                "create schema dom authorization sor_owner",
                "select sor_api.register_domain_schema('dom')",
                "set role sor_owner; create table dom.rows (tenant_id text, y int); comment on table dom.rows is 'x'; reset role;");
        assertFails(failing, RLS, "dom.rows");
    }

    @Test
    void definerFunctionWithoutPinnedSearchPathFails() throws Exception {
        String fn = "set role sor_owner; create function sor_api.leaky() returns int language sql security definer set jit = off as 'select 1';"
                + " comment on function sor_api.leaky() is 'x'; revoke execute on function sor_api.leaky() from public; reset role;";
        assertFails(failingAfter(suite, fn), SEARCH_PATH, "sor_api.leaky()");
        assertFails(failingAfter(suite, fn, "alter function sor_api.leaky() set search_path = pg_temp, pg_catalog, sor"),
                SEARCH_PATH, "sor_api.leaky()");
        assertThat(failingAfter(suite, fn, "alter function sor_api.leaky() set search_path = pg_catalog, sor, pg_temp")).isEmpty();
    }

    @Test
    void anythingGrantedToPublicFails() throws Exception {
        assertFails(failingAfterGuardOff(suite, "grant execute on function sor_api.add_tenant(text, text) to public"),
                PUBLIC, "sor_api.add_tenant(tenant_id text, display_name text)");
        assertFails(failingAfterGuardOff(suite, "grant select on sor.tenants to public"), PUBLIC, "sor.tenants");
        assertFails(failingAfterGuardOff(suite, "grant usage on schema sor to public"), PUBLIC, "schema sor");
        // created by the admin, outside sor_owner's default privileges: PUBLIC may execute it
        assertFails(failingAfter(suite, "create function sor.helper() returns int language sql as 'select 1';"
                + " comment on function sor.helper() is 'x'"), PUBLIC, "sor.helper()");
        // created by sor_owner: the default privileges of V001 leave PUBLIC nothing
        assertThat(failingAfter(suite, "set role sor_owner; create function sor.helper() returns int language sql set jit = off as 'select 1';"
                + " comment on function sor.helper() is 'x'; reset role;")).isEmpty();
    }

    @Test
    void everyFunctionOfTheKitAndTheReconcilerSetsJitOff() throws Exception {
        // the catalog sweep: every function of the kit's schemas and of the registered domain schemas
        List<List<Object>> functions = suite.rows("select p.oid::regprocedure::text, coalesce('jit=off' = any (p.proconfig), false)"
                + " from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
                + " where n.nspname in ('sor', 'sor_api', 'sor_guard') or n.nspname in (select schema_name from sor.domain_schemas)"
                + " order by 1");
        assertThat(functions).hasSizeGreaterThan(150)
                .anySatisfy(r -> assertThat(r.get(0)).isEqualTo("sor_guard.pause(boolean)"))
                .anySatisfy(r -> assertThat(r.get(0)).isEqualTo("sor.ensure_policy(regclass,name,text,name[],text,text)"))
                .anySatisfy(r -> assertThat(r.get(0)).isEqualTo("sor_guard.tg_end()"))
                .anySatisfy(r -> assertThat(r.get(0)).isEqualTo("reconciler.tool_categorise(jsonb,jsonb)"));
        // only the value checks run without the setting: one-expression SQL functions the planner
        // inlines into the statements and PL/pgSQL conditions that call them (which run with jit = off)
        assertThat(functions).as("functions without jit = off").filteredOn(r -> !(Boolean) r.get(1))
                .extracting(r -> r.get(0))
                .containsExactlyInAnyOrder("sor.is_valid(text,text)",
                        "sor.task_input_problem(text,jsonb,text,integer,interval,integer)",
                        "sor.finish_task(sor.tasks,text,jsonb,text,timestamp with time zone,boolean)",
                        "sor.lease_held(name,bigint,timestamp with time zone,bigint,timestamp with time zone)",
                        "sor.lease_lapsed_at(timestamp with time zone,timestamp with time zone)",
                        "sor.lease_clock()", "sor.lease_request_ok(integer,interval)", "sor.session_defaults_due()",
                        "sor.over_cap(jsonb)", "sor.over_cap(text)",
                        "sor.reserved_list(text)", "sor.reserved_kind(text,text,text)", "sor.is_reserved(text,text)",
                        "sor_guard.event_hash(bytea,text,text,integer,text,jsonb,jsonb,name,timestamp with time zone,bigint)");
        assertThat(suite.rows("select p.oid::regprocedure::text, l.lanname, p.provolatile::text, p.proconfig is null"
                + " from pg_proc p join pg_language l on l.oid = p.prolang"
                + " where p.oid in ('sor.is_valid(text,text)'::regprocedure,"
                + " 'sor.task_input_problem(text,jsonb,text,integer,interval,integer)'::regprocedure,"
                + " 'sor.finish_task(sor.tasks,text,jsonb,text,timestamptz,boolean)'::regprocedure,"
                + " 'sor.lease_held(name,bigint,timestamptz,bigint,timestamptz)'::regprocedure,"
                + " 'sor.lease_clock()'::regprocedure, 'sor.lease_request_ok(integer,interval)'::regprocedure,"
                + " 'sor.session_defaults_due()'::regprocedure,"
                + " 'sor.over_cap(jsonb)'::regprocedure, 'sor.over_cap(text)'::regprocedure,"
                + " 'sor.reserved_list(text)'::regprocedure, 'sor.reserved_kind(text,text,text)'::regprocedure,"
                + " 'sor.is_reserved(text,text)'::regprocedure,"
                + " 'sor_guard.event_hash(bytea,text,text,integer,text,jsonb,jsonb,name,timestamptz,bigint)'::regprocedure) order by 1"))
                .containsExactly(List.of("sor.finish_task(sor.tasks,text,jsonb,text,timestamp with time zone,boolean)", "sql", "i", true),
                        List.of("sor.is_reserved(text,text)", "sql", "i", true),
                        List.of("sor.is_valid(text,text)", "sql", "i", true),
                        List.of("sor.lease_clock()", "sql", "v", true),
                        List.of("sor.lease_held(name,bigint,timestamp with time zone,bigint,timestamp with time zone)", "sql", "s", true),
                        List.of("sor.lease_request_ok(integer,interval)", "sql", "i", true),
                        List.of("sor.over_cap(jsonb)", "sql", "i", true),
                        List.of("sor.over_cap(text)", "sql", "i", true),
                        List.of("sor.reserved_kind(text,text,text)", "sql", "i", true),
                        List.of("sor.reserved_list(text)", "sql", "i", true),
                        List.of("sor.session_defaults_due()", "sql", "s", true),
                        List.of("sor.task_input_problem(text,jsonb,text,integer,interval,integer)", "sql", "i", true),
                        List.of("sor_guard.event_hash(bytea,text,text,integer,text,jsonb,jsonb,name,timestamp with time zone,bigint)",
                                "sql", "s", true));
        assertThat(suite.rows("select property, \"check\", object, ok, detail from sor_api.certify() where \"check\" = ?", JIT))
                .containsExactly(List.of("policy-bound", JIT, functions.size() + " objects", true, "all " + functions.size() + " pass"));
    }

    @Test
    void aFunctionWithoutJitOffFails() throws Exception {
        String fn = "set role sor_owner; create function sor.jit_prone() returns bigint language sql stable"
                + " set search_path = pg_catalog, sor, pg_temp as 'select count(*) from sor.events';"
                + " comment on function sor.jit_prone() is 'x'; reset role;";
        List<Check> failing = failingAfter(suite, fn);
        assertThat(failing).extracting(Check::property, Check::check, Check::object, Check::detail)
                .containsExactly(tuple("policy-bound", JIT, "sor.jit_prone()",
                        "no jit setting: its statements follow the session's jit (add SET jit = off)"));
        assertThat(failingAfter(suite, fn, "alter function sor.jit_prone() set jit = on"))
                .extracting(Check::check, Check::object, Check::detail).containsExactly(tuple(JIT, "sor.jit_prone()", "jit=on"));
        assertThat(failingAfter(suite, fn, "alter function sor.jit_prone() set jit = off")).isEmpty();
        // a function with no statement of its own (one SQL expression, inlined into its callers)
        // needs no setting, whatever its volatility; one that reads a table, that a SET clause keeps
        // from being inlined, of two statements, or in PL/pgSQL does
        for (String inlined : List.of("language sql immutable as 'select x + 1'",
                "language sql volatile as 'select x + (random() * 0)::int'")) {
            assertThat(failingAfter(suite, "set role sor_owner; create function sor.jit_free(x int) returns int " + inlined
                    + "; comment on function sor.jit_free(int) is 'x'; reset role;")).as(inlined).isEmpty();
        }
        for (String notInlined : List.of("language sql immutable as 'select count(*)::int from sor.events where x > 0'",
                "language sql immutable set search_path = pg_catalog, pg_temp as 'select x + 1'",
                "language sql immutable as 'select x + 1; select x + 2'",
                "language plpgsql immutable as 'begin return x + 1; end'")) {
            assertThat(failingAfter(suite, "set role sor_owner; create function sor.jit_free(x int) returns int " + notInlined
                    + "; comment on function sor.jit_free(int) is 'x'; reset role;"))
                    .as(notInlined).extracting(Check::check, Check::object).containsExactly(tuple(JIT, "sor.jit_free(x integer)"));
        }
        // a registered domain schema's functions are swept too
        assertFails(failingAfter(suite, "create schema dom authorization sor_owner",
                "select sor_api.register_domain_schema('dom')",
                "set role sor_owner; create function dom.f() returns int language sql as 'select count(*)::int from pg_catalog.pg_class';"
                        + " comment on function dom.f() is 'x'; reset role;"), "policy-bound", JIT, "dom.f()");
    }

    @Test
    void objectNotOwnedBySorOwnerFails() throws Exception {
        assertFails(failingAfter(suite, "create table sor.admin_owned (x int); comment on table sor.admin_owned is 'x'"),
                OWNER, "sor.admin_owned");
    }

    @Test
    void workerTableAccessFails() throws Exception {
        List<Check> failing = failingAfterGuardOff(suite, "grant usage on schema sor to sor_worker", "grant select on sor.tenants to sor_worker");
        assertFails(failing, WORKERS, "sor_worker on sor.tenants");
        assertFails(failingAfterGuardOff(suite, "grant select (tenant_id) on sor.tenant_members to sor_dispatcher"),
                WORKERS, "sor_dispatcher on sor.tenant_members");
    }

    @Test
    void aKitRoleThatMayCreateLargeObjectsFails() throws Exception {
        String check = "kit roles cannot create large objects";
        assertFails(failingAfterGuardOff(suite, "grant execute on function lo_from_bytea(oid, bytea) to sor_worker"),
                check, "sor_worker on pg_catalog.lo_from_bytea(oid,bytea)");
        // PostgreSQL's default, put back: one row for PUBLIC, naming the function
        List<Check> failing = failingAfterGuardOff(suite, "grant execute on function lo_create(oid) to public");
        assertFails(failing, check, "(PUBLIC)");
        assertThat(failing).filteredOn(c -> c.check().equals(check)).singleElement()
                .satisfies(c -> assertThat(c.detail()).startsWith("EXECUTE on pg_catalog.lo_create(oid) is granted to PUBLIC"));
    }

    @Test
    void aKitRoleOrWorkerThatMayTakeAdvisoryLocksFails() throws Exception {
        String check = "kit roles cannot take advisory locks";
        assertFails(failingAfterGuardOff(suite, "grant execute on function pg_advisory_lock(bigint) to sor_worker"),
                check, "sor_worker on pg_catalog.pg_advisory_lock(bigint)");
        try (SorDatabase db = suite.fresh()) {
            // a Worker's login granted one by name; an application's login of this database may be
            var worker = db.worker("expense-reconciler");
            var app = db.loginRole("other_app");
            db.exec("grant execute on function pg_try_advisory_lock(integer, integer) to " + worker.user() + ", " + app.user());
            assertThat(db.rows("select object from sor.certify_raw() where check_name = ? and not ok", check))
                    .containsExactly(List.of(worker.user() + " on pg_catalog.pg_try_advisory_lock(integer,integer)"));
        }
        // the kit's definer role keeps the two its announcement tries, and only those (and 0.1.0's)
        assertFails(failingAfterGuardOff(suite, "grant execute on function pg_advisory_lock_shared(bigint) to sor_owner"),
                check, "sor_owner on pg_catalog.pg_advisory_lock_shared(bigint)");
        // PostgreSQL's default, put back: one row for PUBLIC, naming the functions
        List<Check> failing = failingAfterGuardOff(suite,
                "grant execute on function pg_advisory_lock(bigint), pg_try_advisory_xact_lock(integer, integer) to public");
        assertFails(failing, check, "(PUBLIC)");
        assertThat(failing).filteredOn(c -> c.check().equals(check)).singleElement()
                .satisfies(c -> assertThat(c.detail()).startsWith("EXECUTE on pg_catalog.pg_advisory_lock(bigint),"
                        + " pg_catalog.pg_try_advisory_xact_lock(integer,integer) is granted to PUBLIC: one login may fill"));
    }

    @Test
    void aKitRoleOrWorkerThatMayWriteLogicalDecodingMessagesFails() throws Exception {
        String check = "kit roles cannot write logical decoding messages";
        String form = ((String) suite.scalar("select min(p.oid::regprocedure::text) from pg_proc p where p.proname = 'pg_logical_emit_message'"));
        assertFails(failingAfterGuardOff(suite, "grant execute on function " + form + " to sor_dispatcher"),
                check, "sor_dispatcher on pg_catalog." + form);
        // PostgreSQL's default, put back for one form: one row for PUBLIC, naming it
        List<Check> failing = failingAfterGuardOff(suite, "grant execute on function " + form + " to public");
        assertFails(failing, check, "(PUBLIC)");
        assertThat(failing).filteredOn(c -> c.check().equals(check)).singleElement()
                .satisfies(c -> assertThat(c.detail()).startsWith("EXECUTE on pg_catalog." + form + " is granted to PUBLIC: every role"
                        + " may write up to a gigabyte of WAL a call"));
    }

    @Test
    void missingCommentFails() throws Exception {
        assertFails(failingAfter(suite, "comment on table sor.tenants is null"), COMMENTS, "sor.tenants");
        assertFails(failingAfter(suite, "comment on function sor_api.certify() is null"), COMMENTS, "sor_api.certify()");
    }

    @Test
    void loginRoleWithBypassRlsOrOwnerMembershipFails() throws Exception {
        try (SorDatabase db = suite.fresh()) {
            var bypass = db.loginRole("bypass");
            var owner = db.loginRole("ownerish");
            db.exec("alter role " + bypass.user() + " bypassrls");
            db.exec("grant sor_owner to " + owner.user());
            try {
                List<Check> failing = failing(db);
                assertFails(failing, LOGINS, bypass.user());
                assertFails(failing, LOGINS, owner.user());
            } finally {
                db.exec("alter role " + bypass.user() + " nobypassrls");
                db.exec("revoke sor_owner from " + owner.user());
            }
            assertThat(failing(db)).isEmpty();
        }
    }

    @Test
    void groupRoleThatCanLogInFails() throws Exception {
        try (SorDatabase db = suite.fresh()) {
            db.exec("alter role sor_auditor login");
            try {
                assertFails(failing(db), GROUPS, "sor_auditor");
            } finally {
                db.exec("alter role sor_auditor nologin");
            }
            assertThat(failing(db)).isEmpty();
        }
    }
}
