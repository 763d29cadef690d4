package com.openfiskal.contracts.error;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Anything unexpected: logged with its stack trace (the log line carries the request id), answered as
 * 500 {@code internal_error} without class names or traces. A database that cannot be reached is a 503
 * with {@code Retry-After}, as API.md §2.12 asks for unavailable dependencies.
 */
@Provider
public class FallbackExceptionMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(FallbackExceptionMapper.class);

    @Override
    public Response toResponse(Throwable e) {
        if (isUnavailable(e)) {
            LOG.warn("Dependency unavailable: " + e);
            return ErrorResponses.of(new ApiException(
                    ErrorCode.INTERNAL_ERROR,
                    503,
                    "A dependency is unavailable. Retry later.",
                    Map.of(),
                    Map.of("Retry-After", "1")));
        }
        LOG.error("Unhandled server error", e);
        return ErrorResponses.of(ErrorCode.INTERNAL_ERROR, 500, "Internal error.", Map.of());
    }

    private static boolean isUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String name = t.getClass().getName();
            if (t instanceof java.net.ConnectException
                    || name.endsWith("ConnectTimeoutException")
                    || name.equals("io.vertx.core.impl.NoStackTraceThrowable")
                            && String.valueOf(t.getMessage()).contains("Timeout")) {
                return true;
            }
        }
        return false;
    }
}
