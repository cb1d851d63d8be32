package dev.pgsor.cli;

import dev.pgsor.mcp.SorMcpServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `pg-sor mcp`: an MCP server on stdio for one Worker inside one run. */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = {"Serve MCP on stdin/stdout as a Worker: tools/list is sor_api.list_tools(),",
                "tools/call is sor_api.call_tool(), with the Worker surface of sor_api (turns, events,",
                "tasks, external tool calls, steps), inside one run opened (or joined) at start.",
                "The session ends when the client closes stdin; see docs/mcp.md."})
final class McpCommand implements Callable<Integer> {

    @Option(names = "--url", required = true,
            description = "JDBC URL of the pg-sor database (postgres://USER:PASSWORD@HOST:5432/DB is converted)")
    String url;

    @Option(names = "--user", required = true, description = "The Worker's login role")
    String user;

    @Option(names = "--password", description = "Its password (default: the PGPASSWORD environment variable)")
    String password;

    @Option(names = "--tenant", required = true, description = "Tenant the run works for")
    String tenant;

    @Option(names = "--workflow", required = true, description = "Workflow name of the run")
    String workflow;

    @Option(names = "--run-key", required = true,
            description = "Idempotency key of the run: the same key joins the same run and renews its lease")
    String runKey;

    @Option(names = "--input", defaultValue = "{}", description = "Run input as JSON (default: ${DEFAULT-VALUE})")
    String input;

    @Option(names = "--lease-seconds", defaultValue = "300",
            description = "Lease of the run, 1 to 3600 seconds (default: ${DEFAULT-VALUE}). Renewed when a session joins,"
                    + " every third of it while one runs, and once more when one ends: a client that starts one"
                    + " process per call keeps the run alive while its calls are less than this apart.")
    int leaseSeconds;

    @Option(names = "--call-timeout-seconds", defaultValue = "300",
            description = "Longest tool call, in seconds (default: ${DEFAULT-VALUE}): the statement timeout of calls, and"
                    + " how far the run's lease is extended while a registry tool runs, so a call longer than the lease"
                    + " keeps the run alive. With --lease-seconds at most 3600.")
    int callTimeoutSeconds;

    @Option(names = "--reconnect-seconds", defaultValue = "30",
            description = "After a restart or failover, how long a call reconnects (with backoff) and, where it is safe,"
                    + " retries before the client gets a retryable tool error (default: ${DEFAULT-VALUE}).")
    int reconnectSeconds;

    @Option(names = "--on-eof", defaultValue = "keep-running",
            description = "What a session that ends without finish_run does to the run: keep-running (default:"
                    + " the run stays running for one lease, for the next session of the same run key, then reads"
                    + " abandoned) or fail (the run is finished as failed).")
    String onEof;

    @Override
    public Integer call() throws Exception {
        SorMcpServer.OnEof end = switch (onEof) {
            case "keep-running" -> SorMcpServer.OnEof.KEEP_RUNNING;
            case "fail" -> SorMcpServer.OnEof.FAIL;
            default -> {
                System.err.println("pg-sor mcp: --on-eof is keep-running or fail, not " + onEof);
                yield null;
            }
        };
        if (end == null) {
            return 2;
        }
        SorMcpServer.Limits limits = new SorMcpServer.Limits(callTimeoutSeconds, reconnectSeconds);
        String problem = limits.problem(leaseSeconds);
        if (problem != null) {
            System.err.println("pg-sor mcp: " + problem);
            return 2;
        }
        // a run that cannot be opened is refused like any command: one line with the SQLSTATE and
        // hint, exit status 5 (docs/operate/cli.md)
        SorMcpServer server = SorMcpServer.open(ConnectionUrl.resolve(url, user, password),
                new SorMcpServer.RunSpec(tenant, workflow, runKey, input, leaseSeconds), end, limits);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "pg-sor-mcp-shutdown"));
        try {
            System.err.println("pg-sor MCP server: run " + server.runId() + " (" + server.status() + ", lease "
                    + leaseSeconds + " s, on EOF " + onEof + ")");
            server.serve(System.in, System.out);
            server.awaitEnd();
            return 0;
        } finally {
            server.close();
        }
    }
}
