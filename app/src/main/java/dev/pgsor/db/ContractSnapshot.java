package dev.pgsor.db;

import dev.pgsor.contract.Contract;
import dev.pgsor.contract.ErrorTable;
import dev.pgsor.contract.Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the live sor_api contract, what db/contract.txt holds: sor_api.contract_version(), every
 * sor_api function (arguments, result, volatility, security, strictness) and relation (columns and
 * their types) with the privileges the kit's roles and PUBLIC hold on them, the domain author's
 * surface (the objects sor.domain_surface() declares, where the kernel has it: 0.4.0 on), and the
 * SQLSTATEs documented in docs/errors.md.
 */
public final class ContractSnapshot {

    private ContractSnapshot() { }

    /** The contract of the connected database, with the SQLSTATEs of the given docs/errors.md text. */
    public static Contract read(Connection connection, String errorsMarkdown) throws SQLException {
        Version version;
        Map<String, List<String>> blocks = new LinkedHashMap<>();
        try (Statement st = connection.createStatement()) {
            try (ResultSet rs = st.executeQuery("select sor_api.contract_version()")) {
                rs.next();
                version = Version.parse(rs.getString(1));
            }
            readBlocks(st, query("contract_snapshot.sql"), blocks);
            boolean hasSurface;
            try (ResultSet rs = st.executeQuery("select pg_catalog.to_regprocedure('sor.domain_surface()') is not null")) {
                rs.next();
                hasSurface = rs.getBoolean(1);
            }
            if (hasSurface) {
                readBlocks(st, query("contract_surface.sql"), blocks);
            }
        }
        for (String code : ErrorTable.documentedCodes(errorsMarkdown)) {
            blocks.put("sqlstate " + code, List.of());
        }
        return new Contract(version, blocks);
    }

    private static void readBlocks(Statement st, String query, Map<String, List<String>> blocks) throws SQLException {
        try (ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                List<String> lines = blocks.computeIfAbsent(rs.getString(1), h -> new ArrayList<>());
                String line = rs.getString(2);
                if (line != null) {
                    lines.add(line);
                }
            }
        }
    }

    private static String query(String name) {
        try (InputStream in = ContractSnapshot.class.getResourceAsStream("/pgsor/" + name)) {
            if (in == null) {
                throw new IllegalStateException("pgsor/" + name + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
