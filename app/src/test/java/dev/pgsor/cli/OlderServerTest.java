package dev.pgsor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.pgsor.runtime.PostgresVersion;
import org.junit.jupiter.api.Test;

/** A server older than PostgreSQL 15 is refused with exit status 5, on one line naming its version and the fix. */
class OlderServerTest {

    @Test
    void anOlderServerExitsFiveNamingItsVersion() {
        Throwable refused = catchThrowable(() -> new PostgresVersion(140022, "14.22")
                .requireSupported("the server at jdbc:postgresql://db/sor", "migrate onto a server of PostgreSQL 15 or newer"));
        Failures.Described d = Failures.describe(new IllegalStateException("wrapped", refused));
        assertThat(d.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(d.line()).isEqualTo("pg-sor needs PostgreSQL 15 or newer; the server at jdbc:postgresql://db/sor is"
                + " PostgreSQL 14.22: migrate onto a server of PostgreSQL 15 or newer");
    }
}
