package dev.pgsor.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.db.Certification;
import dev.pgsor.db.Certification.Check;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Breaking a rule in a scratch database and reading which certify() rows fail. */
public final class CertifyChecks {

    private CertifyChecks() { }

    public static List<Check> failing(TestDatabase db) throws SQLException {
        try (Connection c = db.admin().connect()) {
            return Certification.run(c).stream().filter(r -> !r.ok()).toList();
        }
    }

    /** Runs the statements as the superuser in a fresh, certified database and returns the failing rows. */
    public static List<Check> failingAfter(String... statements) throws SQLException {
        try (TestDatabase db = TestServer.get().freshDatabase()) {
            assertThat(failing(db)).as("failing rows before the rule is broken").isEmpty();
            for (String sql : statements) {
                db.exec(sql);
            }
            return failing(db);
        }
    }

    /**
     * Like {@link #failingAfter}, with the drop guard's event triggers off around each statement:
     * breaking a rule the guard protects is what a superuser does with the guard turned off.
     */
    public static List<Check> failingAfterGuardOff(String... statements) throws SQLException {
        String[] wrapped = new String[statements.length];
        for (int i = 0; i < statements.length; i++) {
            wrapped[i] = "do $$ declare e text; begin for e in select evtname from pg_event_trigger loop"
                    + " execute format('alter event trigger %I disable', e); end loop; end $$; " + statements[i]
                    + "; do $$ declare e text; begin for e in select evtname from pg_event_trigger loop"
                    + " execute format('alter event trigger %I enable always', e); end loop; end $$";
        }
        return failingAfter(wrapped);
    }

    public static void assertFails(List<Check> failing, String check, String object) {
        assertThat(failing).as("failing rows").anySatisfy(r -> {
            assertThat(r.check()).isEqualTo(check);
            assertThat(r.object()).isEqualTo(object);
            assertThat(r.ok()).isFalse();
        });
    }
}
