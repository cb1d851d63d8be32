package dev.pgsor.mcp;

import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The Worker surface of sor_api as MCP tools, beside the registry's tools: each is one SQL
 * statement over one sor_api function, for the session's run and tenant. The statement receives
 * the run id, the tenant and the tool's arguments as one JSON object ({@code s.run_id},
 * {@code s.tenant_id}, {@code s.a}) and returns the result as one JSON object; every rule is the
 * function's. Events appended through MCP carry the session's run id in their metadata.
 */
final class WorkerTools {

    /**
     * One tool: its name, title, description, JSON schemas, annotations, the statement, and whether
     * the arguments make it safe to repeat after a broken connection ({@link Link.Retry#SAFE}).
     */
    record KitTool(String name, String title, String description, String inputSchema, String outputSchema,
                   ToolAnnotations annotations, Predicate<Map<String, Object>> safeToRepeat, String sql) { }

    /** The statement's first lines: the run id, the tenant and the arguments, bound in that order. */
    static final String SESSION = "with s as (select ?::uuid as run_id, ?::text as tenant_id, ?::jsonb as a) ";

    private static final Predicate<Map<String, Object>> ALWAYS = args -> true;
    private static final Predicate<Map<String, Object>> NEVER = args -> false;

    private WorkerTools() {
    }

    /** Annotations: title, readOnlyHint, destructiveHint, idempotentHint; openWorldHint false (only the database is touched). */
    private static ToolAnnotations hints(String title, boolean readOnly, boolean destructive, boolean idempotent) {
        return new ToolAnnotations(title, readOnly, destructive, idempotent, false, null);
    }

    private static Predicate<Map<String, Object>> keyed(String field) {
        return args -> args.get(field) != null;
    }

    /** append_events is safe to repeat when every event carries an idempotency key. */
    private static final Predicate<Map<String, Object>> EVERY_EVENT_KEYED = args -> args.get("events") instanceof List<?> events
            && !events.isEmpty() && events.stream().allMatch(e -> e instanceof Map<?, ?> m && m.get("idempotency_key") != null);

    private static final String IDEMPOTENCY_KEY = "{\"type\": \"string\", \"minLength\": 1, \"maxLength\": 255,"
            + " \"description\": \"names the event: a retry with the same key and content returns the original event and writes"
            + " nothing; the same key with other content is refused (SR019)\"}";

    private static final String EVENT_ROW = "jsonb_build_object('position', e.position, 'stream', e.stream, 'version', e.version,"
            + " 'type', e.type, 'payload', e.payload, 'metadata', e.metadata, 'actor', e.actor, 'occurred_at', e.occurred_at,"
            + " 'hash', e.hash)";

    private static final String EVENT_ITEM = """
            {"type": "object", "required": ["position", "stream", "version", "type", "payload", "metadata", "hash"],
             "properties": {"position": {"type": "integer"}, "stream": {"type": "string"}, "version": {"type": "integer"},
                            "type": {"type": "string"}, "payload": {"type": "object"}, "metadata": {"type": "object"},
                            "actor": {"type": "string"}, "occurred_at": {"type": "string"}, "hash": {"type": "string"}}}""";

    private static final String TASK_ID = "{\"type\": \"integer\", \"description\": \"task_id from claim_tasks\"}";
    private static final String FENCING_TOKEN = "{\"type\": \"integer\", \"description\": \"fencing_token from the same claim\"}";

    /** The tools, in the order tools/list shows them (finish_run, the server's own, comes last). */
    static final List<KitTool> TOOLS = List.of(
            new KitTool("get_run", "Read the run",
                    "Read this session's run: status, version (pass it as expected_version to commit_step), state, overlay,"
                            + " effective state, last step, lease and active block (sor_api.get_run).",
                    "{\"type\": \"object\", \"additionalProperties\": false, \"properties\": {}}",
                    """
                    {"type": "object", "required": ["run_id", "status", "version"],
                     "properties": {"run_id": {"type": "string"}, "status": {"type": "string"}, "version": {"type": "integer"},
                                    "state": {}, "overlay": {}, "effective_state": {}, "last_step_id": {"type": ["string", "null"]},
                                    "lease_expires_at": {"type": ["string", "null"]}, "active_block_id": {"type": ["integer", "null"]},
                                    "active_block_kind": {"type": ["string", "null"]}}}""",
                    hints("Read the run", true, false, true), ALWAYS,
                    "select (jsonb_build_object('run_id', s.run_id) || to_jsonb(t))::text from s, sor_api.get_run(s.run_id) t"),

            new KitTool("record_turn", "Record a model turn",
                    "Journal one model turn of this run (sor_api.record_turn): the model, the role, token counts and the"
                            + " content (or only its sha256 in hash-only runs). Returns the turn's number.",
                    """
                    {"type": "object", "required": ["model", "role"], "additionalProperties": false,
                     "properties": {"model": {"type": "string"},
                                    "role": {"type": "string", "enum": ["system", "user", "assistant", "tool"]},
                                    "input_tokens": {"type": "integer", "minimum": 0},
                                    "output_tokens": {"type": "integer", "minimum": 0},
                                    "content": {"type": "string"},
                                    "content_sha256": {"type": "string", "description": "64 lowercase hex digits"}}}""",
                    """
                    {"type": "object", "required": ["run_id", "turn"],
                     "properties": {"run_id": {"type": "string"}, "turn": {"type": "integer"}}}""",
                    hints("Record a model turn", false, false, false), NEVER,
                    "select jsonb_build_object('run_id', s.run_id, 'turn', sor_api.record_turn(s.run_id, s.a ->> 'model',"
                            + " s.a ->> 'role', coalesce((s.a ->> 'input_tokens')::int, 0), coalesce((s.a ->> 'output_tokens')::int, 0),"
                            + " s.a ->> 'content', s.a ->> 'content_sha256'))::text from s"),

            new KitTool("append_event", "Append an event",
                    "Append one event to a stream of this run's tenant (sor_api.append_event); with expected_version the"
                            + " append is refused (SR013) unless the stream is at that version (0: a new stream). The run's id"
                            + " is added to the metadata. Streams and event types of the kit are refused (SR017). With an"
                            + " idempotency_key the append happens once: a retry in this run with the same key and content"
                            + " returns the original position, version and hash (SR019 for other content), so it is safe to repeat.",
                    """
                    {"type": "object", "required": ["stream", "type"], "additionalProperties": false,
                     "properties": {"stream": {"type": "string", "description": "category-id, e.g. expense-42"},
                                    "type": {"type": "string"}, "payload": {"type": "object"}, "metadata": {"type": "object"},
                                    "expected_version": {"type": "integer", "minimum": 0},
                                    "idempotency_key": """ + IDEMPOTENCY_KEY + "}}",
                    """
                    {"type": "object", "required": ["stream", "position", "version", "hash"],
                     "properties": {"stream": {"type": "string"}, "position": {"type": "integer"}, "version": {"type": "integer"},
                                    "hash": {"type": "string"}}}""",
                    hints("Append an event", false, false, false), keyed("idempotency_key"),
                    "select (jsonb_build_object('stream', s.a ->> 'stream') || to_jsonb(t))::text from s,"
                            + " sor_api.append_event(s.tenant_id, s.a ->> 'stream', s.a ->> 'type', coalesce(s.a -> 'payload', '{}'),"
                            + " coalesce(s.a -> 'metadata', '{}') || jsonb_build_object('run_id', s.run_id),"
                            + " (s.a ->> 'expected_version')::int, s.a ->> 'idempotency_key') t"),

            new KitTool("append_events", "Append events",
                    "Append 1 to 10000 events of this run's tenant in one transaction, all or nothing"
                            + " (sor_api.append_events); each as in append_event, with the run's id added to its metadata. An"
                            + " event with an idempotency_key already used with its content is not written again and answers"
                            + " with the original; a call whose events all carry keys is safe to repeat.",
                    """
                    {"type": "object", "required": ["events"], "additionalProperties": false,
                     "properties": {"events": {"type": "array", "minItems": 1,
                       "items": {"type": "object", "required": ["stream", "type"],
                                 "properties": {"stream": {"type": "string"}, "type": {"type": "string"},
                                                "payload": {"type": "object"}, "metadata": {"type": "object"},
                                                "expected_version": {"type": "integer", "minimum": 0},
                                                "idempotency_key": """ + IDEMPOTENCY_KEY + "}}}}}",
                    """
                    {"type": "object", "required": ["events"],
                     "properties": {"events": {"type": "array", "items": {"type": "object",
                       "required": ["ordinal", "position", "stream", "version", "hash"],
                       "properties": {"ordinal": {"type": "integer"}, "position": {"type": "integer"}, "stream": {"type": "string"},
                                      "version": {"type": "integer"}, "hash": {"type": "string"}}}}}}""",
                    hints("Append events", false, false, false), EVERY_EVENT_KEYED,
                    "select jsonb_build_object('events', coalesce((select jsonb_agg(to_jsonb(t) order by t.ordinal)"
                            + " from sor_api.append_events(s.tenant_id, (select jsonb_agg(e || jsonb_build_object('metadata',"
                            + " coalesce(e -> 'metadata', '{}') || jsonb_build_object('run_id', s.run_id)) order by o)"
                            + " from jsonb_array_elements(s.a -> 'events') with ordinality x(e, o))) t), '[]'))::text from s"),

            new KitTool("read_stream", "Read a stream",
                    "Read one stream of this run's tenant in version order from from_version (default 1), at most max_rows"
                            + " (default 100) events (sor_api.read_stream).",
                    """
                    {"type": "object", "required": ["stream"], "additionalProperties": false,
                     "properties": {"stream": {"type": "string"}, "from_version": {"type": "integer", "minimum": 1},
                                    "max_rows": {"type": "integer", "minimum": 1}}}""",
                    "{\"type\": \"object\", \"required\": [\"stream\", \"events\"], \"properties\": {\"stream\": {\"type\": \"string\"},"
                            + " \"events\": {\"type\": \"array\", \"items\": " + EVENT_ITEM + "}}}",
                    hints("Read a stream", true, false, true), ALWAYS,
                    "select jsonb_build_object('stream', s.a ->> 'stream', 'events', coalesce((select jsonb_agg("
                            + EVENT_ROW.replace("e.stream", "s.a ->> 'stream'") + " order by e.version) from sor_api.read_stream(s.tenant_id,"
                            + " s.a ->> 'stream', coalesce((s.a ->> 'from_version')::int, 1), coalesce((s.a ->> 'max_rows')::int, 100)) e),"
                            + " '[]'))::text from s"),

            new KitTool("events_since", "Read new events",
                    "Read this run's tenant's events after a position, in position order (sor_api.tenant_events_since):"
                            + " never skips an event, and only the tenant's own open transactions hold it back."
                            + " Pass last_position as after_position to read on.",
                    """
                    {"type": "object", "additionalProperties": false,
                     "properties": {"after_position": {"type": "integer", "minimum": 0},
                                    "max_rows": {"type": "integer", "minimum": 1}}}""",
                    "{\"type\": \"object\", \"required\": [\"events\", \"last_position\"], \"properties\": {"
                            + "\"events\": {\"type\": \"array\", \"items\": " + EVENT_ITEM + "},"
                            + " \"last_position\": {\"type\": \"integer\", \"description\": \"the position read up to\"}}}",
                    hints("Read new events", true, false, true), ALWAYS,
                    ", x as (select e.* from s, sor_api.tenant_events_since(s.tenant_id,"
                            + " coalesce((s.a ->> 'after_position')::bigint, 0), coalesce((s.a ->> 'max_rows')::int, 100)) e)"
                            + " select jsonb_build_object('events', coalesce((select jsonb_agg(" + EVENT_ROW + " order by e.position)"
                            + " from x e), '[]'), 'last_position', coalesce((select max(e.position)"
                            + " from x e), (s.a ->> 'after_position')::bigint, 0))::text from s"),

            new KitTool("subscribe", "Subscribe to events",
                    "Create (or get back) a named subscription of this run's tenant to its events, every stream or those"
                            + " starting with stream_prefix, whose checkpoint the database keeps (sor_api.subscribe). from_start"
                            + " (default true) reads from the tenant's first event, false from now. Subscribing again with the same"
                            + " prefix returns it as it is. The channel is where the database sends a wake-up (LISTEN) on append.",
                    """
                    {"type": "object", "required": ["name"], "additionalProperties": false,
                     "properties": {"name": {"type": "string", "description": "a lowercase slug, e.g. billing.projector"},
                                    "stream_prefix": {"type": "string", "description": "a category with its dash (order-) or a longer start of a stream name"},
                                    "from_start": {"type": "boolean"}}}""",
                    """
                    {"type": "object", "required": ["subscription", "last_position", "created", "channel"],
                     "properties": {"subscription": {"type": "string"}, "prefix": {"type": ["string", "null"]},
                                    "last_position": {"type": "integer"}, "created": {"type": "boolean"},
                                    "channel": {"type": "string"}}}""",
                    hints("Subscribe to events", false, false, true), ALWAYS,
                    "select to_jsonb(t)::text from s, sor_api.subscribe(s.tenant_id, s.a ->> 'name', s.a ->> 'stream_prefix',"
                            + " coalesce((s.a ->> 'from_start')::boolean, true)) t"),

            new KitTool("read_subscription", "Read a subscription",
                    "Read the events of a subscription of this run's tenant after its checkpoint, at most max_rows (default 100),"
                            + " in the order that never skips an event (sor_api.read_subscription). Reading again without"
                            + " ack_subscription returns the same events: process them, then acknowledge the last position.",
                    """
                    {"type": "object", "required": ["name"], "additionalProperties": false,
                     "properties": {"name": {"type": "string"}, "max_rows": {"type": "integer", "minimum": 1}}}""",
                    "{\"type\": \"object\", \"required\": [\"subscription\", \"events\"], \"properties\": {"
                            + "\"subscription\": {\"type\": \"string\"},"
                            + " \"events\": {\"type\": \"array\", \"items\": " + EVENT_ITEM + "},"
                            + " \"last_position\": {\"type\": [\"integer\", \"null\"], \"description\": \"the position to pass to ack_subscription; null when nothing new\"}}}",
                    hints("Read a subscription", true, false, true), ALWAYS,
                    ", x as (select e.*, row_number() over () as o from s, sor_api.read_subscription(s.tenant_id, s.a ->> 'name',"
                            + " coalesce((s.a ->> 'max_rows')::int, 100)) e)"
                            + " select jsonb_build_object('subscription', s.a ->> 'name', 'events', coalesce((select jsonb_agg("
                            + EVENT_ROW + " order by e.o) from x e), '[]'), 'last_position',"
                            + " (select e.position from x e order by e.o desc limit 1))::text from s"),

            new KitTool("ack_subscription", "Acknowledge a subscription",
                    "Move a subscription's checkpoint forward to a position read_subscription returned"
                            + " (sor_api.ack_subscription): the next read starts after it. An acknowledgement at or before the"
                            + " checkpoint changes nothing (moved false), so a repeated call is safe.",
                    """
                    {"type": "object", "required": ["name", "up_to_position"], "additionalProperties": false,
                     "properties": {"name": {"type": "string"}, "up_to_position": {"type": "integer", "minimum": 1}}}""",
                    """
                    {"type": "object", "required": ["last_position", "moved"],
                     "properties": {"last_position": {"type": "integer"}, "moved": {"type": "boolean"}}}""",
                    hints("Acknowledge a subscription", false, false, true), ALWAYS,
                    "select to_jsonb(t)::text from s, sor_api.ack_subscription(s.tenant_id, s.a ->> 'name',"
                            + " (s.a ->> 'up_to_position')::bigint) t"),

            new KitTool("enqueue_task", "Queue a task",
                    "Queue a task for this run's tenant, linked to the run (sor_api.enqueue_task_in_run); a dedupe_key"
                            + " already used in the queue returns the existing task and changes nothing, so a call with one is"
                            + " safe to repeat.",
                    """
                    {"type": "object", "required": ["queue", "subject"], "additionalProperties": false,
                     "properties": {"queue": {"type": "string"}, "subject": {"type": "string"}, "payload": {"type": "object"},
                                    "dedupe_key": {"type": "string"}, "priority": {"type": "integer"},
                                    "delay_seconds": {"type": "number", "minimum": 0},
                                    "max_attempts": {"type": "integer", "minimum": 1}}}""",
                    """
                    {"type": "object", "required": ["task_id"], "properties": {"task_id": {"type": "integer"}}}""",
                    hints("Queue a task", false, false, false), keyed("dedupe_key"),
                    "select jsonb_build_object('task_id', sor_api.enqueue_task_in_run(s.run_id, s.a ->> 'queue', s.a ->> 'subject',"
                            + " coalesce(s.a -> 'payload', '{}'), s.a ->> 'dedupe_key', coalesce((s.a ->> 'priority')::int, 0),"
                            + " make_interval(secs => (s.a ->> 'delay_seconds')::float8), (s.a ->> 'max_attempts')::int))::text from s"),

            new KitTool("claim_tasks", "Claim tasks",
                    "Claim at most batch (default 1) due tasks of a queue for this run's tenant, each with a new fencing"
                            + " token and a lease of lease_seconds (default 60), linked to the run (sor_api.claim_tasks_in_run)."
                            + " Heartbeat, complete or fail each with its task_id and fencing_token before the lease lapses.",
                    """
                    {"type": "object", "required": ["queue"], "additionalProperties": false,
                     "properties": {"queue": {"type": "string"}, "batch": {"type": "integer", "minimum": 1},
                                    "lease_seconds": {"type": "number", "exclusiveMinimum": 0}}}""",
                    """
                    {"type": "object", "required": ["tasks"],
                     "properties": {"tasks": {"type": "array", "items": {"type": "object",
                       "required": ["task_id", "tenant_id", "subject", "payload", "attempts", "fencing_token", "lease_expires_at"],
                       "properties": {"task_id": {"type": "integer"}, "tenant_id": {"type": "string"}, "subject": {"type": "string"},
                                      "payload": {"type": "object"}, "attempts": {"type": "integer"},
                                      "fencing_token": {"type": "integer"}, "lease_expires_at": {"type": "string"}}}}}}""",
                    hints("Claim tasks", false, false, false), NEVER,
                    "select jsonb_build_object('tasks', coalesce((select jsonb_agg(to_jsonb(t) order by t.task_id)"
                            + " from sor_api.claim_tasks_in_run(s.run_id, s.a ->> 'queue', coalesce((s.a ->> 'batch')::int, 1),"
                            + " make_interval(secs => coalesce((s.a ->> 'lease_seconds')::float8, 60))) t), '[]'))::text from s"),

            new KitTool("heartbeat_task", "Extend a task's lease",
                    "Extend the lease of a claimed task by its length from now (sor_api.heartbeat_task); refused once the"
                            + " claim is stale (SR056) or lapsed (SR057): then drop the work.",
                    "{\"type\": \"object\", \"required\": [\"task_id\", \"fencing_token\"], \"additionalProperties\": false,"
                            + " \"properties\": {\"task_id\": " + TASK_ID + ", \"fencing_token\": " + FENCING_TOKEN + "}}",
                    """
                    {"type": "object", "required": ["task_id", "lease_expires_at"],
                     "properties": {"task_id": {"type": "integer"}, "lease_expires_at": {"type": "string"}}}""",
                    hints("Extend a task's lease", false, false, true), ALWAYS,
                    "select jsonb_build_object('task_id', (s.a ->> 'task_id')::bigint, 'lease_expires_at',"
                            + " sor_api.heartbeat_task((s.a ->> 'task_id')::bigint, (s.a ->> 'fencing_token')::bigint))::text from s"),

            new KitTool("complete_task", "Complete a task",
                    "Complete a claimed task with its result, a JSON object (sor_api.complete_task). The same completion"
                            + " again (same token and result) is accepted; another is refused as stale (SR056).",
                    "{\"type\": \"object\", \"required\": [\"task_id\", \"fencing_token\"], \"additionalProperties\": false,"
                            + " \"properties\": {\"task_id\": " + TASK_ID + ", \"fencing_token\": " + FENCING_TOKEN + ","
                            + " \"result\": {\"type\": \"object\"}}}",
                    """
                    {"type": "object", "required": ["task_id", "status"],
                     "properties": {"task_id": {"type": "integer"}, "status": {"type": "string", "enum": ["completed"]}}}""",
                    hints("Complete a task", false, true, true), ALWAYS,
                    "select jsonb_build_object('task_id', (s.a ->> 'task_id')::bigint, 'status', 'completed')::text"
                            + " from s, sor_api.complete_task((s.a ->> 'task_id')::bigint, (s.a ->> 'fencing_token')::bigint,"
                            + " coalesce(s.a -> 'result', '{}')) c"),

            new KitTool("fail_task", "Fail a task",
                    "Fail a claimed task with an error text (sor_api.fail_task): it is due again after a backoff, or dead"
                            + " once its attempts are spent. Returns its status and when it runs again. The same failure again"
                            + " (same token and error) returns what was recorded.",
                    "{\"type\": \"object\", \"required\": [\"task_id\", \"fencing_token\", \"error\"], \"additionalProperties\": false,"
                            + " \"properties\": {\"task_id\": " + TASK_ID + ", \"fencing_token\": " + FENCING_TOKEN + ","
                            + " \"error\": {\"type\": \"string\"}}}",
                    """
                    {"type": "object", "required": ["task_id", "status"],
                     "properties": {"task_id": {"type": "integer"}, "status": {"type": "string"},
                                    "run_after": {"type": ["string", "null"]}}}""",
                    hints("Fail a task", false, true, true), ALWAYS,
                    "select (jsonb_build_object('task_id', (s.a ->> 'task_id')::bigint) || to_jsonb(t))::text from s,"
                            + " sor_api.fail_task((s.a ->> 'task_id')::bigint, (s.a ->> 'fencing_token')::bigint, s.a ->> 'error') t"),

            new KitTool("begin_tool_call", "Begin an external tool call",
                    "Journal a call you are about to make outside the database (an HTTP API, a mail server) as started,"
                            + " before you make it (sor_api.begin_tool_call); then call finish_tool_call with its result or"
                            + " error. With an idempotency_key, a call already finished is answered from the journal"
                            + " (replayed true, with its status, result and error): do not make it again.",
                    """
                    {"type": "object", "required": ["tool_name", "args"], "additionalProperties": false,
                     "properties": {"tool_name": {"type": "string"}, "args": {"type": "object"},
                                    "idempotency_key": {"type": "string"}}}""",
                    """
                    {"type": "object", "required": ["tool_call_id", "replayed", "status"],
                     "properties": {"tool_call_id": {"type": "string"}, "replayed": {"type": "boolean"},
                                    "status": {"type": "string"}, "result": {}, "error": {}}}""",
                    hints("Begin an external tool call", false, false, false), keyed("idempotency_key"),
                    "select to_jsonb(t)::text from s, sor_api.begin_tool_call(s.run_id, s.a ->> 'tool_name',"
                            + " s.a -> 'args', s.a ->> 'idempotency_key') t"),

            new KitTool("finish_tool_call", "Finish an external tool call",
                    "Record the outcome of a call begun with begin_tool_call: its result (succeeded) or its error (failed),"
                            + " not both (sor_api.finish_tool_call). A call finishes once: the same outcome again is accepted"
                            + " (a retry), another is refused (SR044).",
                    """
                    {"type": "object", "required": ["tool_call_id"], "additionalProperties": false,
                     "properties": {"tool_call_id": {"type": "string"}, "result": {}, "error": {}}}""",
                    """
                    {"type": "object", "required": ["tool_call_id", "status"],
                     "properties": {"tool_call_id": {"type": "string"}, "status": {"type": "string", "enum": ["succeeded", "failed"]}}}""",
                    hints("Finish an external tool call", false, true, true), ALWAYS,
                    "select jsonb_build_object('tool_call_id', s.a ->> 'tool_call_id', 'status',"
                            + " case when nullif(s.a -> 'error', 'null') is null then 'succeeded' else 'failed' end)::text"
                            + " from s, sor_api.finish_tool_call((s.a ->> 'tool_call_id')::uuid, nullif(s.a -> 'result', 'null'),"
                            + " nullif(s.a -> 'error', 'null')) f"),

            new KitTool("list_tool_calls", "List this run's tool calls",
                    "List the tool calls of this run, oldest first, a page at a time (sor_api.run_tool_calls): of one"
                            + " status (started: in flight; succeeded; failed) or of any, after the call after_tool_call_id,"
                            + " at most max_rows (default 100). After a restart, list the calls that were in flight or"
                            + " interrupted and retry each with begin_tool_call and its idempotency_key. Pass"
                            + " last_tool_call_id as after_tool_call_id to read on.",
                    """
                    {"type": "object", "additionalProperties": false,
                     "properties": {"status": {"type": "string", "enum": ["started", "succeeded", "failed"]},
                                    "after_tool_call_id": {"type": "string", "description": "last_tool_call_id of the page before"},
                                    "max_rows": {"type": "integer", "minimum": 1, "maximum": 10000}}}""",
                    """
                    {"type": "object", "required": ["tool_calls", "last_tool_call_id"],
                     "properties": {"tool_calls": {"type": "array", "items":
                                      {"type": "object", "required": ["tool_call_id", "tool_name", "status", "started_at"],
                                       "properties": {"tool_call_id": {"type": "string"}, "tool_name": {"type": "string"},
                                                      "status": {"type": "string", "enum": ["started", "succeeded", "failed"]},
                                                      "args": {}, "idempotency_key": {"type": ["string", "null"]},
                                                      "result": {}, "error": {}, "started_at": {"type": "string"},
                                                      "finished_at": {"type": ["string", "null"]}}}},
                                    "last_tool_call_id": {"type": ["string", "null"],
                                                          "description": "the call to pass as after_tool_call_id; null when the page is empty"}}}""",
                    hints("List this run's tool calls", true, false, true), ALWAYS,
                    ", x as (select t.*, row_number() over () as o from s, sor_api.run_tool_calls(s.run_id, s.a ->> 'status',"
                            + " (s.a ->> 'after_tool_call_id')::uuid, coalesce((s.a ->> 'max_rows')::int, 100)) t)"
                            + " select jsonb_build_object('tool_calls', coalesce((select jsonb_agg(jsonb_build_object("
                            + "'tool_call_id', t.tool_call_id, 'tool_name', t.tool_name, 'status', t.status, 'args', t.args,"
                            + " 'idempotency_key', t.idempotency_key, 'result', t.result, 'error', t.error,"
                            + " 'started_at', t.started_at, 'finished_at', t.finished_at) order by t.o) from x t), '[]'),"
                            + " 'last_tool_call_id', (select t.tool_call_id from x t order by t.o desc limit 1))::text from s"),

            new KitTool("commit_step", "Commit a step",
                    "Commit one step of this run exactly once (sor_api.commit_step): merges output into the run's state,"
                            + " appends events to the run's stream and queues commands, all or nothing. expected_version is"
                            + " the run's version (get_run; 0 before the first step): another is a conflict. A step_id already"
                            + " committed returns its recorded output (replayed), so a repeated call is safe.",
                    """
                    {"type": "object", "required": ["step_id", "expected_version", "output"], "additionalProperties": false,
                     "properties": {"step_id": {"type": "string"}, "expected_version": {"type": "integer", "minimum": 0},
                                    "output": {"type": "object"},
                                    "events": {"type": "array", "items": {"type": "object", "required": ["type"]}},
                                    "commands": {"type": "array", "items": {"type": "object", "required": ["type"]}}}}""",
                    """
                    {"type": "object", "required": ["status", "version", "replayed"],
                     "properties": {"status": {"type": "string", "enum": ["committed", "conflict", "not_found"]},
                                    "version": {"type": ["integer", "null"]}, "replayed": {"type": ["boolean", "null"]},
                                    "recorded_output": {}, "block_id": {"type": ["integer", "null"]}}}""",
                    hints("Commit a step", false, false, true), ALWAYS,
                    "select to_jsonb(t)::text from s, sor_api.commit_step(s.run_id, s.a ->> 'step_id',"
                            + " (s.a ->> 'expected_version')::int, s.a -> 'output', coalesce(s.a -> 'events', '[]'),"
                            + " coalesce(s.a -> 'commands', '[]')) t"));
}
