package dev.pgsor.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** A setting passed in the driver's options reaches every session, added to the options already there. */
class DatabaseTest {

    @Test
    void aSettingIsAddedToTheUrlsOptions() {
        Database plain = new Database("jdbc:postgresql://localhost:5432/app", "u", "p");
        assertEquals("jdbc:postgresql://localhost:5432/app?options=-c%20pgsor.upgrade_lock_wait%3D5s",
                plain.withSetting("pgsor.upgrade_lock_wait", "5s").url());
        Database withQuery = new Database("jdbc:postgresql://localhost:5432/app?sslmode=disable", "u", "p");
        assertEquals("jdbc:postgresql://localhost:5432/app?sslmode=disable&options=-c%20lock_timeout%3D2s",
                withQuery.withSetting("lock_timeout", "2s").url());
        assertEquals("jdbc:postgresql://localhost:5432/app?options=-c%20lock_timeout%3D2s%20-c%20pgsor.upgrade_lock_wait%3D5s&sslmode=disable",
                new Database("jdbc:postgresql://localhost:5432/app?options=-c%20lock_timeout%3D2s&sslmode=disable", "u", "p")
                        .withSetting("pgsor.upgrade_lock_wait", "5s").url());
    }

    @Test
    void aNameOrValueThatCouldBreakTheOptionsIsRefused() {
        Database db = new Database("jdbc:postgresql://localhost:5432/app", "u", "p");
        assertThrows(IllegalArgumentException.class, () -> db.withSetting("lock_timeout", "2 s"));
        assertThrows(IllegalArgumentException.class, () -> db.withSetting("x -c y", "1"));
        assertThrows(IllegalArgumentException.class, () -> db.withSetting("lock_timeout", "1&user=postgres"));
    }

    @Test
    void everySessionGetsBothSettings() throws Exception {
        try (EmbeddedServer server = EmbeddedServer.start(true)) {
            Database db = server.admin("postgres").withSetting("lock_timeout", "2s").withSetting("pgsor.upgrade_lock_wait", "5s");
            try (Connection c = db.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select current_setting('lock_timeout'), current_setting('pgsor.upgrade_lock_wait')")) {
                rs.next();
                assertEquals("2s", rs.getString(1));
                assertEquals("5s", rs.getString(2));
            }
        }
    }
}
