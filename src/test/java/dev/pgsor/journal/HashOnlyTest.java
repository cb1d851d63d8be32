package dev.pgsor.journal;

import static dev.pgsor.journal.Journal.commit;
import static dev.pgsor.testkit.SorAssertions.assertNothingWritten;
import static dev.pgsor.testkit.SorAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hash-only mode, per tenant and per run: content is never stored, anywhere. Every column of every
 * row the journal wrote (runs, turns, tool calls, steps, blocks, keys, events, outbox) is searched
 * for the content, as text and as hex.
 */
@SorTest(reconciler = true)
class HashOnlyTest {

    /** Every table the journal writes, plus the events and the outbox it feeds. */
    static final List<String> WRITTEN_TABLES = List.of("sor.runs", "sor.turns", "sor.tool_calls", "sor.steps",
            "sor.blocks", "sor.idempotency_keys", "sor.events", "sor.outbox", "sor.workers", "sor.tenant_settings");

    static SorDatabase db;
    static Database worker;

    @BeforeAll
    static void setUp(SorDatabase database) {
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.addTenant("globex", "Globex");
        db.addTenant("vault", "Regulated Bank");
        db.exec("select sor_api.configure_tenant('vault', hash_only => true)");
        worker = db.worker("expense-reconciler", "vault", "acme");
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** Rows of every journal table that mention the secret, as text or as hex, in any column. */
    static long leaks(String secret) {
        String hex = HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8));
        long n = 0;
        for (String table : WRITTEN_TABLES) {
            n += db.count("select count(*) from " + table + " t where strpos(row_to_json(t)::text, ?) > 0"
                    + " or strpos(row_to_json(t)::text, ?) > 0", secret, hex);
        }
        return n;
    }

    private static int runs;

    private static synchronized int runCounter() {
        return ++runs;
    }

    /** Runs the whole journal of one run with the secret in every content field. */
    static UUID journalEverything(Connection c, String tenant, boolean perRun, String secret) throws Exception {
        UUID run = (UUID) Sql.scalar(c, "select run_id from sor_api.start_run(?, 'reconcile', ?::jsonb, ?, hash_only => ?)",
                tenant, "{\"statement\": \"" + secret + "-input\"}", "key-" + runCounter(), perRun);
        Sql.scalar(c, "select sor_api.record_turn(?, 'gpt-x', 'user', 10, 0, ?)", run, secret + "-turn");
        Sql.scalar(c, "select sor_api.record_turn(?, 'gpt-x', 'assistant', 0, 20, content_sha256 => ?)", run, sha256(secret + "-reply"));
        UUID ok = (UUID) Sql.scalar(c, "select tool_call_id from sor_api.begin_tool_call(?, 'send_email', ?::jsonb, ?)",
                run, "{\"body\": \"" + secret + "-args\"}", "mail-" + tenant + perRun);
        Sql.scalar(c, "select sor_api.finish_tool_call(?, ?::jsonb)", ok, "{\"echo\": \"" + secret + "-result\"}");
        UUID bad = (UUID) Sql.scalar(c, "select tool_call_id from sor_api.begin_tool_call(?, 'lookup', ?::jsonb)",
                run, "{\"q\": \"" + secret + "-args2\"}");
        Sql.scalar(c, "select sor_api.finish_tool_call(?, null, ?::jsonb)", bad, "{\"message\": \"" + secret + "-error\"}");
        boolean hashOnly = perRun || "vault".equals(tenant);
        assertThat(Sql.rows(c, "select replayed, result::text from sor_api.begin_tool_call(?, 'send_email', ?::jsonb, ?)",
                run, "{\"body\": \"" + secret + "-args\"}", "mail-" + tenant + perRun))
                .containsExactly(java.util.Arrays.asList(true, hashOnly ? null : "{\"echo\": \"" + secret + "-result\"}"));
        commit(c, run, "classify", 0, "{\"category\": \"travel\"}", "[{\"type\": \"classified\"}]", "[{\"type\": \"email.send\"}]");
        Sql.scalar(c, "select sor_api.finish_run(?, 'failed', ?::jsonb)", run, "{\"why\": \"" + secret + "-failure\"}");
        return run;
    }

    @Test
    void aHashOnlyTenantStoresNoContentAnywhere() throws Exception {
        try (Connection c = worker.connect()) {
            String secret = "SECRET7f3a";
            UUID run = journalEverything(c, "vault", false, secret);
            assertThat(leaks(secret)).isZero();
            assertThat(Sql.rows(db.admin(), "select hash_only, input, encode(input_sha256, 'hex'), error, error_sha256 is not null"
                    + " from sor.runs where run_id = ?", run))
                    .containsExactly(java.util.Arrays.asList(true, null,
                            db.scalar("select encode(sha256(convert_to(?::jsonb::text, 'UTF8')), 'hex')",
                                    "{\"statement\": \"" + secret + "-input\"}"), null, true));
            assertThat(Sql.rows(db.admin(), "select turn_no, hash_only, content, encode(content_sha256, 'hex') from sor.turns"
                    + " where run_id = ? order by turn_no", run))
                    .containsExactly(java.util.Arrays.asList(1, true, null, sha256(secret + "-turn")),
                            java.util.Arrays.asList(2, true, null, sha256(secret + "-reply")));
            assertThat(Sql.rows(db.admin(), "select tool_name, status, hash_only, args, result, error, args_sha256 is not null,"
                    + " (result_sha256 is not null) or (error_sha256 is not null) from sor.tool_calls where run_id = ? order by started_at", run))
                    .containsExactly(java.util.Arrays.asList("send_email", "succeeded", true, null, null, null, true, true),
                            java.util.Arrays.asList("lookup", "failed", true, null, null, null, true, true));
            assertThat(db.count("select count(*) from sor.events where stream = ?", "run-" + run)).isEqualTo(4);
        }
    }

    @Test
    void aHashOnlyRunOfAnOrdinaryTenantStoresNoContentAnywhere() throws Exception {
        try (Connection c = worker.connect()) {
            String secret = "SECRETb19c";
            UUID run = journalEverything(c, "acme", true, secret);
            assertThat(leaks(secret)).isZero();
            assertThat(db.scalar("select hash_only from sor.runs where run_id = ?", run)).isEqualTo(true);
            // the control: an ordinary run does store its content
            String visible = "VISIBLE51d0";
            journalEverything(c, "acme", false, visible);
            assertThat(leaks(visible)).as("run, turn, two tool calls, run_failed event").isEqualTo(5);
        }
    }

    @Test
    void hashOnlyContentNeedsItsSha256AndAMismatchIsRefused_SR039() throws Exception {
        try (Connection c = worker.connect()) {
            UUID run = (UUID) Sql.scalar(c, "select run_id from sor_api.start_run('vault', 'reconcile', input_sha256 => ?)",
                    sha256("kept at the bank"));
            assertNothingWritten(db, () -> {
                assertRefused("SR039", () -> Sql.scalar(c, "select sor_api.record_turn(?, 'gpt-x', 'user', 1, 1)", run));
                assertRefused("SR039", () -> Sql.scalar(c, "select sor_api.record_turn(?, 'gpt-x', 'user', 1, 1, 'abc', ?)", run, sha256("xyz")));
                assertRefused("SR033", () -> Sql.scalar(c, "select sor_api.record_turn(?, 'gpt-x', 'user', 1, 1, null, 'ABC')", run));
            });
            assertThat(db.scalar("select encode(input_sha256, 'hex') from sor.runs where run_id = ?", run))
                    .isEqualTo(sha256("kept at the bank"));
        }
    }
}
