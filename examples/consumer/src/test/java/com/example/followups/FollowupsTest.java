package com.example.followups;

import static dev.pgsor.testkit.SorAssertions.assertCertified;
import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pgsor.runtime.Database;
import dev.pgsor.schema.SorSchema;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorExtension;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The follow-ups module on pg-sor, proven as the roles that use it: a Worker, a tenant's user, the admin's certificate. */
class FollowupsTest {

    /** pg-sor's kernel (from pg-sor-schema), then this module, migrated once into a template from the classpath. */
    @RegisterExtension
    static final SorExtension SOR = SorExtension.migrating(SorSchema.KERNEL, FollowupsSchema.MODULE);

    static final String ARGS = "{\"customer\": \"Initech\", \"due_on\": \"2026-12-01\", \"note\": \"renewal\"}";

    static SorDatabase db;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme", "globex");
    }

    static UUID startRun(Connection c, String tenant) throws SQLException {
        return (UUID) Sql.scalar(c, "select run_id from sor_api.start_run(?, 'follow-up', '{}')", tenant);
    }

    static List<Object> callTool(Connection c, UUID run, String args) throws SQLException {
        return Sql.rows(c, "select ok, result ->> 'customer', result ->> 'due_on' from sor_api.call_tool(?, 'schedule_followup', ?::jsonb)",
                run, args).get(0);
    }

    @Test
    void anAccountManagerSchedulesAFollowUpThroughTheTool() throws Exception {
        Database worker = db.worker("account-manager", "acme");
        UUID run;
        try (Connection c = worker.connect()) {
            run = startRun(c, "acme");
            assertEquals(List.of(true, "Initech", "2026-12-01"), callTool(c, run, ARGS));
        }
        assertEquals(List.of(List.of("acme", "Initech", "2026-12-01", "renewal", worker.user())),
                db.rows("select tenant_id, customer, due_on::text, note, created_by::text from followups.followups where run_id = ?", run));
    }

    @Test
    void aWorkerOfAnotherKindIsRefused_SR071() throws Exception {
        Database other = db.worker("expense-reconciler", "acme");
        try (Connection c = other.connect()) {
            UUID run = startRun(c, "acme");
            assertRefusedAndNothingWritten(db, "SR071", () -> callTool(c, run, ARGS));
        }
    }

    @Test
    void aTenantUserReadsOnlyItsTenantsFollowUps() throws Exception {
        for (String tenant : List.of("acme", "globex")) {
            try (Connection c = db.worker("account-manager", tenant).connect()) {
                callTool(c, startRun(c, tenant), ARGS);
            }
        }
        Database globexUser = db.tenantUser("globex");
        assertEquals(List.of(List.of("globex")), Sql.rows(globexUser, "select distinct tenant_id from followups.followups"));
    }

    @Test
    void theDatabaseIsCertified() {
        assertCertified(db);
    }
}
