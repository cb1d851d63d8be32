package dev.pgsor.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's startup check: one call, {@code sor_api.check_contract}, with the contract snapshot
 * this build carries (the schema artifact's {@code pgsor/contract.txt}, the release's
 * {@code db/contract.txt}). The database answers whether it keeps all of it, naming every difference.
 */
public final class ContractCheck {

    /** Where the schema artifact carries the contract snapshot of its release. */
    public static final String RESOURCE = "pgsor/contract.txt";

    private ContractCheck() { }

    /** The contract snapshot this build carries. */
    public static String carried() {
        try (InputStream in = ContractCheck.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("no " + RESOURCE + " on the classpath: add dev.pgsor:pg-sor-schema");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every incompatibility between the database and the given contract snapshot, as the database
     * names them; empty when the database keeps all of it.
     */
    public static List<String> incompatibilities(Connection c, String contract) throws SQLException {
        List<String> changes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select compatible, change from sor_api.check_contract(?)")) {
            ps.setString(1, contract);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!rs.getBoolean(1)) {
                        changes.add(rs.getString(2));
                    }
                }
            }
        }
        return changes;
    }

    /** Refuses to start (IllegalStateException naming each difference) unless the database keeps this build's contract. */
    public static void require(Connection c) throws SQLException {
        List<String> changes = incompatibilities(c, carried());
        if (!changes.isEmpty()) {
            throw new IllegalStateException("the database does not keep the pg-sor contract this client was built for:\n  "
                    + String.join("\n  ", changes));
        }
    }
}
