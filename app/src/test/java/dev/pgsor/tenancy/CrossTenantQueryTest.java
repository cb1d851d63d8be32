package dev.pgsor.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgsor.db.Database;
import dev.pgsor.support.TestDatabase;
import dev.pgsor.support.TestDatabase.Sql;
import dev.pgsor.support.TestServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tenant isolation through sor.current_tenants(), proven as the tenants' own login roles. A domain
 * table (a fixture shaped like the kit's tenant tables) and the kit's own views are queried alone
 * and in a join.
 */
class CrossTenantQueryTest {

    static TestDatabase db;
    static Database alice;
    static Database bob;
    static Database nobody;
    static Database both;

    @BeforeAll
    static void setUp() {
        db = TestServer.get().freshDatabase();
        db.exec("select sor_api.add_tenant('acme', 'Acme Corp'), sor_api.add_tenant('globex', 'Globex')");
        alice = db.loginRole("alice", "sor_tenant");
        bob = db.loginRole("bob", "sor_tenant");
        nobody = db.loginRole("nobody", "sor_tenant");
        both = db.loginRole("both", "sor_tenant");
        db.exec("select sor_api.add_member('acme', '" + alice.user() + "')");
        db.exec("select sor_api.add_member('globex', '" + bob.user() + "')");
        db.exec("select sor_api.add_member('acme', '" + both.user() + "'), sor_api.add_member('globex', '" + both.user() + "')");
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
                  using (tenant_id in (select sor.current_tenants()));
                create policy notes_tenant_insert on fixture.notes for insert to sor_tenant
                  with check (tenant_id in (select sor.current_tenants()));
                create policy notes_owner_all on fixture.notes for all to sor_owner using (true) with check (true);
                grant usage on schema fixture to sor_tenant;
                grant select, insert on fixture.notes to sor_tenant;
                insert into fixture.notes values ('acme', 1, 'acme one'), ('acme', 2, 'acme two'),
                                                 ('globex', 1, 'globex one'), ('globex', 3, 'globex three');
                reset role;
                """);
    }

    @AfterAll
    static void tearDown() {
        db.close();
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
        assertThatThrownBy(() -> Sql.run(alice, "insert into fixture.notes values ('globex', 99, 'forged')"))
                .isInstanceOf(SQLException.class).extracting("SQLState").isEqualTo("42501");
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
            assertThatThrownBy(() -> Sql.scalar(c, "select set_config('role', 'sor_owner', false)"))
                    .extracting("SQLState").isEqualTo("42501");
            assertThatThrownBy(() -> Sql.scalar(c, "select set_config('session_authorization', '" + bob.user() + "', false)"))
                    .extracting("SQLState").isEqualTo("42501");
            assertThat(Sql.rows(c, "select tenant_id from sor_api.tenants")).containsExactly(List.of("acme"));
        }
    }

    @Test
    void removingAMembershipTakesEffectOnTheNextStatement() throws Exception {
        Database carol = db.loginRole("carol", "sor_tenant");
        db.exec("select sor_api.add_member('globex', '" + carol.user() + "')");
        try (Connection c = carol.connect()) {
            assertThat(Sql.rows(c, "select tenant_id from sor_api.tenants")).containsExactly(List.of("globex"));
            db.exec("select sor_api.remove_member('globex', '" + carol.user() + "')");
            assertThat(Sql.rows(c, "select tenant_id from sor_api.tenants")).isEmpty();
            assertThat(Sql.rows(c, "select * from fixture.notes")).isEmpty();
        }
    }

    @Test
    void tenantsCannotWriteTheKitsTablesOrCallAdminFunctions() {
        assertThatThrownBy(() -> Sql.run(alice, "insert into sor.tenant_members values ('globex', current_user)"))
                .extracting("SQLState").isEqualTo("42501");
        assertThatThrownBy(() -> Sql.run(alice, "select sor_api.add_member('globex', current_user)"))
                .extracting("SQLState").isEqualTo("42501");
        assertThatThrownBy(() -> Sql.run(alice, "update sor.tenants set display_name = 'x'"))
                .extracting("SQLState").isEqualTo("42501");
    }
}
