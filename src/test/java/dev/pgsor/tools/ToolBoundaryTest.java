package dev.pgsor.tools;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Workers act only through allow-listed tools, proven as the Worker's own login role. */
@SorTest(reconciler = true)
class ToolBoundaryTest {

    static SorDatabase db;
    static Database reconciler;
    static Database auditorKind;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.addTenant("globex", "Globex");
        db.exec("""
                create schema fixture authorization sor_owner;
                set role sor_owner;
                create table fixture.notes (tenant_id text not null, note_id int not null, body text not null,
                  primary key (tenant_id, note_id));
                comment on table fixture.notes is 'notes written by tools';
                alter table fixture.notes enable row level security;
                alter table fixture.notes force row level security;
                create policy notes_owner on fixture.notes to sor_owner using (true) with check (true);
                create function fixture.add_note(ctx jsonb, args jsonb) returns jsonb language plpgsql volatile
                  security definer set search_path = pg_catalog, fixture, pg_temp set jit = off as $$
                begin
                  insert into fixture.notes values (ctx ->> 'tenant_id', (args ->> 'id')::int, args ->> 'body');
                  return jsonb_build_object('stored', args ->> 'body', 'tenant', ctx ->> 'tenant_id');
                end $$;
                create function fixture.add_then_fail(ctx jsonb, args jsonb) returns jsonb language plpgsql volatile
                  security definer set search_path = pg_catalog, fixture, pg_temp set jit = off as $$
                begin
                  insert into fixture.notes values (ctx ->> 'tenant_id', 1000, 'first');
                  insert into fixture.notes values (ctx ->> 'tenant_id', 1001, 'second');
                  raise exception 'bank API down' using errcode = 'P0001', hint = 'try later';
                end $$;
                create function fixture.count_notes(ctx jsonb, args jsonb) returns jsonb language sql stable
                  security definer set search_path = pg_catalog, fixture, pg_temp set jit = off as $$
                  select jsonb_build_object('count', count(*)) from fixture.notes where tenant_id = ctx ->> 'tenant_id' $$;
                select sor.register_tool('add_note', 'Store a note.',
                  '{"type": "object", "required": ["id", "body"], "additionalProperties": false,
                    "properties": {"id": {"type": "integer", "minimum": 1}, "body": {"type": "string", "maxLength": 200}}}',
                  'fixture.add_note(jsonb, jsonb)', array['reconciler']);
                select sor.register_tool('add_then_fail', 'Writes two notes, then fails.', '{"type": "object"}',
                  'fixture.add_then_fail(jsonb, jsonb)', array['reconciler']);
                select sor.register_tool('count_notes', 'Count the tenant''s notes.', '{"type": "object"}',
                  'fixture.count_notes(jsonb, jsonb)', array['reconciler', 'auditor-bot'], false);
                reset role;
                """);
        db.watchSchemas("fixture");
        reconciler = db.worker("reconciler", "acme");
        auditorKind = db.worker("auditor-bot", "acme");
    }

    static UUID startRun(Connection c) throws SQLException {
        return (UUID) Sql.scalar(c, "select run_id from sor_api.start_run('acme', 'tools-test', '{}'::jsonb)");
    }

    static List<Object> call(Connection c, UUID run, String tool, String args, String key) throws SQLException {
        return Sql.rows(c, "select ok, result::text, error ->> 'sqlstate', replayed from sor_api.call_tool(?, ?, ?::jsonb, ?)",
                run, tool, args, key).get(0);
    }

    long notes() {
        return db.count("select count(*) from fixture.notes");
    }

    @Test
    void listToolsShowsOnlyWhatTheKindMayCall() {
        assertThat(Sql.rows(reconciler, "select tool_name, side_effects from sor_api.list_tools()")).containsExactly(
                List.of("add_note", true), List.of("add_then_fail", true), List.of("count_notes", false));
        assertThat(Sql.rows(auditorKind, "select tool_name from sor_api.list_tools()")).containsExactly(List.of("count_notes"));
        Database stranger = db.loginRole("stranger", "sor_worker");
        assertRefused("SR030", () -> Sql.run(stranger, "select * from sor_api.list_tools()"));
    }

    @Test
    void aToolCallIsJournaledAndItsWritesCommit() throws Exception {
        try (Connection c = reconciler.connect()) {
            UUID run = startRun(c);
            List<Object> out = call(c, run, "add_note", "{\"id\": 1, \"body\": \"hello\"}", null);
            assertThat(out).containsExactly(true, "{\"stored\": \"hello\", \"tenant\": \"acme\"}", null, false);
            assertThat(db.count("select count(*) from fixture.notes where tenant_id = 'acme' and note_id = 1")).isOne();
            assertThat(Sql.rows(db.admin(), "select tool_name, status, args::text, result ->> 'stored' from sor.tool_calls where run_id = ?", run))
                    .containsExactly(List.of("add_note", "succeeded", "{\"id\": 1, \"body\": \"hello\"}", "hello"));
        }
    }

    @Test
    void aKindThatIsNotAllowedIsRefused_SR071() throws Exception {
        try (Connection c = auditorKind.connect()) {
            UUID run = startRun(c);
            assertRefusedAndNothingWritten(db, "SR071", () -> call(c, run, "add_note", "{\"id\": 2, \"body\": \"x\"}", null));
            assertThat(call(c, run, "count_notes", "{}", null).get(0)).isEqualTo(true);
        }
    }

    @Test
    void unknownToolIsRefused_SR070() throws Exception {
        try (Connection c = reconciler.connect()) {
            UUID run = startRun(c);
            assertRefused("SR070", () -> call(c, run, "drop_everything", "{}", null));
            assertRefused("SR070", () -> call(c, run, null, "{}", null));
        }
    }

    @Test
    void invalidArgumentsAreRefusedAndWriteNothing_SR072() throws Exception {
        try (Connection c = reconciler.connect()) {
            UUID run = startRun(c);
            for (String args : List.of("{\"id\": 0, \"body\": \"x\"}", "{\"id\": 3}", "{\"id\": 3, \"body\": \"x\", \"more\": 1}",
                    "{\"id\": \"3\", \"body\": \"x\"}", "[]", "null")) {
                assertRefusedAndNothingWritten(db, "SR072", args, () -> call(c, run, "add_note", args, null));
            }
        }
    }

    @Test
    void aToolThatFailsMidwayLeavesItsErrorInTheJournalAndNoneOfItsWrites() throws Exception {
        try (Connection c = reconciler.connect()) {
            UUID run = startRun(c);
            long notes = notes();
            List<Object> out = call(c, run, "add_then_fail", "{}", null);
            assertThat(out).containsExactly(false, null, "P0001", false);
            assertThat(notes()).isEqualTo(notes);
            assertThat(Sql.rows(db.admin(), "select status, error ->> 'message', error ->> 'hint' from sor.tool_calls"
                    + " where run_id = ? and tool_name = 'add_then_fail'", run))
                    .containsExactly(List.of("failed", "bank API down", "try later"));
        }
    }

    @Test
    void anIdempotencyKeyReplaysAFinishedCallWithoutRunningItAgain() throws Exception {
        try (Connection c = reconciler.connect()) {
            UUID run = startRun(c);
            assertThat(call(c, run, "add_note", "{\"id\": 50, \"body\": \"once\"}", "note-50").get(3)).isEqualTo(false);
            List<Object> again = call(c, run, "add_note", "{\"id\": 50, \"body\": \"once\"}", "note-50");
            assertThat(again).containsExactly(true, "{\"stored\": \"once\", \"tenant\": \"acme\"}", null, true);
            assertThat(db.count("select count(*) from fixture.notes where note_id = 50")).isOne();
            assertThat(db.count("select count(*) from sor.tool_calls where idempotency_key = 'note-50'")).isOne();
            assertRefused("SR037", () -> call(c, run, "add_note", "{\"id\": 50, \"body\": \"different\"}", "note-50"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"'; drop table fixture.notes; --", "$$; delete from fixture.notes; $$", "x' or '1'='1",
            "/* comment */ select 1", "$tag$ truncate fixture.notes $tag$", "\\'; commit; --"})
    void sqlInjectionThroughArgumentsIsInert(String payload) throws Exception {
        try (Connection c = reconciler.connect()) {
            UUID run = startRun(c);
            int id = 100 + Math.abs(payload.hashCode() % 800);
            long before = notes();
            String args = "{\"id\": " + id + ", \"body\": " + Sql.scalar(c, "select to_jsonb(?::text)::text", payload) + "}";
            assertThat(call(c, run, "add_note", args, null).get(0)).isEqualTo(true);
            assertThat(db.scalar("select body from fixture.notes where note_id = ?", id)).isEqualTo(payload);
            assertThat(notes()).isEqualTo(before + 1);
            assertThat(db.count("select count(*) from pg_tables where schemaname = 'fixture' and tablename = 'notes'")).isOne();
        }
    }

    @Test
    void callingAToolFunctionDirectlyIsRefused_42501() {
        for (String fn : List.of("fixture.add_note('{}', '{}')", "fixture.count_notes('{}', '{}')")) {
            assertRefused("42501", () -> Sql.run(reconciler, "select " + fn));
        }
    }

    @Test
    void rawSqlOnEveryKitAndDomainTableIsRefused_42501() throws Exception {
        db.exec("select sor_api.register_domain_schema('fixture')");
        // a view that cannot be written at all refuses a write before any privilege check (55000)
        List<List<Object>> tables = Sql.rows(db.admin(), "select format('%I.%I', n.nspname, c.relname),"
                + " c.relkind = 'v' and pg_relation_is_updatable(c.oid, false) = 0 and has_schema_privilege('sor_worker', n.oid, 'USAGE'),"
                + " (select quote_ident(a.attname) from pg_attribute a where a.attrelid = c.oid and a.attnum = 1) from pg_class c"
                + " join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p', 'v')"
                + " and (n.nspname in (select sor.kit_schemas()) or n.nspname = 'sor_guard') order by 1");
        assertThat(tables).hasSizeGreaterThan(10);
        try (Connection c = reconciler.connect()) {
            c.setAutoCommit(true);
            for (List<Object> row : tables) {
                String t = (String) row.get(0);
                String write = Boolean.TRUE.equals(row.get(1)) ? "55000" : "42501";
                assertRefused("42501", t, () -> Sql.update(c, "select * from " + t + " limit 1"));
                assertRefused("42501", t, () -> Sql.update(c, "copy " + t + " to stdout"));
                String column = (String) row.get(2);
                for (String sql : List.of("insert into " + t + " default values",
                        "update " + t + " set " + column + " = " + column, "delete from " + t)) {
                    assertRefused(write, sql, () -> Sql.update(c, sql));
                }
            }
        }
    }

    @Test
    void aWorkerCannotCallToolsInAnotherWorkersRun() throws Exception {
        Database other = db.worker("reconciler", "acme");
        UUID run;
        try (Connection c = reconciler.connect()) {
            run = startRun(c);
        }
        try (Connection c = other.connect()) {
            assertRefusedAndNothingWritten(db, "SR034", () -> call(c, run, "count_notes", "{}", null));
        }
    }
}
