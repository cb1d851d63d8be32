package dev.pgsor.guard;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.db.SchemaSnapshot;
import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * The partitions of the kit's partitioned tables: ATTACH PARTITION and DETACH PARTITION (and
 * CREATE TABLE ... PARTITION OF outside the kit's shape) need an approval, for the superuser and
 * for sor_owner; DETACH ... CONCURRENTLY / FINALIZE is refused; a partition attached past the
 * guard is named by certify() and verify_events; the kit's own paths need nothing new.
 */
@SorTest
class PartitionGuardTest {

    static final List<String> RUNNERS = List.of("reset role", "set role sor_owner");

    static final String ATTACH = "alter table sor.events attach partition sor.forged for values from ('2020-01-01') to ('2020-02-01')";

    SorDatabase db;
    Database approver;

    @BeforeEach
    void setUp(SorDatabase suite) {
        db = suite.fresh();
        approver = db.approver();
        // a table holding an event no append chained, ready to be attached
        db.exec("""
                set role sor_owner;
                create table sor.forged (like sor.events including defaults including constraints);
                insert into sor.forged (tenant_id, position, stream, version, type, actor, occurred_at, hash)
                values ('acme', 999999, 'forged-1', 1, 'Forged', 'mallory', '2020-01-15', sha256('x'));
                reset role;
                """);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private String snapshot() throws SQLException {
        try (Connection c = db.admin().connect()) {
            return SchemaSnapshot.render(c);
        }
    }

    private void runAs(String runner, String sql) throws SQLException {
        try (Connection c = db.admin().connect(); Statement st = c.createStatement()) {
            st.execute(runner);
            st.execute(sql);
        }
    }

    /** SR020 with the hint naming the approval that would allow it; nothing written, catalog unchanged. */
    private void assertGuardRefuses(String runner, String sql, String operation, String object) throws SQLException {
        String before = snapshot();
        SQLException e = assertRefusedAndNothingWritten(db, "SR020", runner + "; " + sql, () -> runAs(runner, sql));
        assertThat(((PSQLException) e).getServerErrorMessage().getHint())
                .as(sql).contains("select sor_api.approve_ddl('" + operation + "', '" + object + "', ");
        assertThat(snapshot()).as("catalog after " + sql).isEqualTo(before);
    }

    private long approve(String operation, String object) throws SQLException {
        try (Connection c = approver.connect()) {
            return ((Number) Sql.scalar(c, "select sor_api.approve_ddl(?, ?, 'CHG-7', 'branch sor_rehearsal_1',"
                    + " now() + interval '1 hour')", operation, object)).longValue();
        }
    }

    private List<List<Object>> failingPartitionRows() {
        return db.rows("select c.object, c.detail from sor_api.certify() c"
                + " where not c.ok and c.check = 'every partition of a kit table is the kit''s own'");
    }

    @Test
    void attachDetachAndForeignPartitionsAreRefusedForTheAdminAndTheOwner_SR020() throws SQLException {
        String month = (String) db.scalar("select partition_name from sor_api.partitions where parent_table = 'sor.events'"
                + " and not is_default order by range_from limit 1");
        for (String runner : RUNNERS) {
            assertGuardRefuses(runner, ATTACH, "attach partition", "sor.forged");
            assertGuardRefuses(runner, "alter table sor.events detach partition " + month, "detach partition", month);
            assertGuardRefuses(runner, "alter table sor.outbox detach partition sor.outbox_default", "detach partition",
                    "sor.outbox_default");
            assertGuardRefuses(runner, "create table sor.events_old partition of sor.events"
                    + " for values from ('2019-01-01') to ('2019-02-01')", "attach partition", "sor.events_old");
            // the kit's name with another range is not the kit's partition
            assertGuardRefuses(runner, "create table sor.events_p201905 partition of sor.events"
                    + " for values from ('2019-05-01') to ('2019-07-01')", "attach partition", "sor.events_p201905");
            for (String how : List.of("concurrently", "finalize")) {
                String sql = "alter table sor.events detach partition " + month + " " + how;
                SQLException e = assertRefused("SR020", runner + "; " + sql, () -> runAs(runner, sql));
                assertThat(((PSQLException) e).getServerErrorMessage().getHint())
                        .contains("select sor_api.approve_ddl('detach partition', '" + month + "', ");
            }
        }
        assertThat(db.count("select count(*) from sor.events where tenant_id = 'acme'")).isZero();
        assertThat(db.count("select count(*) from pg_inherits where inhrelid = 'sor.forged'::regclass")).isZero();
        assertThat(failingPartitionRows()).isEmpty();
    }

    @Test
    void withAnApprovalAttachAndDetachPassOnce() throws SQLException {
        long attach = approve("attach partition", "sor.forged");
        runAs("set role sor_owner", ATTACH);
        assertThat(db.rows("select event, approval_id from sor_guard.kit_partitions where partition_name = 'sor.forged'"))
                .containsExactly(List.of("attached", attach));
        assertThat(failingPartitionRows()).isEmpty();
        long detach = approve("detach partition", "sor.forged");
        runAs("reset role", "alter table sor.events detach partition sor.forged");
        assertThat(db.rows("select event, approval_id from sor_guard.kit_partitions where partition_name = 'sor.forged'"
                + " order by entry_id")).containsExactly(List.of("attached", attach), List.of("detached", detach));
        // each approval was consumed once: attaching again needs a new one
        assertGuardRefuses("set role sor_owner", ATTACH, "attach partition", "sor.forged");
        assertThat(db.count("select count(*) from sor.ddl_approvals where consumed_at is null")).isZero();
    }

    @Test
    void aPartitionAttachedPastTheGuardIsNamedByCertifyAndVerifyEvents() throws SQLException {
        db.pastTheGuard(ATTACH);
        String detail = "partition sor.forged of sor.events (FOR VALUES FROM ('2020-01-01 00:00:00+00') TO ('2020-02-01 00:00:00+00'))"
                + " was not made by the kit nor attached with an approval (sor_guard.kit_partitions): its rows came from outside the kit's appends";
        assertThat(failingPartitionRows()).containsExactly(List.of("sor.forged", detail));
        assertThat(Sql.rows(db.auditor(), "select tenant_id, stream, problem, detail from sor_api.verify_events()"
                + " where problem = 'unrecorded_partition'"))
                .containsExactly(java.util.Arrays.asList(null, null, "unrecorded_partition", detail));
        // preparing and registering it (maintain_partitions) does not launder it
        db.exec("set role sor_owner; select count(*) from sor_api.maintain_partitions(); reset role");
        assertThat(failingPartitionRows()).containsExactly(List.of("sor.forged", detail));
    }

    @Test
    void theKitsOwnPathsNeedNoApprovalAndCertifyStaysClean() throws SQLException {
        db.exec("drop table sor.forged");
        assertThat(db.rows("select c.check, c.object, c.detail from sor_api.certify() c where not c.ok")).isEmpty();
        List<List<Object>> made = Sql.rows(db.sorAdmin(), "select partition_name from sor_api.maintain_partitions(6) order by 1");
        assertThat(made).hasSize(9);
        assertThat(db.count("select count(*) from sor_guard.kit_partitions k where k.event = 'created'"
                + " and k.partition_name in (select partition_name from sor_api.partitions)")).isEqualTo(9);
        // a month made by hand with the kit's name and range is the kit's own: empty, as maintain_partitions makes it
        runAs("set role sor_owner", "create table sor.events_p201901 partition of sor.events"
                + " for values from ('2019-01-01') to ('2019-02-01')");
        Sql.run(db.sorAdmin(), "select count(*) from sor_api.maintain_partitions()");
        assertThat(db.rows("select c.check, c.object, c.detail from sor_api.certify() c where not c.ok")).isEmpty();
        assertThat(db.rows("select event from sor_guard.kit_partitions where partition_name = 'sor.events_p201901'"))
                .containsExactly(List.of("created"));
        // the record is append-only
        assertRefused("SR010", () -> runAs("reset role", "delete from sor_guard.kit_partitions"));
        assertRefused("SR010", () -> runAs("reset role", "truncate sor_guard.kit_partitions"));
    }
}
