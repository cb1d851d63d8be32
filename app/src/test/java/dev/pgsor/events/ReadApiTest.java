package dev.pgsor.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgsor.support.TestDatabase.Sql;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The events view isolates tenants under forced RLS; read_stream reads one stream in order. */
class ReadApiTest {

    static Fixture fx;
    static List<Long> acme;
    static List<Long> globex;

    @BeforeAll
    static void setUp() throws Exception {
        fx = new Fixture();
        acme = Fixture.append(fx.acmeWorker, "acme", "expense-1", 4);
        globex = Fixture.append(fx.globexWorker, "globex", "expense-1", 2);
    }

    @AfterAll
    static void tearDown() {
        fx.close();
    }

    @Test
    void tenantUserSeesExactlyItsTenantsEventsInTheView() {
        assertThat(Sql.rows(fx.acmeUser, "select position from sor_api.events order by position"))
                .containsExactlyElementsOf(acme.stream().map(List::<Object>of).toList());
        assertThat(Sql.rows(fx.globexUser, "select position from sor_api.events order by position"))
                .containsExactlyElementsOf(globex.stream().map(List::<Object>of).toList());
        assertThat(Sql.rows(fx.acmeUser, "select count(*) from sor_api.events where tenant_id = 'globex'"))
                .containsExactly(List.of(0L));
        assertThat(Sql.rows(fx.outsider, "select * from sor_api.events")).isEmpty();
        assertThat(Sql.rows(fx.auditor, "select tenant_id, count(*) from sor_api.events group by 1 order by 1"))
                .containsExactly(List.of("acme", 4L), List.of("globex", 2L));
    }

    @Test
    void viewShowsTheChainInHex() {
        List<List<Object>> rows = Sql.rows(fx.acmeUser,
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
        try (Connection c = fx.acmeUser.connect()) {
            Sql.scalar(c, "select set_config('app.tenant_id', 'globex', false)");
            assertThat(Sql.rows(c, "select distinct tenant_id from sor_api.events")).containsExactly(List.of("acme"));
        }
    }

    @Test
    void memberReadsItsStreamInVersionOrder() {
        assertThat(Sql.rows(fx.acmeWorker, "select position, version from sor_api.read_stream('acme', 'expense-1')"))
                .containsExactly(List.of(acme.get(0), 1), List.of(acme.get(1), 2), List.of(acme.get(2), 3), List.of(acme.get(3), 4));
        assertThat(Sql.rows(fx.acmeUser, "select version from sor_api.read_stream('acme', 'expense-1', 2, 2)"))
                .containsExactly(List.of(2), List.of(3));
        assertThat(Sql.rows(fx.acmeWorker, "select version from sor_api.read_stream('acme', 'expense-1', 9, 10)")).isEmpty();
        assertThat(Sql.rows(fx.auditor, "select version from sor_api.read_stream('globex', 'expense-1')"))
                .containsExactly(List.of(1), List.of(2));
    }

    @Test
    void readStreamRefusesNonMembersUnknownStreamsAndBadInput() {
        assertThatThrownBy(() -> Sql.run(fx.acmeWorker, "select * from sor_api.read_stream('globex', 'expense-1')"))
                .extracting("SQLState").isEqualTo("SR014");
        assertThatThrownBy(() -> Sql.run(fx.outsider, "select * from sor_api.read_stream('acme', 'expense-1')"))
                .extracting("SQLState").isEqualTo("SR014");
        assertThatThrownBy(() -> Sql.run(fx.acmeWorker, "select * from sor_api.read_stream('acme', 'expense-404')"))
                .extracting("SQLState").isEqualTo("SR015");
        assertThatThrownBy(() -> Sql.run(fx.auditor, "select * from sor_api.read_stream('initech', 'expense-1')"))
                .extracting("SQLState").isEqualTo("SR002");
        for (String sql : List.of("select * from sor_api.read_stream(null, 'expense-1')",
                "select * from sor_api.read_stream('acme', null)", "select * from sor_api.read_stream('acme', 'expense-1', 0)",
                "select * from sor_api.read_stream('acme', 'expense-1', null)")) {
            assertThatThrownBy(() -> Sql.run(fx.acmeWorker, sql)).as(sql).extracting("SQLState").isEqualTo("SR011");
        }
        for (String sql : List.of("select * from sor_api.read_stream('acme', 'expense-1', 1, 0)",
                "select * from sor_api.read_stream('acme', 'expense-1', 1, null)",
                "select * from sor_api.read_stream('acme', 'expense-1', 1, 1000000)")) {
            assertThatThrownBy(() -> Sql.run(fx.acmeWorker, sql)).as(sql).extracting("SQLState").isEqualTo("SR016");
        }
    }
}
