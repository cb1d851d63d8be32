package dev.pgsor.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ErrorCodes;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse.JSONRPCError;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.ProtocolVersions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * MCP over stdio, one JSON-RPC message per line, for one session. It differs from the SDK's
 * {@code StdioServerTransportProvider} in what a whole agent session needs: a line that is not
 * JSON gets a JSON-RPC parse error (-32700) and the server reads on (the SDK's stops reading),
 * a line that is JSON but not a JSON-RPC message gets -32600, a request may be answered before
 * the session sees it (the server's {@code precheck}, used for malformed {@code tools/call}
 * parameters), and the end of input is reported: {@link #endOfInput()} completes at EOF and
 * {@link #drained()} once every request read before it has been answered.
 */
final class StdioTransport implements McpServerTransportProvider {

    /** The protocol versions offered, oldest first; a client asking for another one is offered the last. */
    static final List<String> PROTOCOL_VERSIONS = List.of(ProtocolVersions.MCP_2024_11_05, ProtocolVersions.MCP_2025_03_26,
            ProtocolVersions.MCP_2025_06_18, ProtocolVersions.MCP_2025_11_25);

    /** Longest line read, in characters; a longer one is refused (-32600) and skipped. */
    static final int MAX_LINE = 16 * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(StdioTransport.class);

    private final McpJsonMapper json;
    private final InputStream in;
    private final OutputStream out;
    private final Function<JSONRPCRequest, JSONRPCError> precheck;
    private final Sinks.Many<JSONRPCMessage> inbound = Sinks.many().unicast().onBackpressureBuffer();
    private final CompletableFuture<Void> endOfInput = new CompletableFuture<>();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile McpServerSession session;

    /**
     * @param precheck answers a request with an error before the session sees it, or returns
     *                 null to pass it on
     */
    StdioTransport(McpJsonMapper json, InputStream in, OutputStream out, Function<JSONRPCRequest, JSONRPCError> precheck) {
        this.json = json;
        this.in = in;
        this.out = out;
        this.precheck = precheck;
    }

    /** Completes when the client closes the input (EOF) or it fails. */
    CompletableFuture<Void> endOfInput() {
        return endOfInput;
    }

    /** Completes when the input has ended and every message read has been handled. */
    CompletableFuture<Void> drained() {
        return drained;
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory sessionFactory) {
        session = sessionFactory.create(new SessionTransport());
        inbound.asFlux()
                .flatMap(message -> session.handle(message).onErrorResume(e -> {
                    log.warn("MCP message not handled: {}", e.toString());
                    return Mono.empty();
                }))
                .doOnTerminate(() -> drained.complete(null))
                .subscribe();
        Thread reader = new Thread(this::readLines, "pg-sor-mcp-stdin");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLines() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            StringBuilder line = new StringBuilder();
            boolean tooLong = false;
            int c;
            while ((c = reader.read()) != -1) {
                if (c == '\n') {
                    if (tooLong) {
                        reply(null, ErrorCodes.INVALID_REQUEST, "Invalid Request: a message is at most " + MAX_LINE + " characters");
                    } else {
                        receive(line.toString());
                    }
                    line.setLength(0);
                    tooLong = false;
                } else if (line.length() >= MAX_LINE) {
                    tooLong = true;
                } else {
                    line.append((char) c);
                }
            }
            if (!line.isEmpty() && !tooLong) {
                receive(line.toString());
            }
        } catch (IOException e) {
            log.warn("MCP input failed: {}", e.toString());
        } finally {
            endOfInput.complete(null);
            completeInbound();
        }
    }

    /** One line: a JSON-RPC message for the session, or an error answered here. */
    private void receive(String line) {
        String text = line.strip();
        if (text.isEmpty()) {
            return;
        }
        Object parsed;
        try {
            parsed = json.readValue(text, Object.class);
        } catch (IOException | RuntimeException e) {
            reply(null, ErrorCodes.PARSE_ERROR, "Parse error: the line is not JSON");
            return;
        }
        if (!(parsed instanceof Map<?, ?> object)) {
            reply(null, ErrorCodes.INVALID_REQUEST, "Invalid Request: a JSON-RPC message is one JSON object per line");
            return;
        }
        Object id = object.get("id") instanceof String || object.get("id") instanceof Number ? object.get("id") : null;
        if (!McpSchema.JSONRPC_VERSION.equals(object.get("jsonrpc"))) {
            reply(id, ErrorCodes.INVALID_REQUEST, "Invalid Request: \"jsonrpc\" must be \"2.0\"");
            return;
        }
        JSONRPCMessage message;
        try {
            message = McpSchema.deserializeJsonRpcMessage(json, text);
        } catch (IOException | RuntimeException e) {
            reply(id, ErrorCodes.INVALID_REQUEST, "Invalid Request: not a JSON-RPC request, notification or response");
            return;
        }
        if (message instanceof JSONRPCRequest request) {
            JSONRPCError refusal = precheck.apply(request);
            if (refusal != null) {
                write(JSONRPCResponse.error(request.id(), refusal));
                return;
            }
        }
        synchronized (inbound) {
            inbound.tryEmitNext(message);
        }
    }

    private void completeInbound() {
        synchronized (inbound) {
            inbound.tryEmitComplete();
        }
    }

    /** An error answered here; the id is null when it could not be read, and JSON-RPC wants it written as null. */
    private void reply(Object id, int code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("jsonrpc", McpSchema.JSONRPC_VERSION);
        error.put("id", id);
        error.put("error", Map.of("code", code, "message", message));
        write(error);
    }

    /** Writes one message as one line; a closed output is logged, not thrown (the client left). */
    private void write(Object message) {
        try {
            byte[] line = json.writeValueAsBytes(message);
            synchronized (out) {
                out.write(line);
                out.write('\n');
                out.flush();
            }
        } catch (IOException e) {
            log.warn("MCP output failed: {}", e.toString());
        }
    }

    @Override
    public List<String> protocolVersions() {
        return PROTOCOL_VERSIONS;
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        McpServerSession s = session;
        return s == null ? Mono.error(new IllegalStateException("no MCP session")) : s.sendNotification(method, params);
    }

    @Override
    public Mono<Void> closeGracefully() {
        McpServerSession s = session;
        return s == null ? Mono.empty() : s.closeGracefully();
    }

    /** The session's side: messages out as lines, nothing else to close but the inbound flow. */
    private final class SessionTransport implements McpServerTransport {

        @Override
        public Mono<Void> sendMessage(JSONRPCMessage message) {
            return Mono.fromRunnable(() -> write(message));
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
            return json.convertValue(data, typeRef);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return Mono.fromRunnable(StdioTransport.this::completeInbound);
        }
    }
}
