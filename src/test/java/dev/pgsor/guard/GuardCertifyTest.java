package dev.pgsor.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.db.Certification.Check;
import dev.pgsor.db.Certification;
import dev.pgsor.db.SchemaSnapshot;
import dev.pgsor.runtime.Database;
import dev.pgsor.support.Repo;
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

    static final String EVENT_TRIGGERS = "drop guard event triggers are installed and ENABLE ALWAYS";
    static final String REGISTER = "the live catalog matches the register of protected objects";
    static final String APPEND_ONLY = "append-only tables refuse UPDATE, DELETE and TRUNCATE (ENABLE ALWAYS)";
    static final List<String> GUARD_TRIGGERS = List.of("sor_guard_1_start", "sor_guard_2_drop", "sor_guard_3_drop_watch",
            "sor_guard_4_end", "sor_guard_5_end_watch", "sor_guard_6_rewrite");

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

    /** Exactly these (check, object) rows fail. */
    private static void assertFailing(SorDatabase db, List<String> expected) throws SQLException {
        assertThat(failing(db)).extracting(r -> r.check() + " / " + r.object()).containsExactlyInAnyOrderElementsOf(expected);
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
                    + " and (pg_identify_object('pg_proc'::regclass, t.tgfoid, 0)).identity in"
                    + " (select identity from sor_guard.classes where class in ('refusal', 'chain', 'audit'))")).isZero();
            assertThat(db.count("select count(*) from sor_guard.registered where reason in ('approved', 'recorded')")).isZero();
        }
    }

    @Test
    void certifyFailsWhenAGuardEventTriggerIsDisabledOrMissing() throws SQLException {
        try (SorDatabase db = suite.fresh()) {
            assertThat(failing(db)).isEmpty();
            for (String name : GUARD_TRIGGERS) {
                List<String> expected = List.of(EVENT_TRIGGERS + " / " + name, REGISTER + " / event trigger " + name);
                db.exec("alter event trigger " + name + " disable");
                assertFailing(db, expected);
                db.exec("alter event trigger " + name + " enable");
                assertFailing(db, expected);
                db.exec("alter event trigger " + name + " enable always");
                assertThat(failing(db)).isEmpty();
            }
            db.exec("drop event trigger sor_guard_4_end");
            assertFailing(db, List.of(EVENT_TRIGGERS + " / sor_guard_4_end", REGISTER + " / event trigger sor_guard_4_end"));
        }
    }

    @Test
    void aSuperuserWhoTurnsTheGuardOffGetsPastItButNotPastCertify() throws SQLException {
        try (SorDatabase db = suite.fresh()) {
            db.exec("alter event trigger sor_guard_2_drop disable");
            db.exec("drop policy tenants_tenant_select on sor.tenants");
            assertFailing(db, List.of(EVENT_TRIGGERS + " / sor_guard_2_drop", REGISTER + " / event trigger sor_guard_2_drop",
                    REGISTER + " / policy tenants_tenant_select on sor.tenants"));
        }
    }

    @Test
    void anApprovedChangeToTheAuditsRefusingTriggersStillFailsTheAppendOnlyCheck() throws SQLException {
        try (SorDatabase db = suite.fresh()) {
            Database approver = db.approver();
            for (String trigger : List.of("ddl_audit_refuse_update_delete", "ddl_audit_refuse_truncate")) {
                Sql.run(approver, "select sor_api.approve_ddl('disable trigger', ?, 'CHG-7', 'branch b', now() + interval '1 hour')",
                        trigger + " on sor.ddl_audit");
                db.exec("alter table sor.ddl_audit disable trigger " + trigger);
                assertThat(failing(db)).extracting(r -> r.check() + " / " + r.object())
                        .isNotEmpty().allSatisfy(r -> assertThat(r).startsWith(APPEND_ONLY + " / sor.ddl_audit: "));
                db.exec("alter table sor.ddl_audit enable always trigger " + trigger);
                assertThat(failing(db)).isEmpty();
            }
            Sql.run(approver, "select sor_api.approve_ddl('drop trigger', ?, 'CHG-8', 'branch b', now() + interval '1 hour')",
                    "ddl_approvals_refuse_update_delete on sor.ddl_approvals");
            db.exec("drop trigger ddl_approvals_refuse_update_delete on sor.ddl_approvals");
            assertThat(db.rows("select operation, object_identity, outcome from sor.ddl_audit order by audit_id")).containsExactly(
                    List.of("disable trigger", "ddl_audit_refuse_update_delete on sor.ddl_audit", "allowed"),
                    List.of("disable trigger", "ddl_audit_refuse_truncate on sor.ddl_audit", "allowed"),
                    List.of("drop trigger", "ddl_approvals_refuse_update_delete on sor.ddl_approvals", "allowed"));
            assertThat(db.scalar("select present from sor_guard.registered where kind = 'trigger'"
                    + " and identity = 'ddl_approvals_refuse_update_delete on sor.ddl_approvals'")).isEqualTo(false);
        }
    }
}
