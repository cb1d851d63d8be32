package dev.pgsor.events;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Partitions, retention and the ledger. History from January 2020 sits in its own partitions (an
 * importer's rows, chained like any others); a month leaves only through retire_partition, past
 * its retention, sealed into the ledger and approved by another role; the chain and the ledger
 * verify across the boundary; and a digest kept outside finds a changed, cut or re-hashed past.
 */
@SorTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetentionAndLedgerTest {

    static SorDatabase db;
    static Database worker;
    static Database admin;
    static Database approver;
    static Database auditor;

    @BeforeAll
    static void setUp(SorDatabase database) throws Exception {
        db = database;
        db.addTenants("acme");
        worker = db.worker("expense-reconciler", "acme");
        admin = db.sorAdmin();
        approver = db.approver("acme");
        auditor = db.auditor();
        // history imported into January and February 2020: the months exist before the guard registers them
        db.exec("""
                begin;
                set role sor_owner;
                create table sor.events_p202001 partition of sor.events for values from ('2020-01-01') to ('2020-02-01');
                create table sor.events_p202002 partition of sor.events for values from ('2020-02-01') to ('2020-03-01');
                create table sor.outbox_p202001 partition of sor.outbox for values from ('2020-01-01') to ('2020-02-01');
                reset role;
                select sor_guard.pause(true);
                do $$
                declare
                  _h bytea; _p bigint; _at timestamptz;
                  _s text; _n int;
                begin
                  foreach _s in array array['history-1', 'history-2'] loop
                    _h := null;
                    _n := case _s when 'history-1' then 3 else 2 end;
                    for v in 1.._n loop
                      _p := nextval('sor.events_position_seq');
                      _at := '2020-01-15'::timestamptz + v * interval '1 hour';
                      insert into sor.events_p202001 (tenant_id, position, stream, version, type, payload, metadata, actor,
                                                      occurred_at, prev_hash, hash)
                      values ('acme', _p, _s, v, 'Imported', jsonb_build_object('n', v), '{}', 'importer', _at, _h,
                              sor_guard.event_hash(_h, 'acme', _s, v, 'Imported', jsonb_build_object('n', v), '{}', 'importer', _at, _p));
                      _h := sor_guard.event_hash(_h, 'acme', _s, v, 'Imported', jsonb_build_object('n', v), '{}', 'importer', _at, _p);
                      insert into sor.event_keys (tenant_id, idempotency_key, fingerprint, position, stream, version, hash)
                      values ('acme', 'import-' || _s || '-' || v, sor.event_fingerprint(_s, 'Imported', jsonb_build_object('n', v), '{}'),
                              _p, _s, v, _h);
                    end loop;
                    insert into sor.streams (tenant_id, stream, version, last_position, last_hash) values ('acme', _s, _n, _p, _h);
                  end loop;
                end
                $$;
                insert into sor.outbox (tenant_id, topic, aggregate_type, aggregate_id, dedupe_key, created_at)
                values ('acme', 'email.send', 'expense', 'old-1', 'old-mail-1', '2020-01-20');
                select sor_guard.pause(false);
                commit;
                set role sor_owner;
                select count(*) from sor_api.maintain_partitions();
                reset role;
                """);
        try (Connection c = worker.connect()) {
            Sql.run(c, "select sor_api.append_event('acme', 'history-1', 'Continued', '{}', '{}', 3, 'history-1-continued')");
        }
    }

    private static long retire(String partition) throws Exception {
        return (Long) Sql.scalar(admin, "select row_count from sor_api.retire_partition(?)", partition);
    }

    @Test
    @Order(1)
    void theImportedHistoryIsCertifiedAndEveryPartitionPrepared() {
        assertThat(db.rows("select c.check, c.object, c.detail from sor_api.certify() c where not c.ok")).isEmpty();
        assertThat(db.rows("select relname from pg_class c where relname in ('events_p202001', 'outbox_p202001')"
                + " and relrowsecurity and relforcerowsecurity order by 1")).hasSize(2);
        assertThat(db.count("select count(*) from sor_guard.registered where kind = 'table' and identity = 'sor.events_p202001'")).isOne();
        assertThat(Sql.rows(admin, "select partition_name, retirable, why_not from sor_api.partitions"
                + " where parent_table = 'sor.events' and range_from < '2021-01-01'"))
                .containsExactly(List.of("sor.events_p202001", false, "inside the retention of sor.events (7 years)"),
                        List.of("sor.events_p202002", false, "inside the retention of sor.events (7 years)"));
    }

    @Test
    @Order(2)
    void aMonthRetiresOnlyOldestFirstPastItsRetentionAndSealed() throws Exception {
        assertRefused("SR081", "inside the kit's default retention of 7 years", () -> retire("sor.events_p202001"));
        Sql.run(admin, "select sor_api.set_retention('sor.events', '1 year', 'test: history older than a year may leave')");
        assertRefused("SR080", "not a partition", () -> retire("sor.tenants"));
        assertRefused("SR080", "no such table", () -> retire("sor.nothing_here"));
        assertRefused("SR081", "the default partition", () -> retire("sor.events_default"));
        String current = (String) db.scalar("select 'sor.events_p' || to_char(now(), 'YYYYMM')");
        assertThat(assertRefused("SR081", "inside retention", () -> retire(current)).getMessage()).contains("inside the retention");
        assertThat(assertRefused("SR081", "not the oldest", () -> retire("sor.events_p202002")).getMessage())
                .contains("an older partition must retire first");
        assertRefusedAndNothingWritten(db, "SR083", "not sealed into the ledger", () -> retire("sor.events_p202001"));
        assertRefused("42501", "a Worker", () -> Sql.run(worker, "select sor_api.retire_partition('sor.events_p202001')"));
        assertRefused("42501", "an auditor", () -> Sql.run(auditor, "select sor_api.retire_partition('sor.events_p202001')"));
        assertRefused("SR082", "an outbox month with a pending row", () -> retire("sor.outbox_p202001"));
    }

    @Test
    @Order(3)
    void retirementNeedsAnotherRolesApprovalAndRecordsTheDigestFirst() throws Exception {
        assertThat(Sql.rows(auditor, "select block_id, events from sor_api.seal_ledger()")).isNotEmpty();
        String contentBefore = (String) db.scalar("select encode(sha256(string_agg(hash, ''::bytea order by position)), 'hex')"
                + " from sor.events_p202001");
        assertRefusedAndNothingWritten(db, "SR020", "no approval", () -> retire("sor.events_p202001"));
        assertThat(db.count("select count(*) from pg_inherits where inhrelid = 'sor.events_p202001'::regclass")).isOne();

        long approval = ((Number) Sql.scalar(approver, "select sor_api.approve_ddl('detach partition', 'sor.events_p202001',"
                + " 'RET-1', 'restored branch 2026-11', now() + interval '1 hour')")).longValue();
        assertThat(db.count("select count(*) from sor.event_keys")).isEqualTo(6);
        assertThat(retire("sor.events_p202001")).isEqualTo(5);
        assertThat(db.rows("select parent_table, range_to::date::text, row_count, encode(content_sha256, 'hex'), approval_id"
                + " from sor.retired_partitions where partition_name = 'sor.events_p202001'"))
                .containsExactly(List.of("sor.events", "2020-02-01", 5L, contentBefore, approval));
        assertThat(db.rows("select stream, version from sor.retired_stream_heads order by stream"))
                .containsExactly(List.of("history-1", 3), List.of("history-2", 2));
        assertThat(db.count("select count(*) from pg_inherits where inhrelid = 'sor.events_p202001'::regclass")).isZero();
        assertThat(db.count("select count(*) from sor.ddl_audit where operation = 'detach partition' and approval_id = ?", approval)).isOne();
        // the idempotency keys of the retired events left with them; a retry of one appends again
        assertThat(db.rows("select idempotency_key from sor.event_keys order by 1")).containsExactly(List.of("history-1-continued"));
        try (Connection c = worker.connect()) {
            assertThat(Sql.scalar(c, "select version from sor_api.append_event('acme', 'history-2', 'Imported', '{\"n\": 1}', '{}',"
                    + " null, 'import-history-2-1')")).isEqualTo(3);
        }

        // the chain and the ledger still verify across the boundary, and the stream goes on
        assertThat(Sql.rows(auditor, "select * from sor_api.verify_events('acme')")).isEmpty();
        assertThat(Sql.rows(auditor, "select * from sor_api.verify_ledger()")).isEmpty();
        try (Connection c = worker.connect()) {
            assertThat(Sql.scalar(c, "select version from sor_api.append_event('acme', 'history-1', 'More', '{}', '{}', 4)")).isEqualTo(5);
        }
        assertThat(Sql.rows(auditor, "select * from sor_api.verify_events('acme', 'history-1')")).isEmpty();
        assertThat(db.rows("select c.check, c.object from sor_api.certify() c where not c.ok")).isEmpty();
    }

    @Test
    @Order(4)
    void theArchiveStaysAppendOnlyForTheOwnerAndTheSuperuser() throws Exception {
        for (String change : List.of("update sor.events_p202001 set type = 'X'", "delete from sor.events_p202001",
                "truncate sor.events_p202001")) {
            assertRefused("SR010", "owner: " + change, () -> Sql.run(db.admin(), "set role sor_owner; " + change));
            assertRefused("SR010", "superuser: " + change, () -> Sql.run(db.admin(), "reset role; " + change));
        }
        assertRefused("SR020", "dropping the archive without an approval",
                () -> Sql.run(db.admin(), "set role sor_owner; drop table sor.events_p202001"));
    }

    @Test
    @Order(5)
    void retentionIsAPolicyWithAReasonAndItHoldsBackYoungerMonths() throws Exception {
        assertRefused("SR084", () -> Sql.run(admin, "select sor_api.set_retention('sor.runs', '1 year', 'x')"));
        assertRefused("SR084", () -> Sql.run(admin, "select sor_api.set_retention('sor.events', '2 weeks', 'x')"));
        assertRefused("SR084", () -> Sql.run(admin, "select sor_api.set_retention('sor.events', '1 year', '  ')"));
        assertRefused("42501", () -> Sql.run(worker, "select sor_api.set_retention('sor.events', '1 year', 'x')"));
        Sql.run(admin, "select sor_api.set_retention('sor.events', '100 years', 'legal hold LH-7')");
        assertThat(Sql.rows(admin, "select why_not from sor_api.partitions where partition_name = 'sor.events_p202002'"))
                .containsExactly(List.of("inside the retention of sor.events (100 years)"));
        assertRefused("SR081", () -> retire("sor.events_p202002"));
        assertRefused("SR010", "policies are history, never edited",
                () -> Sql.run(db.admin(), "update sor.retention_policies set keep = '1 month'"));
    }

    @Test
    @Order(6)
    void anOutboxMonthRetiresOnceNothingWaitsAndTakesItsDedupeKeysWithIt() throws Exception {
        db.exec("update sor.outbox set status = 'dispatched', dispatched_at = '2020-01-21' where aggregate_id = 'old-1'");
        Sql.scalar(approver, "select sor_api.approve_ddl('detach partition', 'sor.outbox_p202001', 'RET-2', 'branch', now() + interval '1 hour')");
        assertThat(retire("sor.outbox_p202001")).isEqualTo(1);
        assertThat(db.count("select count(*) from sor.dedupe_keys where dedupe_key = 'old-mail-1'")).isZero();
        assertThat(db.count("select count(*) from sor.outbox where aggregate_id = 'old-1'")).isZero();
    }

    @Test
    @Order(7)
    void aDigestKeptOutsideFindsAChangedCutOrRebuiltPast() throws Exception {
        try (Connection c = worker.connect()) {
            for (int i = 0; i < 5; i++) {
                Sql.run(c, "select sor_api.append_event('acme', 'ledgered-1', 'Noted')");
            }
        }
        Sql.rows(auditor, "select * from sor_api.seal_ledger()");
        String digest = (String) Sql.scalar(auditor, "select sor_api.ledger_digest()::text");
        assertThat(Sql.rows(auditor, "select * from sor_api.verify_ledger(?::jsonb)", digest)).isEmpty();
        assertRefused("SR085", () -> Sql.run(auditor, "select * from sor_api.verify_ledger('{\"block_id\": 1}'::jsonb)"));
        assertRefused("SR085", () -> Sql.run(auditor, "select * from sor_api.verify_ledger(jsonb_set(?::jsonb, '{system_identifier}', '\"1\"'))",
                digest));
        assertRefused("SR085", () -> Sql.run(auditor, "select * from sor_api.seal_ledger(0)"));

        // the last event changed, its hash and its stream's head recomputed: verify_events cannot tell
        Tamper.events(db, "update sor.events set payload = '{\"n\": 99}' where stream = 'ledgered-1' and version = 5",
                "update sor.events set hash = sor_guard.event_hash(prev_hash, tenant_id, stream, version, type, payload, metadata,"
                        + " actor, occurred_at, position) where stream = 'ledgered-1' and version = 5",
                "update sor.streams set last_hash = (select hash from sor.events where stream = 'ledgered-1' and version = 5)"
                        + " where stream = 'ledgered-1'");
        assertThat(Sql.rows(auditor, "select * from sor_api.verify_events('acme', 'ledgered-1')")).isEmpty();
        assertThat(Sql.rows(auditor, "select problem from sor_api.verify_ledger(?::jsonb)", digest))
                .containsExactly(List.of("events_rehashed"));

        // the ledger rebuilt over the changed log: its own chain holds, the digest kept outside does not
        db.exec("begin; select sor_guard.pause(true); alter table sor.ledger_blocks disable trigger ledger_blocks_refuse_update_delete;"
                + " delete from sor.ledger_blocks;"
                + " alter table sor.ledger_blocks enable always trigger ledger_blocks_refuse_update_delete;"
                + " select sor_guard.pause(false); commit;");
        Sql.rows(auditor, "select * from sor_api.seal_ledger()");
        assertThat(Sql.rows(auditor, "select problem from sor_api.verify_ledger()")).isEmpty();
        assertThat(Sql.rows(auditor, "select problem from sor_api.verify_ledger(?::jsonb)", digest))
                .extracting(r -> r.get(0)).containsAnyOf("digest_mismatch", "block_missing");
    }

    @Test
    @Order(8)
    void aBlockNeverTakesATransactionStillRunningAndTheNextSealDoes() throws Exception {
        try (Connection open = worker.connect()) {
            open.setAutoCommit(false);
            Sql.run(open, "select sor_api.append_event('acme', 'late-1', 'Noted')");
            Sql.rows(auditor, "select * from sor_api.seal_ledger()");
            long sealedTo = ((Number) db.scalar("select max(to_tx)::text::bigint from sor.ledger_blocks")).longValue();
            long openTx = ((Number) Sql.scalar(open, "select pg_current_xact_id()::text::bigint")).longValue();
            assertThat(sealedTo).isLessThanOrEqualTo(openTx);
            open.commit();
        }
        Sql.rows(auditor, "select * from sor_api.seal_ledger()");
        assertThat(db.count("select count(*) from sor.events e where e.stream = 'late-1'"
                + " and exists (select 1 from sor.ledger_blocks b where e.tx_id >= b.from_tx and e.tx_id < b.to_tx)")).isOne();
    }
}
