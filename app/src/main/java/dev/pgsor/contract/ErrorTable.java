package dev.pgsor.contract;

import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQLSTATEs documented in docs/errors.md: the first cell of every table row that is a code of
 * class SR. The contract snapshot lists them, and ErrorTableTest keeps them equal to the codes the
 * SQL raises.
 */
public final class ErrorTable {

    private static final Pattern ROW = Pattern.compile("(?m)^\\|\\s*(SR[0-9A-Z]{3})\\s*\\|");

    private ErrorTable() { }

    /** The SR codes with a row in the Markdown text, sorted. */
    public static SortedSet<String> documentedCodes(String markdown) {
        SortedSet<String> out = new TreeSet<>();
        Matcher m = ROW.matcher(markdown);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
