package dev.pgsor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.support.ManagedCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** On a server that asks for passwords (a managed service's), a wrong one exits 3 on one line naming 28P01. */
class CliPasswordTest {

    static ManagedCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = new ManagedCluster();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aWrongPasswordExitsThreeWithItsSqlState() {
        Database admin = cluster.admin("postgres");
        CliRunner.Run run = CliRunner.run("certify", "--url", admin.url(), "--user", admin.user(), "--password", "wrong");
        assertThat(run.status()).isEqualTo(ExitCode.CANNOT_CONNECT);
        assertThat(run.errLines()).containsExactly("pg-sor certify: could not connect: password authentication failed for user \"mgd_admin\""
                + " (SQLSTATE 28P01); hint: check --user and --password (or PGPASSWORD), and the server's pg_hba.conf");
    }

    @Test
    void aWrongPasswordInAPostgresUrlExitsThreeWithoutPrintingIt() {
        Database admin = cluster.admin("postgres");
        String hostPort = admin.url().substring("jdbc:postgresql://".length(), admin.url().lastIndexOf('/'));
        CliRunner.Run run = CliRunner.run("migrate", "--url", "postgres://mgd_admin:s3cret-wrong@" + hostPort + "/postgres");
        assertThat(run.status()).isEqualTo(ExitCode.CANNOT_CONNECT);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.err()).contains("(SQLSTATE 28P01)").doesNotContain("s3cret-wrong");
    }
}
