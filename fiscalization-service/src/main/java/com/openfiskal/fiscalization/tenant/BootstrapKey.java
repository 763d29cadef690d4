package com.openfiskal.fiscalization.tenant;

import com.openfiskal.contracts.auth.ApiKeys;
import com.openfiskal.contracts.auth.SecurityConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Dev bootstrap: with {@code OPENFISKAL_BOOTSTRAP_API_KEY} set, a sandbox tenant holding that key exists
 * after start (idempotent across restarts). The key itself is never logged.
 */
@ApplicationScoped
public class BootstrapKey {

    private static final Logger LOG = Logger.getLogger(BootstrapKey.class);

    void onStart(
            @Observes StartupEvent ev,
            TenantService tenants,
            SecurityConfig security,
            @ConfigProperty(name = "openfiskal.bootstrap-api-key") Optional<String> key)
            throws Throwable {
        if (key.isEmpty() || key.get().isBlank()) {
            return;
        }
        ApiKeys.Parsed parsed = ApiKeys.parse(key.get())
                .orElseThrow(() -> new IllegalStateException(
                        "OPENFISKAL_BOOTSTRAP_API_KEY is not of the form of_{test|live}_{country}_{random}"));
        if (!parsed.environment().equals(security.environment())) {
            throw new IllegalStateException("OPENFISKAL_BOOTSTRAP_API_KEY belongs to environment "
                    + parsed.environment() + ", this deployment is " + security.environment());
        }
        boolean created = VertxContextSupport.subscribeAndAwait(() -> tenants.ensureBootstrapKey(key.get()));
        LOG.infof("Bootstrap API key %s %s", parsed.displayPrefix(), created ? "created" : "already present");
    }
}
