package dev.pgsor.cli;

import dev.pgsor.runtime.Database;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The --url of a command: a JDBC URL ({@code jdbc:postgresql://host:5432/db?sslmode=require}), or
 * a libpq URL as providers print it ({@code postgres://user:password@host:5432/db?sslmode=require}
 * or {@code postgresql://...}), converted to JDBC with the user and password it carries. Anything
 * else is a usage error that says how to write the URL.
 */
final class ConnectionUrl {

    static final String JDBC_PREFIX = "jdbc:postgresql:";

    private ConnectionUrl() { }

    /**
     * The database to connect to. {@code user} and {@code password} come from the options when
     * given, else from a libpq URL's user information, else the user is {@code postgres} and the
     * password the PGPASSWORD environment variable.
     */
    static Database resolve(String url, String user, String password) {
        String u = url.strip();
        String lower = u.toLowerCase(Locale.ROOT);
        String urlUser = null;
        String urlPassword = null;
        if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
            String rest = u.substring(u.indexOf("://") + 3);
            int slash = rest.indexOf('/');
            String authority = slash < 0 ? rest : rest.substring(0, slash);
            String tail = slash < 0 ? "/" : rest.substring(slash);
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                String info = authority.substring(0, at);
                authority = authority.substring(at + 1);
                int colon = info.indexOf(':');
                urlUser = decode(colon < 0 ? info : info.substring(0, colon));
                urlPassword = colon < 0 ? null : decode(info.substring(colon + 1));
            }
            if (authority.isEmpty()) {
                throw usage(url);
            }
            u = "jdbc:postgresql://" + authority + tail;
        } else if (!lower.startsWith(JDBC_PREFIX + "//")) {
            throw usage(url);
        }
        String who = user != null ? user : urlUser != null && !urlUser.isEmpty() ? urlUser : "postgres";
        String secret = password != null ? password : urlPassword != null ? urlPassword : System.getenv("PGPASSWORD");
        return new Database(u, who, secret);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static CliException usage(String url) {
        return new CliException(ExitCode.USAGE, "not a PostgreSQL URL: " + redact(url),
                "write --url jdbc:postgresql://HOST:5432/DATABASE (or postgres://USER:PASSWORD@HOST:5432/DATABASE)");
    }

    /** The URL with any password replaced, for messages. */
    static String redact(String url) {
        return url.replaceAll("(://[^/@:]*:)[^/@]*@", "$1***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
