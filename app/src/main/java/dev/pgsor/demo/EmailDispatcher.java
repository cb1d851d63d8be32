package dev.pgsor.demo;

import dev.pgsor.runtime.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dispatcher: leases outbox rows, "sends" each email to a sink that stands in for the mail
 * provider, and marks it dispatched. The row's dedupe key goes to the provider as its idempotency
 * key, so a dispatcher that sent but died before mark_dispatched cannot make a second email.
 */
public final class EmailDispatcher {

    /** An email as the provider received it. */
    public record Email(String idempotencyKey, String to, String subject, String providerRef) { }

    /** Stands in for the provider: one email per idempotency key, like a real provider's API. */
    public static final class Sink {
        private final Map<String, Email> sent = new ConcurrentHashMap<>();
        private int requests;

        synchronized Email send(String key, String to, String subject) {
            requests++;
            return sent.computeIfAbsent(key, k -> new Email(k, to, subject, "msg-" + (sent.size() + 1)));
        }

        public List<Email> sent() {
            return new ArrayList<>(sent.values());
        }

        public synchronized int requests() {
            return requests;
        }
    }

    private final Database database;
    private final Sink sink;
    private final List<String> tenants;

    /** A dispatcher for the given tenants (the dispatcher's login must be a member of each). */
    public EmailDispatcher(Database database, Sink sink, List<String> tenants) {
        this.database = database;
        this.sink = sink;
        this.tenants = List.copyOf(tenants);
    }

    private PreparedStatement leaseStatement(Connection c) throws SQLException {
        PreparedStatement ps = c.prepareStatement("select outbox_id, lease_token, dedupe_key, payload ->> 'to', payload ->> 'subject'"
                + " from sor_api.lease_outbox(50, interval '30 seconds', ?)");
        ps.setArray(1, c.createArrayOf("text", tenants.toArray()));
        return ps;
    }

    /** Dispatches until no row is due; returns how many rows it marked dispatched. */
    public int drain() throws SQLException {
        int dispatched = 0;
        try (Connection c = database.connect()) {
            while (true) {
                int leased = 0;
                try (PreparedStatement ps = leaseStatement(c);
                     ResultSet rs = ps.executeQuery()) {
                    List<Object[]> rows = new ArrayList<>();
                    while (rs.next()) {
                        rows.add(new Object[] {rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5)});
                    }
                    for (Object[] r : rows) {
                        leased++;
                        Email email = sink.send((String) r[2], (String) r[3], (String) r[4]);
                        try (PreparedStatement mark = c.prepareStatement("select sor_api.mark_dispatched(?, ?, ?)")) {
                            mark.setLong(1, (Long) r[0]);
                            mark.setLong(2, (Long) r[1]);
                            mark.setString(3, email.providerRef());
                            mark.execute();
                        }
                        dispatched++;
                    }
                }
                if (leased == 0) {
                    return dispatched;
                }
            }
        }
    }
}
