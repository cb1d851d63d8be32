package dev.pgsor.tools;

import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Registering a tool is an owner operation that refuses anything the boundary could not enforce. */
@SorTest
class ToolRegistrationTest {

    static SorDatabase db;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.exec("""
                set role sor_owner;
                create function sor.t_good(ctx jsonb, args jsonb) returns jsonb language sql volatile
                  security definer set search_path = pg_catalog, sor, pg_temp set jit = off as 'select args';
                create function sor.t_invoker(ctx jsonb, args jsonb) returns jsonb language sql volatile
                  set search_path = pg_catalog, sor, pg_temp set jit = off as 'select args';
                create function sor.t_unpinned(ctx jsonb, args jsonb) returns jsonb language sql volatile
                  security definer as 'select args';
                create function sor.t_badsig(args jsonb) returns jsonb language sql volatile
                  security definer set search_path = pg_catalog, sor, pg_temp set jit = off as 'select args';
                create function sor.t_public(ctx jsonb, args jsonb) returns jsonb language sql volatile
                  security definer set search_path = pg_catalog, sor, pg_temp set jit = off as 'select args';
                grant execute on function sor.t_public(jsonb, jsonb) to public;
                create function sor.t_worker(ctx jsonb, args jsonb) returns jsonb language sql volatile
                  security definer set search_path = pg_catalog, sor, pg_temp set jit = off as 'select args';
                grant execute on function sor.t_worker(jsonb, jsonb) to sor_worker;
                reset role;
                """);
    }

    /** sor.register_tool as sor_owner, for kind k. */
    private void register(String name, String schema, String fn) {
        db.exec("set role sor_owner; select sor.register_tool(" + name + ", 'd', '" + schema + "'::jsonb, '" + fn
                + "'::regprocedure, array['k'])");
    }

    @Test
    void aLockedDownToolRegistersAndReRegistersInPlace() {
        db.exec("set role sor_owner; select sor.register_tool('good', 'first', '{\"type\": \"object\"}', 'sor.t_good(jsonb, jsonb)', array['k'])");
        db.exec("set role sor_owner; select sor.register_tool('good', 'second', '{\"type\": \"object\"}', 'sor.t_good(jsonb, jsonb)', array['k', 'j'])");
        assertThat(db.count("select count(*) from sor.tools where tool_name = 'good'")).isOne();
        assertThat(db.scalar("select description from sor.tools where tool_name = 'good'")).isEqualTo("second");
    }

    @Test
    void malformedNameSchemaOrSignatureIsRefused_SR073() {
        assertRefusedAndNothingWritten(db, "SR073", () -> register("'Bad Name'", "{\"type\": \"object\"}", "sor.t_good(jsonb, jsonb)"));
        assertRefusedAndNothingWritten(db, "SR073", () -> register("null", "{\"type\": \"object\"}", "sor.t_good(jsonb, jsonb)"));
        assertRefusedAndNothingWritten(db, "SR073", () -> register("'x'", "{\"type\": \"string\"}", "sor.t_good(jsonb, jsonb)"));
        assertRefusedAndNothingWritten(db, "SR073", () -> register("'x'", "{\"type\": \"object\", \"properties\": {\"a\": {\"format\": \"date\"}}}", "sor.t_good(jsonb, jsonb)"));
        assertRefusedAndNothingWritten(db, "SR073", () -> register("'x'", "{\"type\": \"object\"}", "sor.t_badsig(jsonb)"));
    }

    @Test
    void toolFunctionsThatAreNotLockedDownAreRefused_SR074() {
        assertRefusedAndNothingWritten(db, "SR074", () -> register("'x'", "{\"type\": \"object\"}", "sor.t_invoker(jsonb, jsonb)"));
        assertRefusedAndNothingWritten(db, "SR074", () -> register("'x'", "{\"type\": \"object\"}", "sor.t_unpinned(jsonb, jsonb)"));
        assertRefusedAndNothingWritten(db, "SR074", () -> register("'x'", "{\"type\": \"object\"}", "sor.t_public(jsonb, jsonb)"));
        assertRefusedAndNothingWritten(db, "SR074", () -> register("'x'", "{\"type\": \"object\"}", "sor.t_worker(jsonb, jsonb)"));
    }

    @Test
    void certifyFailsWhenARegisteredToolIsLaterExposed() throws Exception {
        try (SorDatabase scratch = db.fresh()) {
            scratch.exec("""
                    set role sor_owner;
                    create function sor.t_later(ctx jsonb, args jsonb) returns jsonb language sql volatile
                      security definer set search_path = pg_catalog, sor, pg_temp set jit = off as 'select args';
                    comment on function sor.t_later(jsonb, jsonb) is 'x';
                    select sor.register_tool('later', 'd', '{"type": "object"}', 'sor.t_later(jsonb, jsonb)', array['k']);
                    select sor_guard.protect_all();
                    reset role;
                    """);
            assertThat(scratch.count("select count(*) from sor_api.certify() where not ok")).isZero();
            scratch.pastTheGuard("grant execute on function sor.t_later(jsonb, jsonb) to sor_worker");
            assertThat(scratch.count("select count(*) from sor_api.certify() where not ok and \"check\" = "
                    + "'tool functions are definer, pinned and not directly executable' and object = 'later'")).isOne();
            scratch.pastTheGuard("revoke execute on function sor.t_later(jsonb, jsonb) from sor_worker");
            scratch.exec("update sor.tools set input_schema = '{\"type\": \"object\", \"properties\": {\"a\": {\"format\": \"email\"}}}'");
            assertThat(scratch.count("select count(*) from sor_api.certify() where not ok and \"check\" = "
                    + "'tool input schemas use only enforced keywords' and object = 'later'")).isOne();
        }
    }
}
