package dev.pgsor.install;

import dev.pgsor.support.ManagedCluster;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.cli.CliRunner;
import dev.pgsor.cli.ExitCode;
import dev.pgsor.db.Certification;
import dev.pgsor.demo.ReconcilerDemo;
import dev.pgsor.runtime.Database;
import dev.pgsor.runtime.Migrator;
import dev.pgsor.schema.SorSchema;
import dev.pgsor.support.Repo;
import dev.pgsor.testkit.Sql;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The managed-service install path (docs/operate/install.md): on a cluster whose only superuser is
 * the provider's, an admin with LOGIN CREATEROLE CREATEDB creates a database (so it owns it) and
 * migrates the whole kit as itself. The beforeMigrate callback creates the kit's roles and lets the
 * admin act as sor_owner and sor_guardian; R__921 cannot create event triggers and says so; certify()
 * fails exactly the three documented rows, and a gate passes only when it accepts them by name.
 */
class ManagedInstallTest {

    static final String GUARD_CHECK = "drop guard event triggers are installed and ENABLE ALWAYS";
    static final String GUARDIAN_CHECK = "no session can act as sor_guardian";
    static final String LARGE_OBJECTS_CHECK = "kit roles cannot create large objects";
    static final String LARGE_OBJECTS_DETAIL = "EXECUTE on pg_catalog.lo_creat(integer), pg_catalog.lo_create(oid),"
            + " pg_catalog.lo_from_bytea(oid,bytea) is granted to PUBLIC: every role may keep data in large objects, outside the"
            + " kit's tables, size cap and retention (the role that migrated is no superuser and could not revoke it: a managed service)";
    static final String ADVISORY_CHECK = "kit roles cannot take advisory locks";
    static final String MESSAGES_CHECK = "kit roles cannot write logical decoding messages";
    static final String MESSAGES_DETAIL = "EXECUTE on every form of pg_catalog.pg_logical_emit_message is granted to PUBLIC: every role may"
            + " write up to a gigabyte of WAL a call, kept when its transaction rolls back, outside the kit's tables and quotas, and read by"
            + " every logical decoding consumer (the role that migrated is no superuser and could not revoke it: a managed service)";
    static final String ADVISORY_DETAIL = "EXECUTE on all 16 advisory lock functions is granted to PUBLIC: one login may fill the server's"
            + " shared lock table, and then no session can take a lock nor a new connection start (the role that migrated is no superuser"
            + " and could not revoke it: a managed service)";

    static ManagedCluster cluster;
    static Database admin;
    static List<Migrator.Outcome> outcomes;
    static int major;

    @BeforeAll
    static void install() throws Exception {
        cluster = new ManagedCluster();
        admin = cluster.createDatabase("sor");
        outcomes = Migrator.migrate(admin, SorSchema.ALL);
        major = ((Number) Sql.scalar(admin, "select current_setting('server_version_num')::int / 10000")).intValue();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** The detail certify() gives for sor_guardian's members: on 16 and later the admin holds two grants (ADMIN OPTION from creating it, SET and INHERIT from beforeMigrate). */
    static String guardianMembers() {
        return major >= 16 ? "members: mgd_admin, mgd_admin" : "members: mgd_admin";
    }

    static List<List<Object>> failingRows(Database db) throws Exception {
        try (Connection c = db.connect()) {
            return Certification.run(c).stream().filter(r -> !r.ok())
                    .map(r -> List.<Object>of(r.property(), r.check(), r.object(), r.detail())).toList();
        }
    }

    static List<List<Object>> documentedDegradedState() {
        return List.of(
                List.of("governed", LARGE_OBJECTS_CHECK, "(PUBLIC)", LARGE_OBJECTS_DETAIL),
                List.of("governed", ADVISORY_CHECK, "(PUBLIC)", ADVISORY_DETAIL),
                List.of("governed", MESSAGES_CHECK, "(PUBLIC)", MESSAGES_DETAIL),
                List.of("governed", GUARDIAN_CHECK, "sor_guardian", guardianMembers()),
                List.of("policy-bound", GUARD_CHECK, "(drop guard)", "not installed: the role that migrated could not create"
                        + " event triggers (a managed service); nothing refuses guarded DDL, certify() still sees every difference from the register"));
    }

    @Test
    void anAdminWithoutSuperuserMigratesTheWholeKit() {
        assertThat(Sql.scalar(admin, "select rolsuper or rolbypassrls from pg_roles where rolname = current_user")).isEqualTo(false);
        assertThat(outcomes).extracting(Migrator.Outcome::module, Migrator.Outcome::version)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("kernel", dev.pgsor.support.Repo.kernelVersion()), org.assertj.core.groups.Tuple.tuple("reconciler", "002"));
        assertThat(Sql.rows(admin, "select nspname::text, nspowner::regrole::text from pg_namespace"
                + " where nspname in ('sor', 'sor_api', 'sor_guard', 'reconciler', 'sor_flyway', 'reconciler_flyway') order by 1"))
                .containsExactly(List.of("reconciler", "sor_owner"), List.of("reconciler_flyway", "mgd_admin"), List.of("sor", "sor_owner"),
                        List.of("sor_api", "sor_owner"), List.of("sor_flyway", "mgd_admin"), List.of("sor_guard", "sor_guardian"));
        assertThat(Sql.rows(admin, "select rolname::text, rolcanlogin, rolsuper, rolbypassrls from pg_roles where rolname like 'sor\\_%' order by 1"))
                .containsExactly(List.of("sor_admin", false, false, false), List.of("sor_approver", false, false, false),
                        List.of("sor_auditor", false, false, false), List.of("sor_dispatcher", false, false, false),
                        List.of("sor_guardian", false, false, false), List.of("sor_owner", false, false, false),
                        List.of("sor_tenant", false, false, false), List.of("sor_worker", false, false, false));
        assertThat(Sql.scalar(admin, "select count(*) from pg_event_trigger")).isEqualTo(0L);
    }

    @Test
    void theAdminActsAsSorOwnerAndSorGuardianOnly() {
        assertThat(Sql.rows(admin, "select r.rolname::text from pg_roles r where r.rolname like 'sor\\_%'"
                + " and pg_has_role(current_user, r.oid, 'USAGE') order by 1"))
                .containsExactly(List.of("sor_guardian"), List.of("sor_owner"));
    }

    @Test
    void certifyFailsExactlyTheDocumentedRows() throws Exception {
        assertThat(failingRows(admin)).containsExactlyElementsOf(documentedDegradedState());
        // the admin owns the database, so the sweep of login roles exempts it (as it does the superuser that migrates)
        assertThat(Sql.rows(admin, "select count(*) filter (where object = current_user), count(*) filter (where not ok)"
                + " from sor.certify_raw() where check_name = 'no login role bypasses RLS or belongs to sor_owner'"))
                .containsExactly(List.of(0L, 0L));
    }

    @Test
    void theGatePassesOnlyWhenTheDegradedRowsAreAcceptedByName() {
        String[] target = {"certify", "--url", admin.url(), "--user", admin.user(), "--password", admin.password()};
        CliRunner.Run plain = CliRunner.run(target);
        assertThat(plain.status()).isEqualTo(ExitCode.CHECKS_FAILED);

        CliRunner.Run one = CliRunner.run(concat(target, "--accept", GUARD_CHECK));
        assertThat(one.status()).isEqualTo(ExitCode.CHECKS_FAILED);

        CliRunner.Run two = CliRunner.run(concat(target, "--accept", GUARD_CHECK, "--accept", GUARDIAN_CHECK + "=sor_guardian"));
        assertThat(two.status()).isEqualTo(ExitCode.CHECKS_FAILED);

        CliRunner.Run both = CliRunner.run(concat(target, "--accept", GUARD_CHECK, "--accept", GUARDIAN_CHECK + "=sor_guardian",
                "--accept", LARGE_OBJECTS_CHECK + "=(PUBLIC)", "--accept", ADVISORY_CHECK + "=(PUBLIC)",
                "--accept", MESSAGES_CHECK + "=(PUBLIC)"));
        assertThat(both.status()).as(both.out()).isEqualTo(ExitCode.OK);
        assertThat(both.out().lines().filter(l -> l.startsWith("accepted: ")).toList()).containsExactly(
                "accepted: " + LARGE_OBJECTS_CHECK + " | (PUBLIC) | " + LARGE_OBJECTS_DETAIL,
                "accepted: " + ADVISORY_CHECK + " | (PUBLIC) | " + ADVISORY_DETAIL,
                "accepted: " + MESSAGES_CHECK + " | (PUBLIC) | " + MESSAGES_DETAIL,
                "accepted: " + GUARDIAN_CHECK + " | sor_guardian | " + guardianMembers(),
                "accepted: " + GUARD_CHECK + " | (drop guard) | not installed: the role that migrated could not create event triggers"
                        + " (a managed service); nothing refuses guarded DDL, certify() still sees every difference from the register");
        assertThat(both.out()).containsPattern("\\d+ checks, 5 failing: 5 accepted with --accept, 0 not accepted");
    }

    @Test
    void aSecondMigrateIsANoOpAndTheStateStaysTheSame() throws Exception {
        assertThat(Migrator.migrate(admin, SorSchema.ALL)).allSatisfy(o -> assertThat(o.executed()).isZero());
        assertThat(failingRows(admin)).containsExactlyElementsOf(documentedDegradedState());
    }

    @Test
    void theKitServesItsRolesOnTheManagedInstall() throws Exception {
        Sql.run(admin, "create role mgd_worker login password 'w-pw' in role sor_worker");
        Sql.run(admin, "create role mgd_alice login password 'a-pw' in role sor_tenant");
        Sql.run(admin, "select sor_api.add_tenant('acme', 'Acme Corp')");
        Sql.run(admin, "select sor_api.add_member('acme', 'mgd_worker')");
        Sql.run(admin, "select sor_api.add_member('acme', 'mgd_alice')");
        Sql.run(admin, "select sor_api.register_worker('mgd_worker', 'note-taker')");
        Database worker = admin.as("mgd_worker", "w-pw");
        UUID run = (UUID) Sql.scalar(worker, "select run_id from sor_api.start_run('acme', 'notes', '{}', null, 60)");
        Sql.run(worker, "select sor_api.finish_run(?, 'succeeded')", run);
        assertThat(Sql.rows(admin.as("mgd_alice", "a-pw"), "select run_id, status from sor_api.journal_runs"))
                .containsExactly(List.of(run, "succeeded"));
        assertThat(failingRows(admin)).containsExactlyElementsOf(documentedDegradedState());
    }

    @Test
    void aSuperuserInstallsTheGuardLaterAndOnlyTheGuardianRowRemains() throws Exception {
        Database later = cluster.createDatabase("sor_later");
        Migrator.migrate(later, List.of(SorSchema.KERNEL));
        Sql.run(cluster.provider("sor_later"),
                Files.readString(Repo.path("db", "policies", "R__921_drop_guard_event_triggers.sql"), StandardCharsets.UTF_8));
        // and closes large objects, advisory locks and logical decoding messages, as the file that the admin could not apply fully says
        Sql.run(cluster.provider("sor_later"),
                Files.readString(Repo.path("db", "policies", "R__905_policies_storage.sql"), StandardCharsets.UTF_8));
        Migrator.migrate(later, List.of(SorSchema.KERNEL));
        assertThat(Sql.scalar(later, "select count(*) from pg_event_trigger where evtenabled = 'A' and evtname like 'sor\\_guard\\_%'")).isEqualTo(6L);
        assertThat(failingRows(later)).containsExactly(List.of("governed", GUARDIAN_CHECK, "sor_guardian", guardianMembers()));
    }

    /** The SQL docs/operate/install.md gives for "Kit upgrades on an install without the guard". */
    static final String SETTLE = "SET ROLE sor_guardian;"
            + " SELECT sor_guard.settle('kit upgrade', array(SELECT DISTINCT d.root_kind || ':' || d.root_objid FROM sor_guard.diff(null) d));"
            + " RESET ROLE;";

    @Test
    void aKitUpgradesRedefinitionShowsAsADifferenceUntilTheDocumentedSettleRecordsIt() throws Exception {
        assertThat(Files.readString(Repo.path("docs", "operate", "install.md"), StandardCharsets.UTF_8)).contains(SETTLE.replace("; ", ";\n"));
        Database upgraded = cluster.createDatabase("sor_upgrade");
        Migrator.migrate(upgraded, List.of(SorSchema.KERNEL));
        // what a repeatable file of a later release does, without the guard's event triggers to record it
        Sql.run(upgraded, "set role sor_owner; create or replace function sor.forensic_time(at timestamptz) returns text language sql stable"
                + " set search_path = pg_catalog, sor, pg_temp set jit = off as $$ select pg_catalog.to_char(at at time zone 'UTC',"
                + " 'YYYY-MM-DD HH24:MI:SS.MS') || ' UTC' || '' $$; reset role");
        Migrator.migrate(upgraded, List.of(SorSchema.KERNEL));
        assertThat(failingRows(upgraded)).contains(List.of("policy-bound", "the live catalog matches the register of protected objects",
                "function sor.forensic_time(timestamp with time zone)",
                "redefine function: new definition (made past the guard, or a new function never approved)"));

        Sql.run(upgraded, SETTLE);
        assertThat(failingRows(upgraded)).containsExactlyElementsOf(documentedDegradedState());
        assertThat(Sql.rows(upgraded, "select outcome, operation, object_identity, session_role::text, set_role from sor.ddl_audit"))
                .containsExactly(List.of("recorded", "redefine function", "sor.forensic_time(timestamp with time zone)", "mgd_admin", "sor_guardian"));
    }

    @Test
    void theDemoRunsOnTheManagedInstallAndItsLoginsTakeThePrintedPassword() throws Exception {
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        ReconcilerDemo.Outcome night = new ReconcilerDemo(admin, new java.io.PrintStream(buffer, true, StandardCharsets.UTF_8),
                new ReconcilerDemo.Options(null, List.of(Certification.Accept.parse(GUARD_CHECK), Certification.Accept.parse(GUARDIAN_CHECK),
                        Certification.Accept.parse(LARGE_OBJECTS_CHECK), Certification.Accept.parse(ADVISORY_CHECK),
                        Certification.Accept.parse(MESSAGES_CHECK)))).run();
        String printed = buffer.toString(StandardCharsets.UTF_8);
        assertThat(night.proven()).as(printed).isTrue();
        assertThat(night.acceptedChecks()).isEqualTo(5);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^    their password: ([0-9a-f]{24}) \\(generated").matcher(printed);
        assertThat(m.find()).isTrue();
        Database auditor = admin.as(night.logins().auditor(), m.group(1));
        assertThat((String) Sql.scalar(auditor, "select sor_api.run_report(?)", night.crashedRun())).contains("abandoned");
        java.sql.SQLException wrong = org.assertj.core.api.Assertions.catchThrowableOfType(java.sql.SQLException.class,
                () -> admin.as(night.logins().auditor(), "not-it").connect().close());
        assertThat(wrong.getSQLState()).isEqualTo("28P01");
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
