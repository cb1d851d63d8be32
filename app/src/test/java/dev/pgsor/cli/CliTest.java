package dev.pgsor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.support.Repo;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI is a pipeline gate: certify exits 0 when every check passes (or every failing row is
 * accepted), 1 otherwise; a command that cannot run exits 2 to 6 by class (ExitCode), with one
 * line on standard error and a stack trace only with --verbose. Password failures are proved on a
 * password-protected server in CliPasswordTest.
 */
@SorTest(reconciler = true)
class CliTest {

    static SorDatabase suite;

    @BeforeAll
    static void setUp(SorDatabase database) {
        suite = database;
    }

    static CliRunner.Run cli(String... args) {
        return CliRunner.run(args);
    }

    static String[] target(Database db, String command, String... more) {
        List<String> args = new ArrayList<>(List.of(command, "--url", db.url(), "--user", db.user(), "--password", db.password()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static int port(Database db) {
        String rest = db.url().substring("jdbc:postgresql://".length());
        return Integer.parseInt(rest.substring(rest.indexOf(':') + 1, rest.indexOf('/')));
    }

    @Test
    void migratePrintsTheVersionBeforeAndAfterThenCertifyExitsZero() {
        try (SorDatabase db = suite.empty()) {
            CliRunner.Run first = cli(target(db.admin(), "migrate"));
            assertThat(first.status()).isEqualTo(ExitCode.OK);
            assertThat(first.out()).containsPattern("kernel: schema version none -> " + dev.pgsor.support.Repo.kernelVersion() + ", \\d+ scripts applied")
                    .containsPattern("reconciler: schema version none -> 002, \\d+ scripts applied");
            CliRunner.Run again = cli(target(db.admin(), "migrate"));
            assertThat(again.status()).isEqualTo(ExitCode.OK);
            assertThat(again.out()).isEqualTo("kernel: schema version " + dev.pgsor.support.Repo.kernelVersion() + " -> " + dev.pgsor.support.Repo.kernelVersion() + ", up to date (no script applied)\n"
                    + "reconciler: schema version 002 -> 002, up to date (no script applied)\n");
            CliRunner.Run certify = cli(target(db.admin(), "certify"));
            assertThat(certify.status()).isEqualTo(ExitCode.OK);
            assertThat(certify.out()).contains("governed").contains(", 0 failing");
            assertThat(certify.err()).isEmpty();
        }
    }

    @Test
    void certifyExitsOneWhenACheckFails() {
        try (SorDatabase db = suite.fresh()) {
            db.pastTheGuard("grant select on sor.tenants to public");
            CliRunner.Run certify = cli(target(db.admin(), "certify"));
            assertThat(certify.status()).isEqualTo(ExitCode.CHECKS_FAILED);
            assertThat(certify.out()).contains("FAIL").contains("sor.tenants");
        }
    }

    @Test
    void certifyPassesOnlyWhenEveryFailingRowIsAcceptedAndSaysWhichWere() {
        try (SorDatabase db = suite.fresh()) {
            db.pastTheGuard("grant select on sor.tenants to public");
            CliRunner.Run one = cli(target(db.admin(), "certify", "--accept", "nothing is reachable by PUBLIC"));
            assertThat(one.status()).as(one.out()).isEqualTo(ExitCode.CHECKS_FAILED);
            assertThat(one.out()).contains("accepted: nothing is reachable by PUBLIC | sor.tenants | PUBLIC holds a privilege on this relation")
                    .containsPattern("\\d+ checks, 4 failing: 1 accepted with --accept, 3 not accepted");

            CliRunner.Run all = cli(target(db.admin(), "certify", "--accept", "nothing is reachable by PUBLIC=sor.tenants",
                    "--accept", "workers and dispatchers have no direct table access",
                    "--accept", "the live catalog matches the register of protected objects",
                    "--accept", "no such check"));
            assertThat(all.status()).as(all.out()).isEqualTo(ExitCode.OK);
            assertThat(all.out()).contains("| FAIL, accepted |")
                    .contains("accepted: workers and dispatchers have no direct table access | sor_worker on sor.tenants | table privileges of sor_worker")
                    .containsPattern("\\d+ checks, 4 failing: 4 accepted with --accept, 0 not accepted")
                    .contains("--accept \"no such check\" matched no failing row");

            CliRunner.Run otherObject = cli(target(db.admin(), "certify", "--accept", "nothing is reachable by PUBLIC=sor.events",
                    "--accept", "workers and dispatchers have no direct table access",
                    "--accept", "the live catalog matches the register of protected objects"));
            assertThat(otherObject.status()).isEqualTo(ExitCode.CHECKS_FAILED);
        }
    }

    @Test
    void aMalformedAcceptIsAUsageError() {
        CliRunner.Run run = cli("certify", "--url", suite.admin().url(), "--accept", "=sor.events");
        assertThat(run.status()).isEqualTo(ExitCode.USAGE);
        assertThat(run.errLines()).containsExactly("pg-sor certify: --accept takes a check name, or CHECK=OBJECT: '=sor.events'; hint: see pg-sor certify --help");
    }

    @Test
    void unknownOptionIsAUsageErrorOnOneLine() {
        CliRunner.Run run = cli("certify", "--no-such-option");
        assertThat(run.status()).isEqualTo(ExitCode.USAGE);
        assertThat(run.errLines()).containsExactly("pg-sor certify: Unknown option: '--no-such-option'; see pg-sor certify --help");
    }

    @Test
    void aUrlThatIsNotPostgresIsAUsageErrorSayingHowToWriteIt() {
        CliRunner.Run run = cli("certify", "--url", "mysql://root:secret@db:3306/x");
        assertThat(run.status()).isEqualTo(ExitCode.USAGE);
        assertThat(run.errLines()).containsExactly("pg-sor certify: not a PostgreSQL URL: mysql://root:***@db:3306/x;"
                + " hint: write --url jdbc:postgresql://HOST:5432/DATABASE (or postgres://USER:PASSWORD@HOST:5432/DATABASE)");
    }

    @Test
    void aPostgresUrlIsConvertedWithItsUserAndPassword() {
        Database admin = suite.admin();
        String url = "postgres://" + admin.user() + ":" + (admin.password().isEmpty() ? "x" : admin.password())
                + "@localhost:" + port(admin) + "/" + suite.name();
        CliRunner.Run run = cli("certify", "--url", url);
        assertThat(run.status()).as(run.err()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains(", 0 failing");
    }

    @Test
    void connectionRefusedExitsThreeOnOneLine() {
        CliRunner.Run run = cli("certify", "--url", "jdbc:postgresql://localhost:1/sor", "--user", "admin", "--password", "x");
        assertThat(run.status()).isEqualTo(ExitCode.CANNOT_CONNECT);
        assertThat(run.errLines()).containsExactly("pg-sor certify: could not connect: Connection to localhost:1 refused (SQLSTATE 08001);"
                + " hint: check the host and port in --url, and that the server accepts TCP connections there");
    }

    @Test
    void anUnknownHostExitsThree() {
        CliRunner.Run run = cli("certify", "--url", "jdbc:postgresql://no-such-host.invalid:5432/sor", "--user", "admin", "--password", "x");
        assertThat(run.status()).isEqualTo(ExitCode.CANNOT_CONNECT);
        assertThat(run.errLines()).containsExactly("pg-sor certify: could not connect: unknown host no-such-host.invalid (SQLSTATE 08001);"
                + " hint: check the host name in --url");
    }

    @Test
    void aMissingDatabaseExitsThree() {
        CliRunner.Run run = cli(target(suite.admin().withDatabaseName("no_such_database"), "certify"));
        assertThat(run.status()).isEqualTo(ExitCode.CANNOT_CONNECT);
        assertThat(run.errLines()).containsExactly("pg-sor certify: could not connect: database \"no_such_database\" does not exist"
                + " (SQLSTATE 3D000); hint: check the database name in --url, or create the database first (createdb)");
    }

    @Test
    void anUnknownLoginRoleExitsThree() {
        CliRunner.Run run = cli(target(suite.admin().as("no_such_login", "x"), "certify"));
        assertThat(run.status()).isEqualTo(ExitCode.CANNOT_CONNECT);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("pg-sor certify: could not connect: role \"no_such_login\" does not exist (SQLSTATE 28000)");
    }

    @Test
    void anUnmigratedDatabaseExitsFour() {
        try (SorDatabase db = suite.empty()) {
            CliRunner.Run run = cli(target(db.admin(), "certify"));
            assertThat(run.status()).isEqualTo(ExitCode.NOT_MIGRATED);
            assertThat(run.errLines()).containsExactly("pg-sor certify: database " + db.name() + " has no pg-sor (sor_api.certify() is missing);"
                    + " hint: migrate it first: pg-sor migrate --url ... (docs/operate/install.md)");
            assertThat(cli(target(db.admin(), "schema")).status()).isEqualTo(ExitCode.NOT_MIGRATED);
        }
    }

    @Test
    void aLoginThatMayNotCertifyExitsFive() {
        Database tenant = suite.tenantUser();
        CliRunner.Run run = cli(target(tenant, "certify"));
        assertThat(run.status()).isEqualTo(ExitCode.REFUSED);
        assertThat(run.errLines()).containsExactly("pg-sor certify: the database refused: permission denied for function certify (SQLSTATE 42501)");
    }

    @Test
    void aLoginThatIsNotAWorkerCannotServeMcpAndExitsFive() {
        suite.exec("select sor_api.add_tenant('cli-acme', 'Acme') where not exists (select 1 from sor.tenants where tenant_id = 'cli-acme')");
        Database notAWorker = suite.loginRole("cli_notworker", "sor_worker");
        CliRunner.Run run = cli(target(notAWorker, "mcp", "--tenant", "cli-acme", "--workflow", "w", "--run-key", "k"));
        assertThat(run.status()).isEqualTo(ExitCode.REFUSED);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("pg-sor mcp: the database refused: ").contains("(SQLSTATE SR030); hint: ");
    }

    @Test
    void anUnwritableOutExitsSixBeforeConnecting(@TempDir Path dir) {
        Path out = dir.resolve("no-such-dir").resolve("schema.sql");
        CliRunner.Run run = cli(target(suite.admin(), "schema", "--out", out.toString()));
        assertThat(run.status()).isEqualTo(ExitCode.FAILED);
        assertThat(run.errLines()).containsExactly("pg-sor schema: cannot write " + out + ": no such directory " + out.getParent()
                + "; hint: name a file in a writable directory with --out");
    }

    @Test
    void verbosePrintsTheStackTraceAndTheDefaultDoesNot() {
        String[] args = target(suite.admin().withDatabaseName("no_such_database"), "certify");
        CliRunner.Run quiet = cli(args);
        assertThat(quiet.err()).doesNotContain("\tat ");
        List<String> verbose = new ArrayList<>(List.of(args));
        verbose.add("--verbose");
        CliRunner.Run loud = cli(verbose.toArray(String[]::new));
        assertThat(loud.status()).isEqualTo(ExitCode.CANNOT_CONNECT);
        assertThat(loud.errLines().get(0)).isEqualTo(quiet.errLines().get(0));
        assertThat(loud.err()).contains("\tat org.postgresql.");
    }

    @Test
    void aMigrationThatFailsValidationExitsFiveOnOneLineNamingIt() {
        try (SorDatabase db = suite.fresh()) {
            db.exec("update sor_flyway.flyway_schema_history set checksum = checksum + 1 where script = 'V002__tenants.sql'");
            CliRunner.Run run = cli(target(db.admin(), "migrate"));
            assertThat(run.status()).isEqualTo(ExitCode.REFUSED);
            assertThat(run.errLines()).hasSize(1);
            assertThat(run.errLines().get(0)).startsWith("pg-sor migrate: flyway: Validate failed: ")
                    .contains("Migration checksum mismatch for migration version 002");
        }
    }

    @Test
    void lintOfAMissingOrEmptyDirectoryIsAUsageError(@TempDir Path dir) throws Exception {
        CliRunner.Run missing = cli("lint", dir.resolve("nonexistent").toString());
        assertThat(missing.status()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.errLines()).containsExactly("pg-sor lint: no such directory: " + dir.resolve("nonexistent") + "; see pg-sor lint --help");
        CliRunner.Run empty = cli("lint", dir.toString());
        assertThat(empty.status()).isEqualTo(ExitCode.USAGE);
        assertThat(empty.errLines()).containsExactly("pg-sor lint: no versioned migration (V*.sql) in " + dir + "; see pg-sor lint --help");
        Files.writeString(dir.resolve("V1__t.sql"), "-- V1\n-- Why: x\n-- Locks: none\n-- Reversal: drop table t\ncreate table t (x int);\n");
        CliRunner.Run one = cli("lint", dir.toString());
        assertThat(one.out()).endsWith("in 1 migration\n");
    }

    @Test
    void contractWritesTheSnapshotAndRefusesToRecordAChangeTheVersionDoesNotAllow(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("contract.txt");
        String errors = Repo.path("docs", "errors.md").toString();
        try (SorDatabase db = suite.fresh()) {
            String[] args = target(db.admin(), "contract", "--out", out.toString(), "--errors", errors);
            CliRunner.Run first = cli(args);
            assertThat(first.status()).isZero();
            try (java.sql.Connection c = db.admin().connect()) {
                assertThat(Files.readString(out, java.nio.charset.StandardCharsets.UTF_8))
                        .isEqualTo(dev.pgsor.db.ContractSnapshot.read(c, Files.readString(Path.of(errors),
                                java.nio.charset.StandardCharsets.UTF_8)).render());
            }
            assertThat(first.err()).doesNotContain("WARNING");

            String before = Files.readString(out, java.nio.charset.StandardCharsets.UTF_8);

            db.pastTheGuard("drop function sor_api.retry_outbox(bigint)");
            CliRunner.Run second = cli(args);
            assertThat(second.status()).isEqualTo(ExitCode.REFUSED);
            assertThat(second.err()).contains("not written: sor_api removes or alters part of the contract")
                    .contains("  removed  function sor_api.retry_outbox(bigint)\n");
            // the snapshot is not talked past: it still holds the function, and a check still fails
            assertThat(Files.readString(out, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(before);

            CliRunner.Run check = cli(target(db.admin(), "contract", "--check", "--against", out.toString(), "--errors", errors));
            assertThat(check.status()).isEqualTo(ExitCode.CHECKS_FAILED);
            assertThat(check.out()).contains("contract drift").contains("  removed  function sor_api.retry_outbox(bigint)\n");
        }
    }

    @Test
    void contractCheckRunsOutsideACheckoutWithWhatTheBuildCarries() throws Exception {
        // the test runs in its module's folder, which has no docs/errors.md: the carried table is used
        assertThat(Path.of("docs", "errors.md")).doesNotExist();
        try (SorDatabase db = suite.fresh()) {
            CliRunner.Run same = cli(target(db.admin(), "contract", "--check"));
            assertThat(same.status()).as(same.err()).isZero();
            assertThat(same.out()).contains("keeps the contract this build carries exactly");

            db.pastTheGuard("drop function sor_api.retry_outbox(bigint)");
            CliRunner.Run drift = cli(target(db.admin(), "contract", "--check"));
            assertThat(drift.status()).isEqualTo(ExitCode.CHECKS_FAILED);
            assertThat(drift.out()).contains("  removed  function sor_api.retry_outbox(bigint)\n");
        }
    }
}
