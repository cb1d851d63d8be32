package dev.pgsor.release;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.db.ReleaseCallbacks;
import dev.pgsor.db.ReleaseManifest;
import dev.pgsor.db.Releases;
import dev.pgsor.schema.SorSchema;
import dev.pgsor.support.Repo;
import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PSQLException;

/**
 * One approval per release. A database that holds this build's release is upgraded to a next
 * release (made here: this build's kernel scripts and one more migration, which changes a protected
 * constraint, with its own manifest and release callbacks). Without the release approved, the
 * migrate stops before any script with SR026 and the approving call in its hint; with it, the run
 * changes exactly what the release changes, nothing else is allowed meanwhile, and a script whose
 * checksum is not the manifest's is refused by name with nothing applied.
 */
@SorTest
class ReleaseApprovalTest {

    static final String NEXT = NextRelease.after(0);
    static final String CHANGE = """
            -- a next release's change to a protected object: a wider name check
            alter table sor.reserved_names
              drop constraint reserved_names_name_check,
              add constraint reserved_names_name_check check (pg_catalog.length(name) between 1 and 120);
            """;

    static NextRelease release;
    static Path next;
    static ReleaseManifest manifest;

    SorDatabase db;

    /** The next release: this build's kernel scripts, V900 with the change, its manifest and callbacks. */
    @BeforeAll
    static void makeTheNextRelease(@TempDir Path dir, SorDatabase suite) throws Exception {
        release = NextRelease.make(NEXT, dir, suite, d -> Files.writeString(
                d.resolve("migrations").resolve("V900__next_release.sql"), CHANGE, StandardCharsets.UTF_8));
        next = release.dir();
        manifest = release.manifest();
    }

    static Flyway flyway(Database admin) {
        return release.flyway(admin);
    }

    @BeforeEach
    void setUp(SorDatabase suite) {
        db = suite.fresh();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    static PSQLException serverError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof PSQLException p && p.getServerErrorMessage() != null) {
                return p;
            }
        }
        throw new AssertionError("no PostgreSQL error in " + t, t);
    }

    PSQLException migrateRefused(String sqlState) {
        Throwable thrown = null;
        try {
            flyway(db.admin()).migrate();
        } catch (FlywayException e) {
            thrown = e;
        }
        assertThat(thrown).as("the migrate to " + NEXT + " is refused").isNotNull();
        PSQLException e = serverError(thrown);
        assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo(sqlState);
        return e;
    }

    String nameCheck() {
        return (String) db.scalar("select pg_get_constraintdef(oid) from pg_constraint where conname = 'reserved_names_name_check'");
    }

    long history() {
        return db.count("select count(*) from sor_flyway.flyway_schema_history");
    }

    long approve(Database approver) {
        return release.approve(approver);
    }

    List<List<Object>> releases() {
        return db.rows("select module, event, version, digest, from_version, approval_id is not null from sor_api.releases order by entry_id");
    }

    @Test
    void aFreshInstallRecordsItsRelease() {
        String current = ReleaseManifest.parse(Releases.bundled(SorSchema.version())).digest();
        assertThat(db.rows("select module, event, version, digest, from_version from sor_api.releases order by entry_id"))
                .containsExactly(java.util.Arrays.asList("kernel", "installed", SorSchema.version(), current, null));
    }

    @Test
    void anUpgradeWithoutTheReleaseApprovedStopsBeforeAnyScriptWithTheCallToMake() {
        String before = nameCheck();
        long rows = history();

        PSQLException e = migrateRefused("SR026");

        assertThat(e.getServerErrorMessage().getHint())
                .contains("select sor_api.approve_release('" + NEXT + "', '" + manifest.digest() + "', ticket => ");
        assertThat(history()).isEqualTo(rows);
        assertThat(nameCheck()).isEqualTo(before);
        assertThat(db.count("select count(*) from sor_api.releases where event <> 'installed'")).isZero();
    }

    @Test
    void theApprovedReleaseChangesWhatItChangesOnceAndIsRecorded() {
        Database approver = db.approver();
        long approval = approve(approver);

        flyway(db.admin()).migrate();

        assertThat(nameCheck()).contains("120");
        assertThat(db.count("select count(*) from sor_flyway.flyway_schema_history where script = 'V900__next_release.sql' and success")).isOne();
        assertThat(releases()).extracting(r -> r.get(1) + " " + r.get(2) + " from " + r.get(4) + " approved " + r.get(5))
                .containsExactly("installed " + SorSchema.version() + " from null approved false",
                        "opened " + NEXT + " from " + SorSchema.version() + " approved true",
                        "upgraded " + NEXT + " from " + SorSchema.version() + " approved true");
        assertThat(db.count("select count(*) from sor.ddl_approvals where approval_id = ? and consumed_at is not null", approval)).isOne();
        assertThat(db.rows("select operation, object_identity from sor.ddl_audit where approval_id = ? order by 1", approval))
                .containsExactly(List.of("drop constraint", "reserved_names_name_check on sor.reserved_names"));
        assertThat(db.scalar("select allowed from sor_guard.releases where event = 'opened'").toString())
                .isEqualTo("{\"reserved_names_name_check on sor.reserved_names\"}");

        // the approval is spent: a run of the same release again changes nothing, needs none and writes nothing
        long entries = db.count("select count(*) from sor_guard.releases");
        flyway(db.admin()).migrate();
        assertThat(db.count("select count(*) from sor_guard.releases")).isEqualTo(entries);
    }

    @Test
    void theApprovalIsAnApproversOwnAndNamesTheReleaseExactly() throws Exception {
        assertRefused("42501", () -> Sql.scalar(db.admin(),
                "select sor_api.approve_release(?, ?, ticket => 'CHG-7', rehearsed_on => 'staging')", NEXT, manifest.digest()));
        Database approver = db.approver();
        assertRefused("SR021", () -> Sql.scalar(approver,
                "select sor_api.approve_release(?, ?, ticket => 'CHG-7', rehearsed_on => 'staging')", NEXT, "sha256:1234"));
        assertRefused("SR023", () -> Sql.scalar(approver,
                "select sor_api.approve_release(?, ?, ticket => ' ', rehearsed_on => 'staging')", NEXT, manifest.digest()));
        // an approval of another digest (another build of the same version) opens nothing
        Sql.scalar(approver, "select sor_api.approve_release(?, ?, ticket => 'CHG-7', rehearsed_on => 'staging')",
                NEXT, "sha256:" + "0".repeat(64));
        migrateRefused("SR026");
        assertThat(nameCheck()).doesNotContain("120");
    }

    @Test
    void whileTheRunIsOpenNothingButTheReleasesChangesIsAllowed() throws Exception {
        Database approver = db.approver();
        long approval = approve(approver);
        Database owner = db.loginRole("owner", "sor_owner");
        // the run as the beforeMigrate callback opens it, by the migrating role
        try (Connection admin = db.admin().connect()) {
            admin.setAutoCommit(true);
            Sql.scalar(admin, "select sor_guard.begin_release('sor_flyway.flyway_schema_history', ?, ?, ?)",
                    NEXT, manifest.digest(), manifest.body());
            // another protected object: refused, the release does not change it
            assertRefused("SR020", () -> Sql.run(admin, "alter table sor.reserved_names drop constraint reserved_names_kind_check"));
            // the release's own change, by another role: refused, the run is the migrating role's
            assertRefused("SR020", () -> Sql.run(owner, """
                    alter table sor.reserved_names drop constraint reserved_names_name_check,
                      add constraint reserved_names_name_check check (pg_catalog.length(name) between 1 and 120)"""));
            // the release's own change, by the migrating role: allowed, under the release's approval
            Sql.run(admin, CHANGE);
            assertThat(db.rows("select operation, object_identity from sor.ddl_audit where approval_id = ?", approval))
                    .containsExactly(List.of("drop constraint", "reserved_names_name_check on sor.reserved_names"));
            Sql.scalar(admin, "select sor_guard.fail_release('sor_flyway.flyway_schema_history')");
        }
        // closed: the same change is refused again
        assertRefused("SR020", () -> Sql.run(db.admin(), """
                alter table sor.reserved_names drop constraint reserved_names_name_check,
                  add constraint reserved_names_name_check check (pg_catalog.length(name) between 1 and 100)"""));
    }

    @Test
    void aScriptThatIsNotTheReleasesIsRefusedByNameWithNothingApplied(@TempDir Path copy) throws Exception {
        approve(db.approver());
        Path tampered = next.resolve("migrations").resolve("V900__next_release.sql");
        String original = Files.readString(tampered, StandardCharsets.UTF_8);
        long rows = history();
        try {
            // what the guard alone lets through: a new object, in a file the release does not have this way
            Files.writeString(tampered, original + "create function sor.side_door() returns integer language sql as 'select 1';\n",
                    StandardCharsets.UTF_8);

            PSQLException e = migrateRefused("SR027");

            assertThat(e.getServerErrorMessage().getMessage()).contains("V900__next_release.sql").contains(NEXT);
            assertThat(history()).isEqualTo(rows);
            assertThat(nameCheck()).doesNotContain("120");
            assertThat(db.scalar("select to_regprocedure('sor.side_door()')")).isNull();
            assertThat(db.rows("select event from sor_api.releases order by entry_id desc limit 1")).containsExactly(List.of("failed"));
            assertThat(db.count("select count(*) from sor.ddl_approvals where operation = 'upgrade release' and consumed_at is null")).isOne();
        } finally {
            Files.writeString(tampered, original, StandardCharsets.UTF_8);
        }
        // restored, the same approval upgrades
        flyway(db.admin()).migrate();
        assertThat(nameCheck()).contains("120");
    }

    @Test
    void aCallbackWhoseManifestIsNotItsDigestsIsRefused() throws Exception {
        Path before = next.resolve("callbacks").resolve(ReleaseCallbacks.BEFORE);
        String original = Files.readString(before, StandardCharsets.UTF_8);
        try {
            Files.writeString(before, original.replace("\"release\":\"" + NEXT + "\"", "\"release\":\"" + NEXT + "\" "),
                    StandardCharsets.UTF_8);
            migrateRefused("SR028");
        } finally {
            Files.writeString(before, original, StandardCharsets.UTF_8);
        }
        assertThat(nameCheck()).doesNotContain("120");
    }

    @Test
    void aDomainModuleStatesTheKernelReleaseItNeeds() throws Exception {
        String current = SorSchema.version();
        assertThat(db.scalar("select sor_api.require_kernel(?)", current)).isEqualTo(current);
        assertThat(db.scalar("select sor_api.require_kernel('0.2.0')")).isEqualTo(current);
        for (String newer : List.of(NextRelease.after(1), NextRelease.after(0), "99.0.0")) {
            java.sql.SQLException e = assertRefused("SR029", () -> Sql.scalar(db.admin(), "select sor_api.require_kernel(?)", newer));
            assertThat(e.getMessage()).contains("needs the pg-sor kernel " + newer + " or newer").contains("holds " + current);
        }
        assertRefused("22023", () -> Sql.scalar(db.admin(), "select sor_api.require_kernel('latest')"));
        // after the upgrade to the next release, a module built against it passes
        approve(db.approver());
        flyway(db.admin()).migrate();
        assertThat(db.scalar("select sor_api.require_kernel(?)", NextRelease.after(1))).isEqualTo(NEXT);
    }

    @Test
    void aClientAsksInOneCallWhetherTheDatabaseKeepsTheContractItWasBuiltFor() throws Exception {
        Database worker = db.worker("contract-probe");
        String built = Files.readString(Repo.path("db", "contract.txt"));
        assertThat(Sql.rows(worker, "select compatible, change from sor_api.check_contract(?)", built))
                .containsExactly(List.of(true, "the database keeps contract " + SorSchema.version() + ", which keeps everything of "
                        + SorSchema.version() + " the client was built for"));
        // a client of the last release: everything it knew is still here
        String released = Files.readString(Repo.path("releases", "0.2.0", "contract.txt"));
        assertThat(Sql.rows(worker, "select compatible from sor_api.check_contract(?)", released)).containsExactly(List.of(true));
        // a client built against a contract this database does not keep gets each difference named
        String other = built.replace("contract_version " + SorSchema.version(), "contract_version 0.9.0")
                + "\nfunction sor_api.gone(text)\n  returns: void\n";
        other = other.replaceFirst("(function sor_api\\.add_tenant\\(text, text\\)\n(?:  .*\n)*?  returns: )text", "$1boolean");
        List<List<Object>> changes = Sql.rows(worker, "select compatible, change from sor_api.check_contract(?)", other);
        assertThat(changes).extracting(r -> r.get(0)).containsOnly(false);
        assertThat(changes).extracting(r -> (String) r.get(1)).containsExactly(
                "contract_version: the client was built for 0.9.0, the database keeps " + SorSchema.version() + " (an older minor version)",
                "altered function sor_api.add_tenant(text, text): returns: boolean -> text",
                "removed function sor_api.gone(text)");
        assertRefused("22023", () -> Sql.scalar(worker, "select count(*) from sor_api.check_contract('not a contract')"));
        // the client's side: one call with the snapshot the schema artifact carries
        try (java.sql.Connection c = worker.connect()) {
            assertThat(dev.pgsor.runtime.ContractCheck.carried()).isEqualTo(built);
            dev.pgsor.runtime.ContractCheck.require(c);
            assertThat(dev.pgsor.runtime.ContractCheck.incompatibilities(c, other)).hasSize(3);
        }
    }

    @Test
    void theReleaseCallbacksInDbCarryThisBuildsManifest() throws Exception {
        ReleaseManifest current = ReleaseManifest.parse(Files.readString(Repo.path("releases", SorSchema.version(), "manifest.json")));
        for (Map.Entry<String, String> f : ReleaseCallbacks.render(current, Files.readString(Repo.path("db", "contract.txt"))).entrySet()) {
            assertThat(Files.readString(Repo.path("db", "callbacks", f.getKey()), StandardCharsets.UTF_8))
                    .as("db/callbacks/" + f.getKey() + " is stale; regenerate with: " + Releases.REGENERATE)
                    .isEqualTo(f.getValue());
        }
    }
}
