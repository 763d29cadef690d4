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
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
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

    /**
     * Retention counts from when the first request finished (API.md §2.9), but a record is written when the
     * request starts, and moving its indexed {@code expires_at} when the response is stored would cost that
     * update its place on the page (V902). So the record is kept this much longer than the retention: more
     * than a request holds its transaction, whose every lock wait gives up after 30 s.
     */
    static final Duration FINISH_MARGIN = Duration.ofMinutes(10);

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
            return Uni.createFrom().failure(malformedKey());
        }
        Claim c = claim(call);
        String scope = c.scope();
        String fingerprint = c.fingerprint();
        String requestId = c.requestId();
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

    private static ApiException malformedKey() {
        return ApiException.invalid(
                "Idempotency-Key", "Idempotency-Key must be 1 to 255 printable ASCII characters without spaces.");
    }

    /**
     * What a call's record is stored under and checked against; read on the request's thread (the caller).
     * Claims are told apart by identity: two duplicate requests may have equal ones.
     */
    public record Claim(String scope, String key, String fingerprint, String requestId) {}

    /**
     * The call's record, for a writer that claims and stores it in a transaction of its own on the SQL client
     * ({@link #claim(SqlConnection, List, OffsetDateTime)}); null when no key was sent; 400 for a malformed key.
     */
    public Claim claimOf(IdempotentCall call) {
        if (call.key() == null) {
            return null;
        }
        if (!KEY.matcher(call.key()).matches()) {
            throw malformedKey();
        }
        return claim(call);
    }

    private Claim claim(IdempotentCall call) {
        return new Claim(
                caller.tenantId() + "|" + merchantOrEmpty() + "|" + call.route(),
                call.key(),
                fingerprint(call),
                currentRequestId());
    }

    /**
     * Inserts the records of several calls in one statement, keys in one order (so that two such
     * transactions cannot wait for each other), and returns those inserted. A key already taken, also by an
     * expired record, is not claimed: that call takes {@link #run}, which waits, replays or removes it. Of
     * two claims of one key in the list, the first is claimed. The set compares by identity.
     */
    public Uni<Set<Claim>> claim(SqlConnection c, List<Claim> claims, OffsetDateTime now) {
        List<Claim> sorted = claims.stream()
                .sorted(Comparator.comparing(Claim::scope).thenComparing(Claim::key))
                .toList();
        int n = sorted.size();
        String[] scopes = new String[n];
        String[] keys = new String[n];
        String[] fingerprints = new String[n];
        String[] requestIds = new String[n];
        for (int i = 0; i < n; i++) {
            scopes[i] = sorted.get(i).scope();
            keys[i] = sorted.get(i).key();
            fingerprints[i] = sorted.get(i).fingerprint();
            requestIds[i] = sorted.get(i).requestId();
        }
        return c.preparedQuery("""
                        INSERT INTO idempotency_records (scope, idempotency_key, fingerprint, request_id, created_at, expires_at)
                        SELECT s, k, f, r, $5, $6 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS t(s, k, f, r, i)
                         ORDER BY i
                        ON CONFLICT (scope, idempotency_key) DO NOTHING
                        RETURNING scope, idempotency_key""")
                .execute(Tuple.of(scopes, keys, fingerprints, requestIds, now, expiry(now)))
                .map(rows -> {
                    Set<String> inserted = new HashSet<>();
                    rows.forEach(r -> inserted.add(r.getString(0) + '\n' + r.getString(1)));
                    Set<Claim> out = Collections.newSetFromMap(new IdentityHashMap<>());
                    for (Claim cl : sorted) {
                        if (inserted.remove(cl.scope() + '\n' + cl.key())) {
                            out.add(cl);
                        }
                    }
                    return out;
                });
    }

    /**
     * Settles claims taken by {@link #claim(SqlConnection, List, OffsetDateTime)}: an outcome {@link #storable}
     * is stored, any other — and a null one, a call given back to run by {@link #run} — frees the key (API.md
     * §2.9). Returns each response as the first answer sends it, in a map by identity like {@code outcomes}.
     */
    public Uni<Map<Claim, Response>> settle(SqlConnection c, Map<Claim, Response> outcomes) {
        List<Tuple> stored = new ArrayList<>();
        List<Tuple> released = new ArrayList<>();
        Map<Claim, Response> sent = new IdentityHashMap<>();
        for (Map.Entry<Claim, Response> e : outcomes.entrySet()) {
            Claim cl = e.getKey();
            Response r = e.getValue();
            if (r != null && storable(r)) {
                Stored s;
                try {
                    s = stored(r);
                } catch (JsonProcessingException ex) {
                    return Uni.createFrom().failure(ex);
                }
                stored.add(Tuple.of(cl.scope(), cl.key(), r.getStatus(), s.headersJson(), s.body()));
                sent.put(cl, s.response());
            } else {
                released.add(Tuple.of(cl.scope(), cl.key()));
                sent.put(cl, r);
            }
        }
        Uni<Void> store = stored.isEmpty()
                ? Uni.createFrom().voidItem()
                : c.preparedQuery("""
                        UPDATE idempotency_records SET response_status = $3, response_headers = $4, response_body = $5
                         WHERE scope = $1 AND idempotency_key = $2""").executeBatch(stored).replaceWithVoid();
        Uni<Void> release = released.isEmpty()
                ? Uni.createFrom().voidItem()
                : c.preparedQuery("DELETE FROM idempotency_records WHERE scope = $1 AND idempotency_key = $2")
                        .executeBatch(released)
                        .replaceWithVoid();
        return Uni.combine().all().unis(store, release).discardItems().replaceWith(sent);
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

    /** When a record claimed at {@code claimedAt} expires: the retention after its request finished. */
    private OffsetDateTime expiry(OffsetDateTime claimedAt) {
        return claimedAt.plus(config.retention()).plus(FINISH_MARGIN);
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
                        .setParameter(6, expiry(now))
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

    /** Stores the outcome and returns the response with its body as the stored JSON text. */
    private Uni<Response> store(String scope, String key, Response response) {
        Stored s;
        try {
            s = stored(response);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery("""
                UPDATE idempotency_records SET response_status = ?3, response_headers = ?4, response_body = ?5
                 WHERE scope = ?1 AND idempotency_key = ?2""")
                        .setParameter(1, scope)
                        .setParameter(2, key)
                        .setParameter(3, response.getStatus())
                        .setParameter(4, s.headersJson())
                        .setParameter(5, s.body())
                        .executeUpdate())
                .replaceWith(s.response());
    }

    /** An outcome as it is stored, and the response with its body as that stored JSON text. */
    private record Stored(String headersJson, String body, Response response) {}

    /**
     * Serialised once, here, instead of once for the record and again by the REST layer; the first answer
     * and every replay are then the same bytes.
     */
    private Stored stored(Response response) throws JsonProcessingException {
        Map<String, String> headers = new LinkedHashMap<>();
        response.getHeaders().forEach((name, values) -> {
            if (KEPT_HEADERS.stream().anyMatch(h -> h.equalsIgnoreCase(name)) && !values.isEmpty()) {
                headers.put(name, String.valueOf(values.get(0)));
            }
        });
        if (response.getMediaType() != null) {
            headers.put("Content-Type", response.getMediaType().toString());
        }
        String headersJson = mapper.writeValueAsString(headers);
        String body = response.hasEntity() ? mapper.writeValueAsString(response.getEntity()) : null;
        return new Stored(
                headersJson,
                body,
                body == null
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

    /** Whether an outcome is kept and replayed: success, and the 422s that a retry would meet again. */
    private static boolean storable(Response r) {
        if (r.getStatus() >= 200 && r.getStatus() < 300) {
            return true;
        }
        if (r.getStatus() == 422 && r.getEntity() instanceof ErrorEnvelope e) {
            return !UNSTORED_422.contains(e.code());
        }
        return false;
    }

    /** Whether a refusal is kept and replayed, as {@link #storable(Response)} says of its response. */
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
