package dev.pgsor.db;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reads sor_api.certify() and prints it as a table. */
public final class Certification {

    public record Check(String property, String check, String object, boolean ok, String detail) { }

    private Certification() { }

    public static List<Check> run(Connection connection) throws SQLException {
        List<Check> rows = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("select property, \"check\", object, ok, detail from sor_api.certify()")) {
            while (rs.next()) {
                rows.add(new Check(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getString(5)));
            }
        }
        return rows;
    }

    public static long failing(List<Check> rows) {
        return rows.stream().filter(r -> !r.ok()).count();
    }

    public static void print(List<Check> rows, PrintStream out) {
        String[] head = {"property", "check", "object", "ok", "detail"};
        int[] width = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            width[i] = head[i].length();
        }
        for (Check r : rows) {
            String[] cells = cells(r);
            for (int i = 0; i < cells.length; i++) {
                width[i] = Math.max(width[i], cells[i].length());
            }
        }
        out.println(line(head, width));
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
            rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
        }
        out.println(rule);
        for (Check r : rows) {
            out.println(line(cells(r), width));
        }
        out.printf("%d checks, %d failing%n", rows.size(), failing(rows));
    }

    private static String[] cells(Check r) {
        return new String[] {r.property(), r.check(), r.object(), r.ok() ? "ok" : "FAIL",
                r.detail() == null ? "" : r.detail()};
    }

    private static String line(String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            sb.append(i == 0 ? "" : " | ");
            sb.append(i == cells.length - 1 ? cells[i] : String.format("%-" + width[i] + "s", cells[i]));
        }
        return sb.toString();
    }
}
