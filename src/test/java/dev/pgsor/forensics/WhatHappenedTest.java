package dev.pgsor.forensics;

import static dev.pgsor.forensics.Forensics.beginTool;
import static dev.pgsor.forensics.Forensics.dispatchAll;
import static dev.pgsor.forensics.Forensics.startRun;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** what_happened answers from sor.events alone: exactly the events of the window, per tenant. */
@SorTest(reconciler = true)
class WhatHappenedTest {

    static final String WINDOW = "select event_position from sor_api.what_happened(?::timestamptz, ?::timestamptz, ?)";

    static SorDatabase db;
    static Database auditor;
    static Database acmeMember;
    static Database globexMember;
    static String from;
    static String to;
    static UUID acmeRun;

    /** The database clock, as text, for window bounds. */
    private static String now() {
        return (String) db.scalar("select clock_timestamp()::text");
    }

    @BeforeAll
    static void setUp(SorDatabase database) throws Exception {
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.addTenant("globex", "Globex");
        db.exec("select sor_api.create_queue('bank-rows', 'Bank statement rows to reconcile')");
        auditor = db.auditor();
        acmeMember = db.tenantUser("acme");
        globexMember = db.tenantUser("globex");
        Database acmeWorker = db.worker("expense-reconciler", "acme");
        Database globexWorker = db.worker("expense-reconciler", "globex");
        Database dispatcher = db.dispatcher("acme", "globex");
        try (Connection c = acmeWorker.connect()) {
            Sql.scalar(c, "select sor_api.enqueue_task('acme', 'bank-rows', 'before the window')");
        }
        from = now();
        try (Connection a = acmeWorker.connect(); Connection g = globexWorker.connect()) {
            Sql.scalar(a, "select sor_api.enqueue_task('acme', 'bank-rows', 'row 1')");
            acmeRun = startRun(a, "acme", 60);
            UUID globexRun = startRun(g, "globex", 60);
            Sql.rows(a, "select * from sor_api.commit_step(?, 's1', 0, '{}', '[]',"
                    + " '[{\"type\": \"email.send\", \"to\": \"alice@example.com\"}]')", acmeRun);
            beginTool(g, globexRun, "classify_txn", "{}");
            Sql.scalar(g, "select sor_api.finish_run(?, 'failed', '{\"reason\": \"no rows\"}')", globexRun);
        }
        dispatchAll(dispatcher, "prov");
        to = now();
        try (Connection c = acmeWorker.connect()) {
            Sql.scalar(c, "select sor_api.finish_run(?, 'succeeded')", acmeRun);
        }
    }

    private static List<Object> positions(Database reader, String tenant) {
        return Sql.rows(reader, WINDOW, from, to, tenant).stream().map(r -> r.get(0)).toList();
    }

    private static List<Object> expected(String tenantFilter) {
        return Sql.rows(db.admin(), "select position from sor.events where occurred_at >= ?::timestamptz"
                + " and occurred_at < ?::timestamptz and " + tenantFilter + " order by position", from, to)
                .stream().map(r -> r.get(0)).toList();
    }

    @Test
    void theAuditorReadsExactlyTheEventsOfTheWindowInPositionOrder() {
        List<Object> all = expected("true");
        assertThat(all).hasSize(6);
        assertThat(positions(auditor, null)).isEqualTo(all);
        assertThat(positions(auditor, "globex")).isEqualTo(expected("tenant_id = 'globex'"));
        assertThat(Sql.rows(auditor, "select type, tenant, actor is not null, summary is not null"
                + " from sor_api.what_happened(?::timestamptz, ?::timestamptz) order by event_position", from, to)
                .stream().map(r -> r.get(1) + " " + r.get(0)).toList())
                .containsExactly("acme run_started", "globex run_started", "acme run_state_committed",
                        "globex run_failed", "acme outbox.leased", "acme outbox.dispatched");

    }

    @Test
    void aTenantMemberReadsOnlyItsOwnTenantsEvents() {
        assertThat(positions(acmeMember, null)).isEqualTo(expected("tenant_id = 'acme'")).isNotEmpty();
        assertThat(positions(acmeMember, "acme")).isEqualTo(expected("tenant_id = 'acme'"));
        assertThat(positions(globexMember, null)).isEqualTo(expected("tenant_id = 'globex'")).isNotEmpty();
        assertRefused("SR008", () -> Sql.run(globexMember, WINDOW, from, to, "acme"));
        assertRefused("SR008", () -> Sql.run(acmeMember, WINDOW, from, to, "nope"));
    }

    @Test
    void everyEventHasAReadableSummaryLine() {
        List<String> lines = Sql.rows(auditor, "select summary from sor_api.what_happened(?::timestamptz, ?::timestamptz, 'acme')"
                + " order by event_position", from, to).stream().map(r -> (String) r.get(0)).toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).isEqualTo("run-" + acmeRun + " started (workflow reconcile, Worker "
                + db.scalar("select worker_role::text from sor.runs where run_id = ?", acmeRun) + " of kind expense-reconciler)"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("dispatched by", "provider reference prov-"));
        assertThat(lines).noneMatch(l -> l.contains("before the window"));
        assertThat((String) Sql.scalar(globexMember, "select summary from sor_api.what_happened(?::timestamptz, ?::timestamptz)"
                + " where type = 'run_failed'", from, to)).endsWith("failed at version 0: {\"reason\": \"no rows\"}");
    }

    @Test
    void aBadWindowIsRefused() {
        assertRefused("SR092", () -> Sql.run(auditor, WINDOW, to, from, null));
        assertRefused("SR092", () -> Sql.run(auditor, WINDOW, null, to, null));
        assertRefused("SR092", () -> Sql.run(auditor, WINDOW, from, null, null));
        assertRefused("SR093", () -> Sql.run(auditor, "select * from sor_api.what_happened(now() - interval '32 days', now())"));
        assertThat(Sql.rows(auditor, "select * from sor_api.what_happened(now() - interval '31 days', now())")).isNotEmpty();
        assertThat(Sql.rows(auditor, WINDOW, from, from, null)).isEmpty();
        assertRefused("42501", () -> Sql.run(db.dispatcher(), WINDOW, from, to, null));
    }
}
