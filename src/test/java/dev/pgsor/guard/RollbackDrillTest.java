package dev.pgsor.guard;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.db.SchemaSnapshot;
import dev.pgsor.lint.MigrationLinter;
import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rollback drill a DBA runs before a change reaches production: copy the migrated database as a
 * branch (CREATE DATABASE ... TEMPLATE), apply the migration and its documented reversal there, and
 * prove the schema fingerprint is back where it started. The reversal drops a column, so the drop
 * guard refuses it until a distinct approver approves it, and audits it once approved.
 */
@SorTest
class RollbackDrillTest {

    static final String MIGRATION = """
            -- V900: outbox rows get a free-text note for operators.
            -- Why: operators annotate stuck deliveries.
            -- Locks: ACCESS EXCLUSIVE on sor.outbox for a catalog-only change (no default, no rewrite).
            -- Reversal: alter table sor.outbox drop column note (needs a drop-guard approval).
            set lock_timeout = '5s';
            set role sor_owner;
            alter table sor.outbox add column note text;
            comment on column sor.outbox.note is 'Free-text note by an operator.';
            reset role;
            """;

    static final String REVERSAL = """
            -- Reversal of V900: removes sor.outbox.note.
            -- lint: reviewed drop by Dana Reyes: reversal of V900, rehearsed on a branch, approved in the drop guard
            -- Locks: ACCESS EXCLUSIVE on sor.outbox for a catalog-only change.
            set lock_timeout = '5s';
            set role sor_owner;
            alter table sor.outbox drop column note;
            reset role;
            """;

    private static String fingerprint(Database db) throws SQLException {
        try (Connection c = db.connect()) {
            return SchemaSnapshot.render(c);
        }
    }

    private static void apply(Database db, String script) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                st.execute(script);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    @Test
    void migrationAndReversalOnABranchReturnToTheOriginalFingerprint(SorDatabase production) throws SQLException {
        assertThat(MigrationLinter.lint("V900__outbox_note.sql", MIGRATION)).isEmpty();
        assertThat(MigrationLinter.lint("U900__outbox_note.sql", REVERSAL)).isEmpty();
        assertThat(MigrationLinter.lint("U900__outbox_note.sql", REVERSAL.replaceFirst("-- lint: [^\n]*\n", "")))
                .extracting(MigrationLinter.Finding::rule).containsExactly(MigrationLinter.Rule.DROP);

        Database maintenance = production.admin().withDatabaseName("postgres");
        String branch = production.name() + "_branch";
        String original = fingerprint(production.admin());
        Sql.run(maintenance, "create database " + branch + " template " + production.name());
        try {
            Database onBranch = production.admin().withDatabaseName(branch);
            assertThat(fingerprint(onBranch)).isEqualTo(original);

            apply(onBranch, MIGRATION);
            String migrated = fingerprint(onBranch);
            assertThat(migrated).isNotEqualTo(original).contains("note text");

            assertRefused("SR020", () -> apply(onBranch, REVERSAL));
            assertThat(fingerprint(onBranch)).isEqualTo(migrated);

            Database approver = production.approver().withDatabaseName(branch);
            long approval = ((Number) Sql.scalar(approver, "select sor_api.approve_ddl('drop column', 'sor.outbox.note',"
                    + " 'CHG-900', 'branch database " + branch + "', now() + interval '1 hour')")).longValue();
            apply(onBranch, REVERSAL);
            assertThat(fingerprint(onBranch)).isEqualTo(original);

            assertThat(Sql.rows(onBranch, "select a.operation, a.object_identity, a.approval_id, p.approved_by::text,"
                    + " p.rehearsed_on, a.session_role::text, a.set_role from sor.ddl_audit a"
                    + " join sor.ddl_approvals p using (approval_id)"))
                    .containsExactly(List.of("drop column", "sor.outbox.note", approval, approver.user(),
                            "branch database " + branch, onBranch.user(), "sor_owner"));

            assertRefused("SR020", "the approval was used up by the reversal", () -> apply(onBranch, MIGRATION + REVERSAL));
            assertThat(fingerprint(onBranch)).isEqualTo(original);
        } finally {
            Sql.run(maintenance, "drop database if exists " + branch + " with (force)");
        }
        assertThat(fingerprint(production.admin())).isEqualTo(original);
        assertThat(production.count("select count(*) from sor.ddl_audit")).isZero();
    }
}
