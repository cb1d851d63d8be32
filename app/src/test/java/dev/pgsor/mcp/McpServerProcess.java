package dev.pgsor.mcp;

import dev.pgsor.runtime.Database;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * `pg-sor mcp` as its own process, the way an MCP client starts it: the command line, an SDK
 * client over it, or the bare process for raw JSON-RPC lines.
 */
public final class McpServerProcess {

    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

    private McpServerProcess() {
    }

    /** java -cp (this classpath) dev.pgsor.cli.SorCli mcp ... as the Worker, with extra options appended. */
    public static List<String> command(Database worker, String tenant, String workflow, String runKey, String... options) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.pgsor.cli.SorCli", "mcp",
                "--url", worker.url(), "--user", worker.user(), "--password", worker.password(),
                "--tenant", tenant, "--workflow", workflow, "--run-key", runKey));
        cmd.addAll(List.of(options));
        return cmd;
    }

    /** A started and initialized SDK client whose server is a new process. */
    public static McpSyncClient client(List<String> command) {
        ServerParameters params = ServerParameters.builder(command.get(0))
                .args(command.subList(1, command.size()))
                .build();
        StdioClientTransport transport = new StdioClientTransport(params, JSON);
        // the server's log lines (run id, lease trouble, reconnects) in the test's output
        transport.setStdErrorHandler(line -> System.err.println("[pg-sor mcp] " + line));
        McpSyncClient client = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(60))
                .build();
        client.initialize();
        return client;
    }

    /** The server process driven by raw lines on its stdin and stdout; stderr is inherited. */
    public static Raw raw(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new Raw(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One server process and its lines. */
    public static final class Raw implements AutoCloseable {
        private final Process process;
        private final OutputStream stdin;
        private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(1000);

        Raw(Process process) {
            this.process = process;
            this.stdin = process.getOutputStream();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "mcp-test-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        public Process process() {
            return process;
        }

        /** Writes one line to the server's stdin. */
        public void send(String line) {
            try {
                stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Sends a JSON-RPC message built from a map. */
        public void send(Map<String, Object> message) {
            try {
                send(JSON.writeValueAsString(message));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The next line the server wrote, parsed; fails after 30 s. */
        @SuppressWarnings("unchecked")
        public Map<String, Object> receive() {
            try {
                String line = lines.poll(30, TimeUnit.SECONDS);
                if (line == null) {
                    throw new AssertionError("no answer from the MCP server within 30 s");
                }
                return JSON.readValue(line, Map.class);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Sends a request and returns its answer. */
        public Map<String, Object> request(Object id, String method, Map<String, Object> params) {
            send(Map.of("jsonrpc", "2.0", "id", id, "method", method, "params", params));
            return receive();
        }

        /** initialize with the protocol version, then notifications/initialized; returns the initialize answer. */
        public Map<String, Object> initialize(String protocolVersion) {
            Map<String, Object> answer = request(0, "initialize", Map.of("protocolVersion", protocolVersion,
                    "capabilities", Map.of(), "clientInfo", Map.of("name", "raw-test", "version", "1")));
            send(Map.of("jsonrpc", "2.0", "method", "notifications/initialized"));
            return answer;
        }

        /** Closes stdin (EOF), as a client ending the session does. */
        public void closeStdin() {
            try {
                stdin.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Waits for the process to exit; true if it did within the time. */
        public boolean waitFor(Duration timeout) throws InterruptedException {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
