package dev.pgsor.forensics;

import static dev.pgsor.forensics.ForensicsFixture.beginTool;
import static dev.pgsor.forensics.ForensicsFixture.dispatchAll;
import static dev.pgsor.forensics.ForensicsFixture.startRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgsor.db.Database;
import dev.pgsor.support.TestDatabase.Sql;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** what_happened answers from sor.events alone: exactly the events of the window, per tenant. */
class WhatHappenedTest {

    static final String WINDOW = "select event_position from sor_api.what_happened(?::timestamptz, ?::timestamptz, ?)";

    static ForensicsFixture fx;
    static Database auditor;
    static Database acmeMember;
    static Database globexMember;
    static String from;
    static String to;
    static UUID acmeRun;

    @BeforeAll
    static void setUp() throws Exception {
        fx = new ForensicsFixture();
        auditor = fx.role("sor_auditor");
        acmeMember = fx.role("sor_tenant", "acme");
        globexMember = fx.role("sor_tenant", "globex");
        Database acmeWorker = fx.worker("acme");
        Database globexWorker = fx.worker("globex");
        Database dispatcher = fx.role("sor_dispatcher");
        try (Connection c = acmeWorker.connect()) {
            Sql.scalar(c, "select sor_api.enqueue_task('acme', 'bank-rows', 'before the window')");
        }
        from = fx.now();
        try (Connection a = acmeWorker.connect(); Connection g = globexWorker.connect()) {
            Sql.scalar(a, "select sor_api.enqueue_task('acme', 'bank-rows', 'row 1')");
            acmeRun = startRun(a, "acme", 60);
            UUID globexRun = startRun(g, "globex", 60);
            Sql.rows(a, "select * from sor_api.commit_step(?, 's1', 0, '{}', '[]',"
                    + " '[{\"type\": \"email.send\", \"to\": \"alice@example.com\"}]')", acmeRun);
            beginTool(g, globexRun, "categorise", "{}");
            Sql.scalar(g, "select sor_api.finish_run(?, 'failed', '{\"reason\": \"no rows\"}')", globexRun);
        }
        dispatchAll(dispatcher, "prov");
        to = fx.now();
        try (Connection c = acmeWorker.connect()) {
            Sql.scalar(c, "select sor_api.finish_run(?, 'succeeded')", acmeRun);
        }
    }

    @AfterAll
    static void tearDown() {
        fx.close();
    }

    private static List<Object> positions(Database reader, String tenant) {
        return Sql.rows(reader, WINDOW, from, to, tenant).stream().map(r -> r.get(0)).toList();
    }

    private static List<Object> expected(String tenantFilter) {
        return Sql.rows(fx.db.admin(), "select position from sor.events where occurred_at >= ?::timestamptz"
                + " and occurred_at < ?::timestamptz and " + tenantFilter + " order by position", from, to)
                .stream().map(r -> r.get(0)).toList();
    }

    @Test
    void theAuditorReadsExactlyTheEventsOfTheWindowInPositionOrder() {
        List<Object> all = expected("true");
        assertThat(all).hasSize(8);
        assertThat(positions(auditor, null)).isEqualTo(all);
        assertThat(positions(auditor, "globex")).isEqualTo(expected("tenant_id = 'globex'"));
        assertThat(Sql.rows(auditor, "select type, tenant, actor is not null, summary is not null"
                + " from sor_api.what_happened(?::timestamptz, ?::timestamptz) order by event_position", from, to)
                .stream().map(r -> r.get(1) + " " + r.get(0)).toList())
                .containsExactly("acme task.enqueued", "acme run_started", "globex run_started", "acme run_state_committed",
                        "acme outbox.queued", "globex run_failed", "acme outbox.leased", "acme outbox.dispatched");

    }

    @Test
    void aTenantMemberReadsOnlyItsOwnTenantsEvents() {
        assertThat(positions(acmeMember, null)).isEqualTo(expected("tenant_id = 'acme'")).isNotEmpty();
        assertThat(positions(acmeMember, "acme")).isEqualTo(expected("tenant_id = 'acme'"));
        assertThat(positions(globexMember, null)).isEqualTo(expected("tenant_id = 'globex'")).isNotEmpty();
        assertThatThrownBy(() -> Sql.run(globexMember, WINDOW, from, to, "acme")).extracting("SQLState").isEqualTo("SR094");
        assertThatThrownBy(() -> Sql.run(acmeMember, WINDOW, from, to, "nope")).extracting("SQLState").isEqualTo("SR002");
    }

    @Test
    void everyEventHasAReadableSummaryLine() {
        List<String> lines = Sql.rows(auditor, "select summary from sor_api.what_happened(?::timestamptz, ?::timestamptz, 'acme')"
                + " order by event_position", from, to).stream().map(r -> (String) r.get(0)).toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).isEqualTo("run-" + acmeRun + " started (workflow reconcile, Worker "
                + fx.db.scalar("select worker_role::text from sor.runs where run_id = ?", acmeRun) + " of kind expense-reconciler)"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("task ").endsWith(" enqueued on bank-rows: row 1"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("dispatched by", "provider reference prov-"));
        assertThat(lines).noneMatch(l -> l.contains("before the window"));
        assertThat((String) Sql.scalar(globexMember, "select summary from sor_api.what_happened(?::timestamptz, ?::timestamptz)"
                + " where type = 'run_failed'", from, to)).endsWith("failed at version 0: {\"reason\": \"no rows\"}");
    }

    @Test
    void aBadWindowIsRefused() {
        assertThatThrownBy(() -> Sql.run(auditor, WINDOW, to, from, null)).extracting("SQLState").isEqualTo("SR092");
        assertThatThrownBy(() -> Sql.run(auditor, WINDOW, null, to, null)).extracting("SQLState").isEqualTo("SR092");
        assertThatThrownBy(() -> Sql.run(auditor, WINDOW, from, null, null)).extracting("SQLState").isEqualTo("SR092");
        assertThatThrownBy(() -> Sql.run(auditor, "select * from sor_api.what_happened(now() - interval '32 days', now())"))
                .extracting("SQLState").isEqualTo("SR093");
        assertThat(Sql.rows(auditor, "select * from sor_api.what_happened(now() - interval '31 days', now())")).isNotEmpty();
        assertThat(Sql.rows(auditor, WINDOW, from, from, null)).isEmpty();
        assertThatThrownBy(() -> Sql.run(fx.role("sor_dispatcher"), WINDOW, from, to, null))
                .extracting("SQLState").isEqualTo("42501");
    }
}
