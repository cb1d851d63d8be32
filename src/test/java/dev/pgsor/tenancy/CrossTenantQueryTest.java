package dev.pgsor.tenancy;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tenant isolation through sor_guard.current_tenants(), proven as the tenants' own login roles. A domain
 * table (a fixture shaped like the kit's tenant tables) and the kit's own views are queried alone
 * and in a join.
 */
@SorTest
class CrossTenantQueryTest {

    static SorDatabase db;
    static Database alice;
    static Database bob;
    static Database nobody;
    static Database both;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.addTenant("globex", "Globex");
        alice = db.tenantUser("acme");
        bob = db.tenantUser("globex");
        nobody = db.tenantUser();
        both = db.tenantUser("acme", "globex");
        db.exec("""
                create schema fixture authorization sor_owner;
                set role sor_owner;
                create table fixture.notes (
                  tenant_id text not null references sor.tenants (tenant_id),
                  note_id int not null,
                  body text not null,
                  primary key (tenant_id, note_id));
                alter table fixture.notes enable row level security;
                alter table fixture.notes force row level security;
                create policy notes_tenant_select on fixture.notes for select to sor_tenant
                  using (tenant_id in (select sor_guard.current_tenants()));
                create policy notes_tenant_insert on fixture.notes for insert to sor_tenant
                  with check (tenant_id in (select sor_guard.current_tenants()));
                create policy notes_owner_all on fixture.notes for all to sor_owner using (true) with check (true);
                grant usage on schema fixture to sor_tenant;
                grant select, insert on fixture.notes to sor_tenant;
                insert into fixture.notes values ('acme', 1, 'acme one'), ('acme', 2, 'acme two'),
                                                 ('globex', 1, 'globex one'), ('globex', 3, 'globex three');
                reset role;
                """);
    }

    @Test
    void memberSeesExactlyItsTenantsRowsInAView() {
        assertThat(Sql.rows(alice, "select tenant_id, display_name from sor_api.tenants order by 1"))
                .containsExactly(List.of("acme", "Acme Corp"));
        assertThat(Sql.rows(bob, "select tenant_id from sor_api.tenants order by 1")).containsExactly(List.of("globex"));
        assertThat(Sql.rows(both, "select tenant_id from sor_api.tenants order by 1"))
                .containsExactly(List.of("acme"), List.of("globex"));
        assertThat(Sql.rows(alice, "select tenant_id, role_name from sor_api.tenant_members"))
                .containsExactly(List.of("acme", alice.user()));
    }

    @Test
    void aJoinThatWouldMixTenantsReturnsOnlyTheCallersRows() {
        String join = "select t.display_name, n.note_id, n.body from fixture.notes n "
                + "join sor_api.tenants t on true order by 1, 2";
        assertThat(Sql.rows(alice, join)).containsExactly(
                List.of("Acme Corp", 1, "acme one"), List.of("Acme Corp", 2, "acme two"));
        assertThat(Sql.rows(bob, join)).containsExactly(
                List.of("Globex", 1, "globex one"), List.of("Globex", 3, "globex three"));
    }

    @Test
    void roleWithNoMembershipSeesNothing() {
        assertThat(Sql.rows(nobody, "select * from sor_api.tenants")).isEmpty();
        assertThat(Sql.rows(nobody, "select * from sor_api.tenant_members")).isEmpty();
        assertThat(Sql.rows(nobody, "select * from fixture.notes")).isEmpty();
    }

    @Test
    void forgingAnotherTenantsIdOnInsertIsRefused() throws Exception {
        assertRefused("42501", () -> Sql.run(alice, "insert into fixture.notes values ('globex', 99, 'forged')"));
        assertThat(db.count("select count(*) from fixture.notes where note_id = 99")).isZero();
        Sql.run(alice, "insert into fixture.notes values ('acme', 98, 'own')");
        assertThat(db.count("select count(*) from fixture.notes where tenant_id = 'acme' and note_id = 98")).isOne();
    }

    @Test
    void settingGucsChangesNothing() throws Exception {
        try (Connection c = alice.connect()) {
            for (String guc : List.of("app.tenant_id", "sor.tenant_id", "sor.tenant", "request.jwt.claim.tenant",
                    "app.current_tenant", "sor.bypass")) {
                Sql.scalar(c, "select set_config(?, 'globex', false)", guc);
            }
            Sql.scalar(c, "select set_config('application_name', 'globex', false)");
            assertThat(Sql.rows(c, "select distinct tenant_id from fixture.notes")).containsExactly(List.of("acme"));
            assertThat(Sql.rows(c, "select tenant_id from sor_api.tenants")).containsExactly(List.of("acme"));
            assertRefused("42501", () -> Sql.scalar(c, "select set_config('role', 'sor_owner', false)"));
            assertRefused("42501", () -> Sql.scalar(c, "select set_config('session_authorization', '" + bob.user() + "', false)"));
            assertThat(Sql.rows(c, "select tenant_id from sor_api.tenants")).containsExactly(List.of("acme"));
        }
    }

    @Test
    void removingAMembershipTakesEffectOnTheNextStatement() throws Exception {
        Database carol = db.tenantUser("globex");
        try (Connection c = carol.connect()) {
            assertThat(Sql.rows(c, "select tenant_id from sor_api.tenants")).containsExactly(List.of("globex"));
            db.exec("select sor_api.remove_member('globex', '" + carol.user() + "')");
            assertThat(Sql.rows(c, "select tenant_id from sor_api.tenants")).isEmpty();
            assertThat(Sql.rows(c, "select * from fixture.notes")).isEmpty();
        }
    }

    @Test
    void tenantsCannotWriteTheKitsTablesOrCallAdminFunctions() {
        assertRefused("42501", () -> Sql.run(alice, "insert into sor.tenant_members values ('globex', current_user)"));
        assertRefused("42501", () -> Sql.run(alice, "select sor_api.add_member('globex', current_user)"));
        assertRefused("42501", () -> Sql.run(alice, "update sor.tenants set display_name = 'x'"));
    }
}
