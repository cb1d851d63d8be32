package dev.pgsor.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** pg-sor runs on PostgreSQL 15 or newer, and says so, naming the version, when handed an older one. */
class PostgresVersionTest {

    @Test
    void anOlderServerIsRefusedNamingItsVersionAndTheFix() {
        PostgresVersion fourteen = new PostgresVersion(140022, "14.22");
        assertEquals(14, fourteen.major());
        PostgresVersion.UnsupportedServerException e = assertThrows(PostgresVersion.UnsupportedServerException.class,
                () -> fourteen.requireSupported("the server at jdbc:postgresql://db/sor", "migrate onto a newer one"));
        assertEquals("pg-sor needs PostgreSQL 15 or newer; the server at jdbc:postgresql://db/sor is PostgreSQL 14.22:"
                + " migrate onto a newer one", e.getMessage());
        assertSame(fourteen, e.version());
    }

    @Test
    void fifteenAndNewerPass() {
        for (PostgresVersion v : new PostgresVersion[] {new PostgresVersion(150000, "15.0"),
                new PostgresVersion(170011, "17.11"), new PostgresVersion(180006, "18.6 (Debian 18.6-1)")}) {
            assertSame(v, v.requireSupported("x", "y"));
        }
    }

    @Test
    void theEmbeddedServerIsFifteenOrNewerAndMigratorAcceptsIt() throws SQLException {
        try (EmbeddedServer server = EmbeddedServer.start(true)) {
            Database admin = server.admin("postgres");
            PostgresVersion version = PostgresVersion.of(admin);
            assertTrue(version.major() >= 15, version.toString());
            assertEquals(version, Migrator.requireSupportedServer(admin));
        }
    }

    @Test
    void aServerThatCannotBeReachedFailsWithTheDriversException() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Migrator.requireSupportedServer(new Database("jdbc:postgresql://localhost:1/postgres?connectTimeout=2", "postgres", "")));
        assertTrue(e.getCause() instanceof SQLException, String.valueOf(e.getCause()));
    }

    @Test
    void theBinariesOfAPlatformAreNamedAsZonkyNamesThem() {
        assertEquals("darwin-arm64v8", EmbeddedServer.platform("Mac OS X", "aarch64"));
        assertEquals("darwin-amd64", EmbeddedServer.platform("Mac OS X", "x86_64"));
        assertEquals("windows-amd64", EmbeddedServer.platform("Windows 11", "amd64"));
        assertTrue(EmbeddedServer.platform("Linux", "amd64").startsWith("linux-amd64"));
        assertTrue(EmbeddedServer.platform("Linux", "aarch64").startsWith("linux-arm64v8"));
    }
}
