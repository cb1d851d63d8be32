package dev.pgsor.chaos;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for the mail provider: it performs one delivery per idempotency key (the outbox row's
 * dedupe key), like a real provider's idempotent API, and answers a repeated request with the
 * first delivery's message id. It counts requests, so the figures show what a provider without
 * idempotency would have sent twice.
 */
final class Provider {

    /** One delivery: the idempotency key, the message id the provider gave it, how many requests carried the key. */
    static final class Delivery {
        final String key;
        final String messageId;
        final String topic;
        final AtomicLong requests = new AtomicLong();

        Delivery(String key, String messageId, String topic) {
            this.key = key;
            this.messageId = messageId;
            this.topic = topic;
        }
    }

    private final Map<String, Delivery> deliveries = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();

    /** A send request with the idempotency key; returns the provider's message id (the first one for a known key). */
    String send(String key, String topic) {
        requests.incrementAndGet();
        Delivery d = deliveries.computeIfAbsent(key, k -> new Delivery(k, "msg-" + sequence.incrementAndGet(), topic));
        d.requests.incrementAndGet();
        return d.messageId;
    }

    /** Deliveries by idempotency key: each key was delivered exactly once. */
    Map<String, Delivery> deliveries() {
        return Map.copyOf(deliveries);
    }

    long requests() {
        return requests.get();
    }

    /** Requests that repeated a key already delivered: absorbed by the idempotency key. */
    long repeatedRequests() {
        return requests.get() - deliveries.size();
    }
}
