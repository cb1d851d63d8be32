package dev.pgsor.claims;

import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** The claims and outbox functions as the tests' Workers and dispatchers call them, with typed results. */
final class Claims {

    record Claim(long taskId, String tenantId, String subject, int attempts, long token) { }

    record Lease(long outboxId, String tenantId, String dedupeKey, int attempts, long token) { }

    private Claims() { }

    static long enqueue(Connection c, String tenant, String queue, String subject, String dedupeKey) throws SQLException {
        return ((Number) Sql.scalar(c, "select sor_api.enqueue_task(?, ?, ?, '{}'::jsonb, ?)", tenant, queue, subject, dedupeKey))
                .longValue();
    }

    static List<Claim> claim(Connection c, String queue, Integer batch, String lease) throws SQLException {
        return Sql.rows(c, "select task_id, tenant_id, subject, attempts, fencing_token from sor_api.claim_tasks(?, ?, ?::interval)",
                queue, batch, lease).stream()
                .map(r -> new Claim((Long) r.get(0), (String) r.get(1), (String) r.get(2), (Integer) r.get(3), (Long) r.get(4)))
                .toList();
    }

    static void complete(Connection c, long taskId, Long token) throws SQLException {
        Sql.run(c, "select sor_api.complete_task(?, ?, '{\"done\": true}'::jsonb)", taskId, token);
    }

    static void fail(Connection c, long taskId, Long token, String error) throws SQLException {
        Sql.run(c, "select * from sor_api.fail_task(?, ?, ?)", taskId, token, error);
    }

    static void heartbeat(Connection c, long taskId, Long token) throws SQLException {
        Sql.run(c, "select sor_api.heartbeat_task(?, ?)", taskId, token);
    }

    static List<Lease> lease(Connection c, Integer batch, String lease) throws SQLException {
        return Sql.rows(c, "select outbox_id, tenant_id, dedupe_key, attempts, lease_token from sor_api.lease_outbox(?, ?::interval)",
                batch, lease).stream()
                .map(r -> new Lease((Long) r.get(0), (String) r.get(1), (String) r.get(2), (Integer) r.get(3), (Long) r.get(4)))
                .toList();
    }

    static void markDispatched(Connection c, long outboxId, Long token, String providerRef) throws SQLException {
        Sql.run(c, "select sor_api.mark_dispatched(?, ?, ?)", outboxId, token, providerRef);
    }

    static void markFailed(Connection c, long outboxId, Long token, String error) throws SQLException {
        Sql.run(c, "select * from sor_api.mark_failed(?, ?, ?)", outboxId, token, error);
    }
}
