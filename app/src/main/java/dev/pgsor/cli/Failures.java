package dev.pgsor.cli;

import dev.pgsor.runtime.PostgresVersion;
import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.sql.SQLException;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.internal.exception.FlywayMigrateException;
import org.flywaydb.core.internal.sqlscript.FlywaySqlScriptException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Turns whatever stopped a command into its exit status and one line: what failed, the server's
 * message, the SQLSTATE and a hint (the server's, else one of ours). Stack traces are for --verbose.
 */
final class Failures {

    /** An exit status and the line that explains it. */
    record Described(int exitCode, String line) { }

    private Failures() { }

    static Described describe(Throwable failure) {
        CliException cli = find(failure, CliException.class);
        if (cli != null) {
            return new Described(cli.exitCode(), withHint(cli.getMessage(), cli.hint()));
        }
        PostgresVersion.UnsupportedServerException older = find(failure, PostgresVersion.UnsupportedServerException.class);
        if (older != null) {
            return new Described(ExitCode.REFUSED, oneLine(older.getMessage()));
        }
        String where = flywayPlace(failure);
        SQLException sql = find(failure, SQLException.class);
        if (sql != null) {
            return describe(sql, where, failure);
        }
        IOException io = find(failure, IOException.class);
        if (io != null) {
            return new Described(ExitCode.FAILED, ioLine(io));
        }
        if (failure instanceof FlywayException || find(failure, FlywayException.class) != null) {
            FlywayException f = find(failure, FlywayException.class);
            return new Described(ExitCode.REFUSED, (where == null ? "flyway: " : where + ": ") + oneLine(f.getMessage()));
        }
        return new Described(ExitCode.FAILED, withHint("unexpected error: " + failure.getClass().getSimpleName()
                + (failure.getMessage() == null ? "" : ": " + firstLine(failure.getMessage())), "run again with --verbose for the stack trace"));
    }

    private static Described describe(SQLException sql, String where, Throwable failure) {
        String state = sql.getSQLState() == null ? "" : sql.getSQLState();
        String message = firstLine(sql.getMessage());
        String hint = null;
        if (sql instanceof PSQLException p && p.getServerErrorMessage() != null) {
            ServerErrorMessage server = p.getServerErrorMessage();
            message = server.getMessage() == null ? message : firstLine(server.getMessage());
            if (server.getDetail() != null && !server.getDetail().isBlank()) {
                message = message + " (" + firstLine(server.getDetail()) + ")";
            }
            hint = server.getHint();
        }
        UnknownHostException unknownHost = find(failure, UnknownHostException.class);
        if (unknownHost != null) {
            return new Described(ExitCode.CANNOT_CONNECT, withHint("could not connect: unknown host " + unknownHost.getMessage()
                    + sqlState(state), "check the host name in --url"));
        }
        if (state.startsWith("28")) {
            return new Described(ExitCode.CANNOT_CONNECT, withHint("could not connect: " + message + sqlState(state),
                    hint != null ? hint : "check --user and --password (or PGPASSWORD), and the server's pg_hba.conf"));
        }
        if (state.equals("3D000")) {
            return new Described(ExitCode.CANNOT_CONNECT, withHint("could not connect: " + message + sqlState(state),
                    "check the database name in --url, or create the database first (createdb)"));
        }
        if (state.startsWith("08") || state.equals("57P03")) {
            Throwable cause = sql.getCause();
            String why = message;
            if (cause != null && cause.getMessage() != null && message.startsWith("The connection attempt failed")) {
                why = "the connection attempt failed (" + firstLine(cause.getMessage()) + ")";
            } else if (message.startsWith("Connection to ") && message.contains(" refused")) {
                why = message.substring(0, message.indexOf(" refused") + " refused".length());
            }
            return new Described(ExitCode.CANNOT_CONNECT, withHint("could not connect: " + why + sqlState(state),
                    "check the host and port in --url, and that the server accepts TCP connections there"));
        }
        if (where != null) {
            return new Described(ExitCode.REFUSED, withHint(where + " failed: " + message + sqlState(state), hint));
        }
        if (state.equals("3F000") || (state.equals("42883") || state.equals("42P01")) && message.contains("sor")) {
            return new Described(ExitCode.NOT_MIGRATED, withHint("this database has no pg-sor, or an older one: " + message + sqlState(state),
                    "migrate it first: pg-sor migrate --url ... (docs/operate/install.md)"));
        }
        return new Described(ExitCode.REFUSED, withHint("the database refused: " + message + sqlState(state), hint));
    }

    /** The migration or callback script a Flyway failure happened in, or null. */
    private static String flywayPlace(Throwable failure) {
        FlywayMigrateException migrate = find(failure, FlywayMigrateException.class);
        if (migrate != null && migrate.getMigration() != null) {
            return "migration " + migrate.getMigration().getScript();
        }
        FlywaySqlScriptException script = find(failure, FlywaySqlScriptException.class);
        if (script != null && script.getResource() != null) {
            return "script " + script.getResource().getFilename()
                    + (script.getLineNumber() > 0 ? " (line " + script.getLineNumber() + ")" : "");
        }
        return null;
    }

    private static String ioLine(IOException io) {
        if (io instanceof NoSuchFileException e) {
            return "no such file or directory: " + e.getFile();
        }
        if (io instanceof AccessDeniedException e) {
            return "permission denied: " + e.getFile();
        }
        if (io instanceof FileSystemException e) {
            return "cannot use " + e.getFile() + (e.getReason() == null ? "" : ": " + e.getReason());
        }
        return "input/output error: " + firstLine(io.getMessage());
    }

    private static String sqlState(String state) {
        return state.isEmpty() ? "" : " (SQLSTATE " + state + ")";
    }

    private static String withHint(String line, String hint) {
        return hint == null || hint.isBlank() ? line : line + "; hint: " + firstLine(hint);
    }

    /** Every line of a multi-line message on one, at most 400 characters (Flyway's validation reports name the script on a later line). */
    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String joined = String.join(" ", s.strip().lines().map(String::strip).filter(l -> !l.isEmpty() && !l.matches("-+")).toList());
        return joined.length() <= 400 ? joined : joined.substring(0, 397) + "...";
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return (nl < 0 ? t : t.substring(0, nl)).strip();
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
