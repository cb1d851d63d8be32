package dev.pgsor.tenancy;

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
import org.junit.jupiter.api.Test;

/**
 * The one size cap counts the value as it is, not as it is stored: a repetitive 80 MB document read
 * back from a temporary table arrives compressed to under 1 MiB and is still refused.
 */
@SorTest
class StorageLimitsTest {

    static SorDatabase db;
    static Database worker;

    /** A temporary table holding one 80 MB JSON object of a repeated letter, made on the Worker's connection. */
    static final String COMPRESSED_80_MB =
            "create temp table big as select jsonb_build_object('text', repeat('a', 80 * 1024 * 1024)) as doc";

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme");
        db.exec("select sor_api.create_queue('limits-q', 'size cap')");
        worker = db.worker("expense-reconciler", "acme");
    }

    @Test
    void anEightyMegabyteDocumentThatCompressesBelowTheCapIsRefused_SR009() throws Exception {
        try (Connection c = worker.connect()) {
            Sql.run(c, COMPRESSED_80_MB);
            // the trick the cap must resist: what the value occupies is far below 1 MiB
            assertThat((Integer) Sql.scalar(c, "select pg_column_size(doc) from big")).isLessThan(1024 * 1024);
            assertRefusedAndNothingWritten(db, "SR009", "an 80 MB event payload",
                    () -> Sql.run(c, "select * from sor_api.append_event('acme', 'expense-1', 'Noted', (select doc from big))"));
            assertRefusedAndNothingWritten(db, "SR009", "80 MB of event metadata",
                    () -> Sql.run(c, "select * from sor_api.append_event('acme', 'expense-1', 'Noted', '{}', (select doc from big))"));
            assertRefusedAndNothingWritten(db, "SR009", "an 80 MB event in a batch",
                    () -> Sql.run(c, "select * from sor_api.append_events('acme', (select jsonb_build_array("
                            + "jsonb_build_object('stream', 'expense-1', 'type', 'Noted', 'payload', doc)) from big))"));
            assertRefusedAndNothingWritten(db, "SR009", "an 80 MB task payload",
                    () -> Sql.run(c, "select sor_api.enqueue_task('acme', 'limits-q', 'big', (select doc from big))"));
            assertRefusedAndNothingWritten(db, "SR009", "an 80 MB task in a batch",
                    () -> Sql.run(c, "select count(*) from sor_api.enqueue_tasks('acme', 'limits-q', (select jsonb_build_array("
                            + "jsonb_build_object('subject', 'big', 'payload', doc)) from big))"));
        }
    }

    @Test
    void theCapIsOneMebibyteOfTextExactly() throws Exception {
        // {"t": "..."} is 9 bytes around the string: 1 MiB of text is accepted, one byte more is not
        try (Connection c = worker.connect()) {
            assertThat(Sql.rows(c, "select version from sor_api.append_event('acme', 'cap-1', 'Noted',"
                    + " jsonb_build_object('t', repeat('a', 1024 * 1024 - 9)))")).containsExactly(List.of(1));
            assertRefusedAndNothingWritten(db, "SR009", "1 MiB and one byte",
                    () -> Sql.run(c, "select * from sor_api.append_event('acme', 'cap-1', 'Noted',"
                            + " jsonb_build_object('t', repeat('a', 1024 * 1024 - 8)))"));
        }
    }

    @Test
    void aWorkerCannotCreateLargeObjects_42501() throws Exception {
        try (Connection c = worker.connect()) {
            for (String create : List.of("select lo_from_bytea(0, '\\x00')", "select lo_create(0)", "select lo_creat(-1)",
                    "select lo_import('/etc/hostname')")) {
                assertRefused("42501", create, () -> Sql.run(c, create));
            }
        }
        assertThat(db.scalar("select count(*) from pg_largeobject_metadata")).isEqualTo(0L);
        assertThat(db.rows("select ok from sor.certify_raw() where check_name = 'kit roles cannot create large objects'"))
                .containsExactly(List.of(true));
    }

}
