package dev.pgsor.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Renders the kit's schemas from the live catalog as reviewable DDL text: what db/schema.sql holds.
 * The embedded binaries carry no pg_dump, so the snapshot reads the catalog itself; the text is
 * stable for one PostgreSQL major version, which its header names.
 */
public final class SchemaSnapshot {

    private static final String[] SECTIONS = {"", "schemas", "types", "sequences", "tables", "indexes", "views",
            "functions", "triggers", "row level security", "policies", "owners and privileges", "column privileges",
            "comments", "event triggers", "publications"};

    private SchemaSnapshot() { }

    public static String render(Connection connection) throws SQLException {
        StringBuilder out = new StringBuilder();
        int major;
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("select current_setting('server_version_num')::int / 10000")) {
            rs.next();
            major = rs.getInt(1);
        }
        out.append("-- pg-sor schema snapshot: the kit's schemas as the migrations leave them.\n")
           .append("-- Generated from the catalog; do not edit. Regenerate with the command in README.md.\n")
           .append("-- PostgreSQL major version: ").append(major).append("\n");
        int section = 0;
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(query())) {
            while (rs.next()) {
                int s = rs.getInt(1);
                if (s != section) {
                    section = s;
                    out.append("\n-- ").append(SECTIONS[s]).append("\n\n");
                }
                out.append(rs.getString(3)).append("\n");
                if (s == 4 || s == 6 || s == 7 || s == 14 || s == 15) {
                    out.append("\n");
                }
            }
        }
        return out.toString().replaceAll("\n{3,}", "\n\n").stripTrailing() + "\n";
    }

    /** The major version named in a snapshot's header, or -1. */
    public static int majorVersionOf(String snapshot) {
        for (String line : snapshot.split("\n", 5)) {
            if (line.startsWith("-- PostgreSQL major version: ")) {
                return Integer.parseInt(line.substring("-- PostgreSQL major version: ".length()).trim());
            }
        }
        return -1;
    }

    private static String query() {
        try (InputStream in = SchemaSnapshot.class.getResourceAsStream("/pgsor/schema_snapshot.sql")) {
            if (in == null) {
                throw new IllegalStateException("pgsor/schema_snapshot.sql is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
