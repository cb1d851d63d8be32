package dev.pgsor.db;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads sor_api.certify() and prints it as a table. A gate may accept failing rows explicitly
 * ({@link Accept}): they are printed as accepted, never hidden, and an acceptance that matches no
 * failing row is named too.
 */
public final class Certification {

    public record Check(String property, String check, String object, boolean ok, String detail) { }

    /**
     * A failing row a gate accepts: every failing row of a check ({@code CHECK}), or one object of
     * it ({@code CHECK=OBJECT}); names are certify()'s, exactly.
     */
    public record Accept(String check, String object) {

        /** Parses {@code CHECK} or {@code CHECK=OBJECT}. */
        public static Accept parse(String spec) {
            int eq = spec.indexOf('=');
            String check = (eq < 0 ? spec : spec.substring(0, eq)).strip();
            String object = eq < 0 ? null : spec.substring(eq + 1).strip();
            if (check.isEmpty() || object != null && object.isEmpty()) {
                throw new IllegalArgumentException("--accept takes a check name, or CHECK=OBJECT: '" + spec + "'");
            }
            return new Accept(check, object);
        }

        public boolean matches(Check row) {
            return row.check().equals(check) && (object == null || object.equals(row.object()));
        }

        @Override
        public String toString() {
            return object == null ? check : check + "=" + object;
        }
    }

    /**
     * What a gate decides: the failing rows no acceptance covers, the failing rows accepted, and the
     * acceptances that matched no failing row.
     */
    public record Verdict(List<Check> failing, List<Check> accepted, List<Accept> unused) {
        public boolean passes() {
            return failing.isEmpty();
        }
    }

    /** Splits the failing rows into accepted and not. */
    public static Verdict judge(List<Check> rows, List<Accept> accepts) {
        List<Check> failing = new ArrayList<>();
        List<Check> accepted = new ArrayList<>();
        for (Check r : rows) {
            if (!r.ok()) {
                (accepts.stream().anyMatch(a -> a.matches(r)) ? accepted : failing).add(r);
            }
        }
        List<Accept> unused = accepts.stream().filter(a -> accepted.stream().noneMatch(a::matches)).toList();
        return new Verdict(List.copyOf(failing), List.copyOf(accepted), unused);
    }

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
        print(rows, List.of(), out);
    }

    /** Prints the table; accepted rows read "FAIL, accepted", and a summary names them and any unused acceptance. */
    public static void print(List<Check> rows, List<Accept> accepts, PrintStream out) {
        Verdict verdict = judge(rows, accepts);
        String[] head = {"property", "check", "object", "ok", "detail"};
        int[] width = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            width[i] = head[i].length();
        }
        for (Check r : rows) {
            String[] cells = cells(r, verdict);
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
            out.println(line(cells(r, verdict), width));
        }
        if (verdict.accepted().isEmpty()) {
            out.printf("%d checks, %d failing%n", rows.size(), failing(rows));
        } else {
            for (Check r : verdict.accepted()) {
                out.printf("accepted: %s | %s | %s%n", r.check(), r.object(), r.detail() == null ? "" : r.detail());
            }
            out.printf("%d checks, %d failing: %d accepted with --accept, %d not accepted%n", rows.size(), failing(rows),
                    verdict.accepted().size(), verdict.failing().size());
        }
        for (Accept a : verdict.unused()) {
            out.printf("--accept \"%s\" matched no failing row%n", a);
        }
    }

    private static String[] cells(Check r, Verdict verdict) {
        return new String[] {r.property(), r.check(), r.object(),
                r.ok() ? "ok" : verdict.accepted().contains(r) ? "FAIL, accepted" : "FAIL",
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
