package dev.pgsor.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgsor.support.TestDatabase.Sql;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every kind of bad input to append_event gets its documented SQLSTATE and writes nothing. */
class AppendBadInputTest {

    static Fixture fx;

    @BeforeAll
    static void setUp() throws Exception {
        fx = new Fixture();
        Fixture.append(fx.acmeWorker, "acme", "expense-1", 1);
    }

    @AfterAll
    static void tearDown() {
        fx.close();
    }

    private static void assertRefused(String state, String tenant, String stream, String type, String payload, String metadata,
                                      Integer expected) throws Exception {
        long before = fx.events();
        try (Connection c = fx.acmeWorker.connect()) {
            assertThatThrownBy(() -> Sql.scalar(c, "select position from sor_api.append_event(?, ?, ?, ?::jsonb, ?::jsonb, ?)",
                    tenant, stream, type, payload, metadata, expected))
                    .as("%s %s %s %s", tenant, stream, type, payload == null ? null : payload.length() > 80 ? "big" : payload)
                    .extracting("SQLState").isEqualTo(state);
        }
        assertThat(fx.events()).isEqualTo(before);
    }

    @Test
    void nullsAreRefused_SR011() throws Exception {
        assertRefused("SR011", null, "expense-1", "Noted", "{}", "{}", null);
        assertRefused("SR011", "acme", null, "Noted", "{}", "{}", null);
        assertRefused("SR011", "acme", "expense-1", null, "{}", "{}", null);
        assertRefused("SR011", "acme", "expense-1", "Noted", null, "{}", null);
    }

    @Test
    void malformedStreamsAndTypesAreRefused_SR011() throws Exception {
        for (String stream : List.of("", "Expense-1", "-1", "expense 1", "expense-", "9lives", "x".repeat(201), "expense-1;drop")) {
            assertRefused("SR011", "acme", stream, "Noted", "{}", "{}", null);
        }
        for (String type : List.of("", "1st", "has space", "T".repeat(101), "semi;colon")) {
            assertRefused("SR011", "acme", "expense-1", type, "{}", "{}", null);
        }
    }

    @Test
    void nonObjectPayloadsAndMetadataAreRefused_SR011() throws Exception {
        for (String json : List.of("[]", "[1, 2]", "1", "\"text\"", "null", "true")) {
            assertRefused("SR011", "acme", "expense-1", "Noted", json, "{}", null);
            assertRefused("SR011", "acme", "expense-1", "Noted", "{}", json, null);
        }
    }

    @Test
    void negativeExpectedVersionIsRefused_SR011() throws Exception {
        assertRefused("SR011", "acme", "expense-1", "Noted", "{}", "{}", -1);
    }

    @Test
    void oversizedEventIsRefused_SR012() throws Exception {
        String big = "{\"blob\": \"" + "x".repeat(1024 * 1024) + "\"}";
        assertRefused("SR012", "acme", "expense-1", "Noted", big, "{}", null);
        assertRefused("SR012", "acme", "expense-1", "Noted", "{}", big, null);
    }

    @Test
    void unknownTenantOrNotAMemberIsRefused_SR014() throws Exception {
        assertRefused("SR014", "initech", "expense-1", "Noted", "{}", "{}", null);
        assertRefused("SR014", "globex", "expense-1", "Noted", "{}", "{}", null);
        long before = fx.events();
        assertThatThrownBy(() -> Sql.run(fx.outsider, "select sor_api.append_event('acme', 'expense-1', 'Noted')"))
                .extracting("SQLState").isEqualTo("SR014");
        assertThat(fx.events()).isEqualTo(before);
    }

    @Test
    void internalAppendNamesAnUnknownTenant_SR002() {
        long before = fx.events();
        assertThatThrownBy(() -> Sql.run(fx.db.admin(), "set role sor_owner; select sor.append_event('initech', 'expense-1', 'Noted')"))
                .extracting("SQLState").isEqualTo("SR002");
        assertThat(fx.events()).isEqualTo(before);
    }

    @Test
    void tenantUsersAndAuditorsCannotAppend_42501() {
        for (var role : List.of(fx.acmeUser, fx.auditor)) {
            assertThatThrownBy(() -> Sql.run(role, "select sor_api.append_event('acme', 'expense-1', 'Noted')"))
                    .extracting("SQLState").isEqualTo("42501");
        }
    }
}
