package com.openfiskal.fiscalization.tse;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Completes a master-key rotation (docs/operations.md "Rotate keys"): at start-up, when a previous master
 * key is configured, every TSS secret still sealed with it is re-encrypted under the current key. Each TSS
 * is resealed in its own transaction under its row lock, the lock every signature takes, so a replica
 * signing at the same time reads either the old or the new ciphertext, both of which it can open.
 * Replicas doing this at once reseal each row once (the second finds it current).
 */
@ApplicationScoped
public class MasterKeyRotation {

    private static final Logger LOG = Logger.getLogger(MasterKeyRotation.class);

    private final DataSource db;
    private final KeyVault vault;

    public MasterKeyRotation(DataSource db, KeyVault vault) {
        this.db = db;
        this.vault = vault;
    }

    void onStart(@Observes StartupEvent event) throws SQLException {
        if (vault.rotating()) {
            rotate(vault);
        }
    }

    /** Reseals what {@code vault}'s previous key sealed; returns how many secrets were rewritten. */
    public int rotate(KeyVault vault) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT id FROM fiscalization.tse_tss ORDER BY id");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        int resealed = 0;
        int unreadable = 0;
        for (String id : ids) {
            try {
                resealed += reseal(vault, id);
            } catch (IllegalStateException e) {
                unreadable++;
                LOG.errorf("TSS %s: its secrets open with neither the current nor the previous master key", id);
            }
        }
        LOG.infof("Re-encrypted %d TSE secrets under the current master key (%d TSS checked)", resealed, ids.size());
        if (unreadable > 0) {
            LOG.errorf("%d TSS could not be read with either master key: they cannot sign", unreadable);
        }
        return resealed;
    }

    private int reseal(KeyVault vault, String id) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                byte[] key;
                byte[] pin;
                try (PreparedStatement s = c.prepareStatement(
                        "SELECT encrypted_private_key, encrypted_admin_pin FROM fiscalization.tse_tss WHERE id = ? FOR UPDATE")) {
                    s.setString(1, id);
                    try (ResultSet rs = s.executeQuery()) {
                        if (!rs.next()) {
                            c.rollback();
                            return 0;
                        }
                        key = rs.getBytes(1);
                        pin = rs.getBytes(2);
                    }
                }
                byte[] newKey = vault.reseal(key, id);
                byte[] newPin = pin == null ? null : vault.reseal(pin, id);
                if (newKey == null && newPin == null) {
                    c.rollback();
                    return 0;
                }
                try (PreparedStatement u = c.prepareStatement(
                        "UPDATE fiscalization.tse_tss SET encrypted_private_key = ?, encrypted_admin_pin = ? WHERE id = ?")) {
                    u.setBytes(1, newKey != null ? newKey : key);
                    u.setBytes(2, newPin != null ? newPin : pin);
                    u.setString(3, id);
                    u.executeUpdate();
                }
                c.commit();
                return (newKey != null ? 1 : 0) + (newPin != null ? 1 : 0);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }
}
