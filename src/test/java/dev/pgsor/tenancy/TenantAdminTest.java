package dev.pgsor.tenancy;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tenant administration, called as a member of sor_admin; bad input changes nothing. */
@SorTest(reconciler = true)
class TenantAdminTest {

    static SorDatabase db;
    static Database admin;
    static Database member;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        admin = db.sorAdmin();
        member = db.tenantUser();
        db.addTenant("initech", "Initech");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "A", "Acme", "1acme", "acme corp", "acme;drop", "a", "acme'--",
            "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd"})
    void malformedTenantIdIsRefused_SR001(String id) {
        assertRefusedAndNothingWritten(db, "SR001", () -> Sql.run(admin, "select sor_api.add_tenant(?, 'x')", id));
        assertRefusedAndNothingWritten(db, "SR001", () -> Sql.run(admin, "select sor_api.add_member(?, ?)", id, member.user()));
    }

    @Test
    void nullsAndBadDisplayNamesAreRefused_SR001() {
        assertRefusedAndNothingWritten(db, "SR001", () -> Sql.run(admin, "select sor_api.add_tenant(null, 'x')"));
        assertRefusedAndNothingWritten(db, "SR001", () -> Sql.run(admin, "select sor_api.add_tenant('umbrella', null)"));
        assertRefusedAndNothingWritten(db, "SR001", () -> Sql.run(admin, "select sor_api.add_tenant('umbrella', '')"));
        assertRefusedAndNothingWritten(db, "SR001", () -> Sql.run(admin, "select sor_api.add_tenant('umbrella', repeat('x', 201))"));
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
        assertRefusedAndNothingWritten(db, "SR004", () -> Sql.run(admin, "select sor_api.add_tenant('initech', 'Initech again')"));
    }

    @Test
    void unknownTenantIsRefused_SR002() {
        assertRefusedAndNothingWritten(db, "SR002", () -> Sql.run(admin, "select sor_api.add_member('no-such-tenant', ?)", member.user()));
    }

    @Test
    void unknownRoleIsRefused_SR003() {
        assertRefusedAndNothingWritten(db, "SR003", () -> Sql.run(admin, "select sor_api.add_member('initech', 'no_such_role_anywhere')"));
        assertRefusedAndNothingWritten(db, "SR003", () -> Sql.run(admin, "select sor_api.add_member('initech', null)"));
    }

    @Test
    void duplicateMemberIsRefused_SR004() throws Exception {
        Database m = db.tenantUser();
        Sql.run(admin, "select sor_api.add_member('initech', ?)", m.user());
        assertRefusedAndNothingWritten(db, "SR004", () -> Sql.run(admin, "select sor_api.add_member('initech', ?)", m.user()));
    }

    @Test
    void privilegedRolesCannotBeMembers_SR005() {
        Database sneaky = db.loginRole("sneaky", "sor_owner");
        try {
            assertRefusedAndNothingWritten(db, "SR005", () -> Sql.run(admin, "select sor_api.add_member('initech', ?)", sneaky.user()));
            assertRefusedAndNothingWritten(db, "SR005", () -> Sql.run(admin, "select sor_api.add_member('initech', ?)", db.admin().user()));
        } finally {
            db.exec("revoke sor_owner from " + sneaky.user());
        }
    }

    @Test
    void removingAMissingMembershipIsRefused_SR006() {
        assertRefusedAndNothingWritten(db, "SR006", () -> Sql.run(admin, "select sor_api.remove_member('initech', 'nobody_here')"));
    }

    @Test
    void registeringAnUnknownSchemaIsRefused_SR007() {
        assertRefusedAndNothingWritten(db, "SR007", () -> Sql.run(admin, "select sor_api.register_domain_schema('no_such_schema')"));
    }

    @Test
    void tenantsAndWorkersCannotAdminister() {
        Database worker = db.worker("expense-reconciler");
        for (Database who : List.of(member, worker)) {
            assertRefused("42501", () -> Sql.run(who, "select sor_api.add_tenant('evil', 'Evil')"));
        }
        assertThat(db.count("select count(*) from sor.tenants where tenant_id = 'evil'")).isZero();
    }
}
