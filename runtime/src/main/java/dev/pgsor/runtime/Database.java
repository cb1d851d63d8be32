package dev.pgsor.runtime;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Where a pg-sor database is: a JDBC URL and the credentials of the role that connects. The kit
 * hands one out for every login role it creates, so a test connects as the caller it proves.
 *
 * @param url      JDBC URL of the database
 * @param user     the role that connects
 * @param password its password (may be empty)
 */
public record Database(String url, String user, String password) {

    /** Checks that there is a URL. */
    public Database {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("a JDBC URL is required");
        }
    }

    /** Opens a new connection as {@link #user()}; the caller closes it. */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        if (user != null && !user.isEmpty()) {
            props.setProperty("user", user);
        }
        if (password != null && !password.isEmpty()) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "pg-sor");
        return DriverManager.getConnection(url, props);
    }

    /** The same server and credentials, another database on it. */
    public Database withDatabaseName(String name) {
        int slash = url.indexOf('/', "jdbc:postgresql://".length());
        if (slash < 0) {
            throw new IllegalArgumentException("cannot find the database name in " + url);
        }
        int query = url.indexOf('?', slash);
        String rest = query < 0 ? "" : url.substring(query);
        return new Database(url.substring(0, slash + 1) + name + rest, user, password);
    }

    /**
     * The same database, with a server setting for every session it opens ({@code -c name=value}
     * in the driver's {@code options}, added to any already there).
     */
    public Database withSetting(String name, String value) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_.]*") || !value.matches("[A-Za-z0-9_.:-]+")) {
            throw new IllegalArgumentException("not a setting this can pass: " + name + "=" + value);
        }
        String option = java.net.URLEncoder.encode("-c " + name + "=" + value, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
        java.util.regex.Matcher existing = java.util.regex.Pattern.compile("([?&])options=([^&]*)").matcher(url);
        if (existing.find()) {
            return new Database(url.substring(0, existing.end()) + "%20" + option + url.substring(existing.end()), user, password);
        }
        return new Database(url + (url.contains("?") ? "&" : "?") + "options=" + option, user, password);
    }

    /** The same database, another role. */
    public Database as(String role, String rolePassword) {
        return new Database(url, role, rolePassword);
    }
}
