package dev.pgsor.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.db.Certification.Check;
import dev.pgsor.db.Certification;
import dev.pgsor.testkit.SorDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;

/** Breaking a rule in a scratch database (a fresh clone of the suite's template) and reading which certify() rows fail. */
public final class CertifyChecks {

    private CertifyChecks() { }

    /** The failing certify() rows, read as the admin. */
    public static List<Check> failing(SorDatabase db) throws SQLException {
        try (Connection c = db.admin().connect()) {
            return Certification.run(c).stream().filter(r -> !r.ok()).toList();
        }
    }

    /** Runs the statements as the superuser in a fresh, certified database and returns the failing rows. */
    public static List<Check> failingAfter(SorDatabase db, String... statements) throws SQLException {
        return failingAfter(db, scratch -> statements);
    }

    /** Like {@link #failingAfter(SorDatabase, String...)}, with statements that may name the scratch database. */
    public static List<Check> failingAfter(SorDatabase db, Function<SorDatabase, String[]> statements) throws SQLException {
        try (SorDatabase scratch = db.fresh()) {
            assertThat(failing(scratch)).as("failing rows before the rule is broken").isEmpty();
            for (String sql : statements.apply(scratch)) {
                scratch.exec(sql);
            }
            return failing(scratch);
        }
    }

    /**
     * Like {@link #failingAfter(SorDatabase, String...)}, with the drop guard's event triggers off around each
     * statement: breaking a rule the guard protects is what a superuser does with the guard turned off.
     */
    public static List<Check> failingAfterGuardOff(SorDatabase db, String... statements) throws SQLException {
        return failingAfterGuardOff(db, scratch -> statements);
    }

    /** Like {@link #failingAfterGuardOff(SorDatabase, String...)}, with statements that may name the scratch database. */
    public static List<Check> failingAfterGuardOff(SorDatabase db, Function<SorDatabase, String[]> statements)
            throws SQLException {
        return failingAfter(db, scratch -> {
            String[] plain = statements.apply(scratch);
            String[] wrapped = new String[plain.length];
            for (int i = 0; i < plain.length; i++) {
                wrapped[i] = "do $$ declare e text; begin for e in select evtname from pg_event_trigger loop"
                        + " execute format('alter event trigger %I disable', e); end loop; end $$; " + plain[i]
                        + "; do $$ declare e text; begin for e in select evtname from pg_event_trigger loop"
                        + " execute format('alter event trigger %I enable always', e); end loop; end $$";
            }
            return wrapped;
        });
    }

    /** Asserts that a failing row has this check and object. */
    public static void assertFails(List<Check> failing, String check, String object) {
        assertThat(failing).as("failing rows").anySatisfy(r -> {
            assertThat(r.check()).isEqualTo(check);
            assertThat(r.object()).isEqualTo(object);
            assertThat(r.ok()).isFalse();
        });
    }

    /** Asserts that a failing row has this property, check and object. */
    public static void assertFails(List<Check> failing, String property, String check, String object) {
        assertThat(failing).as("failing rows").anySatisfy(r -> {
            assertThat(r.property()).isEqualTo(property);
            assertThat(r.check()).isEqualTo(check);
            assertThat(r.object()).isEqualTo(object);
            assertThat(r.ok()).isFalse();
        });
    }
}
