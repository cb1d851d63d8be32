package dev.pgsor.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of psql that runnable documentation blocks may use: SQL statements ended by a
 * semicolon, or by {@code \gset [prefix]} (the single result row's columns become variables), and
 * variables interpolated as psql does: {@code :name} as is, {@code :'name'} as a quoted literal,
 * {@code :"name"} as a quoted identifier, never inside quotes, comments or dollar quotes, and left
 * alone when the variable is not set. Any other backslash meta-command is refused, so a block that
 * psql would run differently cannot be marked runnable.
 */
final class PsqlScript {

    /** One statement to send, with the line of the block it starts on (1-based). */
    record Statement(String sql, int line, String gsetPrefix) {

        /** True when psql would store the result row in variables ({@code \gset}). */
        boolean gset() {
            return gsetPrefix != null;
        }
    }

    private static final Pattern DOLLAR_TAG = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)?\\$");
    private static final Pattern META = Pattern.compile("\\\\([A-Za-z]+)([^\\n]*)");
    private static final Pattern VARIABLE = Pattern.compile(":(?:'([A-Za-z0-9_]+)'|\"([A-Za-z0-9_]+)\"|([A-Za-z0-9_]+))");

    private PsqlScript() { }

    /**
     * Splits a block into statements. Text after the last terminator must be blank or comments:
     * psql would keep an unterminated statement in its buffer and never send it.
     */
    static List<Statement> split(String script) {
        List<Statement> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int startLine = -1;
        int line = 1;
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            int end;
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                end = script.indexOf('\n', i);
                end = end < 0 ? n : end;
                current.append(script, i, end);
            } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                end = blockCommentEnd(script, i);
                current.append(script, i, end);
            } else if (c == '\'' || c == '"') {
                end = quotedEnd(script, i, c, c == '\'' && escapeString(script, i));
                startLine = startLine < 0 ? line : startLine;
                current.append(script, i, end);
            } else if (c == '$' && dollarQuoteStart(script, i) != null) {
                String tag = dollarQuoteStart(script, i);
                int close = script.indexOf(tag, i + tag.length());
                if (close < 0) {
                    throw new IllegalArgumentException("line " + line + ": unterminated dollar quote " + tag);
                }
                end = close + tag.length();
                startLine = startLine < 0 ? line : startLine;
                current.append(script, i, end);
            } else if (c == '\\') {
                Matcher m = META.matcher(script).region(i, n);
                if (!m.lookingAt()) {
                    throw new IllegalArgumentException("line " + line + ": a backslash that is not a psql meta-command");
                }
                String command = m.group(1);
                String arg = m.group(2).trim();
                if (!command.equals("gset")) {
                    throw new IllegalArgumentException("line " + line + ": psql meta-command \\" + command
                            + " is not supported in a runnable block (only \\gset); leave the block unmarked");
                }
                if (startLine < 0 || current.toString().isBlank()) {
                    throw new IllegalArgumentException("line " + line + ": \\gset without a query before it");
                }
                if (!arg.isEmpty() && !arg.matches("[A-Za-z0-9_]+")) {
                    throw new IllegalArgumentException("line " + line + ": \\gset takes at most a variable prefix, not '" + arg + "'");
                }
                out.add(new Statement(current.toString().trim(), startLine, arg));
                current.setLength(0);
                startLine = -1;
                end = m.end();
            } else if (c == ';') {
                if (startLine >= 0) {
                    out.add(new Statement(current.toString().trim(), startLine, null));
                }
                current.setLength(0);
                startLine = -1;
                end = i + 1;
            } else {
                if (!Character.isWhitespace(c) && startLine < 0) {
                    startLine = line;
                }
                current.append(c);
                end = i + 1;
            }
            line += count(script, i, end, '\n');
            i = end;
        }
        if (startLine >= 0) {
            throw new IllegalArgumentException("line " + startLine + ": statement without a terminating semicolon (psql would not send it)");
        }
        return out;
    }

    /**
     * Interpolates psql variables into one statement: outside quotes, comments and dollar quotes,
     * {@code :name} becomes the value, {@code :'name'} a literal, {@code :"name"} an identifier; a
     * variable that is not set, and {@code ::} casts, stay as they are.
     */
    static String interpolate(String sql, Map<String, String> variables) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            int end;
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                out.append(sql, i, end);
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                end = blockCommentEnd(sql, i);
                out.append(sql, i, end);
            } else if (c == '\'' || c == '"') {
                end = quotedEnd(sql, i, c, c == '\'' && escapeString(sql, i));
                out.append(sql, i, end);
            } else if (c == '$' && dollarQuoteStart(sql, i) != null) {
                String tag = dollarQuoteStart(sql, i);
                int close = sql.indexOf(tag, i + tag.length());
                end = close < 0 ? n : close + tag.length();
                out.append(sql, i, end);
            } else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
                out.append("::");
                end = i + 2;
            } else if (c == ':') {
                Matcher m = VARIABLE.matcher(sql).region(i, n);
                String name = m.lookingAt() ? firstNonNull(m.group(1), m.group(2), m.group(3)) : null;
                if (name != null && variables.containsKey(name)) {
                    String value = variables.get(name);
                    if (m.group(1) != null) {
                        out.append('\'').append(value.replace("'", "''")).append('\'');
                    } else if (m.group(2) != null) {
                        out.append('"').append(value.replace("\"", "\"\"")).append('"');
                    } else {
                        out.append(value);
                    }
                    end = m.end();
                } else {
                    out.append(c);
                    end = i + 1;
                }
            } else {
                out.append(c);
                end = i + 1;
            }
            i = end;
        }
        return out.toString();
    }

    private static String firstNonNull(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static int count(String s, int from, int to, char ch) {
        int k = 0;
        for (int j = from; j < to; j++) {
            if (s.charAt(j) == ch) {
                k++;
            }
        }
        return k;
    }

    /** True when the quote at i opens an escape string (E'...'), where a backslash escapes. */
    private static boolean escapeString(String s, int i) {
        return i > 0 && (s.charAt(i - 1) == 'E' || s.charAt(i - 1) == 'e')
                && (i < 2 || !Character.isLetterOrDigit(s.charAt(i - 2)) && s.charAt(i - 2) != '_');
    }

    private static int quotedEnd(String s, int i, char quote, boolean backslashEscapes) {
        int j = i + 1;
        while (j < s.length()) {
            char c = s.charAt(j);
            if (backslashEscapes && c == '\\') {
                j += 2;
                continue;
            }
            if (c == quote) {
                if (j + 1 < s.length() && s.charAt(j + 1) == quote) {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j++;
        }
        throw new IllegalArgumentException("unterminated " + (quote == '\'' ? "string literal" : "quoted identifier"));
    }

    private static int blockCommentEnd(String s, int i) {
        int depth = 0;
        int j = i;
        while (j < s.length()) {
            if (s.startsWith("/*", j)) {
                depth++;
                j += 2;
            } else if (s.startsWith("*/", j)) {
                depth--;
                j += 2;
                if (depth == 0) {
                    return j;
                }
            } else {
                j++;
            }
        }
        throw new IllegalArgumentException("unterminated block comment");
    }

    /** The dollar-quote tag starting at i ($$ or $tag$), or null ($1 is a parameter, a$b$ an identifier). */
    private static String dollarQuoteStart(String s, int i) {
        if (i > 0 && (Character.isLetterOrDigit(s.charAt(i - 1)) || s.charAt(i - 1) == '_')) {
            return null;
        }
        Matcher m = DOLLAR_TAG.matcher(s).region(i, s.length());
        return m.lookingAt() ? m.group() : null;
    }
}
