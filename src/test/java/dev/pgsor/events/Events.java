package dev.pgsor.events;

import dev.pgsor.runtime.Database;
import dev.pgsor.testkit.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Appending events as a Worker would: sor_api.append_event on the Worker's own connection. */
final class Events {

    private Events() { }

    /** Appends {@code count} events of type Noted as the role and returns their positions. */
    static List<Long> append(Database as, String tenant, String stream, int count) throws SQLException {
        try (Connection c = as.connect()) {
            List<Long> positions = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                positions.add(append(c, tenant, stream, "Noted", "{\"n\": " + i + "}"));
            }
            return positions;
        }
    }

    /** Appends one event and returns its position. */
    static long append(Connection c, String tenant, String stream, String type, String payload) throws SQLException {
        return ((Number) Sql.scalar(c, "select position from sor_api.append_event(?, ?, ?, ?::jsonb)",
                tenant, stream, type, payload)).longValue();
    }
}
