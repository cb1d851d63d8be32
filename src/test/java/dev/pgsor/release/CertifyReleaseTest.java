package dev.pgsor.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgsor.cli.CliRunner;
import dev.pgsor.cli.ExitCode;
import dev.pgsor.db.ReleaseCheck;
import dev.pgsor.db.ReleaseManifest;
import dev.pgsor.db.Releases;
import dev.pgsor.runtime.Database;
import dev.pgsor.schema.SorSchema;
import dev.pgsor.support.Repo;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * certify --release compares the live catalog, read with the CLI's own SQL, with the manifest of
 * the release: it fails where certify() cannot, because certify()'s reference (the register, the
 * guard, the text of functions) lives in the database it checks. Each attack is made by the role
 * that can make it, on a fresh clone of the migrated template; certify() reports nothing for any
 * of them, and certify --release names each object.
 */
@SorTest(reconciler = true)
class CertifyReleaseTest {

    static final String RELEASE = SorSchema.version();

    SorDatabase db;
    ReleaseManifest manifest;

    @BeforeEach
    void setUp(SorDatabase suite) {
        db = suite.fresh();
        manifest = ReleaseManifest.parse(Releases.bundled(RELEASE));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    static String[] certify(Database admin, String... more) {
        List<String> args = new ArrayList<>(List.of("certify", "--url", admin.url(), "--user", admin.user(),
                "--password", admin.password()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** The failing rows certify() itself prints. */
    List<List<Object>> certifyFailures() {
        return db.rows("select \"check\", object from sor_api.certify() where not ok order by 1, 2");
    }

    /** The release's failing rows, as check | object | detail. */
    List<String> releaseFailures() throws Exception {
        try (Connection c = db.admin().connect()) {
            return ReleaseCheck.run(c, manifest).stream().filter(r -> !r.ok())
                    .map(r -> r.check() + " | " + r.object() + " | " + r.detail()).toList();
        }
    }

    private String hash(String function) {
        return (String) manifest.objects().get("function " + function).attrs().get("definition_sha256");
    }

    private String liveHash(String regprocedure) {
        return (String) db.scalar("select encode(sha256(convert_to(pg_get_functiondef(?::regprocedure), 'UTF8')), 'hex')", regprocedure);
    }

    @Test
    void aFreshInstallCertifiesCleanAgainstItsRelease() throws Exception {
        assertThat(releaseFailures()).isEmpty();
        CliRunner.Run run = CliRunner.run(certify(db.admin(), "--release"));
        assertThat(run.status()).as(run.out() + run.err()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).startsWith("release " + RELEASE + ", manifest " + manifest.digest() + " (carried by this CLI)\n")
                .containsPattern("(?m)^release +\\| " + ReleaseCheck.OBJECTS + " +\\| release " + RELEASE + " +\\| ok +\\| \\d+ objects, all as release "
                        + RELEASE + " has them$")
                .containsPattern("(?m)^release +\\| " + ReleaseCheck.PARTITIONS + " +\\| release " + RELEASE
                        + " +\\| ok +\\| \\d+ partitions, all as release " + RELEASE + " makes them$")
                .containsPattern("(?m)^release +\\| " + ReleaseCheck.SCRIPTS + " +\\| release " + RELEASE
                        + " +\\| ok +\\| " + manifest.scripts().stream().filter(s -> !s.type().equals("callback")).count()
                        + " scripts, all applied as release " + RELEASE + " has them$")
                .contains(", 0 failing\n");
    }

    @Test
    void aSuperuserReplacingTheGuardsAuthorizeAndWideningAPolicyFailsNamingBoth() throws Exception {
        try (Connection c = db.admin().connect()) {
            // the guard's function replaced with the guard paused, and the new hash registered by the guard itself
            Sql.run(c, "select sor_guard.pause(true)");
            Sql.run(c, "create or replace function sor_guard.authorize(command_tag text, operations text[], objects text[])"
                    + " returns bigint[] language plpgsql volatile set search_path = pg_catalog, pg_temp set jit = off"
                    + " as $$ begin return '{}'::bigint[]; end $$");
            Sql.run(c, "select sor_guard.pause(false)");
            Sql.run(c, "set role sor_guardian");
            Sql.run(c, "select sor_guard.record_guard_upgrade()");
            Sql.run(c, "reset role");
            // the guard now lets any change through, and registers it: no approval was given
            Sql.run(c, "alter policy events_tenant_select on sor.events using (true)");
        }
        assertThat(certifyFailures()).as("certify() sees nothing: its reference was moved with the catalog").isEmpty();

        assertThat(releaseFailures()).containsExactly(
                ReleaseCheck.OBJECTS + " | function sor_guard.authorize(text,text[],text[]) | differs from release " + RELEASE
                        + ": definition_sha256: " + hash("sor_guard.authorize(text,text[],text[])") + " -> "
                        + liveHash("sor_guard.authorize(text,text[],text[])"),
                ReleaseCheck.OBJECTS + " | policy events_tenant_select on sor.events | differs from release " + RELEASE
                        + ": using: (tenant_id IN ( SELECT sor_guard.current_tenants() AS current_tenants)) -> true");

        CliRunner.Run run = CliRunner.run(certify(db.admin(), "--release"));
        assertThat(run.status()).isEqualTo(ExitCode.CHECKS_FAILED);
        assertThat(run.out()).containsPattern("(?m)^release +\\| " + ReleaseCheck.OBJECTS
                        + " +\\| function sor_guard.authorize\\(text,text\\[\\],text\\[\\]\\) +\\| FAIL +\\| differs from release")
                .containsPattern("(?m)^release +\\| " + ReleaseCheck.OBJECTS
                        + " +\\| policy events_tenant_select on sor.events +\\| FAIL +\\| differs from release " + RELEASE + ": using: .* -> true$")
                .endsWith(", 2 failing\n");
    }

    @Test
    void theOwnerDroppingAMembershipCheckButNamingItInACommentFailsNamingTheFunction() throws Exception {
        String body = (String) db.scalar("select pg_get_functiondef('sor_api.read_stream(text, text, integer, integer)'::regprocedure)");
        String check = "  perform sor_guard.require_reader(read_stream.tenant_id);\n";
        assertThat(body).contains(check);
        String without = body.replace(check, "  -- membership: sor_guard.require_reader(read_stream.tenant_id) is the caller's\n");
        try (Connection c = db.admin().connect()) {
            Sql.run(c, "set role sor_owner");
            Sql.run(c, without);
        }
        // certify() reads the code without its comments and strings (sor.code_text): the name in a comment does not count
        assertThat(certifyFailures()).containsExactly(List.of(
                "functions that take a tenant's run, task, call, row, stream or tenant check membership",
                "sor_api.read_stream(tenant_id text, stream text, from_version integer, max_rows integer)"));

        assertThat(releaseFailures()).containsExactly(
                ReleaseCheck.OBJECTS + " | function sor_api.read_stream(text,text,integer,integer) | differs from release " + RELEASE
                        + ": definition_sha256: " + hash("sor_api.read_stream(text,text,integer,integer)") + " -> "
                        + liveHash("sor_api.read_stream(text,text,integer,integer)"));
        CliRunner.Run run = CliRunner.run(certify(db.admin(), "--release"));
        assertThat(run.status()).isEqualTo(ExitCode.CHECKS_FAILED);
        assertThat(run.out()).contains("| function sor_api.read_stream(text,text,integer,integer) ").endsWith(", 2 failing\n");
    }

    @Test
    void aForgedTableAttachedAsAPartitionOfTheEventsFailsNamingIt() throws Exception {
        try (Connection c = db.admin().connect()) {
            // the owner is refused by the guard now
            Sql.run(c, "set role sor_owner");
            Sql.run(c, "create table sor.events_forged (like sor.events including all)");
            assertThatThrownBy(() -> Sql.run(c, "alter table sor.events attach partition sor.events_forged for values from ('2030-01-01') to ('2030-02-01')"))
                    .isInstanceOf(java.sql.SQLException.class).extracting(e -> ((java.sql.SQLException) e).getSQLState()).isEqualTo("SR020");
            Sql.run(c, "reset role");
        }
        attachPastTheGuard("sor.events_forged", true);
        // given what the kit's partitions get, and registered: the register alone would not tell, the record of the kit's partitions does
        assertThat(certifyFailures()).containsExactly(List.of("every partition of a kit table is the kit's own", "sor.events_forged"));
        long own = db.count("select (select count(*) from pg_attribute where attrelid = 'sor.events_forged'::regclass and attnum > 0"
                + " and not attisdropped) + (select count(*) from pg_constraint where conrelid = 'sor.events_forged'::regclass)"
                + " + (select count(*) from pg_index where indrelid = 'sor.events_forged'::regclass)"
                + " + (select count(*) from pg_trigger where tgrelid = 'sor.events_forged'::regclass and not tgisinternal)"
                + " + (select count(*) from pg_policy where polrelid = 'sor.events_forged'::regclass)");

        assertThat(releaseFailures()).containsExactly(
                ReleaseCheck.PARTITIONS + " | table sor.events_forged | not in release " + RELEASE + ": a partition of sor.events"
                        + " (FOR VALUES FROM ('2030-01-01 00:00:00+00') TO ('2030-02-01 00:00:00+00')) that is not a monthly partition"
                        + " the kit makes (named events_pYYYYMM, bounds that calendar month, made by sor_api.maintain_partitions);"
                        + " with " + own + " columns, constraints, indexes, triggers and policies of its own");
        CliRunner.Run run = CliRunner.run(certify(db.admin(), "--release"));
        assertThat(run.status()).isEqualTo(ExitCode.CHECKS_FAILED);
        assertThat(run.out()).containsPattern("(?m)^release +\\| " + ReleaseCheck.PARTITIONS + " +\\| table sor.events_forged +\\| FAIL")
                .endsWith(", 2 failing\n");
    }

    @Test
    void aTableAttachedUnderAMonthlyNameWithoutTheKitsFunctionFailsOnWhatItLacks() throws Exception {
        attachPastTheGuard("sor.events_p203001", false);
        assertThat(releaseFailures()).containsExactly(
                ReleaseCheck.PARTITIONS + " | policy partition_owner_all on sor.events_p203001 | missing: the release's monthly partitions"
                        + " of sor.events have it, sor.events_p203001 does not",
                ReleaseCheck.PARTITIONS + " | table sor.events_p203001 | differs from the release's monthly partitions of sor.events:"
                        + " force_rls: true -> false; rls: true -> false",
                ReleaseCheck.PARTITIONS + " | trigger partition_refuse_statement on sor.events_p203001 | missing: the release's monthly"
                        + " partitions of sor.events have it, sor.events_p203001 does not",
                ReleaseCheck.PARTITIONS + " | trigger partition_refuse_truncate on sor.events_p203001 | missing: the release's monthly"
                        + " partitions of sor.events have it, sor.events_p203001 does not",
                ReleaseCheck.PARTITIONS + " | trigger partition_refuse_update_delete on sor.events_p203001 | missing: the release's monthly"
                        + " partitions of sor.events have it, sor.events_p203001 does not");
        // what the kit's own function gives a partition makes it one of the release's monthly partitions
        db.exec("select sor.prepare_partition('sor.events_p203001')");
        assertThat(releaseFailures()).isEmpty();
    }

    @Test
    void theManifestOfAnotherReleaseNamesWhatDiffers() throws Exception {
        Path older = Repo.path("releases", "0.2.0", "manifest.json");
        CliRunner.Run run = CliRunner.run(certify(db.admin(), "--manifest", older.toString()));
        assertThat(run.status()).isEqualTo(ExitCode.CHECKS_FAILED);
        assertThat(run.out()).startsWith("release 0.2.0, manifest " + ReleaseManifest.parse(Files.readString(older)).digest() + " (" + older + ")\n")
                .containsPattern("(?m)^release +\\| " + ReleaseCheck.OBJECTS + " +\\| function sor_api.contract_version\\(\\) +\\| FAIL +\\| differs from release 0.2.0: (config: [^;]*; )?definition_sha256: ")
                .containsPattern("(?m)^release +\\| " + ReleaseCheck.SCRIPTS + " +\\| kernel R__001_contract_version.sql +\\| FAIL +\\| applied with checksum "
                        + checksum(manifest, "R__001_contract_version.sql") + ", release 0.2.0's is "
                        + checksum(ReleaseManifest.parse(Files.readString(older)), "R__001_contract_version.sql") + " \\(sor_flyway.flyway_schema_history\\)$")
                // every function 0.3.0 gave jit = off differs too
                .containsPattern("(?m)^release +\\| " + ReleaseCheck.OBJECTS + " +\\| function sor.append_event\\(text,text,text,jsonb,jsonb,integer\\) +\\| FAIL +\\| differs from release 0.2.0: config: with \\[\"jit=off\"\\]; ")
                .containsPattern(", \\d{2,} failing\n$");
    }

    private static long checksum(ReleaseManifest m, String script) {
        return m.scripts().stream().filter(s -> s.module().equals("kernel") && s.script().equals(script)).findFirst().orElseThrow().checksum();
    }

    @Test
    void aHistoryThatRecordsOtherScriptsFailsNamingEach() throws Exception {
        db.exec("update sor_flyway.flyway_schema_history set checksum = checksum + 1 where script = 'V061__event_core.sql';"
                + " delete from reconciler_flyway.flyway_schema_history_reconciler where script = 'R__300_reconciler_setup.sql';"
                + " insert into sor_flyway.flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                + " installed_by, execution_time, success) select max(installed_rank) + 1, '099', 'side door', 'SQL', 'V099__side_door.sql',"
                + " 7, current_user, 0, true from sor_flyway.flyway_schema_history");
        long v061 = manifest.scripts().stream().filter(s -> s.script().equals("V061__event_core.sql")).findFirst().orElseThrow().checksum();
        assertThat(releaseFailures()).containsExactly(
                ReleaseCheck.SCRIPTS + " | kernel V061__event_core.sql | applied with checksum " + (v061 + 1) + ", release " + RELEASE
                        + "'s is " + v061 + " (sor_flyway.flyway_schema_history)",
                ReleaseCheck.SCRIPTS + " | kernel V099__side_door.sql | applied, not in release " + RELEASE + " (sor_flyway.flyway_schema_history)",
                ReleaseCheck.SCRIPTS + " | reconciler R__300_reconciler_setup.sql | not applied: release " + RELEASE
                        + " has it (reconciler_flyway.flyway_schema_history_reconciler)");
    }

    @Test
    void aManifestThatIsMissingEditedOrNotTheNamedDigestIsAUsageError(@TempDir Path dir) throws Exception {
        CliRunner.Run missing = CliRunner.run(certify(db.admin(), "--manifest", dir.resolve("none.json").toString()));
        assertThat(missing.status()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err()).startsWith("pg-sor certify: no such manifest: " + dir.resolve("none.json"));

        String text = Releases.bundled(RELEASE);
        Path edited = dir.resolve("edited.json");
        Files.writeString(edited, text.replace("\"rls\":true", "\"rls\":false"), StandardCharsets.UTF_8);
        CliRunner.Run bad = CliRunner.run(certify(db.admin(), "--manifest", edited.toString()));
        assertThat(bad.status()).isEqualTo(ExitCode.USAGE);
        assertThat(bad.err()).startsWith("pg-sor certify: " + edited + ": the manifest's content does not match its digest line: it says "
                + manifest.digest());

        CliRunner.Run other = CliRunner.run(certify(db.admin(), "--release", "--digest", "sha256:" + "0".repeat(64)));
        assertThat(other.status()).isEqualTo(ExitCode.USAGE);
        assertThat(other.err()).startsWith("pg-sor certify: " + SorSchema.releaseManifest(RELEASE) + " is release " + RELEASE
                + " with digest " + manifest.digest() + ", not sha256:" + "0".repeat(64));

        CliRunner.Run named = CliRunner.run(certify(db.admin(), "--release", "--digest", manifest.digest()));
        assertThat(named.status()).as(named.out() + named.err()).isEqualTo(ExitCode.OK);
    }

    @Test
    void aFailingReleaseRowIsAcceptedByItsCheckAndObject() throws Exception {
        attachPastTheGuard("sor.events_forged", true);
        CliRunner.Run accepted = CliRunner.run(certify(db.admin(), "--release", "--accept", ReleaseCheck.PARTITIONS + "=table sor.events_forged",
                "--accept", "every partition of a kit table is the kit's own=sor.events_forged"));
        assertThat(accepted.status()).as(accepted.out()).isEqualTo(ExitCode.OK);
        assertThat(accepted.out()).contains("accepted: " + ReleaseCheck.PARTITIONS + " | table sor.events_forged | not in release " + RELEASE)
                .endsWith(", 2 failing: 2 accepted with --accept, 0 not accepted\n");
        CliRunner.Run other = CliRunner.run(certify(db.admin(), "--release", "--accept", ReleaseCheck.PARTITIONS + "=table sor.events_other"));
        assertThat(other.status()).isEqualTo(ExitCode.CHECKS_FAILED);
    }

    /**
     * A table attached as a partition of sor.events by a superuser with the guard paused (what only
     * a superuser can do), optionally given what the kit's partitions get and registered.
     */
    void attachPastTheGuard(String table, boolean prepared) throws Exception {
        try (Connection c = db.admin().connect()) {
            Sql.run(c, "select sor_guard.pause(true)");
            Sql.run(c, "set role sor_owner");
            Sql.run(c, "create table if not exists " + table + " (like sor.events including all)");
            Sql.run(c, "alter table sor.events attach partition " + table + " for values from ('2030-01-01') to ('2030-02-01')");
            if (prepared) {
                Sql.run(c, "select sor.prepare_partition('" + table + "')");
            }
            Sql.run(c, "reset role");
            Sql.run(c, "select sor_guard.pause(false)");
            if (prepared) {
                Sql.run(c, "set role sor_owner");
                Sql.run(c, "select sor_guard.protect_all()");
                Sql.run(c, "reset role");
            }
        }
    }
}
