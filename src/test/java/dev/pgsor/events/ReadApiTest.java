package dev.pgsor.events;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The events view isolates tenants under forced RLS; read_stream reads one stream in order. */
@SorTest(reconciler = true)
class ReadApiTest {

    static SorDatabase db;
    static Database acmeWorker;
    static Database globexWorker;
    static Database acmeUser;
    static Database globexUser;
    static Database auditor;
    static Database outsider;
    static List<Long> acme;
    static List<Long> globex;

    @BeforeAll
    static void setUp(SorDatabase database) throws Exception {
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.addTenant("globex", "Globex");
        acmeWorker = db.worker("expense-reconciler", "acme");
        globexWorker = db.worker("expense-reconciler", "globex");
        acmeUser = db.tenantUser("acme");
        globexUser = db.tenantUser("globex");
        auditor = db.auditor();
        outsider = db.loginRole("nobody", "sor_worker", "sor_tenant");
        acme = Events.append(acmeWorker, "acme", "expense-1", 4);
        globex = Events.append(globexWorker, "globex", "expense-1", 2);
    }

    @Test
    void tenantUserSeesExactlyItsTenantsEventsInTheView() {
        assertThat(Sql.rows(acmeUser, "select position from sor_api.events order by position"))
                .containsExactlyElementsOf(acme.stream().map(List::<Object>of).toList());
        assertThat(Sql.rows(globexUser, "select position from sor_api.events order by position"))
                .containsExactlyElementsOf(globex.stream().map(List::<Object>of).toList());
        assertThat(Sql.rows(acmeUser, "select count(*) from sor_api.events where tenant_id = 'globex'"))
                .containsExactly(List.of(0L));
        assertThat(Sql.rows(outsider, "select * from sor_api.events")).isEmpty();
        assertThat(Sql.rows(auditor, "select tenant_id, count(*) from sor_api.events group by 1 order by 1"))
                .containsExactly(List.of("acme", 4L), List.of("globex", 2L));
    }

    @Test
    void viewShowsTheChainInHex() {
        List<List<Object>> rows = Sql.rows(acmeUser,
                "select version, prev_hash, hash from sor_api.events where stream = 'expense-1' order by version");
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0).get(1)).isNull();
        for (int i = 1; i < rows.size(); i++) {
            assertThat(rows.get(i).get(1)).isEqualTo(rows.get(i - 1).get(2));
            assertThat((String) rows.get(i).get(2)).hasSize(64);
        }
    }

    @Test
    void gucsDoNotWidenTheView() throws Exception {
        try (Connection c = acmeUser.connect()) {
            Sql.scalar(c, "select set_config('app.tenant_id', 'globex', false)");
            assertThat(Sql.rows(c, "select distinct tenant_id from sor_api.events")).containsExactly(List.of("acme"));
        }
    }

    @Test
    void memberReadsItsStreamInVersionOrder() {
        assertThat(Sql.rows(acmeWorker, "select position, version from sor_api.read_stream('acme', 'expense-1')"))
                .containsExactly(List.of(acme.get(0), 1), List.of(acme.get(1), 2), List.of(acme.get(2), 3), List.of(acme.get(3), 4));
        assertThat(Sql.rows(acmeUser, "select version from sor_api.read_stream('acme', 'expense-1', 2, 2)"))
                .containsExactly(List.of(2), List.of(3));
        assertThat(Sql.rows(acmeWorker, "select version from sor_api.read_stream('acme', 'expense-1', 9, 10)")).isEmpty();
        assertThat(Sql.rows(auditor, "select version from sor_api.read_stream('globex', 'expense-1')"))
                .containsExactly(List.of(1), List.of(2));
    }

    @Test
    void readStreamRefusesNonMembersUnknownStreamsAndBadInput() {
        assertRefused("SR008", () -> Sql.run(acmeWorker, "select * from sor_api.read_stream('globex', 'expense-1')"));
        assertRefused("SR008", () -> Sql.run(outsider, "select * from sor_api.read_stream('acme', 'expense-1')"));
        assertRefused("SR015", () -> Sql.run(acmeWorker, "select * from sor_api.read_stream('acme', 'expense-404')"));
        // an auditor reads every tenant and may know them all: to it an unknown tenant is named as such
        assertRefused("SR002", () -> Sql.run(auditor, "select * from sor_api.read_stream('initech', 'expense-1')"));
        assertRefused("SR002", () -> Sql.run(auditor, "select * from sor_api.tenant_events_since('initech', 0)"));
        assertRefused("SR002", () -> Sql.run(auditor, "select * from sor_api.subscribe('initech', 'audit.copy')"));
        assertRefused("SR002", () -> Sql.run(auditor, "select sor_api.wakeup_channel('events', 'initech')"));
        for (String sql : List.of("select * from sor_api.read_stream(null, 'expense-1')",
                "select * from sor_api.read_stream('acme', null)", "select * from sor_api.read_stream('acme', 'expense-1', 0)",
                "select * from sor_api.read_stream('acme', 'expense-1', null)")) {
            assertRefused("SR011", sql, () -> Sql.run(acmeWorker, sql));
        }
        for (String sql : List.of("select * from sor_api.read_stream('acme', 'expense-1', 1, 0)",
                "select * from sor_api.read_stream('acme', 'expense-1', 1, null)",
                "select * from sor_api.read_stream('acme', 'expense-1', 1, 1000000)")) {
            assertRefused("SR016", sql, () -> Sql.run(acmeWorker, sql));
        }
    }
}
