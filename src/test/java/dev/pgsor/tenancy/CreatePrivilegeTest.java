package dev.pgsor.tenancy;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.support.Repo;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.nio.file.Files;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No caller of the kit may create objects of its own anywhere in the database (a table, a
 * function, a schema): they would sit outside every kit table, policy, cap, quota and retention.
 * PostgreSQL 15 and later grant PUBLIC no CREATE on schema public; a cluster upgraded from an
 * earlier major keeps the grant, which the storage policy file revokes, and certify() names every
 * schema where a caller of the kit holds CREATE and every object such a role owns.
 */
@SorTest
class CreatePrivilegeTest {

    static final String CHECK = "kit roles cannot create objects outside the kit";

    SorDatabase db;
    Database worker;

    @BeforeEach
    void setUp(SorDatabase suite) {
        db = suite.fresh();
        db.addTenants("acme");
        worker = db.worker("expense-reconciler", "acme");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    List<List<Object>> failing() {
        return db.rows("select object, detail from sor.certify_raw() where check_name = ? and not ok order by object", CHECK);
    }

    static void refusedEverywhere(String who, Connection c) {
        for (String ddl : List.of("create table public.spill (x text)",
                "create function public.spill() returns int language sql as 'select 1'",
                "create schema spill",
                "create table sor.spill (x text)",
                "create table sor_api.spill (x text)")) {
            assertRefused("42501", who + ": " + ddl, () -> Sql.run(c, ddl));
        }
    }

    @Test
    void noCallerOfTheKitMayCreateAnObject_42501() throws Exception {
        Map<String, Database> callers = Map.of("worker", worker, "dispatcher", db.dispatcher("acme"),
                "tenant user", db.tenantUser("acme"), "auditor", db.auditor(), "approver", db.approver("acme"));
        for (var caller : callers.entrySet()) {
            try (Connection c = caller.getValue().connect()) {
                refusedEverywhere(caller.getKey(), c);
                // a temporary table of its own session stays open to it (docs/operate/sessions.md)
                Sql.run(c, "create temp table staged (x text)");
            }
        }
        assertThat(failing()).isEmpty();
        assertThat(db.count("select count(*) from sor.certify_raw() where check_name = ? and ok", CHECK)).isGreaterThanOrEqualTo(5);
    }

    @Test
    void aGrantAnOlderClusterKeepsIsRevokedAndWhatWasCreatedMeanwhileIsNamed() throws Exception {
        // what a cluster upgraded from PostgreSQL 14 or earlier holds, and a DBA's grant on the database
        db.exec("grant create on schema public to public");
        db.exec("grant create on database " + db.name() + " to public");
        assertThat(failing()).extracting(r -> r.get(0)).containsExactly("database " + db.name(), "schema public");
        assertThat(failing()).allSatisfy(r -> assertThat((String) r.get(1)).startsWith("CREATE held by PUBLIC:"));
        // the hole: a Worker keeps a table and a schema of its own
        try (Connection c = worker.connect()) {
            Sql.run(c, "create table public.spill as select repeat('x', 1000) as x from generate_series(1, 1000)");
            Sql.run(c, "create schema spill");
        }

        db.exec(Files.readString(Repo.path("db", "policies", "R__905_policies_storage.sql")));
        assertThat(db.scalar("select has_schema_privilege('public', 'public', 'CREATE')")).isEqualTo(false);
        assertThat(db.scalar("select has_database_privilege('public', current_database(), 'CREATE')")).isEqualTo(false);
        try (Connection c = worker.connect()) {
            refusedEverywhere("worker", c);
        }
        // what it made while it could is named by its owner (the schema it owns it may still create in)
        assertThat(failing()).containsExactly(
                List.of("objects owned by " + worker.user(),
                        "2 owned: schema spill, table public.spill; drop them or give them to their application's owner (ALTER ... OWNER TO)"),
                List.of("schema spill", "CREATE held by " + worker.user()
                        + ": they may keep objects here outside every kit table, policy, quota and retention"));
        db.exec("drop table public.spill; drop schema spill");
        assertThat(failing()).isEmpty();
    }

    @Test
    void aGrantByNameToACallerIsNamedAndAnotherApplicationsIsNot() throws Exception {
        Database billing = db.loginRole("billing");
        db.exec("create schema billing; grant create on schema billing to " + billing.user());
        // another application of the same database creates in its own schema: not the kit's concern
        Sql.run(billing, "create table billing.invoices (id bigint)");
        assertThat(failing()).isEmpty();

        db.exec("grant create on schema billing to " + worker.user());
        db.exec("grant create on schema billing to sor_dispatcher");
        assertThat(failing()).containsExactly(Arrays.asList("schema billing", "CREATE held by sor_dispatcher, " + worker.user()
                + ": they may keep objects here outside every kit table, policy, quota and retention"));
        db.exec("revoke create on schema billing from sor_dispatcher, " + worker.user());
        assertThat(failing()).isEmpty();
    }
}
