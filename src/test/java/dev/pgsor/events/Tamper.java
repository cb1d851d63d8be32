package dev.pgsor.events;

import dev.pgsor.testkit.SorDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Damage done the way a superuser could: in ONE transaction as the superuser admin, every event
 * trigger is disabled (guard event triggers would refuse the next step), every user trigger of the
 * given tables is disabled, the damage is done, then each table trigger the damage left disabled
 * is put back exactly as it was (ENABLE ALWAYS for the append-only ones) and each event trigger is
 * put back as it was. A damage statement may itself re-enable a trigger in a weaker mode; that mode
 * is then left in place.
 */
final class Tamper {

    private Tamper() { }

    static void run(SorDatabase db, List<String> tables, String... damage) {
        try (Connection c = db.admin().connect()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                Map<String, String> eventTriggers = modes(st,
                        "select quote_ident(evtname), evtenabled::text from pg_event_trigger order by evtname");
                for (String evt : eventTriggers.keySet()) {
                    st.execute("alter event trigger " + evt + " disable");
                }
                Map<String, String> tableTriggers = new LinkedHashMap<>();
                for (String table : tables) {
                    for (Map.Entry<String, String> t : modes(st, "select quote_ident(tgname), tgenabled::text from pg_trigger"
                            + " where tgrelid = '" + table + "'::regclass and not tgisinternal order by tgname").entrySet()) {
                        tableTriggers.put(table + " " + t.getKey(), t.getValue());
                    }
                    st.execute("alter table " + table + " disable trigger user");
                }
                for (String sql : damage) {
                    st.execute(sql);
                }
                for (Map.Entry<String, String> t : tableTriggers.entrySet()) {
                    String[] tableAndName = t.getKey().split(" ", 2);
                    String now = modes(st, "select tgname, tgenabled::text from pg_trigger where tgrelid = '"
                            + tableAndName[0] + "'::regclass and quote_ident(tgname) = '" + tableAndName[1] + "'")
                            .values().stream().findFirst().orElse("gone");
                    if ("D".equals(now)) {
                        st.execute("alter table " + tableAndName[0] + " " + enable(t.getValue()) + " trigger " + tableAndName[1]);
                    }
                }
                for (Map.Entry<String, String> evt : eventTriggers.entrySet()) {
                    if (!"D".equals(evt.getValue())) {
                        st.execute("alter event trigger " + evt.getKey() + " " + enable(evt.getValue()));
                    }
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("tampering failed: " + e.getMessage(), e);
        }
    }

    /** Damage to sor.events: its triggers and those of every partition are disabled for it. */
    static void events(SorDatabase db, String... damage) {
        List<String> tables = new java.util.ArrayList<>(List.of("sor.events"));
        for (List<Object> row : db.rows("select inhrelid::regclass::text from pg_inherits"
                + " where inhparent = 'sor.events'::regclass order by 1")) {
            tables.add((String) row.get(0));
        }
        run(db, tables, damage);
    }

    private static String enable(String mode) {
        return switch (mode) {
            case "A" -> "enable always";
            case "R" -> "enable replica";
            case "D" -> "disable";
            default -> "enable";
        };
    }

    private static Map<String, String> modes(Statement st, String sql) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /** SQL that recomputes prev_hash and hash of every event of a stream from a version on. */
    static String rehash(String tenant, String stream, int fromVersion) {
        return """
               do $$
               declare
                 _r record;
                 _prev bytea;
               begin
                 for _r in select * from sor.events where tenant_id = '%1$s' and stream = '%2$s' order by version loop
                   if _r.version >= %3$d then
                     update sor.events
                        set prev_hash = _prev,
                            hash = sor_guard.event_hash(_prev, _r.tenant_id, _r.stream, _r.version, _r.type, _r.payload,
                                                  _r.metadata, _r.actor, _r.occurred_at, _r.position)
                      where tenant_id = _r.tenant_id and position = _r.position
                      returning hash into _prev;
                   else
                     _prev := _r.hash;
                   end if;
                 end loop;
               end
               $$""".formatted(tenant, stream, fromVersion);
    }
}
