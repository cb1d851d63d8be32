package dev.pgsor.events;

import static dev.pgsor.testkit.SorAssertions.assertNothingWritten;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * sor.events is append-only for every role: the superuser admin, the owner, and a session in
 * replica mode get SR010 for UPDATE, DELETE, TRUNCATE and INSERT ... ON CONFLICT DO UPDATE, and
 * nothing changes. Workers and tenants hold no write grant at all.
 */
@SorTest(reconciler = true)
class AppendOnlyTest {

    static SorDatabase db;
    static Database acmeWorker;
    static Database acmeUser;
    static Database globexUser;
    static Database auditor;
    static Database outsider;

    static final List<String> CHANGES = List.of(
            "update sor.events set payload = '{\"forged\": true}' where stream = 'expense-1'",
            "update sor.events set type = 'X' where false",
            "delete from sor.events where stream = 'expense-1' and version = 2",
            "delete from sor.events where false",
            "truncate sor.events",
            "truncate sor.events cascade",
            "insert into sor.events (tenant_id, stream, version, type, hash) values ('acme', 'expense-1', 1, 'Forged', '\\x00')"
                    + " on conflict (tenant_id, position, occurred_at) do update set payload = '{\"forged\": true}'",
            "insert into sor.events (tenant_id, position, stream, version, type, hash) values ('acme', 1, 'expense-1', 1, 'Forged', '\\x00')"
                    + " on conflict on constraint events_pkey do update set type = 'Forged'");

    @BeforeAll
    static void setUp(SorDatabase database) throws Exception {
        db = database;
        db.addTenants("acme", "globex");
        acmeWorker = db.worker("expense-reconciler", "acme");
        Database globexWorker = db.worker("expense-reconciler", "globex");
        acmeUser = db.tenantUser("acme");
        globexUser = db.tenantUser("globex");
        auditor = db.auditor();
        outsider = db.loginRole("nobody", "sor_worker", "sor_tenant");
        Events.append(acmeWorker, "acme", "expense-1", 3);
        Events.append(globexWorker, "globex", "expense-1", 2);
    }

    private static void assertAllRefused(String prelude) {
        for (String change : CHANGES) {
            assertRefusedAndNothingWritten(db, "SR010", change, () -> {
                try (Connection c = db.admin().connect(); Statement st = c.createStatement()) {
                    if (prelude != null) {
                        st.execute(prelude);
                    }
                    st.execute(change);
                }
            });
        }
    }

    @Test
    void superuserAdminIsRefused_SR010() throws Exception {
        assertAllRefused(null);
    }

    @Test
    void ownerIsRefused_SR010() throws Exception {
        assertAllRefused("set role sor_owner");
    }

    @Test
    void replicaSessionCannotSilenceTheTriggers_SR010() throws Exception {
        assertAllRefused("set session_replication_role = replica");
    }

    @Test
    void replicaOwnerSessionIsRefusedToo_SR010() throws Exception {
        assertAllRefused("set session_replication_role = replica; set role sor_owner");
    }

    @Test
    void theRegistryOfAppendOnlyTablesIsAppendOnlyItself_SR010() throws Exception {
        for (String change : List.of("delete from sor.append_only_tables where table_name = 'events'",
                "update sor.append_only_tables set table_name = 'other'", "truncate sor.append_only_tables")) {
            assertRefusedAndNothingWritten(db, "SR010", change, () -> {
                try (Connection c = db.admin().connect(); Statement st = c.createStatement()) {
                    st.execute("set session_replication_role = replica");
                    st.execute(change);
                }
            });
        }
    }

    @Test
    void workersHaveNoGrantOnTheTable_42501() {
        assertNoAccess(acmeWorker, true);
    }

    @Test
    void tenantsHaveNoWriteGrant_42501() {
        assertNoAccess(acmeUser, false);
    }

    private static void assertNoAccess(Database role, boolean noReadEither) {
        List<String> writes = List.of(
                "insert into sor.events (tenant_id, stream, version, type, hash) values ('acme', 'expense-9', 1, 'X', '\\x00')",
                "update sor.events set payload = '{}'",
                "delete from sor.events",
                "truncate sor.events");
        assertNothingWritten(db, () -> {
            for (String sql : writes) {
                assertRefused("42501", sql, () -> Sql.run(role, sql));
            }
            if (noReadEither) {
                assertRefused("42501", () -> Sql.run(role, "select * from sor.events"));
                assertRefused("42501", () -> Sql.run(role, "select * from sor_api.events"));
            }
        });
    }

    @Test
    void tenantReadsTheTableOnlyThroughRowLevelSecurity() {
        assertThat(Sql.rows(acmeUser, "select distinct tenant_id from sor.events")).containsExactly(List.of("acme"));
        assertThat(Sql.rows(globexUser, "select distinct tenant_id from sor.events")).containsExactly(List.of("globex"));
        assertThat(Sql.rows(outsider, "select * from sor.events")).isEmpty();
        assertThat(Sql.rows(auditor, "select distinct tenant_id from sor.events order by 1"))
                .containsExactly(List.of("acme"), List.of("globex"));
    }

    @Test
    void superusersPlainInsertCannotChooseTheChainFields() throws Exception {
        String head = (String) db.scalar("select encode(hash, 'hex') from sor.events where tenant_id = 'acme' and stream = 'expense-1' and version = 3");
        // the statement trigger refuses rows whose stamps or links are not the database's: another time,
        assertRefusedAndNothingWritten(db, "SR011", "a forged occurred_at", () -> Sql.run(db.admin(),
                "insert into sor.events (tenant_id, position, stream, version, type, actor, occurred_at, tx_id, prev_hash, hash)"
                + " values ('acme', 1, 'expense-1', 1, 'Forged', 'sor_owner', '2000-01-01', '1', null, sha256('x'))"));
        // another actor, transaction, version and link,
        assertRefusedAndNothingWritten(db, "SR011", "forged chain fields", () -> Sql.run(db.admin(),
                "insert into sor.events (tenant_id, position, stream, version, type, actor, tx_id, prev_hash, hash)"
                + " values ('acme', 1, 'expense-1', 1, 'Forged', 'sor_owner', '1', null, sha256('x'))"));
        // or the right version after the wrong link
        assertRefusedAndNothingWritten(db, "SR011", "a forged link", () -> Sql.run(db.admin(),
                "insert into sor.events (tenant_id, position, stream, version, type, prev_hash, hash)"
                + " values ('acme', nextval('sor.events_position_seq'), 'expense-1', 4, 'Forged', sha256('x'), sha256('x'))"));
        // or the right version and link with another actor, time or transaction
        for (String forged : List.of("actor", "occurred_at", "tx_id")) {
            String value = switch (forged) {
                case "actor" -> "'sor_owner'";
                case "occurred_at" -> "now() - interval '1 second'";
                default -> "'1'::xid8";
            };
            assertRefusedAndNothingWritten(db, "SR011", "the right link with a forged " + forged, () -> Sql.run(db.admin(),
                    "insert into sor.events (tenant_id, position, stream, version, type, prev_hash, hash, " + forged + ")"
                    + " values ('acme', nextval('sor.events_position_seq'), 'expense-1', 4, 'Forged', decode('" + head + "', 'hex'), sha256('x'), "
                    + value + ")"));
        }
        assertThat(db.scalar("select encode(last_hash, 'hex') from sor.streams where tenant_id = 'acme' and stream = 'expense-1'"))
                .isEqualTo(head);
        assertThat(Sql.rows(auditor, "select * from sor_api.verify_events('acme', 'expense-1')")).isEmpty();
    }
}
