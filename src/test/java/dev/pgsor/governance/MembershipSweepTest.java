package dev.pgsor.governance;

import static dev.pgsor.testkit.SorAssertions.assertCertified;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The membership sweep reads the catalog: a sor_api function a Worker, tenant, dispatcher or
 * approver can call that takes a run, task, tool call, outbox row, block, stream or tenant, and never
 * reaches a tenancy rule, fails certify(); so does a function that reads sor.tenant_members itself.
 * Adding such a function needs no approval (it is new), so only the sweep catches it.
 */
@SorTest
class MembershipSweepTest {

    SorDatabase db;

    @BeforeEach
    void setUp(SorDatabase suite) {
        db = suite.fresh();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private List<String> failing(String check) {
        return db.rows("select object from sor_api.certify() where not ok and \"check\" = ?", check)
                .stream().map(r -> (String) r.get(0)).toList();
    }

    @Test
    void everyTenantFacingFunctionOfTheKitPassesTheSweep() {
        assertThat(db.count("select count(*) from sor_api.certify() where \"check\" ="
                + " 'functions that take a tenant''s run, task, call, row, stream or tenant check membership' and ok")).isPositive();
        assertCertified(db);
    }

    @Test
    void aNewFunctionTakingARunWithoutTheGateFailsTheSweep() {
        db.exec("""
                set role sor_owner;
                create function sor_api.peek_run(run_id uuid) returns text language sql stable security definer
                  set search_path = pg_catalog, sor, pg_temp set jit = off
                  as $$ select r.status from sor.runs r where r.run_id = peek_run.run_id $$;
                comment on function sor_api.peek_run(uuid) is 'A function that forgot the gate.';
                grant execute on function sor_api.peek_run(uuid) to sor_worker;
                reset role;
                select sor_guard.protect_all();
                """);
        assertThat(failing("functions that take a tenant's run, task, call, row, stream or tenant check membership"))
                .containsExactly("sor_api.peek_run(run_id uuid)");

        db.exec("""
                set role sor_owner;
                create or replace function sor_api.peek_run(run_id uuid) returns text language sql stable security definer
                  set search_path = pg_catalog, sor, pg_temp set jit = off
                  as $$ select r.status from sor.runs r where r.run_id = peek_run.run_id and sor_guard.is_member(r.tenant_id) $$;
                reset role;
                """);
        assertThat(failing("functions that take a tenant's run, task, call, row, stream or tenant check membership")).isEmpty();
    }

    @Test
    void aFunctionReadingMembershipInlineFailsTheSweep() {
        db.exec("""
                set role sor_owner;
                create function sor.my_tenants_inline() returns setof text language sql stable
                  set search_path = pg_catalog, sor, pg_temp set jit = off
                  as $$ select m.tenant_id from sor.tenant_members m where m.role_name = session_user $$;
                comment on function sor.my_tenants_inline() is 'An inline copy of the membership rule.';
                reset role;
                """);
        assertThat(failing("membership is read only by the tenancy rules")).containsExactly("sor.my_tenants_inline()");
    }
}
