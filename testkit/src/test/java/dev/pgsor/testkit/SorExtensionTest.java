package dev.pgsor.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgsor.runtime.Database;
import dev.pgsor.schema.SorSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** @SorTest gives the class one migrated database; its roles are who they say, and everything is dropped afterwards. */
@SorTest
class SorExtensionTest {

    static SorDatabase db;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme", "globex");
    }

    @Test
    void theClassDatabaseIsInjectedEverywhereWithTheKernelMigrated(SorDatabase injected) {
        assertSame(db, injected);
        assertEquals(List.of(SorSchema.KERNEL), db.modules());
        assertTrue(db.count("select count(*) from sor_flyway.flyway_schema_history where success") > 0);
        assertEquals(0L, db.count("select count(*) from pg_namespace where nspname = 'reconciler'"));
    }

    @Test
    void eachRoleLogsInAsItselfInItsGroupAndTenants() throws Exception {
        Database worker = db.worker("note-taker", "acme");
        assertEquals(List.of(List.of(worker.user(), worker.user(), true)),
                Sql.rows(worker, "select current_user::text, session_user::text, pg_has_role('sor_worker', 'member')"));
        assertEquals(List.of(List.of("note-taker")), db.rows("select kind from sor.workers where role_name = ?", worker.user()));
        assertEquals(List.of(List.of("acme")), db.rows("select tenant_id from sor.tenant_members where role_name = ?", worker.user()));

        assertEquals(List.of(List.of("globex")), Sql.rows(db.tenantUser("globex"), "select tenant_id from sor_api.tenants"));
        assertEquals(List.of(), Sql.rows(db.tenantUser(), "select tenant_id from sor_api.tenants"));
        assertEquals(true, Sql.scalar(db.auditor(), "select pg_has_role('sor_auditor', 'member')"));
        assertEquals(true, Sql.scalar(db.approver("acme"), "select pg_has_role('sor_approver', 'member')"));
        assertEquals(true, Sql.scalar(db.dispatcher(), "select pg_has_role('sor_dispatcher', 'member')"));
        assertEquals(true, Sql.scalar(db.sorAdmin(), "select pg_has_role('sor_admin', 'member')"));
        assertThrows(IllegalArgumentException.class, () -> db.loginRole("Robert'); drop table x; --"));
    }

    @Test
    void aFreshDatabaseIsItsOwnAndIsDroppedWithItsRoles() {
        String role;
        String name;
        try (SorDatabase fresh = db.fresh()) {
            name = fresh.name();
            assertNotEquals(db.name(), name);
            assertEquals(0L, fresh.count("select count(*) from sor.tenants"));
            role = fresh.tenantUser().user();
            fresh.ownRoles("kit_test_owned_role");
            fresh.exec("create role kit_test_owned_role");
        }
        assertEquals(0L, db.count("select count(*) from pg_database where datname = ?", name));
        assertEquals(0L, db.count("select count(*) from pg_roles where rolname in (?, 'kit_test_owned_role')", role));
    }

    @Test
    void anEmptyDatabaseHasNothingMigrated() {
        try (SorDatabase empty = db.empty()) {
            assertEquals(List.of(), empty.modules());
            assertEquals(0L, empty.count("select count(*) from pg_namespace where nspname = 'sor'"));
            assertEquals(Map.of(), empty.digest());
        }
    }

    @Test
    void theKernelComesFirst() {
        assertThrows(IllegalArgumentException.class, () -> SorExtension.migrating(SorSchema.RECONCILER));
        assertThrows(IllegalArgumentException.class, () -> SorExtension.migrating());
    }
}
