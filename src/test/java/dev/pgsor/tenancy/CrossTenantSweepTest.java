package dev.pgsor.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No call of one tenant's callers changes another tenant's data, whatever it names: every
 * {@code sor_api} function a Worker, a tenant user, an approver or a dispatcher of acme may
 * execute is called twice, once with globex as the tenant and once with acme as the tenant and
 * globex's task, fencing token, run and stream as the objects. After each call that succeeds, in
 * the same transaction, a digest of every row of globex in every table of the kit that has a
 * tenant column must be as it was; then the call is rolled back.
 */
@SorTest
class CrossTenantSweepTest {

    static SorDatabase db;
    static String baseline;
    static final Map<String, String> GLOBEX = new LinkedHashMap<>();
    /** Values that pass the first checks, so a call gets as far as the objects it names. */
    static final Map<String, String> PLAUSIBLE = Map.ofEntries(
            Map.entry("type", "'Noted'"), Map.entry("subject", "'row 1'"), Map.entry("name", "'audit.copy'"),
            Map.entry("kind", "'tasks'"), Map.entry("workflow", "'sweep'"), Map.entry("role_name", "session_user::text"),
            Map.entry("batch", "10"), Map.entry("max_rows", "10"), Map.entry("lease", "'1 minute'::interval"),
            Map.entry("events", "'[{\"stream\": \"order-1\", \"type\": \"Noted\"}]'::jsonb"),
            Map.entry("result", "'{}'::jsonb"), Map.entry("payload", "'{}'::jsonb"), Map.entry("error", "'failed'"));

    @BeforeAll
    static void setUp(SorDatabase database) throws SQLException {
        db = database;
        db.addTenants("acme", "globex");
        Sql.run(db.sorAdmin(), "select sor_api.create_queue('sweep', 'cross-tenant sweep')");
        // globex's objects: a claimed task with its fencing token, a ready task, an event, a run
        Database globex = db.worker("globex-owner", "globex");
        Sql.run(globex, "select sor_api.enqueue_task('globex', 'sweep', 'claimed')");
        List<Object> claimed = Sql.rows(globex, "select task_id, fencing_token from sor_api.claim_tasks('sweep', 1, '1 hour')").get(0);
        Sql.run(globex, "select sor_api.enqueue_task('globex', 'sweep', 'ready')");
        Sql.run(globex, "select sor_api.append_event('globex', 'order-1', 'Noted', '{}'::jsonb, '{}'::jsonb, null)");
        Object run = Sql.scalar(globex, "select run_id from sor_api.start_run('globex', 'sweep')");
        GLOBEX.put("task_id", String.valueOf(claimed.get(0)));
        GLOBEX.put("fencing_token", String.valueOf(claimed.get(1)));
        GLOBEX.put("lease_token", String.valueOf(claimed.get(1)));
        GLOBEX.put("run_id", "'" + run + "'::uuid");
        GLOBEX.put("tasks", "'[{\"task_id\": " + claimed.get(0) + ", \"fencing_token\": " + claimed.get(1) + "}]'::jsonb");
        GLOBEX.put("stream", "'order-1'");
        GLOBEX.put("queue", "'sweep'");
        // a digest of globex's rows in every kit table with a tenant column, read past row level
        // security by a function of the test's own (the superuser's), callable in the caller's
        // transaction
        db.exec("""
                create schema sweep;
                create function sweep.tenant_digest(t text) returns text
                language plpgsql stable security definer set search_path = pg_catalog as $f$
                declare r record; acc text := ''; d text;
                begin
                  for r in select c.oid::regclass as rel
                             from pg_class c
                             join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
                            where c.relnamespace in ('sor'::regnamespace, 'sor_guard'::regnamespace)
                              and c.relkind in ('r', 'p') and not c.relispartition
                            order by c.oid::regclass::text
                  loop
                    execute format('select md5(coalesce(string_agg(x::text, %L order by x::text), %L)) from %s x where x.tenant_id = $1',
                                   ',', '', r.rel) into d using t;
                    acc := acc || r.rel::text || '=' || d || ';';
                  end loop;
                  return acc;
                end $f$;
                grant usage on schema sweep to public;
                grant execute on function sweep.tenant_digest(text) to public;
                """);
        baseline = (String) db.scalar("select sweep.tenant_digest('globex')");
    }

    @Test
    void noCallOfAcmesWorkerChangesGlobex() throws SQLException {
        assertUntouched("worker", db.worker("sweep", "acme"), 50);
    }

    @Test
    void noCallOfAcmesTenantUserApproverOrDispatcherChangesGlobex() throws SQLException {
        // (an auditor is not a tenant's caller: it reads every tenant, and its subscription to
        // globex's events is a row of globex's by design)
        assertUntouched("tenant user", db.tenantUser("acme"), 10);
        assertUntouched("approver", db.approver("acme"), 5);
        assertUntouched("dispatcher", db.dispatcher("acme"), 5);
    }

    private static void assertUntouched(String role, Database caller, int atLeast) throws SQLException {
        assertThat(baseline).as("the digest covers the tables with globex's rows").contains("sor.tasks=").contains("sor.events=");
        List<String> changed = new ArrayList<>();
        int calls = 0;
        int succeeded = 0;
        List<List<Object>> fns = Sql.rows(caller, "select p.proname, p.prokind = 'p',"
                + " array(select pg_catalog.format_type(t, null) from unnest(p.proargtypes) with ordinality u(t, o) order by o)::text[],"
                + " coalesce(p.proargnames[1:p.pronargs], array[]::text[])"
                + " from pg_catalog.pg_proc p"
                + " where p.pronamespace = 'sor_api'::regnamespace and p.pronargs > 0 and p.prokind in ('f', 'p')"
                + " and pg_catalog.has_function_privilege(p.oid, 'execute') order by p.proname, p.oid");
        try (Connection c = caller.connect()) {
            c.setAutoCommit(false);
            for (List<Object> f : fns) {
                String[] types = (String[]) ((java.sql.Array) f.get(2)).getArray();
                String[] names = (String[]) ((java.sql.Array) f.get(3)).getArray();
                for (String tenant : List.of("'globex'", "'acme'")) {
                    List<String> args = new ArrayList<>();
                    for (int i = 0; i < types.length; i++) {
                        String name = i < names.length && names[i] != null ? names[i] : "";
                        args.add(argument(name, types[i], tenant));
                    }
                    String call = ((Boolean) f.get(1) ? "call sor_api." : "select * from sor_api.") + f.get(0)
                            + "(" + String.join(", ", args) + ")";
                    calls++;
                    try (Statement st = c.createStatement()) {
                        st.execute("set local statement_timeout = '20s'");
                        st.execute(call);
                        succeeded++;
                        try (ResultSet rs = st.executeQuery("select sweep.tenant_digest('globex')")) {
                            rs.next();
                            if (!baseline.equals(rs.getString(1))) {
                                changed.add(call);
                            }
                        }
                    } catch (SQLException refused) {
                        // refused: the statement's changes are gone with it
                    } finally {
                        c.rollback();
                    }
                }
            }
        }
        System.out.printf("CrossTenantSweepTest: %s made %d calls, %d succeeded%n", role, calls, succeeded);
        assertThat(calls).as("calls made as the %s", role).isGreaterThanOrEqualTo(atLeast);
        assertThat(changed).as("calls of acme's %s that changed globex's rows", role).isEmpty();
    }

    /** The argument named so, of the type: globex's object where it has one, else a plausible value. */
    private static String argument(String name, String type, String tenant) {
        if (name.equals("tenant_id") || name.equals("tenant") || name.equals("for_tenant")) {
            return tenant;
        }
        if (name.equals("tenants")) {
            return "array[" + tenant + "]";
        }
        if (GLOBEX.containsKey(name)) {
            return GLOBEX.get(name);
        }
        String plausible = PLAUSIBLE.get(name);
        if (plausible != null) {
            return plausible;
        }
        return switch (type) {
            case "text" -> "'x'";
            case "jsonb" -> "'{}'::jsonb";
            case "integer", "bigint", "smallint", "numeric" -> "1";
            case "boolean" -> "true";
            case "interval" -> "'1 second'::interval";
            case "timestamp with time zone" -> "now()";
            case "uuid" -> GLOBEX.get("run_id");
            default -> "null::" + type;
        };
    }
}
