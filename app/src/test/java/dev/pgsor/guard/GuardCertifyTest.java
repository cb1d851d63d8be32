package dev.pgsor.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.db.Certification.Check;
import dev.pgsor.db.Certification;
import dev.pgsor.db.SchemaSnapshot;
import dev.pgsor.support.Repo;
import dev.pgsor.testkit.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The guard lives with the migrations: re-applying every repeatable file passes it, and certify()
 * fails when a guard event trigger or a refusing trigger of the audit tables is missing or silenced.
 */
@SorTest(reconciler = true)
class GuardCertifyTest {

    static final String EVENT_TRIGGERS = "drop guard event triggers exist and are ENABLE ALWAYS";
    static final String AUDIT_TRIGGERS = "ddl audit and approvals keep their refusing triggers ENABLE ALWAYS";

    static SorDatabase suite;

    @BeforeAll
    static void setUp(SorDatabase database) {
        suite = database;
    }

    private static List<Check> failing(SorDatabase db) throws SQLException {
        try (Connection c = db.admin().connect()) {
            return Certification.run(c).stream().filter(r -> !r.ok()).toList();
        }
    }

    /** The general append-only sweep of the events area also sees a weakened audit table; that is expected. */
    static final String APPEND_ONLY_SWEEP = "append-only tables refuse UPDATE, DELETE and TRUNCATE (ENABLE ALWAYS)";

    private static void assertFailsOnly(SorDatabase db, String check, String object) throws SQLException {
        String table = object.contains(" on ") ? object.substring(object.indexOf(" on ") + 4) : object;
        assertThat(failing(db).stream().filter(r -> !(r.check().equals(APPEND_ONLY_SWEEP) && r.object().startsWith(table + ":"))))
                .as(check + " / " + object).singleElement().satisfies(r -> {
                    assertThat(r.check()).isEqualTo(check);
                    assertThat(r.object()).isEqualTo(object);
                });
    }

    private static String snapshot(Database db) throws SQLException {
        try (Connection c = db.connect()) {
            return SchemaSnapshot.render(c);
        }
    }

    /** The repeatable files in Flyway's order (by description, the part after R__). */
    private static List<Path> repeatableFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path dir : List.of(Repo.path("db", "functions"), Repo.path("db", "policies"))) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().matches("R__.+\\.sql")).forEach(files::add);
            }
        }
        files.sort(Comparator.comparing(p -> p.getFileName().toString().substring(3)));
        return files;
    }

    @Test
    void reapplyingEveryRepeatableFilePassesTheGuard() throws Exception {
        try (SorDatabase db = suite.fresh()) {
            String before = snapshot(db.admin());
            String eventTriggers = "select string_agg(evtname || ':' || oid, ', ' order by evtname) from pg_event_trigger";
            Object eventTriggersBefore = db.scalar(eventTriggers);
            List<Path> files = repeatableFiles();
            assertThat(files).extracting(p -> p.getFileName().toString())
                    .contains("R__210_drop_guard.sql", "R__910_policies_events.sql", "R__921_drop_guard_event_triggers.sql");
            for (Path file : files) {
                try (Connection c = db.admin().connect(); Statement st = c.createStatement()) {
                    c.setAutoCommit(false);
                    st.execute(Files.readString(file, StandardCharsets.UTF_8));
                    c.commit();
                }
            }
            assertThat(snapshot(db.admin())).isEqualTo(before);
            assertThat(db.scalar(eventTriggers)).as("event triggers are not recreated").isEqualTo(eventTriggersBefore);
            assertThat(failing(db)).isEmpty();
            assertThat(db.count("select count(*) from sor.ddl_audit")).isZero();
            assertThat(db.count("select count(*) from pg_trigger t where not t.tgisinternal and t.tgenabled <> 'A'"
                    + " and sor.is_refuse_function(t.tgfoid)")).isZero();
        }
    }

    @Test
    void certifyFailsWhenAGuardEventTriggerIsDisabledOrMissing() throws SQLException {
        try (SorDatabase db = suite.fresh()) {
            assertThat(failing(db)).isEmpty();
            for (String name : List.of("sor_drop_guard_start", "sor_drop_guard_sql_drop", "sor_drop_guard_alter",
                    "sor_drop_guard_rewrite")) {
                db.exec("alter event trigger " + name + " disable");
                assertFailsOnly(db, EVENT_TRIGGERS, name);
                db.exec("alter event trigger " + name + " enable");
                assertFailsOnly(db, EVENT_TRIGGERS, name);
                db.exec("alter event trigger " + name + " enable always");
                assertThat(failing(db)).isEmpty();
            }
            db.exec("drop event trigger sor_drop_guard_alter");
            assertFailsOnly(db, EVENT_TRIGGERS, "sor_drop_guard_alter");
        }
    }

    @Test
    void aSuperuserWhoTurnsTheGuardOffGetsPastItButNotPastCertify() throws SQLException {
        try (SorDatabase db = suite.fresh()) {
            db.exec("alter event trigger sor_drop_guard_sql_drop disable");
            db.exec("drop policy tenants_tenant_select on sor.tenants");
            assertFailsOnly(db, EVENT_TRIGGERS, "sor_drop_guard_sql_drop");
        }
    }

    @Test
    void certifyFailsWhenAnAuditTableLosesItsRefusingTrigger() throws SQLException {
        try (SorDatabase db = suite.fresh()) {
            Database approver = db.approver();
            for (String trigger : List.of("ddl_audit_refuse_update_delete", "ddl_audit_refuse_truncate")) {
                Sql.run(approver, "select sor_api.approve_ddl('disable trigger', ?, 'CHG-7', 'branch b', now() + interval '1 hour')",
                        trigger + " on sor.ddl_audit");
                db.exec("alter table sor.ddl_audit disable trigger " + trigger);
                assertFailsOnly(db, AUDIT_TRIGGERS, trigger + " on sor.ddl_audit");
                db.exec("alter table sor.ddl_audit enable trigger " + trigger);
                assertFailsOnly(db, AUDIT_TRIGGERS, trigger + " on sor.ddl_audit");
                db.exec("alter table sor.ddl_audit enable always trigger " + trigger);
                assertThat(failing(db)).isEmpty();
            }
            Sql.run(approver, "select sor_api.approve_ddl('drop trigger', ?, 'CHG-8', 'branch b', now() + interval '1 hour')",
                    "ddl_approvals_refuse_update_delete on sor.ddl_approvals");
            db.exec("drop trigger ddl_approvals_refuse_update_delete on sor.ddl_approvals");
            assertFailsOnly(db, AUDIT_TRIGGERS, "ddl_approvals_refuse_update_delete on sor.ddl_approvals");
            assertThat(db.count("select count(*) from sor.ddl_audit")).isEqualTo(3);
        }
    }
}
