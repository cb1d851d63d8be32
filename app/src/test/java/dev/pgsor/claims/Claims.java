package dev.pgsor.claims;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Thin JDBC calls of the claims and outbox functions, as the tests' Workers and dispatchers make them. */
final class Claims {

    record Claim(long taskId, String tenantId, String subject, int attempts, long token) { }

    record Lease(long outboxId, String tenantId, String dedupeKey, int attempts, long token) { }

    private Claims() { }

    static long enqueue(Connection c, String tenant, String queue, String subject, String dedupeKey) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select sor_api.enqueue_task(?, ?, ?, '{}'::jsonb, ?)")) {
            ps.setString(1, tenant);
            ps.setString(2, queue);
            ps.setString(3, subject);
            ps.setString(4, dedupeKey);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static List<Claim> claim(Connection c, String queue, Integer batch, String lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select task_id, tenant_id, subject, attempts, fencing_token from sor_api.claim_tasks(?, ?, ?::interval)")) {
            ps.setString(1, queue);
            ps.setObject(2, batch);
            ps.setString(3, lease);
            List<Claim> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Claim(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getLong(5)));
                }
            }
            return out;
        }
    }

    static void complete(Connection c, long taskId, Long token) throws SQLException {
        call(c, "select sor_api.complete_task(?, ?, '{\"done\": true}'::jsonb)", taskId, token);
    }

    static void fail(Connection c, long taskId, Long token, String error) throws SQLException {
        call(c, "select * from sor_api.fail_task(?, ?, ?)", taskId, token, error);
    }

    static void heartbeat(Connection c, long taskId, Long token) throws SQLException {
        call(c, "select sor_api.heartbeat_task(?, ?)", taskId, token);
    }

    static List<Lease> lease(Connection c, Integer batch, String lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select outbox_id, tenant_id, dedupe_key, attempts, lease_token from sor_api.lease_outbox(?, ?::interval)")) {
            ps.setObject(1, batch);
            ps.setString(2, lease);
            List<Lease> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Lease(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getLong(5)));
                }
            }
            return out;
        }
    }

    static void markDispatched(Connection c, long outboxId, Long token, String providerRef) throws SQLException {
        call(c, "select sor_api.mark_dispatched(?, ?, ?)", outboxId, token, providerRef);
    }

    static void markFailed(Connection c, long outboxId, Long token, String error) throws SQLException {
        call(c, "select * from sor_api.mark_failed(?, ?, ?)", outboxId, token, error);
    }

    static void call(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.execute();
        }
    }
}
