package dev.pgsor.cli;

import dev.pgsor.mcp.SorMcpServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `pg-sor mcp`: an MCP server on stdio for one Worker inside one run. */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = {"Serve MCP on stdin/stdout as a Worker: tools/list is sor_api.list_tools(),",
                "tools/call is sor_api.call_tool(), inside one run opened (or joined) at start."})
final class McpCommand implements Callable<Integer> {

    @Option(names = "--url", required = true,
            description = "JDBC URL of the pg-sor database (postgres://USER:PASSWORD@HOST:5432/DB is converted)")
    String url;

    @Option(names = "--user", required = true, description = "The Worker's login role")
    String user;

    @Option(names = "--password", description = "Its password (default: the URL's password, else the PGPASSWORD environment variable)")
    String password;

    @Option(names = "--tenant", required = true, description = "Tenant the run works for")
    String tenant;

    @Option(names = "--workflow", required = true, description = "Workflow name of the run")
    String workflow;

    @Option(names = "--run-key", required = true,
            description = "Idempotency key of the run: the same key joins the same run")
    String runKey;

    @Option(names = "--input", defaultValue = "{}", description = "Run input as JSON (default: ${DEFAULT-VALUE})")
    String input;

    @Override
    public Integer call() throws Exception {
        try (SorMcpServer server = SorMcpServer.open(ConnectionUrl.resolve(url, user, password),
                new SorMcpServer.RunSpec(tenant, workflow, runKey, input))) {
            System.err.println("pg-sor MCP server: run " + server.runId());
            server.serve(System.in, System.out);
            Thread.currentThread().join();
            return 0;
        }
    }
}
