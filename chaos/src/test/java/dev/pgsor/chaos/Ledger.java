package dev.pgsor.chaos;

import dev.pgsor.runtime.Database;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The client-side ledger of acknowledged commits: every sor_api call the workload made in
 * autocommit mode that returned normally is one entry, with the keys to find what it wrote.
 * Calls whose connection died before the reply are "in flight": they may or may not have
 * committed. After a crash or a failover, {@link #missing(Database)} looks every acknowledged
 * entry up on the server and returns the ones it cannot find.
 */
final class Ledger {

    /** What an acknowledged call wrote, and how to find it (a, b, c, d are its keys as text). */
    enum Kind {
        /**
         * reconciler.ingest_bank_rows: a = tenant, b = bank_txn_id; the pending row and its task, live
         * (sor.tasks) or finished (sor.finished_tasks), found through the task's dedupe key (scope
         * task:reconcile, the bank_txn_id) and checked on the row itself.
         */
        INGESTED("""
                select 1 from reconciler.pending_transactions p
                  join sor.dedupe_keys k on k.tenant_id = p.tenant_id and k.scope = 'task:reconcile' and k.dedupe_key = p.bank_txn_id
                  join (select tenant_id, task_id, queue, dedupe_key from sor.tasks
                        union all
                        select tenant_id, task_id, queue, dedupe_key from sor.finished_tasks) t
                    on t.tenant_id = k.tenant_id and t.task_id = k.target_id and t.queue = 'reconcile' and t.dedupe_key = p.bank_txn_id
                 where p.tenant_id = x.a and p.bank_txn_id = x.b"""),
        /**
         * sor_api.claim_tasks: a = task_id, b = fencing token; the task (live or finished) holds the claim
         * under that token, or the event of an attempt's outcome names it (a claim writes no event).
         */
        TASK_CLAIMED("""
                select 1 from (select tenant_id, task_id, fencing_token from sor.tasks
                               union all select tenant_id, task_id, fencing_token from sor.finished_tasks) t
                 where t.task_id = x.a::bigint
                   and (t.fencing_token::text = x.b
                        or exists (select 1 from sor.events e where e.tenant_id = t.tenant_id and e.stream = 'task-' || t.task_id
                                      and e.type like 'task.%' and e.payload ->> 'fencing_token' = x.b))"""),
        /** sor_api.lease_outbox: a = outbox_id, b = lease token; the lease's event under that token. */
        OUTBOX_LEASED("""
                select 1 from sor.outbox o join sor.events e
                    on e.tenant_id = o.tenant_id and e.stream = 'outbox-' || o.outbox_id and e.type = 'outbox.leased'
                 where o.outbox_id = x.a::bigint and e.payload ->> 'lease_token' = x.b"""),
        /** sor_api.start_run: a = run_id. */
        RUN_STARTED("select 1 from sor.runs r where r.run_id = x.a::uuid"),
        /** sor_api.call_tool that succeeded: a = tool_call_id. */
        TOOL_CALL("select 1 from sor.tool_calls c where c.tool_call_id = x.a::uuid and c.status = 'succeeded'"),
        /** record_expense through call_tool: a = tenant, b = bank_txn_id; the expense and its email outbox row. */
        EXPENSE("""
                select 1 from reconciler.expenses e join sor.outbox o
                    on o.tenant_id = e.tenant_id and o.dedupe_key = 'expense-email:' || e.bank_txn_id
                 where e.tenant_id = x.a and e.bank_txn_id = x.b"""),
        /** sor_api.begin_tool_call: a = tool_call_id. */
        BEGIN_CALL("select 1 from sor.tool_calls c where c.tool_call_id = x.a::uuid"),
        /** sor_api.finish_tool_call: a = tool_call_id. */
        FINISH_CALL("select 1 from sor.tool_calls c where c.tool_call_id = x.a::uuid and c.status = 'succeeded'"),
        /**
         * sor_api.complete_task: a = task_id, b = fencing token; completed in sor.finished_tasks by the
         * claim under that token, with its completion event naming that claim's token and holder.
         */
        TASK_COMPLETED("""
                select 1 from sor.finished_tasks f
                  join sor.events e on e.tenant_id = f.tenant_id and e.stream = 'task-' || f.task_id and e.type = 'task.completed'
                       and e.payload ->> 'fencing_token' = x.b and e.payload ->> 'claimed_by' = f.claimed_by
                 where f.task_id = x.a::bigint and f.status = 'completed' and f.fencing_token::text = x.b"""),
        /** sor_api.finish_run as succeeded: a = run_id. */
        RUN_FINISHED("select 1 from sor.runs r where r.run_id = x.a::uuid and r.status = 'succeeded'"),
        /** sor_api.append_event: a = tenant, b = stream, c = version, d = hash (hex). */
        EVENT("""
                select 1 from sor.events e
                 where e.tenant_id = x.a and e.stream = x.b and e.version = x.c::bigint and encode(e.hash, 'hex') = x.d"""),
        /** sor_api.mark_dispatched: a = outbox_id, b = provider_ref. */
        DISPATCHED("select 1 from sor.outbox o where o.outbox_id = x.a::bigint and o.status = 'dispatched' and o.provider_ref = x.b"),
        /** sor_api.commit_step with a review: a = run_id, b = step_id, c = block_id; the step and its deferred or released rows. */
        STEP_COMMITTED("""
                select 1 from sor.steps s join sor.blocks b on b.tenant_id = s.tenant_id and b.block_id = s.block_id
                 where s.run_id = x.a::uuid and s.step_id = x.b and s.block_id = x.c::bigint
                   and exists (select 1 from sor.outbox o where o.tenant_id = s.tenant_id and o.block_id = s.block_id)"""),
        /** sor_api.resolve_block approving: a = block_id; approved, and nothing of it still deferred. */
        BLOCK_RESOLVED("""
                select 1 from sor.blocks b
                 where b.block_id = x.a::bigint and b.status = 'approved'
                   and not exists (select 1 from sor.outbox o where o.tenant_id = b.tenant_id and o.block_id = b.block_id
                                     and o.status = 'deferred')""");

        final String exists;

        Kind(String exists) {
            this.exists = exists;
        }
    }

    /** One acknowledged call ({@code ackedAt}: System.nanoTime() at the reply), or an in-flight one (at the send). */
    record Entry(Kind kind, String a, String b, String c, String d, long ackedAt) { }

    private final ConcurrentLinkedQueue<Entry> acked = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Entry> inFlight = new ConcurrentLinkedQueue<>();

    void ack(Kind kind, Object a) {
        ack(kind, a, null, null, null);
    }

    void ack(Kind kind, Object a, Object b) {
        ack(kind, a, b, null, null);
    }

    void ack(Kind kind, Object a, Object b, Object c, Object d) {
        acked.add(new Entry(kind, str(a), str(b), str(c), str(d), System.nanoTime()));
    }

    /**
     * A call whose reply never came, sent at {@code sentAt} (System.nanoTime()): it may have
     * committed if the server got it before it died.
     */
    void inFlight(Kind kind, Object a, long sentAt) {
        inFlight.add(new Entry(kind, str(a), null, null, null, sentAt));
    }

    /** Whether a call of this kind on this key was in flight and sent before {@code deadAt}: it may have committed. */
    boolean mayHaveCommitted(Kind kind, String a, long deadAt) {
        return inFlight.stream().anyMatch(e -> e.kind() == kind && a.equals(e.a()) && e.ackedAt() < deadAt);
    }

    boolean wasAcked(Kind kind, String a) {
        return acked.stream().anyMatch(e -> e.kind() == kind && a.equals(e.a()));
    }

    int size() {
        return acked.size();
    }

    /** Looks every acknowledged entry up (as the given superuser) and returns those not found, by kind. */
    Map<Kind, List<Entry>> missing(Database admin) throws SQLException {
        Map<Kind, List<Entry>> byKind = new EnumMap<>(Kind.class);
        for (Entry e : acked) {
            byKind.computeIfAbsent(e.kind(), k -> new ArrayList<>()).add(e);
        }
        Map<Kind, List<Entry>> missing = new EnumMap<>(Kind.class);
        try (Connection c = admin.connect()) {
            for (Map.Entry<Kind, List<Entry>> k : byKind.entrySet()) {
                List<Entry> entries = k.getValue();
                String sql = "select x.i from unnest(?::text[], ?::text[], ?::text[], ?::text[]) with ordinality x(a, b, c, d, i)"
                        + " where not exists (" + k.getKey().exists + ") order by x.i";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setArray(1, array(c, entries, Entry::a));
                    ps.setArray(2, array(c, entries, Entry::b));
                    ps.setArray(3, array(c, entries, Entry::c));
                    ps.setArray(4, array(c, entries, Entry::d));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            missing.computeIfAbsent(k.getKey(), x -> new ArrayList<>()).add(entries.get(rs.getInt(1) - 1));
                        }
                    }
                }
            }
        }
        return missing;
    }

    private static Array array(Connection c, List<Entry> entries, java.util.function.Function<Entry, String> field)
            throws SQLException {
        return c.createArrayOf("text", entries.stream().map(field).toArray());
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}
