package dev.pgsor.journal;

import static dev.pgsor.journal.Journal.startRun;
import static dev.pgsor.testkit.SorAssertions.assertRefusedAndNothingWritten;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.SorDatabase;
import dev.pgsor.testkit.SorTest;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input, as the Worker (or approver, or admin) that would send it: NULL, empty and oversized
 * ids, malformed JSON, negative token counts, unknown runs, another Worker's run. Each gets its
 * documented SQLSTATE and leaves every journal table exactly as it was.
 */
@SorTest(reconciler = true)
class JournalBadInputTest {

    static SorDatabase db;
    static Database worker;
    static Database approver;
    static Database admin;
    static UUID run;
    static UUID call;
    static UUID othersRun;
    static UUID othersCall;

    @BeforeAll
    static void setUp(SorDatabase database) throws Exception {
        db = database;
        db.addTenant("acme", "Acme Corp");
        db.addTenant("globex", "Globex");
        worker = db.worker("expense-reconciler", "acme");
        Database other = db.worker("expense-reconciler", "acme");
        approver = db.approver("acme");
        admin = db.sorAdmin();
        try (Connection c = worker.connect(); Connection o = other.connect()) {
            run = startRun(c, "acme", "reconcile", "{}", null, 3600);
            call = (UUID) Sql.scalar(c, "select tool_call_id from sor_api.begin_tool_call(?, 'lookup', '{}')", run);
            othersRun = startRun(o, "acme", "reconcile", "{}", null, 3600);
            othersCall = (UUID) Sql.scalar(o, "select tool_call_id from sor_api.begin_tool_call(?, 'lookup', '{}')", othersRun);
        }
    }

    static Stream<Arguments> workerCases() {
        String big = "repeat('x', 1100000)";
        return Stream.of(
                Arguments.of("start_run NULL tenant", "select * from sor_api.start_run(null, 'reconcile')", "SR008"),
                Arguments.of("start_run empty tenant", "select * from sor_api.start_run('', 'reconcile')", "SR008"),
                Arguments.of("start_run unknown tenant", "select * from sor_api.start_run('nosuch', 'reconcile')", "SR008"),
                Arguments.of("start_run NULL workflow", "select * from sor_api.start_run('acme', null)", "SR033"),
                Arguments.of("start_run empty workflow", "select * from sor_api.start_run('acme', '')", "SR033"),
                Arguments.of("start_run oversized workflow", "select * from sor_api.start_run('acme', repeat('w', 101))", "SR033"),
                Arguments.of("start_run malformed workflow", "select * from sor_api.start_run('acme', 'Re concile')", "SR033"),
                Arguments.of("start_run malformed JSON", "select * from sor_api.start_run('acme', 'reconcile', '{\"a\": ')", "22P02"),
                Arguments.of("start_run oversized input", "select * from sor_api.start_run('acme', 'reconcile', jsonb_build_object('x', " + big + "))", "SR009"),
                Arguments.of("start_run empty key", "select * from sor_api.start_run('acme', 'reconcile', '{}', '')", "SR033"),
                Arguments.of("start_run oversized key", "select * from sor_api.start_run('acme', 'reconcile', '{}', repeat('k', 256))", "SR033"),
                Arguments.of("start_run zero lease", "select * from sor_api.start_run('acme', 'reconcile', '{}', null, 0)", "SR033"),
                Arguments.of("start_run NULL lease", "select * from sor_api.start_run('acme', 'reconcile', '{}', null, null)", "SR033"),
                Arguments.of("start_run malformed sha256", "select * from sor_api.start_run('acme', 'reconcile', '{}', input_sha256 => 'abc')", "SR033"),
                Arguments.of("heartbeat NULL run", "select sor_api.heartbeat(null)", "SR033"),
                Arguments.of("heartbeat unknown run", "select sor_api.heartbeat(gen_random_uuid())", "SR034"),
                Arguments.of("heartbeat other's run", "select sor_api.heartbeat(:others_run)", "SR034"),
                Arguments.of("heartbeat zero lease", "select sor_api.heartbeat(:run, 0)", "SR033"),
                Arguments.of("record_turn NULL run", "select sor_api.record_turn(null, 'm', 'user', 1, 1, 'c')", "SR033"),
                Arguments.of("record_turn unknown run", "select sor_api.record_turn(gen_random_uuid(), 'm', 'user', 1, 1, 'c')", "SR034"),
                Arguments.of("record_turn other's run", "select sor_api.record_turn(:others_run, 'm', 'user', 1, 1, 'c')", "SR034"),
                Arguments.of("record_turn NULL model", "select sor_api.record_turn(:run, null, 'user', 1, 1, 'c')", "SR033"),
                Arguments.of("record_turn empty model", "select sor_api.record_turn(:run, '', 'user', 1, 1, 'c')", "SR033"),
                Arguments.of("record_turn oversized model", "select sor_api.record_turn(:run, repeat('m', 201), 'user', 1, 1, 'c')", "SR033"),
                Arguments.of("record_turn unknown role", "select sor_api.record_turn(:run, 'm', 'robot', 1, 1, 'c')", "SR033"),
                Arguments.of("record_turn negative input tokens", "select sor_api.record_turn(:run, 'm', 'user', -1, 1, 'c')", "SR033"),
                Arguments.of("record_turn negative output tokens", "select sor_api.record_turn(:run, 'm', 'user', 1, -5, 'c')", "SR033"),
                Arguments.of("record_turn NULL tokens", "select sor_api.record_turn(:run, 'm', 'user', null, 1, 'c')", "SR033"),
                Arguments.of("record_turn oversized content", "select sor_api.record_turn(:run, 'm', 'user', 1, 1, " + big + ")", "SR009"),
                Arguments.of("begin_tool_call NULL tool", "select * from sor_api.begin_tool_call(:run, null, '{}')", "SR033"),
                Arguments.of("begin_tool_call empty tool", "select * from sor_api.begin_tool_call(:run, '', '{}')", "SR033"),
                Arguments.of("begin_tool_call oversized tool", "select * from sor_api.begin_tool_call(:run, repeat('t', 101), '{}')", "SR033"),
                Arguments.of("begin_tool_call NULL args", "select * from sor_api.begin_tool_call(:run, 'lookup', null)", "SR033"),
                Arguments.of("begin_tool_call array args", "select * from sor_api.begin_tool_call(:run, 'lookup', '[1, 2]')", "SR033"),
                Arguments.of("begin_tool_call malformed JSON", "select * from sor_api.begin_tool_call(:run, 'lookup', '{x}')", "22P02"),
                Arguments.of("begin_tool_call empty key", "select * from sor_api.begin_tool_call(:run, 'lookup', '{}', '')", "SR033"),
                Arguments.of("begin_tool_call unknown run", "select * from sor_api.begin_tool_call(gen_random_uuid(), 'lookup', '{}')", "SR034"),
                Arguments.of("begin_tool_call other's run", "select * from sor_api.begin_tool_call(:others_run, 'lookup', '{}')", "SR034"),
                Arguments.of("begin_tool_call oversized args", "select * from sor_api.begin_tool_call(:run, 'lookup', jsonb_build_object('x', " + big + "))", "SR009"),
                Arguments.of("finish_tool_call NULL id", "select sor_api.finish_tool_call(null, '{}')", "SR033"),
                Arguments.of("finish_tool_call unknown id", "select sor_api.finish_tool_call(gen_random_uuid(), '{}')", "SR034"),
                Arguments.of("finish_tool_call other's call", "select sor_api.finish_tool_call(:others_call, '{}')", "SR034"),
                Arguments.of("finish_tool_call result and error", "select sor_api.finish_tool_call(:call, '{}', '{}')", "SR033"),
                Arguments.of("commit_step NULL run", "select * from sor_api.commit_step(null, 's', 0, '{}')", "SR033"),
                Arguments.of("commit_step NULL step", "select * from sor_api.commit_step(:run, null, 0, '{}')", "SR033"),
                Arguments.of("commit_step empty step", "select * from sor_api.commit_step(:run, '', 0, '{}')", "SR033"),
                Arguments.of("commit_step oversized step", "select * from sor_api.commit_step(:run, repeat('s', 201), 0, '{}')", "SR033"),
                Arguments.of("commit_step negative version", "select * from sor_api.commit_step(:run, 's', -1, '{}')", "SR033"),
                Arguments.of("commit_step NULL version", "select * from sor_api.commit_step(:run, 's', null, '{}')", "SR033"),
                Arguments.of("commit_step NULL output", "select * from sor_api.commit_step(:run, 's', 0, null)", "SR033"),
                Arguments.of("commit_step array output", "select * from sor_api.commit_step(:run, 's', 0, '[1]')", "SR033"),
                Arguments.of("commit_step malformed JSON", "select * from sor_api.commit_step(:run, 's', 0, '{\"a\":')", "22P02"),
                Arguments.of("commit_step events not an array", "select * from sor_api.commit_step(:run, 's', 0, '{}', '{}')", "SR033"),
                Arguments.of("commit_step event without type", "select * from sor_api.commit_step(:run, 's', 0, '{}', '[{\"payload\": {}}]')", "SR033"),
                Arguments.of("commit_step event with unknown key", "select * from sor_api.commit_step(:run, 's', 0, '{}', '[{\"type\": \"a\", \"x\": 1}]')", "SR033"),
                Arguments.of("commit_step event payload not an object", "select * from sor_api.commit_step(:run, 's', 0, '{}', '[{\"type\": \"a\", \"payload\": 3}]')", "SR033"),
                Arguments.of("commit_step command without type", "select * from sor_api.commit_step(:run, 's', 0, '{}', '[]', '[{\"to\": \"a\"}]')", "SR033"),
                Arguments.of("commit_step command not an object", "select * from sor_api.commit_step(:run, 's', 0, '{}', '[]', '[1]')", "SR033"),
                Arguments.of("commit_step two blocking commands", "select * from sor_api.commit_step(:run, 's', 0, '{}', '[]', '[{\"type\": \"review\"}, {\"type\": \"suspend\"}]')", "SR041"),
                // each list is judged as a whole; the first offending element (by ordinal) decides
                Arguments.of("commit_step reserved event before a malformed one", "select * from sor_api.commit_step(:run, 's', 0, '{}', '[{\"type\": \"run_done\"}, 5]')", "SR017"),
                Arguments.of("commit_step malformed event before a reserved one", "select * from sor_api.commit_step(:run, 's', 0, '{}', '[5, {\"type\": \"run_done\"}]')", "SR033"),
                Arguments.of("commit_step bad event before a bad command", "select * from sor_api.commit_step(:run, 's', 0, '{}', '[{\"type\": \"Task.x\"}]', '[1]')", "SR017"),
                Arguments.of("commit_step second blocking command before a reserved topic", "select * from sor_api.commit_step(:run, 's', 0, '{}', '[]', '[{\"type\": \"review\"}, {\"type\": \"suspend\"}, {\"type\": \"resume\"}]')", "SR041"),
                Arguments.of("commit_step reserved topic before a second blocking command", "select * from sor_api.commit_step(:run, 's', 0, '{}', '[]', '[{\"type\": \"review\"}, {\"type\": \"RESUME\"}, {\"type\": \"suspend\"}]')", "SR017"),
                Arguments.of("commit_step malformed command after one blocking command", "select * from sor_api.commit_step(:run, 's', 0, '{}', '[]', '[{\"type\": \"review\"}, {\"type\": \"a b\"}, {\"type\": \"suspend\"}]')", "SR033"),
                Arguments.of("commit_step oversized output", "select * from sor_api.commit_step(:run, 's', 0, jsonb_build_object('x', " + big + "))", "SR009"),
                Arguments.of("finish_run NULL status", "select sor_api.finish_run(:run, null)", "SR033"),
                Arguments.of("finish_run unknown status", "select sor_api.finish_run(:run, 'done')", "SR033"),
                Arguments.of("finish_run success with error", "select sor_api.finish_run(:run, 'succeeded', '{\"e\": 1}')", "SR033"),
                Arguments.of("finish_run unknown run", "select sor_api.finish_run(gen_random_uuid(), 'succeeded')", "SR034"),
                Arguments.of("finish_run other's run", "select sor_api.finish_run(:others_run, 'succeeded')", "SR034"),
                Arguments.of("get_run NULL run", "select * from sor_api.get_run(null)", "SR033"));
    }

    static String bind(String sql) {
        return sql.replace(":others_run", "'" + othersRun + "'::uuid").replace(":others_call", "'" + othersCall + "'::uuid")
                .replace(":run", "'" + run + "'::uuid").replace(":call", "'" + call + "'::uuid");
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("workerCases")
    void workerBadInputIsRefusedAndWritesNothing(String name, String sql, String sqlState) {
        assertRefusedAndNothingWritten(db, sqlState, name, () -> Sql.run(worker, bind(sql)));
    }

    static Stream<Arguments> approverCases() {
        return Stream.of(
                Arguments.of("resolve_block NULL block", "select * from sor_api.resolve_block(null, true)", "SR033"),
                Arguments.of("resolve_block NULL decision", "select * from sor_api.resolve_block(1, null)", "SR033"),
                Arguments.of("resolve_block oversized note", "select * from sor_api.resolve_block(1, true, repeat('n', 2001))", "SR033"),
                Arguments.of("resolve_block unknown block", "select * from sor_api.resolve_block(987654, true)", "SR042"),
                Arguments.of("set_overlay NULL run", "select sor_api.set_overlay(null, '{}')", "SR033"),
                Arguments.of("set_overlay array", "select sor_api.set_overlay(:run, '[1]')", "SR033"),
                Arguments.of("set_overlay malformed JSON", "select sor_api.set_overlay(:run, '{')", "22P02"),
                Arguments.of("set_overlay unknown run", "select sor_api.set_overlay(gen_random_uuid(), '{}')", "SR034"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("approverCases")
    void approverBadInputIsRefusedAndWritesNothing(String name, String sql, String sqlState) {
        assertRefusedAndNothingWritten(db, sqlState, name, () -> Sql.run(approver, bind(sql)));
    }

    static Stream<Arguments> adminCases() {
        return Stream.of(
                Arguments.of("register_worker unknown role", "select sor_api.register_worker('no_such_role', 'kind')", "SR031"),
                Arguments.of("register_worker NULL role", "select sor_api.register_worker(null, 'kind')", "SR031"),
                Arguments.of("register_worker role not in sor_worker", "select sor_api.register_worker(current_user, 'kind')", "SR031"),
                Arguments.of("register_worker malformed kind", "select sor_api.register_worker(current_user, 'Bad Kind')", "SR033"),
                Arguments.of("register_worker NULL kind", "select sor_api.register_worker(current_user, null)", "SR033"),
                Arguments.of("configure_tenant unknown tenant", "select sor_api.configure_tenant('nosuch', true)", "SR002"),
                Arguments.of("configure_tenant retention too short", "select sor_api.configure_tenant('acme', idempotency_retention => interval '0 seconds')", "SR033"),
                Arguments.of("configure_tenant retention too long", "select sor_api.configure_tenant('acme', idempotency_retention => interval '1 year')", "SR033"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("adminCases")
    void adminBadInputIsRefusedAndWritesNothing(String name, String sql, String sqlState) {
        assertRefusedAndNothingWritten(db, sqlState, name, () -> Sql.run(admin, bind(sql)));
    }
}
