package dev.pgsor.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgsor.db.Database;
import dev.pgsor.support.TestDatabase;
import dev.pgsor.support.TestDatabase.Sql;
import dev.pgsor.support.TestServer;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tenant administration, called as a member of sor_admin; bad input changes nothing. */
class TenantAdminTest {

    static TestDatabase db;
    static Database admin;
    static Database member;

    @BeforeAll
    static void setUp() {
        db = TestServer.get().freshDatabase();
        admin = db.loginRole("admin", "sor_admin");
        member = db.loginRole("member", "sor_tenant");
        db.exec("select sor_api.add_tenant('initech', 'Initech')");
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private long state() {
        return db.count("select (select count(*) from sor.tenants) * 1000 + (select count(*) from sor.tenant_members)");
    }

    private void refused(String sql, String sqlState, Object... args) {
        long before = state();
        assertThatThrownBy(() -> Sql.run(admin, sql, args))
                .isInstanceOf(SQLException.class).extracting("SQLState").isEqualTo(sqlState);
        assertThat(state()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "A", "Acme", "1acme", "acme corp", "acme;drop", "a", "acme'--",
            "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd"})
    void malformedTenantIdIsRefused_SR001(String id) {
        refused("select sor_api.add_tenant(?, 'x')", "SR001", id);
        refused("select sor_api.add_member(?, ?)", "SR001", id, member.user());
    }

    @Test
    void nullsAndBadDisplayNamesAreRefused_SR001() {
        refused("select sor_api.add_tenant(null, 'x')", "SR001");
        refused("select sor_api.add_tenant('umbrella', null)", "SR001");
        refused("select sor_api.add_tenant('umbrella', '')", "SR001");
        refused("select sor_api.add_tenant('umbrella', repeat('x', 201))", "SR001");
    }

    @Test
    void adminAddsATenantAndAMember() throws Exception {
        Sql.run(admin, "select sor_api.add_tenant('hooli', 'Hooli')");
        Sql.run(admin, "select sor_api.add_member('hooli', ?)", member.user());
        assertThat(Sql.rows(member, "select tenant_id from sor_api.tenants")).containsExactly(List.of("hooli"));
        assertThat(db.scalar("select added_by from sor.tenant_members where tenant_id = 'hooli'")).isEqualTo(admin.user());
    }

    @Test
    void duplicateTenantIsRefused_SR004() {
        refused("select sor_api.add_tenant('initech', 'Initech again')", "SR004");
    }

    @Test
    void unknownTenantIsRefused_SR002() {
        refused("select sor_api.add_member('no-such-tenant', ?)", "SR002", member.user());
    }

    @Test
    void unknownRoleIsRefused_SR003() {
        refused("select sor_api.add_member('initech', 'no_such_role_anywhere')", "SR003");
        refused("select sor_api.add_member('initech', null)", "SR003");
    }

    @Test
    void duplicateMemberIsRefused_SR004() throws Exception {
        Database m = db.loginRole("dup", "sor_tenant");
        Sql.run(admin, "select sor_api.add_member('initech', ?)", m.user());
        refused("select sor_api.add_member('initech', ?)", "SR004", m.user());
    }

    @Test
    void privilegedRolesCannotBeMembers_SR005() {
        Database sneaky = db.loginRole("sneaky", "sor_owner");
        try {
            refused("select sor_api.add_member('initech', ?)", "SR005", sneaky.user());
            refused("select sor_api.add_member('initech', ?)", "SR005", db.admin().user());
        } finally {
            db.exec("revoke sor_owner from " + sneaky.user());
        }
    }

    @Test
    void removingAMissingMembershipIsRefused_SR006() {
        refused("select sor_api.remove_member('initech', 'nobody_here')", "SR006");
    }

    @Test
    void registeringAnUnknownSchemaIsRefused_SR007() {
        long before = db.count("select count(*) from sor.domain_schemas");
        assertThatThrownBy(() -> Sql.run(admin, "select sor_api.register_domain_schema('no_such_schema')"))
                .extracting("SQLState").isEqualTo("SR007");
        assertThat(db.count("select count(*) from sor.domain_schemas")).isEqualTo(before);
    }

    @Test
    void tenantsAndWorkersCannotAdminister() {
        Database worker = db.loginRole("worker", "sor_worker");
        for (Database who : List.of(member, worker)) {
            assertThatThrownBy(() -> Sql.run(who, "select sor_api.add_tenant('evil', 'Evil')"))
                    .extracting("SQLState").isEqualTo("42501");
        }
        assertThat(db.count("select count(*) from sor.tenants where tenant_id = 'evil'")).isZero();
    }
}
