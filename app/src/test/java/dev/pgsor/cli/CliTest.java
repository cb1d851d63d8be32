package dev.pgsor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.db.ContractSnapshot;
import dev.pgsor.support.Repo;
import dev.pgsor.testkit.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI is a pipeline gate: certify exits 0 when every check passes and 1 otherwise; contract writes the snapshot. */
@SorTest(reconciler = true)
class CliTest {

    private record Run(int status, String out, String err) { }

    private static Run cli(String... args) {
        PrintStream original = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        ByteArrayOutputStream errBuffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(errBuffer, true, StandardCharsets.UTF_8));
        try {
            int status = SorCli.run(args);
            return new Run(status, buffer.toString(StandardCharsets.UTF_8), errBuffer.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
            System.setErr(originalErr);
        }
    }

    private static String[] target(Database db, String command) {
        return new String[] {command, "--url", db.url(), "--user", db.user(), "--password", db.password()};
    }

    @Test
    void migrateThenCertifyExitsZero(SorDatabase suite) {
        try (SorDatabase db = suite.empty()) {
            Run migrate = cli(target(db.admin(), "migrate"));
            assertThat(migrate.status()).isZero();
            assertThat(migrate.out()).contains("kernel: ");
            Run certify = cli(target(db.admin(), "certify"));
            assertThat(certify.status()).isZero();
            assertThat(certify.out()).contains("governed").contains(", 0 failing");
        }
    }

    @Test
    void certifyExitsOneWhenACheckFails(SorDatabase suite) {
        try (SorDatabase db = suite.fresh()) {
            db.pastTheGuard("grant select on sor.tenants to public");
            Run certify = cli(target(db.admin(), "certify"));
            assertThat(certify.status()).isEqualTo(1);
            assertThat(certify.out()).contains("FAIL").contains("sor.tenants");
        }
    }

    @Test
    void contractWritesTheSnapshotAndWarnsOfAChangeTheVersionDoesNotAllow(SorDatabase suite, @TempDir Path dir) throws Exception {
        Path out = dir.resolve("contract.txt");
        String errors = Repo.path("docs", "errors.md").toString();
        try (SorDatabase db = suite.fresh()) {
            String[] args = Stream.concat(Stream.of(target(db.admin(), "contract")), Stream.of("--out", out.toString(), "--errors", errors))
                    .toArray(String[]::new);
            Run first = cli(args);
            assertThat(first.status()).isZero();
            try (Connection c = db.admin().connect()) {
                assertThat(Files.readString(out, StandardCharsets.UTF_8))
                        .isEqualTo(ContractSnapshot.read(c, Files.readString(Path.of(errors), StandardCharsets.UTF_8)).render());
            }
            assertThat(first.err()).doesNotContain("WARNING");

            db.pastTheGuard("drop function sor_api.retry_outbox(bigint)");
            Run second = cli(args);
            assertThat(second.status()).isZero();
            assertThat(second.err()).contains("WARNING: sor_api removes or alters part of the contract")
                    .contains("  removed  function sor_api.retry_outbox(bigint)\n");
            assertThat(Files.readString(out, StandardCharsets.UTF_8)).doesNotContain("function sor_api.retry_outbox(bigint)")
                    .contains("function sor_api.retry_task(bigint)");
        }
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertThat(cli("certify", "--no-such-option").status()).isEqualTo(2);
    }
}
