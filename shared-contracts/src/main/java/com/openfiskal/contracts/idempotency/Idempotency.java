package com.openfiskal.contracts.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openfiskal.contracts.auth.Caller;
import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorCode;
import com.openfiskal.contracts.error.ErrorEnvelope;
import com.openfiskal.contracts.error.ErrorResponses;
import com.openfiskal.contracts.http.RequestIds;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;

/**
 * {@code Idempotency-Key} as API.md §2.9 defines it, one implementation for every endpoint of every service.
 *
 * <p>The record is inserted in the same database transaction as the change, before the change runs, and
 * gets the response before commit: a crash leaves both or neither. A concurrent duplicate's insert waits
 * on the row's primary key until the first transaction ends, then replays its outcome, or runs itself if
 * the first left no storable outcome (its transaction rolled back). A wait longer than 30 s is a 503.
 *
 * <p>The fingerprint is SHA-256 over the route template, the path parameter values and the request body
 * in canonical JSON (keys sorted, no insignificant white space) as the server read it: fields the
 * contract ignores (unknown ones) do not count, and null equals absent, as API.md §2.4 says.
 */
@ApplicationScoped
public class Idempotency {

    @ConfigMapping(prefix = "openfiskal.idempotency")
    public interface Config {
        /** How long an outcome is kept and replayed; at least 24 h. Env: OPENFISKAL_IDEMPOTENCY_RETENTION. */
        @WithDefault("24h")
        Duration retention();
    }

    private static final Pattern KEY = Pattern.compile("^[\\x21-\\x7E]{1,255}$");
    private static final Set<String> KEPT_HEADERS = Set.of("ETag", "Location", "Content-Type", "Retry-After");
    private static final Set<String> UNSTORED_422 =
            Set.of(ErrorCode.EXPORT_DSFINVK_BUILD_PENDING.code(), ErrorCode.EXPORT_DSFINVK_NO_CLOSED_SESSIONS.code());
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private final Caller caller;
    private final ObjectMapper mapper;
    private final Config config;

    public Idempotency(Caller caller, ObjectMapper mapper, Config config) {
        this.caller = caller;
        this.mapper = mapper;
        this.config = config;
    }

    /** Checks the key's syntax (400), and when a key was sent runs {@code action} at most once per key. */
    public Uni<Response> run(IdempotentCall call, Supplier<Uni<Response>> action) {
        if (call.key() == null) {
            return action.get();
        }
        if (!KEY.matcher(call.key()).matches()) {
            return Uni.createFrom()
                    .failure(ApiException.invalid(
                            "Idempotency-Key",
                            "Idempotency-Key must be 1 to 255 printable ASCII characters without spaces."));
        }
        String scope = caller.tenantId() + "|" + merchantOrEmpty() + "|" + call.route();
        String fingerprint = fingerprint(call);
        String requestId = currentRequestId();
        return Panache.withTransaction(() -> claim(scope, call.key(), fingerprint, requestId)
                        .flatMap(claimed -> {
                            if (!claimed) {
                                return replayOrConflict(scope, call.key(), fingerprint);
                            }
                            return action.get()
                                    .flatMap(response -> storable(response)
                                            ? store(scope, call.key(), response)
                                            : release(scope, call.key()).replaceWith(response));
                        }))
                .onFailure(ApiException.class)
                .call(e -> storable422((ApiException) e)
                        ? Panache.withTransaction(() -> claim(scope, call.key(), fingerprint, requestId)
                                .flatMap(claimed -> claimed
                                        ? store(scope, call.key(), ErrorResponses.of((ApiException) e))
                                                .replaceWithVoid()
                                        : Uni.createFrom().voidItem()))
                        : Uni.createFrom().voidItem())
                .onFailure(Idempotency::isLockTimeout)
                .transform(e -> new ApiException(
                        ErrorCode.INTERNAL_ERROR,
                        503,
                        "A request with this Idempotency-Key is still running. Retry shortly.",
                        Map.of(),
                        Map.of("Retry-After", "1")));
    }

    /**
     * Inserts the record; false when the key is taken. A concurrent duplicate's insert waits on the row
     * until the first transaction ends (bounded by the connection's {@code lock_timeout}, 30 s, set for
     * every service connection). An expired record is removed and the insert tried again (the rare path,
     * so the common one is a single statement).
     */
    private Uni<Boolean> claim(String scope, String key, String fingerprint, String requestId) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return insert(scope, key, fingerprint, requestId, now)
                .flatMap(inserted -> inserted
                        ? Uni.createFrom().item(true)
                        : Panache.getSession()
                                .flatMap(s -> s.createNativeQuery(
                                                "DELETE FROM idempotency_records WHERE scope = ?1 AND idempotency_key = ?2 AND expires_at < ?3")
                                        .setParameter(1, scope)
                                        .setParameter(2, key)
                                        .setParameter(3, now)
                                        .executeUpdate())
                                .flatMap(expired -> expired == 0
                                        ? Uni.createFrom().item(false)
                                        : insert(scope, key, fingerprint, requestId, now)));
    }

    private Uni<Boolean> insert(String scope, String key, String fingerprint, String requestId, OffsetDateTime now) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("""
                        INSERT INTO idempotency_records (scope, idempotency_key, fingerprint, request_id, created_at, expires_at)
                        VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (scope, idempotency_key) DO NOTHING""")
                        .setParameter(1, scope)
                        .setParameter(2, key)
                        .setParameter(3, fingerprint)
                        .setParameter(4, requestId)
                        .setParameter(5, now)
                        .setParameter(6, now.plus(config.retention()))
                        .executeUpdate())
                .map(n -> n == 1);
    }

    private Uni<Response> replayOrConflict(String scope, String key, String fingerprint) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("""
                SELECT fingerprint, response_status, response_headers, response_body, request_id
                  FROM idempotency_records WHERE scope = ?1 AND idempotency_key = ?2""", Object[].class)
                        .setParameter(1, scope)
                        .setParameter(2, key)
                        .getSingleResultOrNull())
                .map(row -> {
                    if (row == null || row[1] == null) {
                        // the first request ended without a storable outcome between our insert and this read
                        throw new ApiException(
                                ErrorCode.INTERNAL_ERROR,
                                503,
                                "A request with this Idempotency-Key is still running. Retry shortly.",
                                Map.of(),
                                Map.of("Retry-After", "1"));
                    }
                    if (!fingerprint.equals(row[0])) {
                        throw new ApiException(
                                ErrorCode.IDEMPOTENCY_KEY_CONFLICT,
                                "This Idempotency-Key was used with a different request.");
                    }
                    return replay(((Number) row[1]).intValue(), (String) row[2], (String) row[3], (String) row[4]);
                });
    }

    private Response replay(int status, String headersJson, String body, String originalRequestId) {
        Response.ResponseBuilder b = Response.status(status);
        try {
            Map<String, String> headers = mapper.readValue(headersJson, new TypeReference<Map<String, String>>() {});
            headers.forEach(b::header);
            if (body != null) {
                b.entity(mapper.readTree(body));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored idempotent response is unreadable", e);
        }
        return b.header("Idempotent-Replayed", "true")
                .header("Idempotent-Original-Request-Id", originalRequestId)
                .build();
    }

    /**
     * Stores the outcome and returns the response with its body as the stored JSON text: serialised once,
     * here, instead of once for the record and again by the REST layer; the first answer and every replay
     * are then the same bytes.
     */
    private Uni<Response> store(String scope, String key, Response response) {
        Map<String, String> headers = new LinkedHashMap<>();
        response.getHeaders().forEach((name, values) -> {
            if (KEPT_HEADERS.stream().anyMatch(h -> h.equalsIgnoreCase(name)) && !values.isEmpty()) {
                headers.put(name, String.valueOf(values.get(0)));
            }
        });
        if (response.getMediaType() != null) {
            headers.put("Content-Type", response.getMediaType().toString());
        }
        String headersJson;
        String body;
        try {
            headersJson = mapper.writeValueAsString(headers);
            body = response.hasEntity() ? mapper.writeValueAsString(response.getEntity()) : null;
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery("""
                UPDATE idempotency_records SET response_status = ?3, response_headers = ?4, response_body = ?5
                 WHERE scope = ?1 AND idempotency_key = ?2""")
                        .setParameter(1, scope)
                        .setParameter(2, key)
                        .setParameter(3, response.getStatus())
                        .setParameter(4, headersJson)
                        .setParameter(5, body)
                        .executeUpdate())
                .replaceWith(() -> body == null
                        ? response
                        : Response.fromResponse(response)
                                .entity(body)
                                .type(
                                        response.getMediaType() == null
                                                ? MediaType.APPLICATION_JSON_TYPE
                                                : response.getMediaType())
                                .build());
    }

    /** An outcome that is not stored leaves the key free (API.md §2.9). */
    private Uni<Void> release(String scope, String key) {
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "DELETE FROM idempotency_records WHERE scope = ?1 AND idempotency_key = ?2")
                        .setParameter(1, scope)
                        .setParameter(2, key)
                        .executeUpdate())
                .replaceWithVoid();
    }

    private static boolean storable(Response r) {
        if (r.getStatus() >= 200 && r.getStatus() < 300) {
            return true;
        }
        if (r.getStatus() == 422 && r.getEntity() instanceof ErrorEnvelope e) {
            return !UNSTORED_422.contains(e.code());
        }
        return false;
    }

    private static boolean storable422(ApiException e) {
        return e.status() == 422 && !UNSTORED_422.contains(e.code().code());
    }

    private static boolean isLockTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("55P03")
                    || String.valueOf(t.getMessage()).contains("lock timeout")) {
                return true;
            }
        }
        return false;
    }

    private String fingerprint(IdempotentCall call) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(call.route().getBytes(StandardCharsets.UTF_8));
            for (String p : call.pathParameters()) {
                d.update((byte) '\n');
                d.update(p.getBytes(StandardCharsets.UTF_8));
            }
            d.update((byte) '\n');
            if (call.body() != null) {
                JsonNode tree = mapper.valueToTree(call.body());
                d.update(CANONICAL.writeValueAsBytes(CANONICAL.treeToValue(tree, Object.class)));
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String merchantOrEmpty() {
        try {
            return caller.merchantId();
        } catch (IllegalStateException e) {
            return "";
        }
    }

    private static String currentRequestId() {
        Object id = MDC.get(RequestIds.KEY);
        return id == null ? RequestIds.generate() : id.toString();
    }
}
