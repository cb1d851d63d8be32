package dev.pgsor.events;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Monthly partitions: any scheduler makes the next months ready without a superuser; every
 * partition refuses what its table refuses, for the owner and the superuser alike; a row that no
 * month takes is reported by certify().
 */
@SorTest
class PartitionsTest {

    static SorDatabase db;
    static Database worker;

    @BeforeAll
    static void setUp(SorDatabase database) throws Exception {
        db = database;
        db.addTenants("acme");
        worker = db.worker("expense-reconciler", "acme");
        Events.append(worker, "acme", "parted-1", 3);
    }

    private static String month(int ahead) {
        return (String) db.scalar("select to_char(date_trunc('month', now()) + make_interval(months => ?), 'YYYYMM')", ahead);
    }

    @Test
    void theDispatcherLoopMakesTheNextMonthsReadyAndTheyAreProtectedAtOnce() throws Exception {
        try (SorDatabase fresh = db.fresh()) {
            Database dispatcher = fresh.dispatcher();
            List<List<Object>> made = Sql.rows(dispatcher, "select partition_name, action from sor_api.maintain_partitions(5) order by 1");
            assertThat(made).containsExactly(
                    List.of("sor.events_p" + month(4), "created"), List.of("sor.events_p" + month(5), "created"),
                    List.of("sor.finished_tasks_p" + month(4), "created"), List.of("sor.finished_tasks_p" + month(5), "created"),
                    List.of("sor.outbox_p" + month(4), "created"), List.of("sor.outbox_p" + month(5), "created"));
            assertThat(Sql.rows(dispatcher, "select * from sor_api.maintain_partitions(5)")).as("idempotent").isEmpty();
            String part = "sor.events_p" + month(5);
            assertThat(fresh.count("select count(*) from sor_guard.registered where kind = 'table' and identity = ?", part)).isOne();
            assertThat(fresh.rows("select tgname, tgenabled::text from pg_trigger where tgrelid = ?::regclass and not tgisinternal order by 1", part))
                    .containsExactly(List.of("events_refuse_unchained", "A"), List.of("events_refuse_update_delete", "A"),
                            List.of("partition_refuse_statement", "A"), List.of("partition_refuse_truncate", "A"),
                            List.of("partition_refuse_update_delete", "A"));
            assertThat(fresh.rows("select relrowsecurity, relforcerowsecurity, obj_description(oid, 'pg_class') is not null"
                    + " from pg_class where oid = ?::regclass", part)).containsExactly(List.of(true, true, true));
            assertThat(fresh.rows("select 'fillfactor=80' = any (reloptions), 'autovacuum_vacuum_scale_factor=0.01' = any (reloptions),"
                    + " relreplident::text from pg_class where oid = ?::regclass", "sor.outbox_p" + month(5)))
                    .containsExactly(List.of(true, true, fresh.scalar("select relreplident::text from pg_class where oid = 'sor.outbox'::regclass")));
            assertThat(fresh.rows("select c.check, c.object from sor_api.certify() c where not c.ok")).isEmpty();
            assertRefused("SR084", () -> Sql.run(dispatcher, "select * from sor_api.maintain_partitions(0)"));
            assertRefused("SR084", () -> Sql.run(dispatcher, "select * from sor_api.maintain_partitions(25)"));
            assertRefused("42501", () -> Sql.run(fresh.worker("expense-reconciler"), "select * from sor_api.maintain_partitions()"));
        }
    }

    /**
     * A new partition needs a lock that waits for every open transaction on its table, and every
     * append queued behind it would wait too: the maintenance call gives up after its bounded wait
     * (lock_timeout 5 s, 55P03) with nothing created, and Workers keep appending meanwhile.
     */
    @Test
    void maintenanceBehindAnOpenWorkerTransactionGivesUpWithinItsBound_55P03() throws Exception {
        try (SorDatabase fresh = db.fresh()) {
            fresh.addTenants("acme");
            Database w = fresh.worker("expense-reconciler", "acme");
            Database dispatcher = fresh.dispatcher();
            try (java.sql.Connection open = w.connect(); java.sql.Connection other = w.connect();
                 java.sql.Connection d = dispatcher.connect()) {
                open.setAutoCommit(false);
                Sql.run(open, "select * from sor_api.append_event('acme', 'held-1', 'Noted')");
                // without its own bound the call would wait for the open transaction until this timeout (57014)
                Sql.run(d, "set statement_timeout = '60s'");
                Sql.run(d, "set lock_timeout = 0");
                assertRefused("55P03", () -> Sql.run(d, "select * from sor_api.maintain_partitions(12)"));
                assertThat(fresh.count("select count(*) from pg_class where relname = ?", "events_p" + month(12))).isZero();
                // the call's bound is its own: the session's setting is as it was
                assertThat(Sql.scalar(d, "show lock_timeout")).isEqualTo("0");
                // appends of the tenant were never queued behind it
                assertThat(Sql.rows(other, "select version from sor_api.append_event('acme', 'free-1', 'Noted')")).containsExactly(List.of(1));
                open.commit();
            }
            assertThat(Sql.rows(dispatcher, "select count(*) from sor_api.maintain_partitions(12) where action = 'created'"))
                    .containsExactly(List.of(27L));
        }
    }

    @Test
    void aPartitionRefusesWhatItsTableRefusesForTheOwnerAndTheSuperuser() throws Exception {
        String part = "sor.events_p" + month(0);
        for (String role : List.of("set role sor_owner", "reset role")) {
            for (String change : List.of("update " + part + " set type = 'X'", "delete from " + part, "truncate " + part,
                    "update " + part + " set type = 'X' where false")) {
                assertRefused("SR010", role + ": " + change, () -> Sql.run(db.admin(), role + "; " + change));
            }
            for (String ddl : List.of("alter table sor.events detach partition " + part, "drop table " + part,
                    "alter table " + part + " disable trigger events_refuse_update_delete", "alter table " + part + " disable trigger partition_refuse_truncate",
                    "alter table " + part + " no force row level security", "alter table sor.outbox detach partition sor.outbox_p" + month(1))) {
                assertRefused("SR020", role + ": " + ddl, () -> Sql.run(db.admin(), role + "; " + ddl));
            }
        }
        assertThat(db.count("select count(*) from sor.events where stream = 'parted-1'")).isEqualTo(3);
        // one approval of the partitioned table's trigger covers the statement that recursed to its partitions
        assertThat(assertRefused("SR020", () -> Sql.run(db.admin(), "set role sor_owner; alter table " + part + " disable trigger events_refuse_update_delete"))
                .getMessage()).contains("events_refuse_update_delete on sor.events needs an approval");
    }

    @Test
    void rowsThatNoMonthTakesFailCertify() throws Exception {
        try (SorDatabase fresh = db.fresh()) {
            fresh.pastTheGuard("alter table sor.outbox detach partition sor.outbox_p" + month(0)
                    + "; alter table sor.outbox_p" + month(0) + " rename to outbox_gone");
            fresh.addTenants("acme");
            fresh.exec("insert into sor.outbox (tenant_id, topic, aggregate_type, aggregate_id, dedupe_key) values ('acme', 'email.send', 'e', '1', 'k')");
            assertThat(fresh.rows("select c.check, c.object from sor_api.certify() c where not c.ok and c.property = 'durable'"))
                    .contains(List.of("default partitions hold no rows", "sor.outbox_default"),
                            List.of("partitioned tables have partitions for this month and the next", "sor.outbox"));
            assertThat(Sql.rows(fresh.dispatcher(), "select partition_name, action from sor_api.maintain_partitions()"))
                    .contains(List.of("sor.outbox_p" + month(0), "blocked"));
        }
    }
}
