package com.openfiskal.fiscalization.session;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openfiskal.contracts.error.ApiException;
import com.openfiskal.contracts.ids.Ids;
import com.openfiskal.contracts.json.Timestamps;
import com.openfiskal.fiscalization.common.QueryParams;
import com.openfiskal.fiscalization.register.RegisterEntity;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;

/**
 * The one synchronous call between services (API.md §9.2): the export-service asks which sessions of a
 * register are closed, with their closing numbers, so that a lagging {@code session.closed} event gives
 * {@code export_dsfinvk_build_pending} instead of an archive that silently misses a closing. Reachable only
 * with the internal service token (not an API key), and not part of the public contract.
 */
@Path("/internal/v1/registers/{id}/closed-sessions")
public class InternalSessionResource {

    private final SessionService sessions;
    private final ObjectMapper mapper;

    public InternalSessionResource(SessionService sessions, ObjectMapper mapper) {
        this.sessions = sessions;
        this.mapper = mapper;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @WithSession
    public Uni<Response> closedSessions(
            @PathParam("id") String registerId, @QueryParam("from") String from, @QueryParam("to") String to) {
        if (!Ids.isValid(Ids.REGISTER, registerId)) {
            throw ApiException.invalid("id", "Malformed register id.");
        }
        Instant f = from == null ? Instant.EPOCH : QueryParams.instant(from, "from");
        Instant t = to == null ? Instant.now() : QueryParams.instant(to, "to");
        return RegisterEntity.<RegisterEntity>findById(registerId).flatMap(r -> {
            if (r == null) {
                throw ApiException.notFound("Register");
            }
            return sessions.closed(registerId, f, t).map(list -> {
                ObjectNode n = mapper.createObjectNode();
                n.put("register_id", r.id);
                n.put("first_fiscalized_at", Timestamps.format(r.firstFiscalizedAt));
                n.put("decommissioned_at", Timestamps.format(r.decommissionedAt));
                n.put("last_closing_number", r.lastClosingNumber);
                list.forEach(s -> n.withArray("sessions")
                        .addObject()
                        .put("session_id", s.id)
                        .put("closing_number", s.closingNumber)
                        .put("closed_at", Timestamps.format(s.closedAt)));
                n.withArray("sessions");
                // a Response, not the node type: a resource method returning ObjectNode makes Quarkus REST
                // generate a bean serializer for ObjectNode, and every other ObjectNode body would use it
                return Response.ok(n).build();
            });
        });
    }
}
