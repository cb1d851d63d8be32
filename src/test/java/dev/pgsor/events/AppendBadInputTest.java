package dev.pgsor.events;

import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every kind of bad input to append_event gets its documented SQLSTATE and writes nothing. */
@SorTest(reconciler = true)
class AppendBadInputTest {

    static SorDatabase db;
    static Database acmeWorker;

    @BeforeAll
    static void setUp(SorDatabase database) throws Exception {
        db = database;
        db.addTenants("acme", "globex");
        acmeWorker = db.worker("expense-reconciler", "acme");
        Events.append(acmeWorker, "acme", "expense-1", 1);
    }

    /** append_event with every argument, as the acme Worker. */
    private static void append(String tenant, String stream, String type, String payload, String metadata, Integer expected)
            throws SQLException {
        Sql.run(acmeWorker, "select sor_api.append_event(?, ?, ?, ?::jsonb, ?::jsonb, ?)", tenant, stream, type, payload, metadata,
                expected);
    }

    @Test
    void nullsAreRefused_SR011() {
        assertRefusedAndNothingWritten(db, "SR008", () -> append(null, "expense-1", "Noted", "{}", "{}", null));
        assertRefusedAndNothingWritten(db, "SR011", () -> append("acme", null, "Noted", "{}", "{}", null));
        assertRefusedAndNothingWritten(db, "SR011", () -> append("acme", "expense-1", null, "{}", "{}", null));
        assertRefusedAndNothingWritten(db, "SR011", () -> append("acme", "expense-1", "Noted", null, "{}", null));
    }

    @Test
    void malformedStreamsAndTypesAreRefused_SR011() throws Exception {
        for (String stream : List.of("", "Expense-1", "-1", "expense 1", "expense-", "9lives", "x".repeat(201), "expense-1;drop")) {
            assertRefusedAndNothingWritten(db, "SR011", stream, () -> append("acme", stream, "Noted", "{}", "{}", null));
        }
        for (String type : List.of("", "1st", "has space", "T".repeat(101), "semi;colon")) {
            assertRefusedAndNothingWritten(db, "SR011", type, () -> append("acme", "expense-1", type, "{}", "{}", null));
        }
    }

    @Test
    void nonObjectPayloadsAndMetadataAreRefused_SR011() throws Exception {
        for (String json : List.of("[]", "[1, 2]", "1", "\"text\"", "null", "true")) {
            assertRefusedAndNothingWritten(db, "SR011", "payload " + json, () -> append("acme", "expense-1", "Noted", json, "{}", null));
            assertRefusedAndNothingWritten(db, "SR011", "metadata " + json, () -> append("acme", "expense-1", "Noted", "{}", json, null));
        }
    }

    @Test
    void negativeExpectedVersionIsRefused_SR011() throws Exception {
        assertRefusedAndNothingWritten(db, "SR011", () -> append("acme", "expense-1", "Noted", "{}", "{}", -1));
    }

    @Test
    void oversizedEventIsRefused_SR009() throws Exception {
        String big = "{\"blob\": \"" + "x".repeat(1024 * 1024) + "\"}";
        assertRefusedAndNothingWritten(db, "SR009", () -> append("acme", "expense-1", "Noted", big, "{}", null));
        assertRefusedAndNothingWritten(db, "SR009", () -> append("acme", "expense-1", "Noted", "{}", big, null));
    }

    @Test
    void unknownTenantOrNotAMemberIsRefused_SR008() throws Exception {
        assertRefusedAndNothingWritten(db, "SR008", () -> append("initech", "expense-1", "Noted", "{}", "{}", null));
        assertRefusedAndNothingWritten(db, "SR008", () -> append("globex", "expense-1", "Noted", "{}", "{}", null));
        Database outsider = db.loginRole("nobody", "sor_worker", "sor_tenant");
        assertRefusedAndNothingWritten(db, "SR008",
                () -> Sql.run(outsider, "select sor_api.append_event('acme', 'expense-1', 'Noted')"));
    }

    @Test
    void internalAppendNamesAnUnknownTenant_SR002() {
        assertRefusedAndNothingWritten(db, "SR002",
                () -> Sql.run(db.admin(), "set role sor_owner; select sor.append_event('initech', 'expense-1', 'Noted')"));
    }

    @Test
    void tenantUsersAndAuditorsCannotAppend_42501() {
        for (Database role : List.of(db.tenantUser("acme"), db.auditor())) {
            assertRefused("42501", () -> Sql.run(role, "select sor_api.append_event('acme', 'expense-1', 'Noted')"));
        }
    }
}
