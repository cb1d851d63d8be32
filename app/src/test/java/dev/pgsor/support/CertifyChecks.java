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

    /**
     * Runs the statements as the superuser in a fresh, certified database, registers the objects
     * they created with the drop guard (as a migration's afterMigrate callback does; a change to a
     * registered object stays a difference), and returns the failing rows.
     */
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
            scratch.exec("set role sor_guardian; select sor_guard.protect_all(); reset role");
            return failing(scratch);
        }
    }

    /**
     * Like {@link #failingAfter(SorDatabase, String...)}, with the drop guard paused around each statement
     * (sor_guard.pause): breaking a rule the guard protects is what a superuser does past the guard,
     * and certify() then also names the difference from the register.
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
                wrapped[i] = "begin; select sor_guard.pause(true); " + plain[i] + "; select sor_guard.pause(false); commit";
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
