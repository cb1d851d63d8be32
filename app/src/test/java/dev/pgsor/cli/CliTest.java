package dev.pgsor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.testkit.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The CLI is a pipeline gate: certify exits 0 when every check passes and 1 otherwise. */
@SorTest(reconciler = true)
class CliTest {

    private record Run(int status, String out) { }

    private static Run cli(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            int status = SorCli.run(args);
            return new Run(status, buffer.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
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
    void unknownOptionIsAUsageError() {
        assertThat(cli("certify", "--no-such-option").status()).isEqualTo(2);
    }
}
