package com.openfiskal.fiscalization.tenant;

import com.openfiskal.contracts.auth.Endpoints;
import com.openfiskal.contracts.error.ErrorCode;
import com.openfiskal.contracts.error.ErrorResponses;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The admin API's credential, {@code Authorization: Bearer <OPENFISKAL_ADMIN_TOKEN>}, compared in constant
 * time before the request is even matched to a route. Without a configured token the admin API does not
 * exist: every admin path answers 404.
 */
public class AdminAuthenticationFilter {

    private final Optional<byte[]> expected;

    public AdminAuthenticationFilter(@ConfigProperty(name = "openfiskal.admin-token") Optional<String> token) {
        this.expected = token.filter(t -> !t.isBlank()).map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8));
    }

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION)
    public Response authenticate(ContainerRequestContext request) {
        if (Endpoints.of(request.getUriInfo().getPath()) != Endpoints.ADMIN) {
            return null;
        }
        if (expected.isEmpty()) {
            return ErrorResponses.of(ErrorCode.NOT_FOUND, 404, "Resource not found.", Map.of());
        }
        String auth = request.getHeaderString("Authorization");
        if (auth == null || !MessageDigest.isEqual(expected.get(), auth.trim().getBytes(StandardCharsets.UTF_8))) {
            return ErrorResponses.of(ErrorCode.UNAUTHORIZED, 401, "Authentication failed.", Map.of());
        }
        return null;
    }
}
