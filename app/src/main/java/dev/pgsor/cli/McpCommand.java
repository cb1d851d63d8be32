package dev.pgsor.cli;

import dev.pgsor.mcp.SorMcpServer;
import dev.pgsor.testkit.Database;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `pg-sor mcp`: an MCP server on stdio for one Worker inside one run. */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = {"Serve MCP on stdin/stdout as a Worker: tools/list is sor_api.list_tools(),",
                "tools/call is sor_api.call_tool(), inside one run opened (or joined) at start."})
final class McpCommand implements Callable<Integer> {

    @Option(names = "--url", required = true, description = "JDBC URL of the pg-sor database")
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
            description = "Idempotency key of the run: the same key joins the same run")
    String runKey;

    @Option(names = "--input", defaultValue = "{}", description = "Run input as JSON (default: ${DEFAULT-VALUE})")
    String input;

    @Override
    public Integer call() throws Exception {
        String pw = password != null ? password : System.getenv("PGPASSWORD");
        try (SorMcpServer server = SorMcpServer.open(new Database(url, user, pw),
                new SorMcpServer.RunSpec(tenant, workflow, runKey, input))) {
            System.err.println("pg-sor MCP server: run " + server.runId());
            server.serve(System.in, System.out);
            Thread.currentThread().join();
            return 0;
        }
    }
}
