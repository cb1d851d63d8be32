package dev.pgsor.cli;

/**
 * The CLI's exit statuses (docs/operate/cli.md). A pipeline tells "the checks ran and something
 * failed" (1) from "the command could not run" (2 and up).
 */
public final class ExitCode {

    /** Done: every check passed (or every failing certify row was accepted with --accept). */
    public static final int OK = 0;
    /** The command ran and a check failed: a certify row, a lint finding, a proof of the demo. */
    public static final int CHECKS_FAILED = 1;
    /** Usage: an unknown option, a missing or malformed argument, a URL that is not a PostgreSQL URL, a path that does not exist. */
    public static final int USAGE = 2;
    /** Could not connect: refused, unknown host, timeout, authentication failed, no such database (SQLSTATE classes 08 and 28, 3D000). */
    public static final int CANNOT_CONNECT = 3;
    /** The database has no pg-sor, or an older one: migrate it first (sor_api or the function the command calls is missing). */
    public static final int NOT_MIGRATED = 4;
    /** The database refused or failed what was asked: a missing privilege, an SR refusal, a migration that failed, a server older than PostgreSQL 15. */
    public static final int REFUSED = 5;
    /** Anything else: a file that cannot be written, an unexpected error (--verbose prints its stack trace). */
    public static final int FAILED = 6;

    private ExitCode() { }
}
