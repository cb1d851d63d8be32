package dev.pgsor.certify;

import static dev.pgsor.support.CertifyChecks.failing;
import static dev.pgsor.support.CertifyChecks.failingAfter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.pgsor.db.Certification.Check;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A domain module uses the kit only through sor_api and the domain author's surface
 * (sor.domain_surface(), rendered in db/contract.txt): certify() fails an object of a registered
 * domain schema that depends on, or whose body names, a kit object outside it, and names both.
 */
@SorTest(reconciler = true)
class DomainSurfaceTest {

    static final String SURFACE = "domain objects use the kit only through sor_api and the domain author's surface";
    static final String EXISTS = "the domain author's surface names objects that exist";

    /** A module schema "dom" with a tenant table, registered, as docs/domains.md builds one. */
    static final String[] MODULE = {
        "create schema dom authorization sor_owner",
        "select sor_api.register_domain_schema('dom')",
        "set role sor_owner;"
                + " create table dom.notes (tenant_id text not null, note_id bigint not null, body text not null,"
                + "   constraint notes_pkey primary key (tenant_id, note_id),"
                + "   constraint notes_tenant_fkey foreign key (tenant_id) references sor.tenants (tenant_id));"
                + " comment on table dom.notes is 'Notes of a test module.';"
                + " alter table dom.notes enable row level security; alter table dom.notes force row level security;"
                + " select sor.ensure_policy('dom.notes', 'notes_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');"
                + " select sor.ensure_policy('dom.notes', 'notes_tenant_select', 'SELECT', array['sor_tenant']::name[],"
                + "   'tenant_id in (select sor_guard.current_tenants())');"
                + " reset role"
    };

    static SorDatabase suite;

    @BeforeAll
    static void setUp(SorDatabase database) {
        suite = database;
    }

    private static String[] module(String... more) {
        String[] all = new String[MODULE.length + more.length];
        System.arraycopy(MODULE, 0, all, 0, MODULE.length);
        System.arraycopy(more, 0, all, MODULE.length, more.length);
        return all;
    }

    private static List<Check> surfaceRows(List<Check> rows) {
        return rows.stream().filter(r -> r.check().equals(SURFACE) || r.check().equals(EXISTS)).toList();
    }

    @Test
    void theReconcilerUsesOnlyTheSurface() throws Exception {
        try (SorDatabase db = suite.fresh()) {
            assertThat(db.rows("select object, ok from sor.certify__087_surface() where check_name = ? order by object", SURFACE))
                    .containsExactly(List.of("schema reconciler", true));
            assertThat(db.rows("select count(*) from sor.certify__087_surface() where check_name = ? and ok", EXISTS))
                    .containsExactly(List.of(9L));
            assertThat(failing(db)).isEmpty();
        }
    }

    @Test
    void aModuleUsingOnlyTheSurfacePasses() throws Exception {
        List<Check> failing = failingAfter(suite, module(
                "set role sor_owner;"
                        + " create table dom.note_log (tenant_id text not null, entry_id bigint not null, note text not null,"
                        + "   constraint note_log_pkey primary key (tenant_id, entry_id),"
                        + "   constraint note_log_tenant_fkey foreign key (tenant_id) references sor.tenants (tenant_id));"
                        + " comment on table dom.note_log is 'Append-only log of a test module.';"
                        + " alter table dom.note_log enable row level security; alter table dom.note_log force row level security;"
                        + " select sor.ensure_policy('dom.note_log', 'note_log_owner_all', 'ALL', array['sor_owner']::name[], 'true', 'true');"
                        + " insert into sor.append_only_tables (table_schema, table_name) values ('dom', 'note_log');"
                        + " create trigger note_log_refuse_update_delete before update or delete on dom.note_log"
                        + "   for each row execute function sor_guard.tg_events__refuse_change();"
                        + " create trigger note_log_refuse_truncate before truncate on dom.note_log"
                        + "   for each statement execute function sor_guard.tg_events__refuse_change();"
                        + " alter table dom.note_log enable always trigger note_log_refuse_update_delete;"
                        + " alter table dom.note_log enable always trigger note_log_refuse_truncate;"
                        + " create function dom.add_note(ctx jsonb, args jsonb) returns jsonb language plpgsql volatile security definer"
                        + "   set search_path = pg_catalog, pg_temp set jit = off as $$"
                        + " begin"
                        + "   perform 1 from sor.tenants t where t.tenant_id = ctx ->> 'tenant_id';"
                        + "   /* sor.tasks in a comment is no use of it */"
                        + "   perform sor.append_event(ctx ->> 'tenant_id', 'note-1', 'NoteAdded', args);"
                        + "   return jsonb_build_object('written', 'sor.queues (a string is no use either)');"
                        + " end $$;"
                        + " comment on function dom.add_note(jsonb, jsonb) is 'A tool of a test module.';"
                        + " revoke all on function dom.add_note(jsonb, jsonb) from public;"
                        + " reset role"));
        assertThat(surfaceRows(failing)).isEmpty();
    }

    @Test
    void aFunctionBodyNamingAKitTableOutsideTheSurfaceFails() throws Exception {
        List<Check> failing = failingAfter(suite, module(
                "set role sor_owner;"
                        + " create function dom.queue_note(tenant text) returns void language plpgsql volatile"
                        + "   set search_path = pg_catalog, pg_temp set jit = off as $$"
                        + " begin"
                        + "   insert into sor.tasks (tenant_id, queue, subject) values (tenant, 'notes', 'a note');"
                        + "   perform sor_guard.require_member(tenant);"
                        + "   perform sor.append_event(tenant, 'note-1', 'NoteQueued');"
                        + " end $$;"
                        + " comment on function dom.queue_note(text) is 'Queues a note, past the surface.';"
                        + " reset role"));
        assertThat(surfaceRows(failing)).extracting(Check::property, Check::check, Check::object, Check::ok)
                .containsExactly(tuple("governed", SURFACE, "function dom.queue_note(text)", false));
        assertThat(surfaceRows(failing).get(0).detail()).startsWith("uses sor.tasks, sor_guard.require_member, outside sor_api");
    }

    @Test
    void aForeignKeyPolicyOrTriggerOnAKitObjectOutsideTheSurfaceFails() throws Exception {
        List<Check> failing = failingAfter(suite, module(
                "set role sor_owner;"
                        + " create table dom.run_notes (tenant_id text not null, run_id uuid not null, note text not null,"
                        + "   constraint run_notes_pkey primary key (tenant_id, run_id),"
                        + "   constraint run_notes_run_fkey foreign key (tenant_id, run_id) references sor.runs (tenant_id, run_id));"
                        + " comment on table dom.run_notes is 'Notes on runs, past the surface.';"
                        + " alter table dom.run_notes enable row level security; alter table dom.run_notes force row level security;"
                        + " select sor.ensure_policy('dom.run_notes', 'run_notes_member', 'SELECT', array['sor_tenant']::name[],"
                        + "   'sor_guard.is_member(tenant_id)');"
                        + " reset role"));
        assertThat(surfaceRows(failing)).extracting(Check::check, Check::object)
                .containsExactlyInAnyOrder(
                        tuple(SURFACE, "table constraint run_notes_run_fkey on dom.run_notes"),
                        tuple(SURFACE, "policy run_notes_member on dom.run_notes"));
        assertThat(surfaceRows(failing)).filteredOn(r -> r.object().startsWith("table constraint"))
                .allSatisfy(r -> assertThat(r.detail()).startsWith("uses sor.runs, outside"));
        assertThat(surfaceRows(failing)).filteredOn(r -> r.object().startsWith("policy"))
                .allSatisfy(r -> assertThat(r.detail()).startsWith("uses sor_guard.is_member(text), outside"));
    }

    @Test
    void aSqlFunctionWithAStandardBodyIsReadFromItsDependencies() throws Exception {
        // a SQL-standard body (RETURN or BEGIN ATOMIC) is parsed at creation: pg_depend holds what it uses
        List<Check> failing = failingAfter(suite, module(
                "set role sor_owner;"
                        + " create function dom.queue_count() returns bigint language sql stable set jit = off"
                        + "   return (select count(*) from sor.queues);"
                        + " comment on function dom.queue_count() is 'Counts queues, past the surface.';"
                        + " reset role"));
        assertThat(surfaceRows(failing)).singleElement().satisfies(r -> {
            assertThat(r.object()).isEqualTo("function dom.queue_count()");
            assertThat(r.detail()).startsWith("uses sor.queues, outside");
        });
    }

    @Test
    void aSurfaceThatNamesAMissingObjectFails() throws Exception {
        List<Check> failing = failingAfter(suite,
                "set role sor_owner; create or replace function sor.domain_surface() returns table (kind text, object text, use text)"
                        + " language sql immutable set search_path = pg_catalog, pg_temp set jit = off as $$"
                        + " values ('function', 'sor.append_event(text,text,text,jsonb,jsonb,integer)', 'call'),"
                        + " ('function', 'sor.no_such_helper(text)', 'call') $$; reset role");
        // the narrowed surface leaves the reconciler's other uses outside it too
        assertThat(surfaceRows(failing)).filteredOn(r -> r.check().equals(EXISTS)).extracting(Check::object)
                .containsExactly("function sor.no_such_helper(text)");
        assertThat(surfaceRows(failing)).filteredOn(r -> r.check().equals(SURFACE)).extracting(Check::object)
                .contains("function reconciler.ingest_bank_rows(text,jsonb)");
    }
}
