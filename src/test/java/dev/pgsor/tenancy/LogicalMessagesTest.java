package dev.pgsor.tenancy;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No kit login may write a logical decoding message (42501): pg_logical_emit_message puts up to a
 * gigabyte a call straight into the WAL, kept when its transaction rolls back, outside every kit
 * table and quota, and hands it to every logical decoding consumer of the server.
 */
@SorTest
class LogicalMessagesTest {

    static SorDatabase db;
    static List<String> forms;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenants("acme");
        forms = db.rows("select p.oid::regprocedure::text from pg_proc p"
                + " where p.pronamespace = 'pg_catalog'::regnamespace and p.proname = 'pg_logical_emit_message' order by 1")
                .stream().map(r -> (String) r.get(0)).toList();
    }

    @Test
    void noKitLoginMayWriteALogicalDecodingMessage_42501() throws Exception {
        assertThat(forms).hasSizeGreaterThanOrEqualTo(2).allMatch(f -> f.startsWith("pg_logical_emit_message("));
        Map<String, Database> logins = Map.of("worker", db.worker("expense-reconciler", "acme"), "dispatcher", db.dispatcher("acme"),
                "tenant user", db.tenantUser("acme"), "auditor", db.auditor(), "approver", db.approver("acme"),
                "kit admin", db.sorAdmin());
        for (var login : logins.entrySet()) {
            try (Connection c = login.getValue().connect()) {
                c.setAutoCommit(false);
                for (String text : List.of("repeat('x', 64 * 1024 * 1024)", "'\\x00'::bytea")) {
                    for (String transactional : List.of("false", "true")) {
                        String call = "select pg_logical_emit_message(" + transactional + ", 'sor', " + text + ")";
                        assertRefused("42501", login.getKey() + ": " + call, () -> Sql.run(c, call));
                        c.rollback();
                    }
                }
            }
        }
        assertThat(db.rows("select ok from sor.certify_raw() where check_name = 'kit roles cannot write logical decoding messages'"))
                .containsExactly(List.of(true));
    }
}
