package com.openfiskal.export.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openfiskal.contracts.auth.Caller;
import com.openfiskal.contracts.auth.SecurityConfig;
import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.error.ErrorCode;
import com.openfiskal.contracts.ids.Ids;
import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.contracts.paging.Cursor;
import com.openfiskal.contracts.paging.Page;
import com.openfiskal.contracts.reporting.model.ExportCreate;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Creating and reading export jobs (API.md §9.2–§9.4). Creating runs the synchronous checks in their order,
 * clamps the window to the register's fiscalized lifetime, asks the fiscalization-service which sessions
 * are closed in it (never trusting the event stream alone) and queues the job only if every one of their
 * closings is compiled here.
 */
@ApplicationScoped
public class ExportService {

    private static final Logger LOG = Logger.getLogger(ExportService.class);

    private final Caller caller;
    private final ClosedSessionsClient fiscalization;
    private final SecurityConfig security;
    private final DownloadLinks links;
    private final ObjectMapper mapper;

    public ExportService(
            Caller caller,
            @RestClient ClosedSessionsClient fiscalization,
            SecurityConfig security,
            DownloadLinks links,
            ObjectMapper mapper) {
        this.caller = caller;
        this.fiscalization = fiscalization;
        this.security = security;
        this.links = links;
        this.mapper = mapper;
    }

    /** The window as requested; checks 1–3 of §9.2 (schema, register id, order). */
    record Window(String registerId, Instant from, Instant to) {}

    Window window(ExportCreate body) {
        Instant from = Timestamps.parse(body.getFrom())
                .orElseThrow(() -> ApiException.invalid("from", "from must be an RFC 3339 timestamp."));
        Instant to = Timestamps.parse(body.getTo())
                .orElseThrow(() -> ApiException.invalid("to", "to must be an RFC 3339 timestamp."));
        if (body.getRegisterId() == null) {
            throw new ApiException(
                    ErrorCode.REGISTER_ID_REQUIRED_FOR_DSFINVK,
                    "A DSFinV-K export covers one register: register_id is required.");
        }
        if (!from.isBefore(to)) {
            throw ApiException.rule("time_range_invalid", "from", "from must be before to.");
        }
        return new Window(body.getRegisterId(), from, to);
    }

    @WithTransaction
    public Uni<ExportEntity> create(ExportCreate body) {
        Window w = window(body);
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "SELECT regime FROM identity_registers WHERE register_id = ?1 AND merchant_id = ?2 AND NOT deleted",
                                Object.class)
                        .setParameter(1, w.registerId())
                        .setParameter(2, caller.merchantId())
                        .getResultList())
                .flatMap(rows -> {
                    if (rows.isEmpty()) {
                        throw ApiException.notFound("Register");
                    }
                    if (rows.get(0) == null) {
                        throw ApiException.rule(
                                "register_regime_not_kassensichv",
                                "register_id",
                                "The register is not on the KassenSichV regime; DSFinV-K covers KassenSichV registers only.");
                    }
                    return authoritativeSessions(w);
                })
                .flatMap(closed -> compiled(w.registerId(), closed).flatMap(local -> queue(w, closed, local)));
    }

    /** A closed session in the clamped window, as the fiscalization-service knows it. */
    record Closed(String sessionId, long closingNumber) {}

    private record Clamped(Instant from, Instant to, List<Closed> sessions) {}

    private Uni<Clamped> authoritativeSessions(Window w) {
        String token = "Bearer " + security.internalToken().orElse("");
        return fiscalization
                .closedSessions(w.registerId(), Timestamps.format(w.from()), Timestamps.format(w.to()), token)
                .onFailure()
                .transform(e -> {
                    if (e instanceof WebApplicationException wae
                            && wae.getResponse().getStatus() == 404) {
                        return ApiException.notFound("Register");
                    }
                    LOG.warnf("closed-session check failed: %s", e.toString());
                    return new ApiException(
                            ErrorCode.INTERNAL_ERROR,
                            503,
                            "The closed-session check is unavailable; retry shortly.",
                            Map.of(),
                            Map.of("Retry-After", "5"));
                })
                .map(n -> clamp(w, n));
    }

    /** API.md §9.2: effective_from = max(from, first fiscalized_at), effective_to = min(to, decommissioned_at ?? now). */
    private static Clamped clamp(Window w, JsonNode n) {
        Instant first =
                Timestamps.parse(n.path("first_fiscalized_at").asText(null)).orElse(null);
        Instant decommissioned =
                Timestamps.parse(n.path("decommissioned_at").asText(null)).orElse(null);
        Instant now = Instant.now();
        Instant from = first == null || w.from().isAfter(first) ? w.from() : first;
        Instant end = decommissioned == null ? now : decommissioned;
        Instant to = w.to().isBefore(end) ? w.to() : end;
        List<Closed> sessions = new ArrayList<>();
        if (first != null && !from.isAfter(to)) {
            for (JsonNode s : n.path("sessions")) {
                Instant closedAt =
                        Timestamps.parse(s.path("closed_at").asText()).orElseThrow();
                if (!closedAt.isBefore(from) && !closedAt.isAfter(to)) {
                    sessions.add(new Closed(
                            s.path("session_id").asText(),
                            s.path("closing_number").asLong()));
                }
            }
        }
        sessions.sort((a, b) -> Long.compare(a.closingNumber(), b.closingNumber()));
        return new Clamped(from, to, sessions);
    }

    /** session id → state of its closing here ('built', 'waiting', 'failed'), for the sessions asked about. */
    private Uni<Map<String, Object[]>> compiled(String registerId, Clamped closed) {
        String[] ids = closed.sessions().stream().map(Closed::sessionId).toArray(String[]::new);
        return Panache.getSession()
                .flatMap(s -> s.createNativeQuery(
                                "SELECT session_id, state, timezone FROM closed_sessions WHERE register_id = ?1 AND session_id = ANY (?2)",
                                Object[].class)
                        .setParameter(1, registerId)
                        .setParameter(2, ids)
                        .getResultList())
                .map(rows -> {
                    Map<String, Object[]> m = new LinkedHashMap<>();
                    rows.forEach(r -> m.put((String) r[0], r));
                    return m;
                });
    }

    private Uni<ExportEntity> queue(Window w, Clamped closed, Map<String, Object[]> local) {
        if (closed.sessions().isEmpty()) {
            throw new ApiException(
                    ErrorCode.EXPORT_DSFINVK_NO_CLOSED_SESSIONS,
                    "No session of this register was closed in the window (clamped to its fiscalized lifetime).");
        }
        List<String> unbuilt = closed.sessions().stream()
                .map(Closed::sessionId)
                .filter(id -> !local.containsKey(id) || "waiting".equals(local.get(id)[1]))
                .toList();
        if (!unbuilt.isEmpty()) {
            throw new ApiException(
                    ErrorCode.EXPORT_DSFINVK_BUILD_PENDING,
                    ErrorCode.EXPORT_DSFINVK_BUILD_PENDING.status(),
                    "The cashpoint closing of " + unbuilt.size()
                            + " closed session(s) is still being compiled. Retry in a few seconds.",
                    Map.of("unbuilt_session_ids", unbuilt),
                    Map.of("Retry-After", "2"));
        }
        ExportEntity e = new ExportEntity();
        e.id = Ids.next(Ids.EXPORT);
        e.tenantId = caller.tenantId();
        e.merchantId = caller.merchantId();
        e.registerId = w.registerId();
        e.type = "dsfinvk";
        e.status = "pending";
        e.from = w.from();
        e.to = w.to();
        e.effectiveFrom = closed.from();
        e.effectiveTo = closed.to();
        e.sessionIds = String.join(
                ",", closed.sessions().stream().map(Closed::sessionId).toList());
        e.closingNumbers = String.join(
                ",",
                closed.sessions().stream()
                        .map(c -> Long.toString(c.closingNumber()))
                        .toList());
        e.timezone = (String) local.get(closed.sessions().get(0).sessionId())[2];
        e.createdAt = Timestamps.now();
        return e.persist().replaceWith(e);
    }

    @WithSession
    public Uni<ExportEntity> get(String id) {
        if (!Ids.isValid(Ids.EXPORT, id)) {
            return Uni.createFrom().failure(ApiException.notFound("Export"));
        }
        return ExportEntity.<ExportEntity>findById(id).map(e -> {
            if (e == null || !e.merchantId.equals(caller.merchantId())) {
                throw ApiException.notFound("Export");
            }
            return e;
        });
    }

    @WithSession
    public Uni<Page<ExportEntity>> list(Integer limit, String cursor, String registerId, String status) {
        String filters = Cursor.filters(registerId, status);
        String after = Cursor.decode(cursor, filters);
        int n = Cursor.limit(limit);
        StringBuilder q = new StringBuilder("merchantId = :merchant");
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("merchant", caller.merchantId());
        if (registerId != null) {
            q.append(" and registerId = :register");
            p.put("register", registerId);
        }
        if (status != null) {
            q.append(" and status = :status");
            p.put("status", status);
        }
        if (after != null) {
            q.append(" and id < :after");
            p.put("after", after);
        }
        q.append(" order by id desc");
        return ExportEntity.<ExportEntity>find(q.toString(), p)
                .page(0, n + 1)
                .list()
                .map(rows -> Page.of(rows, n, e -> e.id, filters));
    }

    public ObjectNode renderPage(Page<ExportEntity> page) {
        ObjectNode n = mapper.createObjectNode();
        page.items().forEach(e -> n.withArray("data").add(render(e)));
        n.withArray("data");
        n.put("has_more", page.hasMore());
        n.put("next_cursor", page.nextCursor());
        return n;
    }

    /** The Export object of API.md §9.1. */
    public ObjectNode render(ExportEntity e) {
        ObjectNode n = mapper.createObjectNode();
        n.put("id", e.id);
        n.put("type", e.type);
        n.put("status", e.status);
        n.put("merchant_id", e.merchantId);
        n.put("register_id", e.registerId);
        n.put("from", Timestamps.format(e.from));
        n.put("to", Timestamps.format(e.to));
        n.put("effective_from", Timestamps.format(e.effectiveFrom));
        n.put("effective_to", Timestamps.format(e.effectiveTo));
        Arrays.stream(e.sessionIds.split(","))
                .filter(s -> !s.isEmpty())
                .forEach(s -> n.withArray("session_ids").add(s));
        n.withArray("session_ids");
        boolean downloadable = "completed".equals(e.status)
                && !e.artifactDeleted
                && e.expiresAt != null
                && Instant.now().isBefore(e.expiresAt);
        n.put("download_url", downloadable ? links.url(e.id, e.expiresAt) : null);
        if (e.error == null) {
            n.putNull("error");
        } else {
            try {
                n.set("error", mapper.readTree(e.error));
            } catch (Exception ex) {
                n.putObject("error").put("message", e.error).putNull("details");
            }
        }
        n.put("created_at", Timestamps.format(e.createdAt));
        n.put("completed_at", Timestamps.format(e.completedAt));
        n.put("expires_at", Timestamps.format(e.expiresAt));
        if (e.sizeBytes == null) {
            n.putNull("size_bytes");
        } else {
            n.put("size_bytes", e.sizeBytes);
        }
        n.put("sha256", e.sha256);
        return n;
    }
}
